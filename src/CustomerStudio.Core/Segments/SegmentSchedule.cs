using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Quartz;

namespace CustomerStudio.Core.Segments;

/// <summary>
/// Keeps one Quartz cron trigger per dynamic segment that has a <see cref="Segment.RefreshCron"/>. The segment table
/// is the source of truth: <see cref="RebuildAsync"/> recreates every trigger from it (at start-up), and
/// <see cref="SyncAsync"/> brings one segment's trigger in line after it was saved or deleted. Cron expressions are
/// read in the workspace's time zone.
/// </summary>
public sealed class SegmentSchedule(
    ISchedulerFactory schedulers, IDbContextFactory<StudioDbContext> dbs, TimeProvider clock, ILogger<SegmentSchedule> log)
{
    public const string Group = "segment-refresh";

    public static JobKey JobKeyFor(int segmentId) => new($"segment-{segmentId}", Group);
    public static TriggerKey TriggerKeyFor(int segmentId) => new($"segment-{segmentId}", Group);

    private sealed record Entry(int Id, string Cron, DateTime? LastRefreshedAt, DateTime CreatedAt);

    /// <summary>Drops every segment trigger and schedules one for each dynamic segment with a refresh cron.</summary>
    public async Task<int> RebuildAsync(CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var entries = await Scheduled(db).ToListAsync(ct);
        var zone = await ZoneAsync(db, ct);
        var scheduler = await schedulers.GetScheduler(ct);
        await scheduler.DeleteJobs(GroupMatcher<JobKey>.GroupEquals(Group), ct);
        var count = 0;
        foreach (var entry in entries)
        {
            try
            {
                // A refresh the in-memory store missed while the studio was down runs once right away.
                await ScheduleAsync(scheduler, entry, zone, catchUp: IsOverdue(entry, zone), ct);
                count++;
            }
            catch (Exception ex) when (ex is FormatException or SchedulerException)
            {
                log.LogError(ex, "Cannot schedule the refresh of segment {SegmentId} ({Cron})", entry.Id, entry.Cron);
            }
        }
        log.LogInformation("Scheduled the refresh of {Count} segments", count);
        return count;
    }

    /// <summary>After a save or delete: (re)schedules the segment's trigger, or removes it when there is nothing to schedule.</summary>
    public async Task SyncAsync(int segmentId, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var entry = await Scheduled(db, segmentId).FirstOrDefaultAsync(ct);
        var scheduler = await schedulers.GetScheduler(ct);
        if (entry is null)
        {
            await scheduler.DeleteJob(JobKeyFor(segmentId), ct);
            return;
        }
        await ScheduleAsync(scheduler, entry, await ZoneAsync(db, ct), catchUp: false, ct);
    }

    public async Task RemoveAsync(int segmentId, CancellationToken ct = default) =>
        await (await schedulers.GetScheduler(ct)).DeleteJob(JobKeyFor(segmentId), ct);

    /// <summary>When the segment's trigger fires next; null when it has none.</summary>
    public async Task<DateTimeOffset?> NextRefreshAsync(int segmentId, CancellationToken ct = default)
    {
        var trigger = await (await schedulers.GetScheduler(ct)).GetTrigger(TriggerKeyFor(segmentId), ct);
        return trigger?.NextFireTimeUtc;
    }

    private static IQueryable<Entry> Scheduled(StudioDbContext db, int? segmentId = null) =>
        db.Segments.AsNoTracking()
            .Where(s => s.Kind == SegmentKind.Dynamic && s.RefreshCron != null && s.RefreshCron != "")
            .Where(s => segmentId == null || s.Id == segmentId)
            .OrderBy(s => s.Id)
            .Select(s => new Entry(s.Id, s.RefreshCron!, s.LastRefreshedAt, s.CreatedAt));

    private static Task<TimeZoneInfo> ZoneAsync(StudioDbContext db, CancellationToken ct) =>
        Workspace.WorkspaceTimeZone.LoadAsync(db, ct);

    private bool IsOverdue(Entry entry, TimeZoneInfo zone)
    {
        var since = DateTime.SpecifyKind(entry.LastRefreshedAt ?? entry.CreatedAt, DateTimeKind.Utc);
        var due = new CronExpression(entry.Cron, zone).GetNextValidTimeAfter(new DateTimeOffset(since));
        return due is not null && due.Value < clock.GetUtcNow();
    }

    private async Task ScheduleAsync(IScheduler scheduler, Entry entry, TimeZoneInfo zone, bool catchUp, CancellationToken ct)
    {
        var job = JobBuilder.Create<SegmentRefreshJob>()
            .WithIdentity(JobKeyFor(entry.Id))
            .WithDescription($"Refresh segment {entry.Id}")
            .UsingJobData(SegmentRefreshJob.SegmentIdKey, entry.Id)
            .DisallowConcurrentExecution(true)
            .Build();
        var triggers = new List<ITrigger>
        {
            TriggerBuilder.Create(clock)
                .WithIdentity(TriggerKeyFor(entry.Id))
                .ForJob(job)
                .WithSchedule(CronScheduleBuilder.Create(entry.Cron).InTimeZone(zone))
                .Build(),
        };
        if (catchUp)
            triggers.Add(TriggerBuilder.Create(clock)
                .WithIdentity($"segment-{entry.Id}-catch-up", Group)
                .ForJob(job)
                .StartNow()
                .Build());
        await scheduler.ScheduleJob(job, triggers, ScheduleJobOptions.Replacing, ct);
    }
}
