using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Demo;
using CustomerStudio.Core.Tags;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace CustomerStudio.Tests.Demo;

/// <summary>A migrated SQLite file in the temp folder, deleted on dispose.</summary>
internal sealed class TempSqliteDatabase : IAsyncDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"cs-demo-{Guid.NewGuid():N}.db");

    public StudioDbContext CreateContext()
    {
        var builder = new DbContextOptionsBuilder<StudioDbContext>();
        StudioDatabase.Configure(builder, DatabaseProvider.Sqlite, $"Data Source={_path}");
        return new StudioDbContext(builder.Options);
    }

    public static async Task<TempSqliteDatabase> CreateAsync()
    {
        var database = new TempSqliteDatabase();
        await using var db = database.CreateContext();
        await StudioDatabase.MigrateAsync(db, DatabaseProvider.Sqlite);
        return database;
    }

    public async Task<DemoSeedResult> SeedAsync(DemoSeedOptions options)
    {
        await using var db = CreateContext();
        return await new DemoWorkspaceSeeder(db, NullLogger<DemoWorkspaceSeeder>.Instance).SeedAsync(options, CancellationToken.None);
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
            if (File.Exists(file)) File.Delete(file);
        return ValueTask.CompletedTask;
    }
}

public sealed class DemoWorkspaceSeederTests
{
    private static readonly DateTime Now = new(2026, 11, 24, 0, 0, 0, DateTimeKind.Utc);

    private static readonly Regex ChinaMobile = new(@"^\+861(3\d|5[0-35-9]|66|7[35-8]|8\d|9[89])\d{8}$");

    private static DemoSeedOptions Small(int seed = 20261124) =>
        new() { Customers = 2_000, Events = 20_000, Orders = 3_000, Seed = seed, Now = Now };

