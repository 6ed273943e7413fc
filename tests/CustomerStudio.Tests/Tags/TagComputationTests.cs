using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Segments;
using CustomerStudio.Core.Tags;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Tests.Tags;

/// <summary>Rule tags, manual assignments, expiry and the stale-tag report.</summary>
public class TagComputationTests(TagWorld world) : IClassFixture<TagWorld>
{
    private const string Tiers = """
        {"match":"first","rules":[
          {"value":"high","condition":{"orders":"sum","op":"gte","value":2000}},
          {"value":"medium","condition":{"orders":"sum","op":"gte","value":500}},
          {"value":"low","condition":{"orders":"count","op":"gte","value":1}}]}
        """;

    private static readonly TagValueDraft[] TierValues = [new("high", "高", "High"), new("medium", "中", "Medium"), new("low", "低", "Low")];

    private static string Code(string name, DatabaseProvider provider) => $"{name}_{(provider == DatabaseProvider.Sqlite ? "s" : "p")}";

    private static TagDraft Draft(string code, int category, TagKind kind, string? definition, IReadOnlyList<TagValueDraft>? values = null,
        bool multi = false, Sensitivity sensitivity = Sensitivity.Internal, int? expiryDays = null) =>
        new(category, code, "标签" + code, "Tag " + code, null, kind, null, kind == TagKind.Manual ? RefreshRule.Manual : RefreshRule.Daily,
            null, multi, null, sensitivity, expiryDays, values ?? [], definition);

    private Dictionary<long, string> Keys => world.Ids.ToDictionary(kv => kv.Value, kv => kv.Key);

    private async Task<List<string>> CarriersAsync(StudioDbContext db, int tagId)
    {
        var rows = await db.TagAssignments.AsNoTracking().Where(a => a.TagId == tagId)
            .Join(db.TagValues, a => a.TagValueId, v => v.Id, (a, v) => new { a.CustomerId, v.Code })
            .ToListAsync();
        var plain = await db.TagAssignments.AsNoTracking().Where(a => a.TagId == tagId && a.TagValueId == 0).Select(a => a.CustomerId).ToListAsync();
        return rows.Select(r => $"{Keys[r.CustomerId]}:{r.Code}").Concat(plain.Select(id => Keys[id])).Order().ToList();
    }

    [Theory]
    [MemberData(nameof(TagWorld.Providers), MemberType = typeof(TagWorld))]
    public async Task First_match_rules_give_each_customer_one_value_and_a_recompute_writes_only_changes(DatabaseProvider provider)
    {
        await using var db = world.For(provider).CreateContext();
        var s = TagWorld.ServicesFor(db);
        var id = await TagLifecycleTests.ActivateAsync(s, Draft(Code("tier", provider), world.CoreCategory, TagKind.Rule, Tiers, TierValues));
        Assert.Equal(["A:high", "B:medium", "D:low"], await CarriersAsync(db, id));

        var unchanged = await s.Rules.RecomputeAsync(id);
        Assert.Equal((0, 0, 0, 3), (unchanged.Added, unchanged.Removed, unchanged.Changed, unchanged.Coverage));
        var historyBefore = await db.TagAssignmentHistory.CountAsync(h => h.TagId == id);

        // B's refund drops B from medium to nothing; D buys enough to become medium: one removal, one change.
        var order = await db.Orders.SingleAsync(o => o.OrderNo == "B1");
        order.Status = Core.Customers.OrderStatus.Refunded;
        db.Orders.Add(new Core.Customers.Order { CustomerId = world.Ids["D"], OrderNo = "D2-" + provider, OrderedAt = TagWorld.Now.AddDays(-1), Amount = 450, Status = Core.Customers.OrderStatus.Paid });
        await db.SaveChangesAsync();
        try
        {
            var diff = await s.Rules.RecomputeAsync(id);
            Assert.Equal((0, 1, 1, 2), (diff.Added, diff.Removed, diff.Changed, diff.Coverage));
            Assert.Equal(["A:high", "D:medium"], await CarriersAsync(db, id));
            var history = await db.TagAssignmentHistory.AsNoTracking().Where(h => h.TagId == id).OrderBy(h => h.Id).Skip(historyBefore).ToListAsync();
            Assert.Equal(["B Removed", "D Changed"], history.Select(h => $"{Keys[h.CustomerId]} {h.Action}").Order());
            Assert.All(history, h => Assert.Equal(AssignmentSource.Rule, h.Source));
        }
        finally
        {
            order.Status = Core.Customers.OrderStatus.Paid;
            await db.SaveChangesAsync();
            await db.Orders.Where(o => o.OrderNo == "D2-" + provider).ExecuteDeleteAsync();
        }
    }

