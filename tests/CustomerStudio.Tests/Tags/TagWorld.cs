using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Security;
using CustomerStudio.Core.Tags;
using CustomerStudio.Core.Workspace;
using CustomerStudio.Tests.Infrastructure;

namespace CustomerStudio.Tests.Tags;

/// <summary>
/// Six customers with orders and events, a governance-only category and one marketers may edit, on SQLite and
/// PostgreSQL. Now is 2026-06-15 04:00 UTC (12:00 in Shanghai). Tests create their own tags with unique codes.
/// </summary>
public sealed class TagWorld : IAsyncLifetime
{
    public static readonly DateTime Now = new(2026, 6, 15, 4, 0, 0, DateTimeKind.Utc);

    public static readonly Actor Governance = new("gov-1", "governance@customerstudio.local") { Roles = [StudioRoles.Governance] };
    public static readonly Actor Marketer = new("mkt-1", "marketer@customerstudio.local") { Roles = [StudioRoles.Marketer] };
    public static readonly Actor Sales = new("sales-1", "sales@customerstudio.local") { Roles = [StudioRoles.Sales] };

    public TestDatabase Sqlite { get; private set; } = default!;
    public TestDatabase Postgres { get; private set; } = default!;
    public Dictionary<string, long> Ids { get; } = [];
    public int CoreCategory { get; private set; }
    public int MarketingCategory { get; private set; }

    public TestDatabase For(DatabaseProvider provider) => provider == DatabaseProvider.Sqlite ? Sqlite : Postgres;

    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.PostgreSql];

    public sealed class Clock(DateTime now) : TimeProvider
    {
        public DateTime Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    /// <summary>The tag services over one context, all on the same clock.</summary>
    public sealed record Services(StudioDbContext Db, Clock Clock, TagAssignments Assignments, TagRuleEngine Rules, TagService Tags);

    public static Services ServicesFor(StudioDbContext db, DateTime? now = null)
    {
        var clock = new Clock(now ?? Now);
        var assignments = new TagAssignments(db, clock);
        var rules = new TagRuleEngine(db, assignments, clock);
        return new Services(db, clock, assignments, rules, new TagService(db, rules, clock));
    }

    public async Task InitializeAsync()
    {
        Sqlite = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        Postgres = await TestDatabase.CreateAsync(DatabaseProvider.PostgreSql);
        foreach (var db in new[] { Sqlite, Postgres })
        {
            await using var context = db.CreateContext();
            var (ids, core, marketing) = await SeedAsync(context);
            if (Ids.Count == 0) foreach (var (k, v) in ids) Ids[k] = v;
            (CoreCategory, MarketingCategory) = (core, marketing);
        }
    }

    private static DateTime Ago(double days) => Now.AddDays(-days);

    private static async Task<(Dictionary<string, long>, int, int)> SeedAsync(StudioDbContext db)
    {
        db.WorkspaceSettings.Add(new WorkspaceSettings { TimeZone = "Asia/Shanghai" });
        Customer C(string key, Action<Customer>? set = null)
        {
            var c = new Customer { Name = key, CreatedAt = Ago(400), UpdatedAt = Ago(1) };
            set?.Invoke(c);
            db.Customers.Add(c);
            return c;
        }
        var a = C("A", c => { c.Province = "上海"; c.BirthDate = new DateOnly(1990, 6, 20); });
        var b = C("B", c => { c.Province = "北京"; c.BirthDate = new DateOnly(2004, 1, 1); });
        var cc = C("C");
        var d = C("D", c => c.Province = "上海");
        var e = C("E", c => c.Province = "江苏");
        var f = C("F");
        var merged = C("M", c => c.Province = "上海");
        await db.SaveChangesAsync();
        merged.MergedIntoId = a.Id;

        Order O(Customer c, string no, double daysAgo, decimal amount, OrderStatus status = OrderStatus.Paid) =>
            new() { CustomerId = c.Id, OrderNo = no, OrderedAt = Ago(daysAgo), Amount = amount, Status = status };
        // Paid totals: A 2,500 (high), B 600 (medium), D 100 (low), E 50 refunded only, C and F none.
        db.Orders.AddRange(O(a, "A1", 5, 2000), O(a, "A2", 40, 500), O(b, "B1", 100, 600), O(d, "D1", 300, 100),
            O(e, "E1", 10, 50, OrderStatus.Refunded), O(merged, "M1", 3, 9000));

        CustomerEvent Ev(Customer c, string type, double daysAgo) =>
            new() { CustomerId = c.Id, Type = type, OccurredAt = Ago(daysAgo), ReceivedAt = Ago(daysAgo), Channel = "web" };
        // Page views in the last 7 days: A (1 day ago), C (6 days ago); D viewed 20 days ago.
        db.Events.AddRange(Ev(a, "page_view", 1), Ev(cc, "page_view", 6), Ev(d, "page_view", 20), Ev(b, "email_click", 3));

        var core = new TagCategory { Code = "core", NameZh = "核心", NameEn = "Core", CreatedAt = Now, SortOrder = 10 };
        var marketing = new TagCategory { Code = "marketing", NameZh = "营销", NameEn = "Marketing", CreatedAt = Now, SortOrder = 20, EditorRoles = "Marketer" };
        db.TagCategories.AddRange(core, marketing);
        await db.SaveChangesAsync();
        var campaigns = new TagCategory { Code = "campaigns", ParentId = marketing.Id, NameZh = "活动", NameEn = "Campaigns", CreatedAt = Now, SortOrder = 10 };
        db.TagCategories.Add(campaigns);
        await db.SaveChangesAsync();

        return (new() { ["A"] = a.Id, ["B"] = b.Id, ["C"] = cc.Id, ["D"] = d.Id, ["E"] = e.Id, ["F"] = f.Id, ["M"] = merged.Id }, core.Id, marketing.Id);
    }

    public async Task DisposeAsync()
    {
        await Sqlite.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}
