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
public sealed class TagRefreshJob(StudioDbContext db, TagRuleEngine rules, TagPredictions predictions, TimeProvider clock, ILogger<TagRefreshJob> log) : IJob
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
        var due = await DueAsync(db, clock.GetUtcNow().UtcDateTime, ct);
        foreach (var tag in due)
        {
            try
            {
                var result = tag.Kind == TagKind.Rule
                    ? await rules.RecomputeAsync(tag.Id, ct)
                    : await predictions.RefreshAsync(tag.Id, retrain: false, ct);
                log.LogInformation("Tag {Tag} recomputed: +{Added} −{Removed} ~{Changed}, {Coverage} customers in {Elapsed} ms",
                    tag.Code, result.Added, result.Removed, result.Changed, result.Coverage, (int)result.Elapsed.TotalMilliseconds);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One broken tag must not hold up the others; it shows as overdue in the stale-tag report.
                log.LogError(ex, "Recomputing tag {Tag} failed", tag.Code);
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
