using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Core.Tags;

/// <summary>One customer's raw features (in the order of <see cref="CustomerFeatures.Names"/>) and, when training, the outcome.</summary>
internal sealed class FeatureRow(long customerId, float[] values)
{
    public long CustomerId { get; } = customerId;
    public float[] Values { get; } = values;
    public bool Label { get; set; }
}

/// <summary>
/// What a predictive model knows about a customer as of a moment: RFM from paid orders, recent events by type,
/// days since the last event and a few attributes. Everything is read with grouping queries over a range of customer
/// ids (never one query per customer), and only from data before the moment, so that training rows as of a past
/// cutoff see exactly what scoring rows see today.
/// </summary>
public static class CustomerFeatures
{
    /// <summary>Days recorded for "never" or "longer ago than two years": keeps one missing value from dwarfing the rest.</summary>
    public const int CapDays = 730;

    /// <summary>The event types counted over 30 and 90 days (those of the demo workspace that signal intent or engagement).</summary>
    public static readonly IReadOnlyList<string> EventTypes = ["page_view", "email_open", "email_click", "demo_request", "add_to_cart"];

    internal const int Count = 21;

    /// <summary>Stable feature codes, in model order; the UI localizes them.</summary>
    public static readonly IReadOnlyList<string> Names =
    [
        "recency_days", "orders_365d", "amount_365d", "orders_total", "tenure_days", "days_since_event", "events_90d",
        .. EventTypes.SelectMany(t => new[] { t + "_30d", t + "_90d" }),
        "has_email", "has_phone", "lead_score", "is_b2b",
    ];

    /// <summary>Counts and amounts enter the model as log(1 + x): their long tails would otherwise decide a linear model alone.</summary>
    internal static readonly IReadOnlySet<string> Logged = new HashSet<string>(
        ["orders_365d", "amount_365d", "orders_total", "events_90d", .. EventTypes.SelectMany(t => new[] { t + "_30d", t + "_90d" })]);

    /// <summary>The rows of the model's population among customers with ids in [from, to), as of <paramref name="asOf"/>.</summary>
    internal static async Task<List<FeatureRow>> ComputeAsync(StudioDbContext db, PredictionTarget target, DateTime asOf,
        long from, long to, CancellationToken ct)
    {
        var yearAgo = asOf.AddDays(-365);
        var d90 = asOf.AddDays(-90);
        var d30 = asOf.AddDays(-30);

        var customers = await db.Customers.AsNoTracking()
            .Where(c => c.MergedIntoId == null && c.CreatedAt < asOf && c.Id >= from && c.Id < to)
            .Select(c => new { c.Id, c.CreatedAt, HasEmail = c.Email != null, HasPhone = c.Phone != null, c.LeadScore, B2B = c.Company != null })
            .ToListAsync(ct);
        if (customers.Count == 0) return [];

        var orders = await db.Orders.AsNoTracking()
            .Where(o => o.Status == OrderStatus.Paid && o.OrderedAt < asOf && o.CustomerId >= from && o.CustomerId < to)
            .GroupBy(o => o.CustomerId)
            .Select(g => new
            {
                CustomerId = g.Key,
                Last = g.Max(o => o.OrderedAt),
                Total = g.Count(),
                Year = g.Count(o => o.OrderedAt >= yearAgo),
                Amount = g.Sum(o => o.OrderedAt >= yearAgo ? (double)o.Amount : 0.0),
            })
            .ToDictionaryAsync(x => x.CustomerId, ct);

        // Days since the last event are capped, so older events cannot change any feature.
        var capped = asOf.AddDays(-CapDays);
        var events = await db.Events.AsNoTracking()
            .Where(e => e.OccurredAt >= capped && e.OccurredAt < asOf && e.CustomerId >= from && e.CustomerId < to)
            .GroupBy(e => e.CustomerId)
            .Select(g => new { CustomerId = g.Key, Last = g.Max(e => e.OccurredAt), Recent = g.Count(e => e.OccurredAt >= d90) })
            .ToDictionaryAsync(x => x.CustomerId, ct);

        var types = EventTypes.ToList();
        var byType = (await db.Events.AsNoTracking()
                .Where(e => e.OccurredAt >= d90 && e.OccurredAt < asOf && types.Contains(e.Type) && e.CustomerId >= from && e.CustomerId < to)
                .GroupBy(e => new { e.CustomerId, e.Type })
                .Select(g => new { g.Key.CustomerId, g.Key.Type, N90 = g.Count(), N30 = g.Count(e => e.OccurredAt >= d30) })
                .ToListAsync(ct))
            .ToLookup(x => x.CustomerId);

        var leadScores = await LeadScoresAsOfAsync(db, asOf, from, to, ct);

        var rows = new List<FeatureRow>(customers.Count);
        foreach (var c in customers)
        {
            var bought = orders.GetValueOrDefault(c.Id);
            // Churn is about buyers: who has never paid is not in its population.
            if (target == PredictionTarget.Churn && bought is null) continue;
            var seen = events.GetValueOrDefault(c.Id);
            var v = new float[Count];
            var i = 0;
            v[i++] = Days(asOf, bought?.Last);
            v[i++] = bought?.Year ?? 0;
            v[i++] = (float)(bought?.Amount ?? 0);
            v[i++] = bought?.Total ?? 0;
            v[i++] = (float)Math.Min((asOf - c.CreatedAt).TotalDays, 10 * 365);
            v[i++] = Days(asOf, seen?.Last);
            v[i++] = seen?.Recent ?? 0;
            foreach (var type in EventTypes)
            {
                var counts = byType[c.Id].FirstOrDefault(x => x.Type == type);
                v[i++] = counts?.N30 ?? 0;
                v[i++] = counts?.N90 ?? 0;
            }
            v[i++] = c.HasEmail ? 1 : 0;
            v[i++] = c.HasPhone ? 1 : 0;
            v[i++] = leadScores is not null && leadScores.TryGetValue(c.Id, out var score) ? score : c.LeadScore;
            v[i] = c.B2B ? 1 : 0;
            rows.Add(new FeatureRow(c.Id, v));
        }
        return rows;
    }