    [Fact]
    public async Task Seeds_the_requested_counts_with_plausible_data()
    {
        await using var database = await TempSqliteDatabase.CreateAsync();
        var result = await database.SeedAsync(Small());

        Assert.False(result.Skipped);
        Assert.Equal((2_000, 20_000, 3_000), (result.Customers, result.Events, result.Orders));
        await using var db = database.CreateContext();
        Assert.Equal(2_000, await db.Customers.CountAsync());
        Assert.Equal(20_000, await db.Events.CountAsync());
        Assert.Equal(3_000, await db.Orders.CountAsync());
        Assert.Equal(result.Identities, await db.CustomerIdentities.CountAsync());
        Assert.Equal(result.EventProperties, await db.EventProperties.CountAsync());
        Assert.Equal(result.OrderLines, await db.OrderLines.CountAsync());
        Assert.Equal(result.TagAssignments, await db.TagAssignments.CountAsync());

        // Customers: Chinese names, +86 mobiles in E.164, lower-case unique emails, short province names, ages 18–70.
        var customers = await db.Customers.AsNoTracking().Include(c => c.Identities).ToListAsync();
        Assert.All(customers, c =>
        {
            Assert.Matches(@"^\p{IsCJKUnifiedIdeographs}{2,4}$", c.Name);
            Assert.Matches(ChinaMobile, c.Phone!);
            Assert.Contains(c.Identities, i => i.Kind == IdentityKind.Phone && i.Value == c.Phone && i.IsPrimary);
            if (c.Email is not null)
            {
                Assert.Equal(c.Email.ToLowerInvariant(), c.Email);
                Assert.Contains(c.Identities, i => i.Kind == IdentityKind.Email && i.Value == c.Email);
            }
            if (c.Province is not null)
            {
                Assert.DoesNotMatch("(省|市|自治区)$", c.Province);
                Assert.NotNull(c.City);
                Assert.DoesNotMatch("市$", c.City!);
            }
            if (c.BirthDate is { } birth)
            {
                var today = DateOnly.FromDateTime(Now);
                Assert.InRange(birth, today.AddYears(-71).AddDays(1), today.AddYears(-18));
            }
            Assert.InRange(c.CreatedAt, Now.AddMonths(-18), Now);
            Assert.Equal(DateTimeKind.Utc, c.CreatedAt.Kind);
        });
        Assert.Equal(customers.Count(c => c.Email is not null), customers.Select(c => c.Email).OfType<string>().Distinct().Count());
        Assert.Contains(customers, c => c.Province == "上海" && c.City == "上海");
        Assert.Contains(customers, c => c.Company is not null && c.Industry is not null);
        Assert.True(customers.Count(c => c.LifecycleStage is LifecycleStage.Customer or LifecycleStage.Lead) > customers.Count / 2);

        var phones = await db.CustomerIdentities.Where(i => i.Kind == IdentityKind.Phone).Select(i => i.Value).ToListAsync();
        Assert.All(phones, p => Assert.Matches(ChinaMobile, p));
        Assert.Equal(phones.Count, phones.Distinct().Count());

        // Events and orders stay inside the 18-month history.
        Assert.True(await db.Events.AllAsync(e => e.OccurredAt >= Now.AddMonths(-18) && e.OccurredAt <= Now));
        Assert.True(await db.Orders.AllAsync(o => o.OrderedAt >= Now.AddMonths(-18) && o.OrderedAt <= Now && o.Amount > 0 && o.Currency == "CNY"));
        var pageViewsWithoutPath = await db.Events.CountAsync(e => e.Type == "page_view" && !e.Properties.Any(p => p.Key == "path"));
        Assert.Equal(0, pageViewsWithoutPath);
        var paid = await db.Orders.CountAsync(o => o.Status == OrderStatus.Paid);
        Assert.InRange(paid, 2_600, 2_950);

        // Taxonomy: active tags with unique snake_case codes; `purchased` on exactly the customers with a paid order.
        var tags = await db.Tags.AsNoTracking().Include(t => t.Values).ToListAsync();
        Assert.All(tags, t =>
        {
            Assert.Equal(TagStatus.Active, t.Status);
            Assert.Matches("^[a-z][a-z0-9_]*$", t.Code);
            Assert.NotEmpty(t.NameZh);
            Assert.NotEmpty(t.NameEn);
        });
        Assert.Equal(new[] { "高", "中", "低" }, tags.Single(t => t.Code == "spending_power").Values.OrderBy(v => v.SortOrder).Select(v => v.NameZh));
        Assert.Equal(5, tags.Single(t => t.Code == "age_group").Values.Count);
        Assert.Contains(tags, t => t.Code == "high_intent");
        Assert.Contains(tags, t => t.Code == "dormant");
        Assert.Contains(tags, t => t.Code == "vip" && t.Kind == TagKind.Manual);
        Assert.Contains(await db.TagCategories.ToListAsync(), c => c.ParentId is not null);

        var purchased = tags.Single(t => t.Code == "purchased").Id;
        var buyers = await db.Orders.Where(o => o.Status == OrderStatus.Paid).Select(o => o.CustomerId).Distinct().OrderBy(x => x).ToListAsync();
        var tagged = await db.TagAssignments.Where(a => a.TagId == purchased).Select(a => a.CustomerId).OrderBy(x => x).ToListAsync();
        Assert.Equal(buyers, tagged);
        Assert.True(await db.TagAssignments.Where(a => a.TagId == purchased).AllAsync(a => a.TagValueId == 0));
        var dormant = tags.Single(t => t.Code == "dormant").Id;
        Assert.True(await db.TagAssignments.AnyAsync(a => a.TagId == dormant));

        // Households in the education example and B2B companies, a few hundred of each at 20k customers (here 2k: 40 and 25).
        Assert.Equal((40, 25), (result.Households, result.Companies));
        var accounts = await db.Accounts.AsNoTracking().Include(a => a.Members).ToListAsync();
        Assert.Equal(result.AccountMembers, accounts.Sum(a => a.Members.Count));
        var byId = customers.ToDictionary(c => c.Id);
        var today = DateOnly.FromDateTime(Now);
        Assert.All(accounts.Where(a => a.Kind == AccountKind.Household), h =>
        {
            var user = Assert.Single(h.Members, m => m.Role == AccountRole.User);
            Assert.Single(h.Members, m => m.Role == AccountRole.Registrant);
            Assert.InRange(h.Members.Count, 2, 3);
            Assert.Equal(byId[user.CustomerId].Name + "家", h.Name);
            Assert.InRange(byId[user.CustomerId].BirthDate!.Value, today.AddYears(-24), today.AddYears(-18));
            Assert.Single(h.Members.Select(m => byId[m.CustomerId].City).Distinct());
        });
        Assert.Contains(accounts, h => h.Kind == AccountKind.Household && h.Members.Any(m => m.Role == AccountRole.DecisionMaker));
        var companies = accounts.Where(a => a.Kind == AccountKind.Company).ToList();
        Assert.Equal(companies.Count, companies.Select(c => c.Name).Distinct().Count());
        Assert.All(companies, c =>
        {
            Assert.Single(c.Members, m => m.Role == AccountRole.DecisionMaker);
            Assert.InRange(c.Members.Count, 2, 6);
            Assert.All(c.Members, m => Assert.Equal((c.Name, c.Industry, c.Size), (byId[m.CustomerId].Company, byId[m.CustomerId].Industry, byId[m.CustomerId].CompanySize)));
            Assert.Single(c.Members.Select(m => byId[m.CustomerId].Email?.Split('@')[1]).OfType<string>().Distinct());
        });
        // Nobody belongs to two demo accounts; everyone joined after they became a customer.
        Assert.Equal(result.AccountMembers, accounts.SelectMany(a => a.Members).Select(m => m.CustomerId).Distinct().Count());
        Assert.All(accounts.SelectMany(a => a.Members), m => Assert.InRange(m.JoinedAt, byId[m.CustomerId].CreatedAt, Now));

        var settings = await db.WorkspaceSettings.SingleAsync(s => s.Id == 1);
        Assert.NotNull(settings.DemoSeededAt);
        Assert.Equal(("Asia/Shanghai", "zh-CN"), (settings.TimeZone, settings.DefaultCulture));
    }

