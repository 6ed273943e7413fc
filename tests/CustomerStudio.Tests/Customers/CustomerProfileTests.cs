using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Journeys;
using CustomerStudio.Core.Scoring;
using CustomerStudio.Core.Tags;
using CustomerStudio.Tests.Infrastructure;
using CustomerStudio.Tests.Web;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Tests.Customers;

public sealed class CustomerProfileTests
{
    private static readonly DateTime Now = new(2026, 6, 15, 4, 0, 0, DateTimeKind.Utc);

    private sealed class Clock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => Now;
    }

    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.PostgreSql];

    private static async Task<(TestDatabase Database, StudioDbContext Db, ProfileIds Ids)> WorldAsync(DatabaseProvider provider)
    {
        var database = await TestDatabase.CreateAsync(provider);
        var db = database.CreateContext();
        return (database, db, await ProfileWorld.SeedAsync(db, Now));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_summary_holds_every_section_of_the_profile(DatabaseProvider provider)
    {
        var (database, db, ids) = await WorldAsync(provider);
        await using var _ = database;
        await using var __ = db;

        var s = (await new CustomerProfile(db, new Clock()).SummaryAsync(ids.Main, ProfileWorld.Sales, zh: true))!;

        Assert.Equal(("王小明", LifecycleStage.Mql, 45, "u-sales"), (s.Customer.Name, s.Customer.LifecycleStage, s.Customer.LeadScore, s.Customer.OwnerId));
        Assert.Equal([(IdentityKind.Phone, ProfileWorld.Phone), (IdentityKind.Email, ProfileWorld.Email), (IdentityKind.WeChatOpenId, "oWx_abcdef123456")],
            s.Identities.Select(i => (i.Kind, i.Value)));
        Assert.Equal([("member_level", "3", false), ("id_card", ProfileWorld.IdCard, true)], s.CustomFields.Select(f => (f.Code, f.Value, f.Sensitive)));
        Assert.Equal(("important_value", (byte)4, (byte)3, (byte)5), (s.Rfm!.Segment, s.Rfm.R, s.Rfm.F, s.Rfm.M));
        var score = Assert.Single(s.Scores);
        Assert.Equal(("churn_risk", 0.72, "high"), (score.Tag, score.Score, score.ValueCode));
        Assert.Contains("recency_days", score.TopFeaturesJson);
        Assert.Equal([45, 30, 10], s.LeadScoreHistory.Select(l => l.Total));
        Assert.Equal((LifecycleStage.Lead, LifecycleStage.Mql), (Assert.Single(s.Lifecycle).From, s.Lifecycle[0].To));
        // Sales sees sensitive tags unmasked; the restricted one is hidden; the expired one is gone.
        Assert.Equal(["vip", "income", "churn_risk"], s.Tags.Select(t => t.TagCode));
        Assert.Equal(("高", AssignmentSource.Import, "import 7", false), (s.Tags[1].ValueName, s.Tags[1].Source, s.Tags[1].SourceRef, s.Tags[1].Masked));
        Assert.Equal(("画像", Now.AddDays(40)), (s.Tags[0].CategoryName, s.Tags[0].ExpiresAt!.Value));
        Assert.Equal("high_value", Assert.Single(s.Segments).Code);
        var journey = Assert.Single(s.Journeys);
        Assert.Equal(("welcome", InstanceStatus.Waiting, "wait_3d"), (journey.Code, journey.Status, journey.CurrentNode));
        Assert.Equal([(ids.Main, AccountRole.Registrant), (ids.Spouse, AccountRole.DecisionMaker), (ids.Child, AccountRole.User)],
            s.Household.OrderBy(m => m.Role == AccountRole.Registrant ? 0 : m.Role == AccountRole.DecisionMaker ? 1 : 2).Select(m => (m.CustomerId, m.Role)));
        Assert.All(s.Household, m => Assert.Equal(("王家", AccountKind.Household), (m.AccountName, m.Kind)));
        Assert.Equal("回访：预约演示", Assert.Single(s.Tasks).Title);
        // Seven paid orders of 100 + i (order 3 was refunded).
        Assert.Equal((30, 8, 100m * 7 + (0 + 1 + 2 + 4 + 5 + 6 + 7)), (s.Events, s.Orders, s.PaidTotal));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_marketer_sees_sensitive_tags_masked_and_restricted_ones_not_at_all(DatabaseProvider provider)
    {
        var (database, db, ids) = await WorldAsync(provider);
        await using var _ = database;
        await using var __ = db;
        var profile = new CustomerProfile(db, new Clock());

        var tags = (await profile.SummaryAsync(ids.Main, ProfileWorld.Marketer, zh: false))!.Tags;

        Assert.Equal(["vip", "income", "churn_risk"], tags.Select(t => t.TagCode));
        var income = tags.Single(t => t.TagCode == "income");
        Assert.Equal((true, (string?)null, "***", (string?)null), (income.Masked, income.ValueCode, income.ValueName, income.SourceRef));
        Assert.Equal(("VIP", "Profile", false), (tags[0].TagName, tags[0].CategoryName, tags[0].Masked));
        // The administrator sees everything, the restricted tag included.
        var all = (await profile.SummaryAsync(ids.Main, ProfileWorld.Admin, zh: true))!.Tags;
        Assert.Equal(["vip", "income", "blacklist", "churn_risk"], all.Select(t => t.TagCode));
        Assert.DoesNotContain(all, t => t.Masked);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_merged_away_id_resolves_to_the_survivor(DatabaseProvider provider)
    {
        var (database, db, ids) = await WorldAsync(provider);
        await using var _ = database;
        await using var __ = db;
        var profile = new CustomerProfile(db, new Clock());

        var summary = await profile.SummaryAsync(ids.MergedAway, ProfileWorld.Sales, zh: true);

        Assert.Equal((ids.Main, "王小明"), (summary!.Customer.Id, summary.Customer.Name));
        Assert.Null(await profile.SummaryAsync(987_654, ProfileWorld.Sales, zh: true));
        // A merged-away record takes no edits: the survivor does.
        Assert.False(await profile.UpdateAsync(ids.MergedAway, c => c.City = "上海", ProfileWorld.Sales));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_timeline_merges_events_and_orders_newest_first_and_filters_them(DatabaseProvider provider)
    {
        var (database, db, ids) = await WorldAsync(provider);
        await using var _ = database;
        await using var __ = db;
        var profile = new CustomerProfile(db, new Clock());

        var all = await profile.TimelineAsync(ids.Main, pageSize: 200);
        Assert.False(all.HasMore);
        var expected = ids.EventTimes.Select(t => (TimelineKind.Event, t)).Concat(ids.OrderTimes.Select(t => (TimelineKind.Order, t)))
            .OrderByDescending(x => x.t).ToList();
        Assert.Equal(expected, all.Items.Select(i => (i.Kind, i.At)));
        var order = all.Items.First(i => i.Kind == TimelineKind.Order);
        Assert.Equal(("SO-1000", 100m, "Paid", "tmall", "1 lines"), (order.Type, order.Amount, order.Status, order.Channel, order.Details));
        Assert.Contains("/pricing", all.Items.First(i => i.Kind == TimelineKind.Event && i.Type == "page_view").Details);

        var opens = await profile.TimelineAsync(ids.Main, types: ["email_open"], pageSize: 200);
        Assert.Equal(10, opens.Items.Count);
        Assert.All(opens.Items, i => Assert.Equal((TimelineKind.Event, "email_open"), (i.Kind, i.Type)));
        Assert.Equal(opens.Items.OrderByDescending(i => i.At).Select(i => i.Id), opens.Items.Select(i => i.Id));

        var orders = await profile.TimelineAsync(ids.Main, orders: true, pageSize: 200);
        Assert.Equal(ids.OrderTimes.OrderByDescending(t => t), orders.Items.Select(i => i.At));
        Assert.All(orders.Items, i => Assert.Equal(TimelineKind.Order, i.Kind));

        var events = await profile.TimelineAsync(ids.Main, orders: false, pageSize: 200);
        Assert.Equal(30, events.Items.Count);
        Assert.All(events.Items, i => Assert.Equal(TimelineKind.Event, i.Kind));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_timeline_pages_with_a_cursor_without_gaps_or_repeats(DatabaseProvider provider)
    {
        var (database, db, ids) = await WorldAsync(provider);
        await using var _ = database;
        await using var __ = db;
        var profile = new CustomerProfile(db, new Clock());
        var everything = (await profile.TimelineAsync(ids.Main, pageSize: 200)).Items;

        foreach (var (types, orders) in new (string[]? Types, bool? Orders)[] { (null, null), (["page_view", "demo_request"], null), (null, true) })
        {
            var all = (await profile.TimelineAsync(ids.Main, types, orders, pageSize: 200)).Items;
            var paged = new List<TimelineItem>();
            TimelineCursor? after = null;
            for (var pages = 0; pages < 50; pages++)
            {
                var page = await profile.TimelineAsync(ids.Main, types, orders, pageSize: 7, after: after);
                Assert.InRange(page.Items.Count, 1, 7);
                paged.AddRange(page.Items);
                if (!page.HasMore) { Assert.Null(page.Next); break; }
                Assert.Equal(7, page.Items.Count);
                Assert.True(TimelineCursor.TryParse(page.Next!.Value.ToString(), out var parsed));
                after = parsed;
            }
            Assert.Equal(all.Select(i => (i.Kind, i.Id)), paged.Select(i => (i.Kind, i.Id)));
            Assert.Equal(paged.Count, paged.Select(i => (i.Kind, i.Id)).Distinct().Count());
        }
        Assert.Equal(38, everything.Count);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Items_sharing_one_moment_are_paged_without_gaps_or_repeats(DatabaseProvider provider)
    {
        var (database, db, ids) = await WorldAsync(provider);
        await using var _ = database;
        await using var __ = db;
        // A burst: 11 events and 3 orders at the very same time, more than a page holds.
        var moment = Now.AddHours(-1);
        db.Events.AddRange(Enumerable.Range(0, 11).Select(n => new CustomerEvent { CustomerId = ids.Main, Type = "burst", OccurredAt = moment, ReceivedAt = moment }));
        db.Orders.AddRange(Enumerable.Range(0, 3).Select(n => new Order { CustomerId = ids.Main, OrderNo = $"BURST-{n}", OrderedAt = moment, Amount = n, Currency = "CNY" }));
        await db.SaveChangesAsync();
        var profile = new CustomerProfile(db, new Clock());

        var all = (await profile.TimelineAsync(ids.Main, pageSize: 200)).Items;
        Assert.Equal(38 + 14, all.Count);
        var paged = new List<TimelineItem>();
        TimelineCursor? after = null;
        do
        {
            var page = await profile.TimelineAsync(ids.Main, pageSize: 4, after: after);
            paged.AddRange(page.Items);
            after = page.Next;
        } while (after is not null);
        Assert.Equal(all.Select(i => (i.Kind, i.Id)), paged.Select(i => (i.Kind, i.Id)));
        Assert.Equal(all.Count, paged.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task An_edit_from_the_profile_is_audited_and_a_stage_change_is_logged(DatabaseProvider provider)
    {
        var (database, db, ids) = await WorldAsync(provider);
        await using var _ = database;
        await using var __ = db;
        var profile = new CustomerProfile(db, new Clock());

        Assert.True(await profile.UpdateAsync(ids.Main, c =>
        {
            c.City = "宁波";
            c.LifecycleStage = LifecycleStage.Sql;
        }, ProfileWorld.Sales));

        db.ChangeTracker.Clear();
        var customer = await db.Customers.AsNoTracking().SingleAsync(c => c.Id == ids.Main);
        Assert.Equal(("宁波", LifecycleStage.Sql, Now), (customer.City, customer.LifecycleStage, customer.UpdatedAt));
        var move = await db.LifecycleChanges.AsNoTracking().Where(l => l.CustomerId == ids.Main).OrderByDescending(l => l.At).FirstAsync();
        Assert.Equal((LifecycleStage.Mql, LifecycleStage.Sql, "sales@customerstudio.local", Now), (move.From, move.To, move.By, move.At));
        var audit = await db.AuditEntries.AsNoTracking().SingleAsync(e => e.EntityType == "Customer" && e.Action == "updated");
        Assert.Equal((ids.Main.ToString(), "u-sales"), (audit.EntityId, audit.UserId));
        Assert.Contains("杭州", audit.BeforeJson);
        Assert.Contains("宁波", audit.AfterJson);
        Assert.Contains("Sql", audit.AfterJson);

        // The lifecycle move shows in the next summary.
        var summary = await profile.SummaryAsync(ids.Main, ProfileWorld.Sales, zh: true);
        Assert.Equal(LifecycleStage.Sql, summary!.Lifecycle[0].To);
        Assert.Equal(2, summary.Lifecycle.Count);
    }
}
