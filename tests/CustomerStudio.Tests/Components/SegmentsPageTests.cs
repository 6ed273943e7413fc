using Bunit;
using CustomerStudio.Core.Data;
using CustomerStudio.Tests.Conditions;
using CustomerStudio.Web.Components.Shared;
using CustomerStudio.Web.Features.Segments;
using CustomerStudio.Web.Security;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CustomerStudio.Tests.Components;

public class SegmentsPageTests : BunitTestBase, IClassFixture<ConditionWorld>
{
    public SegmentsPageTests(ConditionWorld world)
    {
        UseCulture("zh-CN");
        Services.AddDbContextFactory<StudioDbContext>(o =>
            StudioDatabase.Configure(o, DatabaseProvider.Sqlite, world.Sqlite.ConnectionString));
        Services.AddSingleton(TimeProvider.System);
        Services.AddScoped<WorkspaceClock>();
        AddAuthorization().SetAuthorized("marketer@customerstudio.local").SetRoles("Marketer").SetPolicies(Policies.Segments);
    }

    [Fact]
    public void The_list_says_which_definitions_use_each_segment_and_offers_an_overlap()
    {
        Render<MudPopoverProvider>();
        var cut = Render<SegmentsPage>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=segment-link]")), TimeSpan.FromSeconds(10));

        string UsedBy(string name) => cut.FindAll("tr")
            .Single(r => r.QuerySelector("[data-testid=segment-link]")?.TextContent == name)
            .QuerySelector("[data-testid=segment-used-by]")!.TextContent;
        Assert.Equal("Loop B", UsedBy("Loop A"));
        Assert.Equal("Loop A", UsedBy("Loop B"));
        Assert.Equal("", UsedBy("上海"));
        Assert.NotNull(cut.Find("[data-testid=overlap-card]"));
    }
}