    [Fact]
    public async Task Seeding_twice_is_a_no_op()
    {
        await using var database = await TempSqliteDatabase.CreateAsync();
        await database.SeedAsync(Small());
        string before;
        await using (var db = database.CreateContext()) before = await FingerprintAsync(db);

        var second = await database.SeedAsync(Small(seed: 7));

        Assert.True(second.Skipped);
        Assert.Equal(0, second.Customers);
        await using var after = database.CreateContext();
        Assert.Equal(before, await FingerprintAsync(after));
        Assert.Equal(2_000, await after.Customers.CountAsync());
    }

    [Fact]
    public async Task Existing_customers_prevent_seeding()
    {
        await using var database = await TempSqliteDatabase.CreateAsync();
        await using (var db = database.CreateContext())
        {
            db.Customers.Add(new Customer { Name = "张三", CreatedAt = Now, UpdatedAt = Now });
            await db.SaveChangesAsync();
        }

        var result = await database.SeedAsync(Small());

        Assert.True(result.Skipped);
        await using var check = database.CreateContext();
        Assert.Equal(1, await check.Customers.CountAsync());
        Assert.False(await check.Tags.AnyAsync());
    }

    [Fact]
    public async Task Same_options_give_the_same_data()
    {
        await using var first = await TempSqliteDatabase.CreateAsync();
        await using var second = await TempSqliteDatabase.CreateAsync();
        await using var third = await TempSqliteDatabase.CreateAsync();
        await first.SeedAsync(Small());
        await second.SeedAsync(Small());
        await third.SeedAsync(Small(seed: 42));

        await using var a = first.CreateContext();
        await using var b = second.CreateContext();
        await using var c = third.CreateContext();
        Assert.Equal(await FirstNamesAsync(a), await FirstNamesAsync(b));
        Assert.Equal(await IdAmountSumAsync(a), await IdAmountSumAsync(b));
        Assert.Equal(await FingerprintAsync(a), await FingerprintAsync(b));
        Assert.NotEqual(await FirstNamesAsync(a), await FirstNamesAsync(c));
        Assert.NotEqual(await FingerprintAsync(a), await FingerprintAsync(c));
    }