    [Theory]
    [MemberData(nameof(TagWorld.Providers), MemberType = typeof(TagWorld))]
    public async Task Multi_match_rules_give_every_matching_value(DatabaseProvider provider)
    {
        await using var db = world.For(provider).CreateContext();
        var s = TagWorld.ServicesFor(db);
        var definition = """
            {"match":"all","rules":[
              {"value":"web","condition":{"event":"page_view"}},
              {"value":"email","condition":{"event":"email_click"}},
              {"value":"buyer","condition":{"orders":"count","op":"gte","value":1}}]}
            """;
        var id = await TagLifecycleTests.ActivateAsync(s, Draft(Code("channels", provider), world.CoreCategory, TagKind.Rule, definition,
            [new("web", "网站", "Web"), new("email", "邮件", "Email"), new("buyer", "购买", "Buyer")], multi: true));
        Assert.Equal(["A:buyer", "A:web", "B:buyer", "B:email", "C:web", "D:buyer", "D:web"], await CarriersAsync(db, id));
    }

    [Theory]
    [MemberData(nameof(TagWorld.Providers), MemberType = typeof(TagWorld))]
    public async Task A_windowed_rule_drops_customers_as_the_window_moves(DatabaseProvider provider)
    {
        await using var db = world.For(provider).CreateContext();
        var s = TagWorld.ServicesFor(db);
        var id = await TagLifecycleTests.ActivateAsync(s, Draft(Code("active7d", provider), world.CoreCategory, TagKind.Rule,
            """{"rules":[{"condition":{"event":"page_view","within":"P7D"}}]}"""));
        Assert.Equal(["A", "C"], await CarriersAsync(db, id));

        // Three days later C's view (6 days ago) has left the 7-day window; A's has not.
        s.Clock.Now = TagWorld.Now.AddDays(3);
        var later = await s.Rules.RecomputeAsync(id);
        Assert.Equal((0, 1, 1), (later.Added, later.Removed, later.Coverage));
        Assert.Equal(["A"], await CarriersAsync(db, id));
        var condition = await Audience.CompileAsync(db, $$"""{"tag":"{{Code("active7d", provider)}}"}""", s.Clock.Now);
        Assert.Equal(1, await Audience.CountAsync(db, condition.Require()));
    }

    [Theory]
    [MemberData(nameof(TagWorld.Providers), MemberType = typeof(TagWorld))]
    public async Task Manual_tags_are_assigned_to_lists_segments_and_conditions_with_provenance(DatabaseProvider provider)
    {
        await using var db = world.For(provider).CreateContext();
        var s = TagWorld.ServicesFor(db);
        var id = await TagLifecycleTests.ActivateAsync(s, Draft(Code("level", provider), world.MarketingCategory, TagKind.Manual, null,
            [new("gold", "金", "Gold"), new("silver", "银", "Silver")]));

        var listed = await s.Assignments.AssignAsync(id, "gold", new AssignTarget.Customers([world.Ids["A"], world.Ids["B"], 987_654, world.Ids["M"]]), TagWorld.Marketer);
        Assert.True(listed.Ok, string.Join("; ", listed.Errors));
        Assert.Equal([("A", "added"), ("B", "added"), ("987654", "unknown_customer"), ("M", "unknown_customer")],
            listed.Items.Select(i => (Keys.GetValueOrDefault(i.CustomerId, i.CustomerId.ToString()), i.Outcome)));

        // Single-valued: silver replaces gold for B (one "changed"), A keeps gold.
        var changed = await s.Assignments.AssignAsync(id, "silver", new AssignTarget.Customers([world.Ids["B"]]), TagWorld.Marketer);
        Assert.Equal((0, 1), (changed.Added, changed.Changed));
        Assert.Equal(["A:gold", "B:silver"], await CarriersAsync(db, id));

        var segment = new Segment { Code = Code("sh", provider), Name = "上海", Kind = SegmentKind.Static, DefinitionJson = """{"attr":"province","op":"eq","value":"上海"}""",
            CreatedAt = TagWorld.Now, UpdatedAt = TagWorld.Now };
        db.Segments.Add(segment);
        await db.SaveChangesAsync();
        await new SegmentService(db, s.Clock).RefreshAsync(segment.Id);
        var bySegment = await s.Assignments.AssignAsync(id, "silver", new AssignTarget.Segment(segment.Id), TagWorld.Marketer);
        Assert.Equal((1, 1), (bySegment.Added, bySegment.Changed)); // D added, A gold → silver
        Assert.Empty(bySegment.Items);

        var byCondition = await s.Assignments.RemoveAsync(id, null, new AssignTarget.Condition("""{"attr":"province","op":"eq","value":"上海"}"""), TagWorld.Marketer);
        Assert.Equal(2, byCondition.Removed);
        Assert.Equal(["B:silver"], await CarriersAsync(db, id));

        var badCondition = await s.Assignments.AssignAsync(id, "gold", new AssignTarget.Condition("""{"attr":"nope","op":"eq","value":1}"""), TagWorld.Marketer);
        Assert.Equal(("condition.attr", "UnknownField"), (Assert.Single(badCondition.Errors).Path, badCondition.Errors[0].Code));
        Assert.Equal("TagValueRequired", Assert.Single((await s.Assignments.AssignAsync(id, null, new AssignTarget.Customers([world.Ids["C"]]), TagWorld.Marketer)).Errors).Code);

        var tags = await s.Assignments.OfCustomerAsync(world.Ids["B"], TagWorld.Sales, zh: true);
        var mine = Assert.Single(tags, t => t.TagId == id);
        Assert.Equal(("silver", "银", AssignmentSource.Manual, "mkt-1", TagWorld.Now), (mine.ValueCode, mine.ValueName, mine.Source, mine.AssignedBy, mine.AssignedAt));
        Assert.Equal("营销", mine.CategoryName);
    }

