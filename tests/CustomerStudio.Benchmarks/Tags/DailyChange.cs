using System.Data.Common;
using System.Globalization;
using CustomerStudio.Benchmarks.Conditions;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Benchmarks.Tags;

/// <summary>What one simulated day added to the working copy.</summary>
public sealed record DayChange(int Day, DateTime Now, int PageViews, int PricingViews, int AppOpens, int Orders, int PaidOrders, int Refunds, int LeadScores)
{
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{PageViews:N0} page views ({PricingViews:N0} of /pricing), {AppOpens:N0} app opens, {Orders:N0} orders ({PaidOrders:N0} paid), {Refunds:N0} paid orders refunded, {LeadScores:N0} lead scores changed");
}

/// <summary>
/// A realistic day for the working copy: "now" moves on by one day and the day's activity arrives — page views and
/// app opens mostly from recently active customers (some coming back, some new), paid and unpaid orders from
/// buyers and first-time buyers, refunds of recent paid orders, lead scores re-scored. Volumes follow the
/// generated data's last day (≈ 30k page views, ≈ 12k orders). Deterministic per day. Rows go in through the
/// product's <see cref="ModelBulkInsert"/> (events, properties, orders) and plain updates.
/// </summary>
public sealed class DailyChange(string path, int customers)
{
    public const int PageViewCustomers = 12_000;
    public const int AppOpenCustomers = 5_000;
    public const int OrdersPerDay = 12_000;
    public const int RefundsPerDay = 800;
    public const int LeadScoresPerDay = 10_000;
    private const double PricingShare = 0.06;
    private static readonly string[] Paths = ["/", "/product", "/product/crm", "/product/journeys", "/blog/rfm", "/docs", "/cases", "/login"];

