using Bunit;
using CustomerStudio.Core.Customers;
using CustomerStudio.Web.Features.Customers.Profile;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerStudio.Tests.Web;

public class ProfileTests : ProfileTestBase
{
    private IRenderedComponent<CustomerProfilePage> Open(long id)
    {
        var cut = Render<CustomerProfilePage>(p => p.Add(c => c.Id, id));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=profile-header]")), Wait);
        return cut;
    }

    private static async Task OpenTabAsync(IRenderedComponent<CustomerProfilePage> cut, string tab) =>
        await cut.InvokeAsync(() => cut.Find($"[data-testid=tab-{tab}]").Closest(".mud-tab")!.Click());

    private static List<string> Texts(IRenderedComponent<CustomerProfilePage> cut, string selector) =>
        cut.FindAll(selector).Select(e => e.TextContent.Trim()).ToList();

    [Fact]
    public async Task A_salesperson_sees_every_section_with_identities_unmasked()
    {
        await StartAsync(ProfileWorld.Sales);
        var cut = Open(Ids.Main);

        Assert.Equal("王小明", cut.Find("[data-testid=profile-name]").TextContent.Trim());
        Assert.Equal([ProfileWorld.Phone, ProfileWorld.Email, "oWx_abcdef123456"], Texts(cut, "[data-testid=profile-identity-value]"));
        Assert.Empty(cut.FindAll("[data-testid=profile-masked]"));
        Assert.Equal("Mql", cut.Find("[data-testid=profile-stage]").GetAttribute("data-stage"));
        Assert.Equal("45", cut.Find("[data-testid=profile-lead-score]").TextContent.Trim());
        Assert.Equal("important_value", cut.Find("[data-testid=profile-rfm]").GetAttribute("data-segment"));
        Assert.Equal("重要价值客户", cut.Find("[data-testid=profile-rfm-segment]").TextContent.Trim());
        Assert.Equal("72%", cut.Find("[data-testid=profile-score-value]").TextContent.Trim().Replace(" ", ""));
        // The features behind the score, by their localized names.
        Assert.Contains("距上次下单天数", cut.Find("[data-testid=profile-score-feature][data-feature=recency_days]").TextContent);
        Assert.NotNull(cut.Find("[data-testid=profile-merge]"));

        // Attributes and custom fields (the sensitive one readable for sales).
        Assert.Contains("杭州", cut.Find("[data-testid=profile-field][data-field=region]").TextContent);
        Assert.Contains(ProfileWorld.IdCard, cut.Find("[data-testid=profile-custom-field][data-field=id_card]").TextContent);
        Assert.Contains("3", cut.Find("[data-testid=profile-custom-field][data-field=member_level]").TextContent);

        await OpenTabAsync(cut, "tags");
        cut.WaitForAssertion(() => Assert.Equal(["vip", "income", "churn_risk"], cut.FindAll("[data-testid=profile-tag]").Select(t => t.GetAttribute("data-tag"))), Wait);
        Assert.Equal(["画像", "风险"], cut.FindAll("[data-testid=profile-tag-category]").Select(c => c.GetAttribute("data-category")));
        Assert.Contains("高", cut.Find("[data-testid=profile-tag][data-tag=income]").TextContent);
        Assert.Contains("导入", cut.Find("[data-testid=profile-tag][data-tag=income]").TextContent);

        await OpenTabAsync(cut, "timeline");
        cut.WaitForAssertion(() => Assert.Equal(ProfileTimeline.PageSize, cut.FindAll("[data-testid=timeline-item]").Count), Wait);
        Assert.Contains(cut.FindAll("[data-testid=timeline-item]"), i => i.GetAttribute("data-kind") == "Order");
        await cut.InvokeAsync(() => cut.Find("[data-testid=timeline-more]").Click());
        cut.WaitForAssertion(() => Assert.Equal(38, cut.FindAll("[data-testid=timeline-item]").Count), Wait);
        Assert.Empty(cut.FindAll("[data-testid=timeline-more]"));
        var times = cut.FindAll("[data-testid=timeline-item]").Select(i => DateTime.Parse(i.GetAttribute("data-at")!, null, System.Globalization.DateTimeStyles.RoundtripKind)).ToList();
        Assert.Equal(times.OrderByDescending(t => t), times);
        await cut.InvokeAsync(() => cut.Find("[data-testid=timeline-filter-orders]").Closest("button")!.Click());
        cut.WaitForAssertion(() => Assert.Equal(8, cut.FindAll("[data-testid=timeline-item]").Count), Wait);
        Assert.All(cut.FindAll("[data-testid=timeline-item]"), i => Assert.Equal("Order", i.GetAttribute("data-kind")));

        await OpenTabAsync(cut, "scores");
        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=profile-lead-change]").Count), Wait);
        Assert.NotNull(cut.Find("[data-testid=profile-lead-chart]"));
        Assert.Equal("Mql", cut.Find("[data-testid=profile-lifecycle-move]").GetAttribute("data-to"));
        Assert.Equal(["recency_days", "email_open_30d", "orders_365d"], cut.FindAll("[data-testid=profile-feature]").Select(f => f.GetAttribute("data-feature")));

        await OpenTabAsync(cut, "memberships");
        cut.WaitForAssertion(() => Assert.Equal("high_value", cut.Find("[data-testid=profile-segment]").GetAttribute("data-code")), Wait);
        Assert.Equal("wait_3d", cut.Find("[data-testid=profile-journey][data-code=welcome] [data-testid=profile-journey-node]").TextContent.Trim());

        await OpenTabAsync(cut, "household");
        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=profile-member]").Count), Wait);
        Assert.Equal([$"/customers/{Ids.Spouse}", $"/customers/{Ids.Child}"],
            cut.FindAll("[data-testid=profile-member-link]").Select(a => a.GetAttribute("href")).Order());
        Assert.Equal("DecisionMaker", cut.Find($"[data-testid=profile-member][data-customer-id='{Ids.Spouse}']").GetAttribute("data-role"));

        await OpenTabAsync(cut, "tasks");
        cut.WaitForAssertion(() => Assert.Contains("回访：预约演示", cut.Find("[data-testid=profile-task]").TextContent), Wait);
    }

    [Fact]
    public async Task A_marketer_sees_identities_personal_fields_and_sensitive_tags_masked()
    {
        await StartAsync(ProfileWorld.Marketer);
        var cut = Open(Ids.Main);

        Assert.Equal("王**", cut.Find("[data-testid=profile-name]").TextContent.Trim());
        Assert.NotNull(cut.Find("[data-testid=profile-masked]"));
        Assert.Equal(["+86138****1111", "x***@example.com", "oWx_****"], Texts(cut, "[data-testid=profile-identity-value]"));
        Assert.DoesNotContain(ProfileWorld.Phone, cut.Markup);
        Assert.DoesNotContain(ProfileWorld.Email, cut.Markup);
        Assert.DoesNotContain(ProfileWorld.IdCard, cut.Markup);
        Assert.Equal("***", cut.Find("[data-testid=profile-field][data-field=birth_date] td:last-child").TextContent.Trim());
        Assert.Contains("***", cut.Find("[data-testid=profile-custom-field][data-field=id_card]").TextContent);
        // Marketers neither edit nor merge.
        Assert.Empty(cut.FindAll("[data-testid=profile-merge]"));
        Assert.Empty(cut.FindAll("[data-testid=profile-edit]"));

        await OpenTabAsync(cut, "tags");
        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find("[data-testid=profile-tag][data-tag=income]").GetAttribute("data-masked")), Wait);
        Assert.Contains("***", cut.Find("[data-testid=profile-tag][data-tag=income] [data-testid=profile-tag-value]").TextContent);
        Assert.DoesNotContain("高", cut.Find("[data-testid=profile-tag][data-tag=income] [data-testid=profile-tag-value]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=profile-tag][data-tag=blacklist]"));

        await OpenTabAsync(cut, "household");
        cut.WaitForAssertion(() => Assert.Equal(["李*", "王**"], cut.FindAll("[data-testid=profile-member-link]").Select(a => a.TextContent.Trim()).Order()), Wait);
    }

    [Fact]
    public async Task Merging_from_the_profile_previews_both_records_and_moves_everything_to_the_survivor()
    {
        await StartAsync(ProfileWorld.Sales);
        var cut = Open(Ids.Main);

        await cut.InvokeAsync(() => cut.Find("[data-testid=profile-merge]").Click());
        var dialogs = Dialogs!;
        dialogs.WaitForAssertion(() => Assert.NotNull(dialogs.Find("[data-testid=merge-dialog]")), Wait);
        await dialogs.InvokeAsync(() => dialogs.Find("input[data-testid=merge-search]").Input("赵强"));
        dialogs.WaitForAssertion(() => Assert.Equal(Ids.Other.ToString(), dialogs.Find("[data-testid=merge-candidate]").GetAttribute("data-customer-id")), Wait);
        // The survivor itself is never offered, and an id finds its customer too.
        await dialogs.InvokeAsync(() => dialogs.Find("input[data-testid=merge-search]").Input(Ids.Main.ToString()));
        dialogs.WaitForAssertion(() => Assert.DoesNotContain(dialogs.FindAll("[data-testid=merge-candidate]"), c => c.GetAttribute("data-customer-id") == Ids.Main.ToString()), Wait);
        await dialogs.InvokeAsync(() => dialogs.Find("input[data-testid=merge-search]").Input(Ids.Other.ToString()));
        dialogs.WaitForAssertion(() => Assert.Equal(Ids.Other.ToString(), dialogs.Find("[data-testid=merge-candidate]").GetAttribute("data-customer-id")), Wait);
        await dialogs.InvokeAsync(() => dialogs.Find("[data-testid=merge-pick]").Click());

        dialogs.WaitForAssertion(() => Assert.NotNull(dialogs.Find("[data-testid=merge-preview]")), Wait);
        Assert.Contains(Ids.Main.ToString(), dialogs.Find("[data-testid=merge-survivor-head]").TextContent);
        Assert.Contains(Ids.Other.ToString(), dialogs.Find("[data-testid=merge-merged-head]").TextContent);
        var industry = dialogs.Find("[data-testid=merge-row][data-field=industry]");
        Assert.Equal("true", industry.GetAttribute("data-filled"));
        Assert.Contains("教育", industry.TextContent);
        Assert.Equal("false", dialogs.Find("[data-testid=merge-row][data-field=city]").GetAttribute("data-filled"));
        Assert.Contains("zhao.qiang@example.com", dialogs.Find("[data-testid=merge-row][data-field=identities]").TextContent);
        Assert.Contains("1", dialogs.Find("[data-testid=merge-count][data-field=events]").TextContent);
        // No reason, no merge.
        Assert.True(dialogs.Find("[data-testid=merge-confirm]").HasAttribute("disabled"));
        await dialogs.InvokeAsync(() => dialogs.Find("input[data-testid=merge-reason]").Input("同一个人：电话核实"));
        await dialogs.InvokeAsync(() => dialogs.Find("[data-testid=merge-confirm]").Click());

        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid=merge-dialog]")), Wait);
        await using var db = Db();
        Assert.Equal(Ids.Main, (await db.Customers.AsNoTracking().SingleAsync(c => c.Id == Ids.Other)).MergedIntoId);
        Assert.Equal("教育", (await db.Customers.AsNoTracking().SingleAsync(c => c.Id == Ids.Main)).Industry);
        Assert.Equal(31, await db.Events.CountAsync(e => e.CustomerId == Ids.Main));
        Assert.Contains("同一个人", (await db.AuditEntries.AsNoTracking().SingleAsync(e => e.Action == "merged")).AfterJson);
        // The profile reads the survivor again: the merged identities are its own now.
        cut.WaitForAssertion(() => Assert.Contains("zhao.qiang@example.com", Texts(cut, "[data-testid=profile-identity-value]")), Wait);
        Assert.Contains(Ids.Other.ToString(), Snackbars!.Markup);
    }

    [Fact]
    public async Task Editing_attributes_is_audited_and_a_value_that_does_not_fit_its_field_is_named()
    {
        await StartAsync(ProfileWorld.Sales);
        var cut = Open(Ids.Main);

        await cut.InvokeAsync(() => cut.Find("[data-testid=profile-edit]").Click());
        await cut.InvokeAsync(() => cut.Find("input[data-testid=edit-city]").Change("宁波"));
        await cut.InvokeAsync(() => cut.Find("input[data-testid=edit-custom-member_level]").Change("四级"));
        await cut.InvokeAsync(() => cut.Find("[data-testid=profile-save]").Click());
        cut.WaitForAssertion(() => Assert.Contains("member_level", cut.Find("[data-testid=profile-edit-errors]").TextContent), Wait);
        await using (var db = Db())
            Assert.Equal("杭州", (await db.Customers.AsNoTracking().SingleAsync(c => c.Id == Ids.Main)).City);

        await cut.InvokeAsync(() => cut.Find("input[data-testid=edit-custom-member_level]").Change("4"));
        await cut.InvokeAsync(() => cut.Find("input[data-testid=edit-custom-contact], [data-testid=edit-custom-contact] input").Change("微信"));
        await cut.InvokeAsync(() => cut.Find("[data-testid=profile-save]").Click());
        cut.WaitForAssertion(() => Assert.Contains("宁波", cut.Find("[data-testid=profile-field][data-field=region]").TextContent), Wait);
        Assert.Contains("4", cut.Find("[data-testid=profile-custom-field][data-field=member_level]").TextContent);

        await using var check = Db();
        Assert.Equal("宁波", (await check.Customers.AsNoTracking().SingleAsync(c => c.Id == Ids.Main)).City);
        var audits = await check.AuditEntries.AsNoTracking().Where(e => e.EntityType == "Customer" && e.EntityId == Ids.Main.ToString()).ToListAsync();
        Assert.Equal(["custom_fields_updated", "updated"], audits.Select(a => a.Action).Order());
        var custom = audits.Single(a => a.Action == "custom_fields_updated");
        Assert.Contains("\"member_level\":\"3\"", custom.BeforeJson);
        Assert.Contains("\"member_level\":\"4\"", custom.AfterJson);
        Assert.Contains("u-sales", custom.UserId);
    }

    [Fact]
    public async Task A_merged_away_address_moves_to_the_survivor()
    {
        await StartAsync(ProfileWorld.Sales);
        var cut = Render<CustomerProfilePage>(p => p.Add(c => c.Id, Ids.MergedAway));

        var navigation = Services.GetRequiredService<NavigationManager>();
        cut.WaitForAssertion(() => Assert.EndsWith($"/customers/{Ids.Main}?merged={Ids.MergedAway}", navigation.Uri), Wait);
    }
}
