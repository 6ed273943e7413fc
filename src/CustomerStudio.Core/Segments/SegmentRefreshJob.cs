using CustomerStudio.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Quartz;

namespace CustomerStudio.Core.Segments;

/// <summary>
/// Refreshes one segment, named by <see cref="SegmentIdKey"/> in the job data. One job (and one cron trigger) per
/// dynamic segment, never per customer. A segment that was deleted, made static or lost its schedule since the
/// trigger was made removes its own job.
/// </summary>
[DisallowConcurrentExecution]
public sealed class SegmentRefreshJob(SegmentService segments, StudioDbContext db, ILogger<SegmentRefreshJob> log) : IJob
{
    public const string SegmentIdKey = "segmentId";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        if (!context.MergedJobDataMap.TryGetInt(SegmentIdKey, out var id))
        {
            log.LogWarning("Segment refresh job {Job} has no {Key}; removing it", context.JobDetail.Key, SegmentIdKey);
            await context.Scheduler.DeleteJob(context.JobDetail.Key, cancellationToken);
            return;
        }

        var scheduled = await db.Segments.AsNoTracking()
            .AnyAsync(s => s.Id == id && s.Kind == SegmentKind.Dynamic && s.RefreshCron != null, cancellationToken);
        if (!scheduled)
        {
            log.LogInformation("Segment {SegmentId} no longer has a refresh schedule; removing its job", id);
            await context.Scheduler.DeleteJob(context.JobDetail.Key, cancellationToken);
            return;
        }

        try
        {
            var result = await segments.RefreshAsync(id, cancellationToken);
            context.Result = result;
            log.LogInformation("Scheduled refresh of segment {SegmentId}: {Members} members, {Entered} entered, {Exited} exited in {Elapsed} ms",
                id, result.Members, result.Entered, result.Exited, (int)result.Elapsed.TotalMilliseconds);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The next firing tries again; a failure here must not take the trigger down.
            log.LogError(ex, "Scheduled refresh of segment {SegmentId} failed", id);
        }
    }
}