    public async Task<DayChange> ApplyAsync(int day, CancellationToken ct)
    {
        var now = ConditionsDataGenerator.DataNow.AddDays(day);
        var dayStart = now.AddDays(-1);
        var rng = new Random(ConditionsDataGenerator.Seed + 1000 + day);
        await using var db = ConditionsDataGenerator.CreateContext(path);
        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();

        var since30 = now.AddDays(-30);
        var viewers = await Ids(connection, "SELECT DISTINCT \"CustomerId\" FROM \"Events\" WHERE \"Type\" = 'page_view' AND \"OccurredAt\" >= $since", since30, ct);
        var appUsers = await Ids(connection, "SELECT DISTINCT \"CustomerId\" FROM \"Events\" WHERE \"Type\" = 'app_open' AND \"OccurredAt\" >= $since", since30, ct);
        var recentPaid = await Ids(connection, "SELECT \"Id\" FROM \"Orders\" WHERE \"Status\" = 0 AND \"OrderedAt\" >= $since ORDER BY \"Id\"", since30, ct);
        var buyers = await Ids(connection, "SELECT DISTINCT \"CustomerId\" FROM \"Orders\"", null, ct);
        var nextEvent = await Max(connection, "Events", ct) + 1;
        var nextOrder = await Max(connection, "Orders", ct) + 1;

        long Pick(List<long> recent, double recentShare) =>
            recent.Count > 0 && rng.NextDouble() < recentShare ? recent[rng.Next(recent.Count)] : 1 + rng.Next(customers);
        DateTime At() => dayStart.AddTicks((long)(rng.NextDouble() * TimeSpan.TicksPerDay));

        var events = new List<CustomerEvent>();
        var properties = new List<EventProperty>();
        var pricing = 0;
        // Page views: 85 % from customers with a view in the last 30 days, 15 % from anyone (coming back, or new).
        foreach (var customer in Distinct(PageViewCustomers, () => Pick(viewers, 0.85)))
        {
            var views = 1 + (int)Math.Min(20, -Math.Log(1 - rng.NextDouble()) * 1.5);
            for (var v = 0; v < views; v++)
            {
                var at = At();
                var p = rng.NextDouble() < PricingShare ? "/pricing" : Paths[rng.Next(Paths.Length)];
                if (p == "/pricing") pricing++;
                var e = new CustomerEvent
                {
                    Id = nextEvent++, CustomerId = customer, Type = "page_view", OccurredAt = at, ReceivedAt = at.AddSeconds(2),
                    Channel = rng.NextDouble() < 0.75 ? "web" : "app", PropertiesJson = $$"""{"path":"{{p}}"}""",
                };
                events.Add(e);
                properties.Add(new EventProperty { EventId = e.Id, Key = "path", Value = p });
            }
        }
        var pageViews = events.Count;
        // App opens: 70 % from recent app users.
        foreach (var customer in Distinct(AppOpenCustomers, () => Pick(appUsers, 0.70)))
            for (var k = 1 + rng.Next(3); k > 0; k--)
            {
                var at = At();
                events.Add(new CustomerEvent { Id = nextEvent++, CustomerId = customer, Type = "app_open", OccurredAt = at, ReceivedAt = at.AddSeconds(2), Channel = "app" });
            }

        // Orders: 65 % from earlier buyers; log-normal amounts (median ≈ 330 CNY); 85 % paid.
        var orders = new List<Order>(OrdersPerDay);
        for (var i = 0; i < OrdersPerDay; i++)
        {
            var normal = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            var id = nextOrder++;
            orders.Add(new Order
            {
                Id = id, CustomerId = Pick(buyers, 0.65), OrderNo = $"SO{id:D10}", OrderedAt = At(),
                Amount = Math.Max(9.9m, Math.Round((decimal)Math.Exp(5.8 + normal), 2)), Currency = "CNY",
                Status = rng.NextDouble() switch { < 0.85 => OrderStatus.Paid, < 0.89 => OrderStatus.Pending, < 0.95 => OrderStatus.Cancelled, _ => OrderStatus.Refunded },
                Channel = "web",
            });
        }
        var refunds = Distinct(Math.Min(RefundsPerDay, recentPaid.Count), () => recentPaid[rng.Next(recentPaid.Count)]).ToList();
        var scored = Distinct(LeadScoresPerDay, () => 1 + rng.Next(customers)).Select(id => (Id: id, Score: rng.Next(100))).ToList();

        await using (var transaction = await connection.BeginTransactionAsync(ct))
        {
            ModelBulkInsert.Insert(db, connection, transaction, events, null, ct);
            ModelBulkInsert.Insert(db, connection, transaction, properties, null, ct);
            ModelBulkInsert.Insert(db, connection, transaction, orders, null, ct);
            await Each(connection, transaction, "UPDATE \"Orders\" SET \"Status\" = 3 WHERE \"Id\" = $id", refunds.Select(id => (id, 0)), ct);
            await Each(connection, transaction, "UPDATE \"Customers\" SET \"LeadScore\" = $v, \"UpdatedAt\" = $at WHERE \"Id\" = $id", scored.Select(s => (s.Id, s.Score)), ct, now);
            await transaction.CommitAsync(ct);
        }
        return new DayChange(day, now, pageViews, pricing, events.Count - pageViews, orders.Count, orders.Count(o => o.Status == OrderStatus.Paid), refunds.Count, scored.Count);
    }

    private static IEnumerable<long> Distinct(int count, Func<long> next)
    {
        var seen = new HashSet<long>();
        for (var guard = 0; seen.Count < count && guard < count * 20; guard++)
        {
            var x = next();
            if (seen.Add(x)) yield return x;
        }
    }

    private static async Task<List<long>> Ids(DbConnection connection, string sql, DateTime? since, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 0;
        if (since is { } s) Add(command, "$since", s);
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetInt64(0));
        return ids;
    }

    private static async Task<long> Max(DbConnection connection, string table, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COALESCE(MAX(\"Id\"), 0) FROM \"{table}\"";
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    private static async Task Each(DbConnection connection, DbTransaction transaction, string sql, IEnumerable<(long Id, int Value)> rows, CancellationToken ct, DateTime? at = null)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        var id = Add(command, "$id", 0L);
        var value = sql.Contains("$v", StringComparison.Ordinal) ? Add(command, "$v", 0) : null;
        if (at is { } a) Add(command, "$at", a);
        command.Prepare();
        foreach (var (i, v) in rows)
        {
            id.Value = i;
            if (value is not null) value.Value = v;
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    private static DbParameter Add(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
        return p;
    }
}
