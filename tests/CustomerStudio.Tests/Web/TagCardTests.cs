using AngleSharp.Dom;
using Bunit;
using CustomerStudio.Core.Tags;
using CustomerStudio.Web.Features.Tags.Card;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Tests.Web;

public class TagCardTests : TagStudioTestBase, IClassFixture<TagStudioWorld>
{
    public TagCardTests(TagStudioWorld world) : base(world) { }

    private IRenderedComponent<TagCard> OpenTag(string code)
    {
        var id = World.Tags[code];
        var cut = Render<TagCard>(p => p.Add(c => c.TagId, id));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=tag-card]")), Wait);
        return cut;
    }

    private IRenderedComponent<TagCard> OpenNew(string category)
    {
        var id = World.Categories[category];
        var cut = Render<TagCard>(p => p.Add(c => c.NewCategoryId, id));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=tag-card]")), Wait);
        return cut;
    }

    /// <summary>A field's whole control: its label and its helper or error text.</summary>
    private static IElement Control(IRenderedComponent<TagCard> cut, string testId) =>
        cut.Find($"[data-testid={testId}]").Closest(".mud-input-control")!;

    private static async Task TypeAsync(IRenderedComponent<TagCard> cut, string testId, string text) =>
        await cut.InvokeAsync(() => cut.Find($"[data-testid={testId}] input, input[data-testid={testId}]").Change(text));

    private static async Task OpenTabAsync(IRenderedComponent<TagCard> cut, string tab) =>
        await cut.InvokeAsync(() => cut.Find($"[data-testid=tab-{tab}]").Closest(".mud-tab")!.Click());

    [Fact]
    public async Task Saving_an_invalid_card_shows_each_error_on_its_own_field()
    {
        SignIn(TagStudioWorld.Governance);
        var cut = OpenNew("governed");

        await TypeAsync(cut, "tag-code", "Bad Code");
        await cut.InvokeAsync(() => cut.Find("[data-testid=tag-save]").Click());

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=save-errors]")), Wait);
        Assert.Contains("mud-input-error", Control(cut, "tag-code").InnerHtml);
        Assert.Contains("Bad Code", Control(cut, "tag-code").TextContent);
        Assert.Contains("mud-input-error", Control(cut, "tag-name-zh").InnerHtml);
        Assert.Contains("mud-input-error", Control(cut, "tag-name-en").InnerHtml);
        // Every problem sits on a field: none is left for the list above the form.
        Assert.Empty(cut.FindAll("[data-testid=save-error]"));
        await using var db = World.Database.CreateContext();
        Assert.False(await db.Tags.AnyAsync(t => t.Code == "Bad Code"));
    }

    [Fact]
    public async Task A_name_like_an_existing_tag_is_saved_with_a_same_name_different_meaning_warning()
    {
        SignIn(TagStudioWorld.Governance);
        var cut = OpenNew("governed");

        await TypeAsync(cut, "tag-code", "loyal_members");
        await TypeAsync(cut, "tag-name-zh", "忠实客户");
        // Warned while typing, before anything is saved.
        cut.WaitForAssertion(() => Assert.Equal("loyal", cut.Find("[data-testid=tag-warning]").GetAttribute("data-other")), Wait);
        await TypeAsync(cut, "tag-name-en", "Loyal members");
        await cut.InvokeAsync(() => cut.Find("[data-testid=tag-save]").Click());

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.Instance.Tag?.Code ?? ""), Wait);
        var warning = cut.Find("[data-testid=tag-warnings]");
        Assert.Contains("同名不同义", warning.TextContent);
        Assert.Contains(cut.FindAll("[data-testid=tag-warning]"), w => w.GetAttribute("data-code") == "SimilarName" && w.GetAttribute("data-other") == "loyal");
        Assert.Contains("loyal", warning.TextContent);
        var saved = await TagAsync("loyal_members");
        Assert.Equal(TagStatus.Draft, saved.Status);
    }

    [Fact]
    public void A_marketer_sees_a_governance_only_tag_read_only()
    {
        SignIn(TagStudioWorld.Marketer);
        var cut = OpenTag("vip_list");

        Assert.NotNull(cut.Find("[data-testid=tag-readonly]"));
        Assert.Empty(cut.FindAll("[data-testid=tag-save]"));
        Assert.Empty(cut.FindAll("[data-testid=tag-deprecate]"));
        Assert.True(cut.Find("[data-testid=tag-name-zh] input, input[data-testid=tag-name-zh]").HasAttribute("disabled"));
        Assert.True(cut.Find("[data-testid=tag-code] input, input[data-testid=tag-code]").HasAttribute("disabled"));
        Assert.Empty(cut.FindAll("[data-testid=value-add]"));
    }

    [Fact]
    public async Task A_marketer_may_not_approve_and_the_refusal_is_shown_when_forced()
    {
        SignIn(TagStudioWorld.Marketer);
        var cut = OpenTag("buyers_marketer");
        // The marketer may edit the category: the submission can be withdrawn, but not approved.
        Assert.NotNull(cut.Find("[data-testid=tag-withdraw]"));

        await OpenTabAsync(cut, "review");
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=review-pending]")), Wait);
        Assert.True(cut.Find("[data-testid=tag-approve]").HasAttribute("disabled"));
        Assert.True(cut.Find("[data-testid=tag-reject]").HasAttribute("disabled"));
        Assert.NotNull(cut.Find("[data-testid=approve-not-allowed]"));

        // Forced through anyway (a stale page, a crafted event), the core refuses and the card says why.
        Assert.False(await cut.InvokeAsync(() => cut.Instance.ApproveAsync("ok")));
        cut.WaitForAssertion(() => Assert.Equal("ApproveNotAllowed", cut.Find("[data-testid=tag-action-error]").GetAttribute("data-code")), Wait);
        Assert.Contains("buyers_marketer", cut.Find("[data-testid=tag-action-error]").TextContent);
        Assert.Equal(TagStatus.InReview, (await TagAsync("buyers_marketer")).Status);
    }

    [Fact]
    public async Task Approving_in_the_review_tab_makes_the_tag_active_and_computes_its_coverage()
    {
        SignIn(TagStudioWorld.Governance);
        var cut = OpenTag("buyers");
        Assert.Equal("inreview", cut.Find("[data-testid=tag-status]").GetAttribute("data-status"));
        Assert.NotNull(cut.Find("[data-testid=tag-frozen]"));

        await OpenTabAsync(cut, "review");
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=review-diff]")), Wait);
        // A new tag: its whole proposal shows as added, the rule included.
        Assert.Contains(cut.FindAll("[data-testid=review-diff] [data-testid=diff-row]"), r => r.GetAttribute("data-path") == "definitionJson.rules[0].condition.orders");
        await cut.InvokeAsync(() => cut.Find("[data-testid=review-comment] textarea, textarea[data-testid=review-comment]").Change("规则清楚"));
        await cut.InvokeAsync(() => cut.Find("[data-testid=tag-approve]").Click());

        cut.WaitForAssertion(() => Assert.Equal("active", cut.Find("[data-testid=tag-status]").GetAttribute("data-status")), Wait);
        Assert.Equal("3", cut.Find("[data-testid=coverage]").GetAttribute("data-count"));
        var tag = await TagAsync("buyers");
        Assert.Equal(TagStatus.Active, tag.Status);
        await using var db = World.Database.CreateContext();
        var revision = await db.TagRevisions.SingleAsync(r => r.TagId == tag.Id);
        Assert.Equal((RevisionStatus.Approved, "规则清楚"), (revision.Status, revision.ReviewComment));
        cut.WaitForAssertion(() => Assert.Equal("approved", cut.Find("[data-testid=revision-row]").GetAttribute("data-status")), Wait);
    }

    [Fact]
    public async Task Archiving_a_tag_a_live_segment_uses_is_refused_naming_the_segment()
    {
        SignIn(TagStudioWorld.Governance);
        var cut = OpenTag("old_flag");

        await cut.InvokeAsync(() => cut.Find("[data-testid=tag-archive]").Click());
        // Confirmed in the message box.
        var dialogs = Dialogs!;
        dialogs.WaitForAssertion(() => Assert.Contains("旧标记", dialogs.Markup), Wait);
        await cut.InvokeAsync(() => dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "确定").Click());

        cut.WaitForAssertion(() => Assert.Equal("TagInUse", cut.Find("[data-testid=tag-action-error]").GetAttribute("data-code")), Wait);
        Assert.Contains("old_flag_holders", cut.Find("[data-testid=tag-action-error]").TextContent);
        Assert.Equal(TagStatus.Deprecated, (await TagAsync("old_flag")).Status);
        Assert.Equal("deprecated", cut.Find("[data-testid=tag-status]").GetAttribute("data-status"));
    }

    [Fact]
    public void A_rule_tag_shows_how_many_customers_each_rule_would_tag_now()
    {
        SignIn(TagStudioWorld.Governance);
        var cut = OpenTag("loyal");
        // Nobody has two paid orders in this workspace.
        cut.WaitForAssertion(() => Assert.Equal("0", cut.Find("[data-testid=rule-count]").GetAttribute("data-count")), Wait);
        Assert.Contains("订单数", cut.Find("[data-testid=rule-sentence]").TextContent);
    }
}
