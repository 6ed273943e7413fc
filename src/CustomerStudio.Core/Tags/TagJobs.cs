using CustomerStudio.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Quartz;

namespace CustomerStudio.Core.Tags;

/// <summary>
/// Every minute: recomputes the live computed tags whose refresh rule makes them due (real-time every minute until
/// events trigger them directly, hourly, daily), one tag at a time, oldest first. One job for all tags, never a
/// trigger per tag or customer (docs/decisions/0005).
/// </summary>
[DisallowConcurrentExecution]
public sealed class TagRefreshJob(StudioDbContext db, TagRuleEngine rules, TagPredictions predictions, TagRefreshBackoff backoff, TimeProvider clock,
    ILogger<TagRefreshJob> log) : IJob
{
    public static readonly JobKey Key = new("tag-refresh", "tags");

    public sealed record DueTag(int Id, string Code, TagKind Kind, RefreshRule RefreshRule, DateTime? LastComputedAt);

    /// <summary>Live computed tags whose refresh interval has passed since they were last computed (never computed: due), oldest first.</summary>
    public static async Task<IReadOnlyList<DueTag>> DueAsync(StudioDbContext db, DateTime utcNow, CancellationToken ct = default) =>
        (await db.Tags.AsNoTracking()
            .Where(t => t.Status == TagStatus.Active && t.Kind != TagKind.Manual && t.RefreshRule != RefreshRule.Manual)
            .Select(t => new DueTag(t.Id, t.Code, t.Kind, t.RefreshRule, t.LastComputedAt)).ToListAsync(ct))
        // A few seconds of slack so a tag computed just after the last sweep is not skipped for a whole interval.
        .Where(t => t.LastComputedAt is null || t.LastComputedAt <= utcNow - TagUsage.Interval(t.RefreshRule)!.Value + TimeSpan.FromSeconds(5))
        .OrderBy(t => t.LastComputedAt ?? DateTime.MinValue).ToList();

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var due = await DueAsync(db, now, ct);
        foreach (var tag in due)
        {
            if (!backoff.MayTry(tag.Id, now)) continue;
            try
            {
                var result = tag.Kind == TagKind.Rule
                    ? await rules.RecomputeAsync(tag.Id, ct)
                    : await predictions.RefreshAsync(tag.Id, retrain: false, ct);
                backoff.Succeeded(tag.Id);
                log.LogInformation("Tag {Tag} recomputed: +{Added} −{Removed} ~{Changed}, {Coverage} customers in {Elapsed} ms",
                    tag.Code, result.Added, result.Removed, result.Changed, result.Coverage, (int)result.Elapsed.TotalMilliseconds);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One broken tag must not hold up the others; it shows as overdue in the stale-tag report and is
                // retried after a growing pause rather than every sweep.
                var retry = backoff.Failed(tag.Id, now);
                log.LogError(ex, "Recomputing tag {Tag} failed; next attempt after {Retry:u}", tag.Code, retry);
            }
            db.ChangeTracker.Clear();
        }
    }
}

/// <summary>Every minute: assignments whose expiry has passed are removed, each leaving an "expired" history row.</summary>
[DisallowConcurrentExecution]
public sealed class TagExpiryJob(TagAssignments assignments, ILogger<TagExpiryJob> log) : IJob
{
    public static readonly JobKey Key = new("tag-expiry", "tags");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        var expired = await assignments.ExpireDueAsync(ct);
        if (expired > 0) log.LogInformation("Expired {Count} tag assignments", expired);
    }
}

/// <summary>Failed tag computations wait before the next attempt: 5 minutes, doubling up to 6 hours.</summary>
public sealed class TagRefreshBackoff
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, (int Failures, DateTime NextTry)> _failed = new();

    public bool MayTry(int tagId, DateTime utcNow) => !_failed.TryGetValue(tagId, out var f) || f.NextTry <= utcNow;

    public DateTime Failed(int tagId, DateTime utcNow)
    {
        var failures = _failed.TryGetValue(tagId, out var f) ? f.Failures + 1 : 1;
        var wait = TimeSpan.FromMinutes(Math.Min(5 * Math.Pow(2, failures - 1), 360));
        _failed[tagId] = (failures, utcNow + wait);
        return utcNow + wait;
    }

    public void Succeeded(int tagId) => _failed.TryRemove(tagId, out _);
}
