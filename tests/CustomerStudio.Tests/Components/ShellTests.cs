using Bunit;
using CustomerStudio.Web.Components.Shared;
using CustomerStudio.Web.Security;

namespace CustomerStudio.Tests.Components;

public class ShellTests : BunitTestBase
{
    public ShellTests() => Services.AddMenuProviders(typeof(Policies).Assembly);

    [Fact]
    public void The_shell_shows_the_app_bar_navigation_user_and_page()
    {
        UseCulture("zh-CN");
        AddAuthorization().SetAuthorized("marketer@customerstudio.local").SetRoles("Marketer")
            .SetPolicies(Policies.Customers, Policies.Tags, Policies.Segments, Policies.Journeys);
        var cut = Render<ShellHarness>();

        Assert.Contains("CustomerStudio 客户标签画像", cut.Find(".mud-appbar").TextContent);
        Assert.Equal("page body", cut.Find("[data-testid=body]").TextContent);
        Assert.Contains("marketer@customerstudio.local", cut.Find("[data-testid=user-name]").TextContent);
        Assert.NotNull(cut.Find("form[action='account/logout'] [data-testid=sign-out]"));
        var links = cut.FindAll("[data-testid=nav] a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Equal(["/", "/customers", "/accounts", "/tags", "/tags/stale", "/segments", "/journeys"], links);
    }

    [Fact]
    public async Task The_theme_toggle_switches_between_light_and_dark()
    {
        UseCulture("en");
        AddAuthorization().SetAuthorized("admin");
        var cut = Render<ShellHarness>();
        Assert.Equal("Dark mode", cut.Find("[data-testid=theme-toggle]").GetAttribute("aria-label"));
        await cut.InvokeAsync(() => cut.Find("[data-testid=theme-toggle]").Click());
        Assert.Equal("Light mode", cut.Find("[data-testid=theme-toggle]").GetAttribute("aria-label"));
    }
}