    [Theory]
    [MemberData(nameof(TagWorld.Providers), MemberType = typeof(TagWorld))]
    public async Task Computed_tags_and_other_roles_categories_refuse_manual_assignment(DatabaseProvider provider)
    {
        await using var db = world.For(provider).CreateContext();
        var s = TagWorld.ServicesFor(db);
        var rule = await TagLifecycleTests.ActivateAsync(s, Draft(Code("rulebuyer", provider), world.CoreCategory, TagKind.Rule,
            """{"rules":[{"condition":{"orders":"count","op":"gte","value":1}}]}"""));
        Assert.Equal("TagIsComputed", Assert.Single((await s.Assignments.AssignAsync(rule, null, new AssignTarget.Customers([world.Ids["C"]]), TagWorld.Governance)).Errors).Code);

        var core = await TagLifecycleTests.ActivateAsync(s, Draft(Code("coreflag", provider), world.CoreCategory, TagKind.Manual, null));
        Assert.Equal("NotAllowed", Assert.Single((await s.Assignments.AssignAsync(core, null, new AssignTarget.Customers([world.Ids["C"]]), TagWorld.Marketer)).Errors).Code);
        Assert.True((await s.Assignments.AssignAsync(core, null, new AssignTarget.Customers([world.Ids["C"]]), TagWorld.Governance)).Ok);

        var draft = await s.Tags.SaveAsync(null, Draft(Code("notlive", provider), world.CoreCategory, TagKind.Manual, null), TagWorld.Governance);
        Assert.Equal("TagNotActive", Assert.Single((await s.Assignments.AssignAsync(draft.Tag!.Id, null, new AssignTarget.Customers([world.Ids["C"]]), TagWorld.Governance)).Errors).Code);
    }

    [Theory]
    [MemberData(nameof(TagWorld.Providers), MemberType = typeof(TagWorld))]
    public async Task Expired_assignments_are_removed_by_the_job_with_history_kept(DatabaseProvider provider)
    {
        await using var db = world.For(provider).CreateContext();
        var s = TagWorld.ServicesFor(db);
        var id = await TagLifecycleTests.ActivateAsync(s, Draft(Code("promo", provider), world.MarketingCategory, TagKind.Manual, null, expiryDays: 7));
        await s.Assignments.AssignAsync(id, null, new AssignTarget.Customers([world.Ids["A"]]), TagWorld.Marketer);
        await s.Assignments.AssignAsync(id, null, new AssignTarget.Customers([world.Ids["B"]]), TagWorld.Marketer, expiresAt: TagWorld.Now.AddDays(2));
        var expiries = await db.TagAssignments.Where(a => a.TagId == id).OrderBy(a => a.CustomerId).Select(a => a.ExpiresAt).ToListAsync();
        Assert.Equal([TagWorld.Now.AddDays(7), TagWorld.Now.AddDays(2)], expiries);
        Assert.Equal("ExpiryInPast", Assert.Single((await s.Assignments.AssignAsync(id, null, new AssignTarget.Customers([world.Ids["C"]]), TagWorld.Marketer,
            expiresAt: TagWorld.Now.AddDays(-1))).Errors).Code);

        s.Clock.Now = TagWorld.Now.AddDays(3);
        Assert.Equal(1, await s.Assignments.ExpireDueAsync());
        Assert.Equal(["A"], await CarriersAsync(db, id));
        var expired = await db.TagAssignmentHistory.AsNoTracking().SingleAsync(h => h.TagId == id && h.Action == AssignmentAction.Expired);
        Assert.Equal((world.Ids["B"], s.Clock.Now), (expired.CustomerId, expired.At));
        Assert.Equal(0, await s.Assignments.ExpireDueAsync());

        s.Clock.Now = TagWorld.Now.AddDays(8);
        Assert.Equal(1, await s.Assignments.ExpireDueAsync());
        Assert.Empty(await CarriersAsync(db, id));
        Assert.Equal(0, await db.TagCoverageSnapshots.Where(c => c.TagId == id).OrderByDescending(c => c.At).Select(c => c.Customers).FirstAsync());
    }