    [Fact]
    public async Task Data_read_back_through_ef_equals_the_generated_data()
    {
        var options = Small();
        var expected = new DemoDataGenerator(options, options.ResolveNow()).Generate();
        await using var database = await TempSqliteDatabase.CreateAsync();
        await database.SeedAsync(options);
        await using var db = database.CreateContext();

        var customers = await db.Customers.AsNoTracking().OrderBy(c => c.Id).ToListAsync();
        Assert.Equal(expected.Customers.Select(CustomerKey), customers.Select(CustomerKey));
        Assert.All(customers, c => Assert.Equal((DateTimeKind.Utc, DateTimeKind.Utc), (c.CreatedAt.Kind, c.UpdatedAt.Kind)));

        var identities = await db.CustomerIdentities.AsNoTracking().OrderBy(i => i.Id).ToListAsync();
        Assert.Equal(
            expected.Identities.Select(i => (i.Id, i.CustomerId, i.Kind, i.Value, i.IsPrimary, i.CreatedAt)),
            identities.Select(i => (i.Id, i.CustomerId, i.Kind, i.Value, i.IsPrimary, i.CreatedAt)));

        var orders = await db.Orders.AsNoTracking().OrderBy(o => o.Id).ToListAsync();
        Assert.Equal(
            expected.Orders.Select(o => (o.Id, o.CustomerId, o.OrderNo, o.OrderedAt, o.Amount, o.Currency, o.Status, o.Channel)),
            orders.Select(o => (o.Id, o.CustomerId, o.OrderNo, o.OrderedAt, o.Amount, o.Currency, o.Status, o.Channel)));
        Assert.All(orders, o => Assert.Equal(DateTimeKind.Utc, o.OrderedAt.Kind));
        var lines = await db.OrderLines.AsNoTracking().OrderBy(l => l.Id).ToListAsync();
        Assert.Equal(
            expected.OrderLines.Select(l => (l.Id, l.OrderId, l.Sku, l.Name, l.Quantity, l.UnitPrice)),
            lines.Select(l => (l.Id, l.OrderId, l.Sku, l.Name, l.Quantity, l.UnitPrice)));

        var accounts = await db.Accounts.AsNoTracking().OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(expected.Accounts.Select(a => (a.Id, a.Kind, a.Name, a.Industry, a.Size, a.CreatedAt)),
            accounts.Select(a => (a.Id, a.Kind, a.Name, a.Industry, a.Size, a.CreatedAt)));
        var members = await db.AccountMembers.AsNoTracking().OrderBy(m => m.AccountId).ThenBy(m => m.CustomerId).ToListAsync();
        Assert.Equal(expected.AccountMembers.OrderBy(m => m.AccountId).ThenBy(m => m.CustomerId).Select(m => (m.AccountId, m.CustomerId, m.Role, m.JoinedAt)),
            members.Select(m => (m.AccountId, m.CustomerId, m.Role, m.JoinedAt)));

        var events = await db.Events.AsNoTracking().OrderBy(e => e.Id).ToListAsync();
        Assert.Equal(
            expected.Events.Select(e => (e.Id, e.CustomerId, e.Type, e.OccurredAt, e.ReceivedAt, e.Channel, e.PropertiesJson)),
            events.Select(e => (e.Id, e.CustomerId, e.Type, e.OccurredAt, e.ReceivedAt, e.Channel, e.PropertiesJson)));
        var properties = await db.EventProperties.AsNoTracking().OrderBy(p => p.EventId).ThenBy(p => p.Key).ToListAsync();
        Assert.Equal(
            expected.EventProperties.OrderBy(p => p.EventId).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.EventId, p.Key, p.Value)),
            properties.Select(p => (p.EventId, p.Key, p.Value)));

        // An EF query on the stored DateTime and double columns agrees with what was generated.
        var cutoff = expected.Orders[expected.Orders.Count / 2].OrderedAt;
        Assert.Equal(expected.Orders.Count(o => o.OrderedAt >= cutoff), await db.Orders.CountAsync(o => o.OrderedAt >= cutoff));
        Assert.Equal(expected.Orders.Count(o => o.Amount >= 500m), await db.Orders.CountAsync(o => o.Amount >= 500m));
    }

    [Fact]
    public async Task Some_customers_viewed_the_pricing_page_three_times_this_week()
    {
        await using var database = await TempSqliteDatabase.CreateAsync();
        // Default reference date: today, so the pattern must hold against the real clock.
        await database.SeedAsync(Small() with { Now = null });
        await using var db = database.CreateContext();

        var since = DateTime.UtcNow.AddDays(-7);
        var matching = await db.Customers.CountAsync(c =>
            db.Events.Count(e => e.CustomerId == c.Id && e.Type == "page_view" && e.OccurredAt >= since
                                 && e.Properties.Any(p => p.Key == "path" && p.Value == "/pricing")) >= 3);
        Assert.InRange(matching, 20, 200);

        var highIntent = await db.Tags.Where(t => t.Code == "high_intent").Select(t => t.Id).SingleAsync();
        Assert.True(await db.TagAssignments.CountAsync(a => a.TagId == highIntent) >= matching);
    }

    [Fact]
    public async Task Entity_framework_path_stores_the_same_data_as_the_sqlite_fast_path()
    {
        var options = new DemoSeedOptions { Customers = 300, Events = 3_000, Orders = 450, Seed = 11, Now = Now };
        await using var fast = await TempSqliteDatabase.CreateAsync();
        await using var ef = await TempSqliteDatabase.CreateAsync();
        var fastResult = await fast.SeedAsync(options);
        var efResult = await ef.SeedAsync(options with { ForceEntityFramework = true });

        Assert.Equal(fastResult with { Elapsed = default }, efResult with { Elapsed = default });
        await using var a = fast.CreateContext();
        await using var b = ef.CreateContext();
        Assert.Equal(await FingerprintAsync(a), await FingerprintAsync(b));
        Assert.Equal(efResult.EventProperties, await b.EventProperties.CountAsync());
        Assert.Equal(efResult.OrderLines, await b.OrderLines.CountAsync());
    }

    private static object CustomerKey(Customer c) =>
        (c.Id, c.Name, c.Gender, c.BirthDate, c.Province, c.City, c.Phone,
         (c.Email, c.SourceChannel, c.LifecycleStage, c.LeadScore, c.Company, c.Industry, c.CompanySize),
         (c.EmailOptOut, c.SmsOptOut, c.CreatedAt, c.UpdatedAt, c.MergedIntoId, c.OwnerId));

    private static Task<List<string?>> FirstNamesAsync(StudioDbContext db) =>
        db.Customers.OrderBy(c => c.Id).Select(c => c.Name).Take(20).ToListAsync();

    private static async Task<decimal> IdAmountSumAsync(StudioDbContext db) =>
        (await db.Orders.Select(o => new { o.Id, o.Amount }).ToListAsync()).Sum(o => o.Id * o.Amount);

    /// <summary>A hash of the whole seeded content keyed by natural keys (phones, order numbers, tag codes), not by ids.</summary>
    private static async Task<string> FingerprintAsync(StudioDbContext db)
    {
        var sb = new StringBuilder();
        var phoneById = await db.Customers.ToDictionaryAsync(c => c.Id, c => c.Phone ?? "");
        foreach (var c in (await db.Customers.AsNoTracking().ToListAsync()).OrderBy(c => c.Phone, StringComparer.Ordinal))
            sb.AppendLine(string.Join('|', c.Phone, c.Name, c.Email, c.Province, c.City, c.Gender, c.BirthDate, c.SourceChannel,
                c.LifecycleStage, c.LeadScore, c.Company, c.CreatedAt.Ticks, c.UpdatedAt.Ticks));
        foreach (var i in (await db.CustomerIdentities.AsNoTracking().ToListAsync()).OrderBy(i => i.Kind).ThenBy(i => i.Value, StringComparer.Ordinal))
            sb.AppendLine(string.Join('|', i.Kind, i.Value, phoneById[i.CustomerId], i.IsPrimary));
        var events = await db.Events.AsNoTracking().Include(e => e.Properties).ToListAsync();
        foreach (var e in events.Select(e => string.Join('|', phoneById[e.CustomerId], e.Type, e.OccurredAt.Ticks, e.Channel, e.PropertiesJson,
                     string.Join(',', e.Properties.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value))))
                     .Order(StringComparer.Ordinal))
            sb.AppendLine(e);
        var orders = await db.Orders.AsNoTracking().Include(o => o.Lines).ToListAsync();
        foreach (var o in orders.OrderBy(o => o.OrderNo, StringComparer.Ordinal))
            sb.AppendLine(string.Join('|', o.OrderNo, phoneById[o.CustomerId], o.OrderedAt.Ticks, o.Amount.ToString(CultureInfo.InvariantCulture), o.Status,
                o.Channel, string.Join(',', o.Lines.OrderBy(l => l.Sku, StringComparer.Ordinal).Select(l => $"{l.Sku}x{l.Quantity}@{l.UnitPrice}"))));
        var tagCodes = await db.Tags.ToDictionaryAsync(t => t.Id, t => t.Code);
        var valueCodes = await db.TagValues.ToDictionaryAsync(v => v.Id, v => v.Code);
        foreach (var a in (await db.TagAssignments.AsNoTracking().ToListAsync())
                 .Select(a => string.Join('|', phoneById[a.CustomerId], tagCodes[a.TagId], a.TagValueId == 0 ? "" : valueCodes[a.TagValueId],
                     a.Source, a.AssignedAt.Ticks, a.ExpiresAt?.Ticks))
                 .Order(StringComparer.Ordinal))
            sb.AppendLine(a);
        var accountNames = await db.Accounts.ToDictionaryAsync(a => a.Id, a => $"{a.Kind}|{a.Name}|{a.Industry}|{a.Size}|{a.CreatedAt.Ticks}");
        foreach (var m in (await db.AccountMembers.AsNoTracking().ToListAsync())
                 .Select(m => string.Join('|', accountNames[m.AccountId], phoneById[m.CustomerId], m.Role, m.JoinedAt.Ticks))
                 .Order(StringComparer.Ordinal))
            sb.AppendLine(m);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }
}
