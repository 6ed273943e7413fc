using Bunit;
using CustomerStudio.Core.Tags;
using CustomerStudio.Web.Features.Tags.Stale;

namespace CustomerStudio.Tests.Web;

public class TagsStaleReportTests : TagStudioTestBase, IClassFixture<TagStudioWorld>
{
    public TagsStaleReportTests(TagStudioWorld world) : base(world) { }

    [Fact]
    public async Task Deprecating_a_selection_shows_each_tags_own_outcome()
    {
        SignIn(TagStudioWorld.Governance);
        var cut = Render<StaleTagsPage>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=stale-row]")), Wait);

        // Live tags nothing uses are listed with their reasons; drafts and tags in review are not.
        var codes = cut.FindAll("[data-testid=stale-row]").Select(r => r.GetAttribute("data-code")).ToList();
        Assert.Contains("vip_list", codes);
        Assert.Contains("retired_flag", codes);
        Assert.DoesNotContain("newsletter", codes);
        Assert.DoesNotContain("buyers", codes);
        var vip = cut.Find("[data-testid=stale-row][data-code=vip_list]");
        Assert.Equal(["Unused", "ZeroCoverage"], vip.QuerySelectorAll("[data-testid=stale-reason]").Select(r => r.GetAttribute("data-reason")));

        // One active tag and one already deprecated: the first goes through, the second says why not.
        foreach (var code in new[] { "vip_list", "retired_flag" })
            await cut.InvokeAsync(() => cut.Find($"[data-testid=stale-row][data-code={code}] input[data-testid=stale-select]").Change(true));
        Assert.Contains("2", cut.Find("[data-testid=stale-selected-count]").TextContent);
        await cut.InvokeAsync(() => cut.Find("[data-testid=stale-deprecate]").Click());

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=stale-row][data-code=vip_list] [data-testid=stale-result-ok]")), Wait);
        Assert.Contains("retired_flag", cut.Find("[data-testid=stale-row][data-code=retired_flag] [data-testid=stale-result-error]").TextContent);
        Assert.Equal(TagStatus.Deprecated, (await TagAsync("vip_list")).Status);
    }

    [Fact]
    public void A_marketer_reads_the_report_but_may_not_deprecate()
    {
        SignIn(TagStudioWorld.Marketer);
        var cut = Render<StaleTagsPage>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=stale-row]")), Wait);

        Assert.True(cut.Find("[data-testid=stale-deprecate]").HasAttribute("disabled"));
        Assert.NotNull(cut.Find("[data-testid=stale-governance-only]"));
        Assert.Empty(cut.FindAll("[data-testid=stale-row][data-code=secret_flag]"));
    }
}