    [Theory]
    [MemberData(nameof(TagWorld.Providers), MemberType = typeof(TagWorld))]
    public async Task Restricted_tags_are_hidden_and_sensitive_ones_masked_for_roles_without_the_right(DatabaseProvider provider)
    {
        await using var db = world.For(provider).CreateContext();
        var s = TagWorld.ServicesFor(db);
        var restricted = await TagLifecycleTests.ActivateAsync(s, Draft(Code("credit", provider), world.CoreCategory, TagKind.Manual, null,
            [new("bad", "差", "Bad")], sensitivity: Sensitivity.Restricted));
        var sensitive = await TagLifecycleTests.ActivateAsync(s, Draft(Code("health", provider), world.CoreCategory, TagKind.Manual, null,
            [new("pregnant", "孕期", "Pregnant")], sensitivity: Sensitivity.Sensitive));
        var f = world.Ids["F"];
        await s.Assignments.AssignAsync(restricted, "bad", new AssignTarget.Customers([f]), TagWorld.Governance);
        await s.Assignments.AssignAsync(sensitive, "pregnant", new AssignTarget.Customers([f]), TagWorld.Governance);

        var governance = await s.Assignments.OfCustomerAsync(f, TagWorld.Governance, zh: false);
        Assert.Contains(governance, t => t.TagId == restricted && t.ValueCode == "bad" && !t.Masked);
        var sales = await s.Assignments.OfCustomerAsync(f, TagWorld.Sales, zh: false);
        Assert.DoesNotContain(sales, t => t.TagId == restricted);
        Assert.Contains(sales, t => t.TagId == sensitive && t.ValueName == "Pregnant");
        var marketer = await s.Assignments.OfCustomerAsync(f, TagWorld.Marketer, zh: false);
        Assert.DoesNotContain(marketer, t => t.TagId == restricted);
        var masked = Assert.Single(marketer, t => t.TagId == sensitive);
        Assert.True(masked.Masked);
        Assert.Equal(("***", null), (masked.ValueName, masked.ValueCode));
    }

    [Theory]
    [MemberData(nameof(TagWorld.Providers), MemberType = typeof(TagWorld))]
    public async Task The_stale_report_lists_unused_empty_and_overdue_tags(DatabaseProvider provider)
    {
        await using var db = world.For(provider).CreateContext();
        var s = TagWorld.ServicesFor(db);
        var empty = await TagLifecycleTests.ActivateAsync(s, Draft(Code("nobody", provider), world.CoreCategory, TagKind.Rule,
            """{"rules":[{"condition":{"orders":"count","op":"gte","value":99}}]}"""));
        var used = await TagLifecycleTests.ActivateAsync(s, Draft(Code("somebody", provider), world.CoreCategory, TagKind.Rule,
            """{"rules":[{"condition":{"orders":"count","op":"gte","value":1}}]}"""));
        db.Segments.Add(new Segment { Code = Code("uses_somebody", provider), Name = "x", Kind = SegmentKind.Dynamic,
            DefinitionJson = $$"""{"tag":"{{Code("somebody", provider)}}"}""", CreatedAt = TagWorld.Now, UpdatedAt = TagWorld.Now });
        await db.SaveChangesAsync();

        var now = await TagUsage.StaleAsync(db, TagWorld.Now);
        Assert.Equal([StaleReason.Unused, StaleReason.ZeroCoverage], now.Single(t => t.TagId == empty).Reasons);
        Assert.DoesNotContain(now, t => t.TagId == used);

        // Daily tags not computed for over two days are overdue.
        var later = await TagUsage.StaleAsync(db, TagWorld.Now.AddDays(3));
        Assert.Equal([StaleReason.Overdue], later.Single(t => t.TagId == used).Reasons);
        Assert.Contains(await TagRefreshJob.DueAsync(db, TagWorld.Now.AddDays(3)), t => t.Id == used);
        Assert.DoesNotContain(await TagRefreshJob.DueAsync(db, TagWorld.Now.AddHours(1)), t => t.Id == used);
    }
}