    /// <summary>Customers in the range with a paid order in [from, to) of time: the outcome of both targets.</summary>
    internal static async Task<HashSet<long>> BuyersAsync(StudioDbContext db, DateTime since, DateTime until, long from, long to, CancellationToken ct) =>
        (await db.Orders.AsNoTracking()
            .Where(o => o.Status == OrderStatus.Paid && o.OrderedAt >= since && o.OrderedAt < until && o.CustomerId >= from && o.CustomerId < to)
            .Select(o => o.CustomerId).Distinct().ToListAsync(ct)).ToHashSet();

    /// <summary>
    /// The lead score each customer had at <paramref name="asOf"/>, rebuilt from the change log: the total after the last
    /// change before it, else the total before the first change after it. Customers without changes keep their current
    /// score (null means nobody has a change at all).
    /// </summary>
    private static async Task<Dictionary<long, int>?> LeadScoresAsOfAsync(StudioDbContext db, DateTime asOf, long from, long to, CancellationToken ct)
    {
        var changes = db.LeadScoreChanges.AsNoTracking().Where(x => x.CustomerId >= from && x.CustomerId < to);
        if (!await changes.AnyAsync(x => x.At >= asOf, ct)) return null;
        var before = await changes.Where(x => x.At < asOf).GroupBy(x => x.CustomerId)
            .Select(g => new { CustomerId = g.Key, Total = g.OrderByDescending(x => x.At).ThenByDescending(x => x.Id).Select(x => x.Total).First() })
            .ToDictionaryAsync(x => x.CustomerId, x => x.Total, ct);
        var after = await changes.Where(x => x.At >= asOf).GroupBy(x => x.CustomerId)
            .Select(g => new { CustomerId = g.Key, Total = g.OrderBy(x => x.At).ThenBy(x => x.Id).Select(x => x.Total - x.Points).First() })
            .ToDictionaryAsync(x => x.CustomerId, x => x.Total, ct);
        foreach (var (id, total) in after) before.TryAdd(id, total);
        return before;
    }

    private static float Days(DateTime asOf, DateTime? at) =>
        at is { } t ? (float)Math.Min((asOf - t).TotalDays, CapDays) : CapDays;
}
