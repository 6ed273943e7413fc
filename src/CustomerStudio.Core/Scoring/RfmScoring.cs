using System.Diagnostics;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Core.Scoring;

/// <summary>One of the eight classic RFM classes (重要价值 … 一般挽留), by whether R, F and M are high (score ≥ 3).</summary>
public sealed record RfmSegmentInfo(string Code, string NameZh, string NameEn, bool HighR, bool HighF, bool HighM);

public sealed record RfmResult(int Customers, DateTime AsOf, int WindowDays, TimeSpan Elapsed);

/// <summary>
/// RFM over a window (default 365 days, Settings): recency = days since the last paid order, frequency = paid orders in
/// the window, monetary = their sum, for every live customer with a paid order in the window. Each becomes a quintile
/// score 1–5 (5 best: most recent, most frequent, highest spend); equal values always share a score (a score is decided
/// by how many customers have a strictly worse value). The customer's class follows from high (≥ 3) or low R, F, M.
/// One grouping query reads the orders; scores are ranked in memory and the table is rewritten in one transaction.
/// </summary>
public sealed class RfmScoring(StudioDbContext db, TimeProvider clock)
{
    public static readonly IReadOnlyList<RfmSegmentInfo> Segments =
    [
        new("important_value", "重要价值客户", "Champions", true, true, true),
        new("important_keep", "重要保持客户", "Loyal, slipping away", false, true, true),
        new("important_develop", "重要发展客户", "Big spenders to develop", true, false, true),
        new("important_retain", "重要挽留客户", "Can't lose them", false, false, true),
        new("general_value", "一般价值客户", "Frequent small spenders", true, true, false),
        new("general_keep", "一般保持客户", "At risk", false, true, false),
        new("general_develop", "一般发展客户", "New customers", true, false, false),
        new("general_retain", "一般挽留客户", "Hibernating", false, false, false),
    ];

    public static string SegmentOf(byte r, byte f, byte m) =>
        Segments.First(s => s.HighR == r >= 3 && s.HighF == f >= 3 && s.HighM == m >= 3).Code;

    public async Task<RfmResult> ComputeAsync(int? windowDays = null, CancellationToken ct = default)
    {
        var started = Stopwatch.StartNew();
        var now = clock.GetUtcNow().UtcDateTime;
        var window = windowDays ?? await db.WorkspaceSettings.Select(s => (int?)s.RfmWindowDays).FirstOrDefaultAsync(ct) ?? 365;
        var since = now.AddDays(-window);

        var rows = await db.Orders.AsNoTracking()
            .Where(o => o.Status == OrderStatus.Paid && o.OrderedAt >= since && o.OrderedAt <= now)
            .Where(o => db.Customers.Any(c => c.Id == o.CustomerId && c.MergedIntoId == null))
            .GroupBy(o => o.CustomerId)
            .Select(g => new { CustomerId = g.Key, Last = g.Max(o => o.OrderedAt), Count = g.Count(), Sum = g.Sum(o => (double)o.Amount) })
            .ToListAsync(ct);

        var recency = rows.Select(r => (int)Math.Floor((now - r.Last).TotalDays)).ToArray();
        var r = Quintiles(recency.Select(v => -(double)v).ToArray());
        var f = Quintiles(rows.Select(x => (double)x.Count).ToArray());
        var m = Quintiles(rows.Select(x => Math.Round(x.Sum, 4)).ToArray());
        var scores = rows.Select((x, i) => new RfmScore
        {
            CustomerId = x.CustomerId, RecencyDays = recency[i], Frequency = x.Count, Monetary = (decimal)Math.Round(x.Sum, 4), R = r[i], F = f[i], M = m[i],
            Segment = SegmentOf(r[i], f[i], m[i]), ComputedAt = now,
        }).ToList();

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.RfmScores.ExecuteDeleteAsync(ct);
        await ModelBulkInsert.InsertAsync(db, transaction, scores, ct);
        await transaction.CommitAsync(ct);
        return new RfmResult(scores.Count, now, window, started.Elapsed);
    }

    /// <summary>1–5 by the share of values strictly below each one: ties share a score, the best fifth gets 5.</summary>
    public static byte[] Quintiles(double[] values)
    {
        var sorted = values.Order().ToArray();
        var result = new byte[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var below = LowerBound(sorted, values[i]);
            result[i] = (byte)(1 + Math.Min(4, below * 5 / Math.Max(1, sorted.Length)));
        }
        return result;
    }

    private static int LowerBound(double[] sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid] < value) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}

/// <summary>Recomputes RFM once a day (checked every hour): scores older than a day, or none while paid orders exist.</summary>
[Quartz.DisallowConcurrentExecution]
public sealed class RfmJob(RfmScoring rfm, StudioDbContext db, TimeProvider clock, Microsoft.Extensions.Logging.ILogger<RfmJob> log) : Quartz.IJob
{
    public static readonly Quartz.JobKey Key = new("rfm", "scoring");

    public async ValueTask Execute(Quartz.IJobExecutionContext context, CancellationToken ct)
    {
        var last = await db.RfmScores.MaxAsync(s => (DateTime?)s.ComputedAt, ct);
        if (last > clock.GetUtcNow().UtcDateTime.AddDays(-1)) return;
        if (last is null && !await db.Orders.AnyAsync(o => o.Status == OrderStatus.Paid, ct)) return;
        var result = await rfm.ComputeAsync(ct: ct);
        Microsoft.Extensions.Logging.LoggerExtensions.LogInformation(log, "RFM computed for {Customers} customers over {Window} days in {Elapsed} ms",
            result.Customers, result.WindowDays, (int)result.Elapsed.TotalMilliseconds);
    }
}
