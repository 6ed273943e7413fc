using CustomerStudio.Core.Segments;

namespace CustomerStudio.Web.Features.Segments;

public static class SegmentsSetup
{
    /// <summary>
    /// Segment services and their scheduled refresh on the studio's Quartz scheduler (<c>SchedulerSetup</c>); the
    /// triggers are rebuilt from the segment table at start (docs/decisions/0004).
    /// </summary>
    public static void AddSegments(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddScoped<SegmentService>();
        services.AddSingleton<SegmentSchedule>();

        // Registered after the Quartz service (SchedulerSetup), so the scheduler exists; runs after migrations (they run while starting).
        services.AddHostedService<SegmentScheduleStartup>();
    }
}

/// <summary>At start: one cron trigger per dynamic segment with a refresh schedule, from the segment table.</summary>
internal sealed class SegmentScheduleStartup(SegmentSchedule schedule, ILogger<SegmentScheduleStartup> log) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        try
        {
            await schedule.RebuildAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The studio still serves; segments refresh on demand until the next start or save.
            log.LogError(ex, "Segment refresh schedules could not be built");
        }
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
