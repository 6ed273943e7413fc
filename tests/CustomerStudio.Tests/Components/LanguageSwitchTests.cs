using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerStudio.Tests.Components;

public class LanguageSwitchTests : BunitTestBase
{
    [Fact]
    public async Task Choosing_english_goes_through_the_culture_endpoint_and_back_to_the_page()
    {
        UseCulture("zh-CN");
        var nav = Services.GetRequiredService<NavigationManager>();
        nav.NavigateTo("/segments");
        var cut = Render<LanguageSwitchHarness>();

        await cut.InvokeAsync(() => cut.Find("[data-testid=language-switch] button").Click());
        await cut.InvokeAsync(() => cut.Find("[data-testid=lang-en]").Click());

        Assert.Equal("http://localhost/culture/set?culture=en&redirectUri=%2Fsegments", nav.Uri);
    }

    [Fact]
    public async Task The_current_language_is_checked()
    {
        UseCulture("en");
        var cut = Render<LanguageSwitchHarness>();
        await cut.InvokeAsync(() => cut.Find("[data-testid=language-switch] button").Click());
        Assert.NotEmpty(cut.Find("[data-testid=lang-en]").QuerySelectorAll("svg"));
        Assert.Empty(cut.Find("[data-testid=lang-zh-CN]").QuerySelectorAll("svg"));
    }
}
