using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;

namespace CustomerStudio.Core.Journeys.Runtime;

/// <summary><c>Journeys:*</c> runtime settings.</summary>
public sealed class JourneyRuntimeOptions
{
    /// <summary>Turns the runtime's jobs off on this node (a web node beside dedicated workers).</summary>
    public bool Enabled { get; set; } = true;
    /// <summary>How long one run of a sweeping job keeps polling before the next fire takes over.</summary>
    public int LoopSeconds { get; set; } = 5;
    /// <summary>Pause between polls when nothing was due: the timer lag when idle.</summary>
    public int PollMilliseconds { get; set; } = 100;
    public int BatchSize { get; set; } = 500;
    /// <summary>
    /// Pause after a batch that found only a trickle of work (under a tenth of a batch): a steady stream of a few due
    /// items then costs a few batches a second instead of a core spinning on batches of one or two.
    /// </summary>
    public int TrickleMilliseconds { get; set; } = 25;
    /// <summary>
    /// Where customers reach the studio from their mail (e.g. https://studio.example.com): journey e-mails then carry an
    /// unsubscribe link and a List-Unsubscribe header. Without it there is no link (opt-outs are still respected).
    /// </summary>
    public string? PublicBaseUrl { get; set; }
    /// <summary>The key unsubscribe links are signed with (set from <c>Journeys:Webhooks:Secret</c>).</summary>
    public string UnsubscribeSecret { get; set; } = "";
    /// <summary>How long a node's claim on a batch of instances or messages lasts; a dead node's work waits this long.</summary>
    public int LeaseSeconds { get; set; } = 120;
}

/// <summary>
/// A Quartz job that keeps working for <see cref="JourneyRuntimeOptions.LoopSeconds"/>: handles due work in batches and
/// polls every <see cref="JourneyRuntimeOptions.PollMilliseconds"/> when there is none. Fired every few seconds; with a
/// clustered store the fires land on whichever node is free, and several nodes share the work (claims keep them apart).
/// </summary>
public abstract class SweepingJob(JourneyRuntimeOptions options, TimeProvider clock, ILogger log) : IJob
{
    protected JourneyRuntimeOptions Options => options;

    protected abstract Task<int> OnceAsync(CancellationToken ct);

    /// <summary>What a full batch of this job is: a batch much smaller means the queue is drained down to a trickle.</summary>
    protected virtual int FullBatch => options.BatchSize;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        var started = clock.GetTimestamp();
        while (!ct.IsCancellationRequested && clock.GetElapsedTime(started) < TimeSpan.FromSeconds(options.LoopSeconds))
        {
            int handled;
            try
            {
                handled = await OnceAsync(ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogError(ex, "{Job} failed; trying again at the next poll", GetType().Name);
                handled = 0;
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
            if (handled == 0) await Task.Delay(options.PollMilliseconds, ct);
            else if (handled * 10 < FullBatch && options.TrickleMilliseconds > 0) await Task.Delay(options.TrickleMilliseconds, ct);
        }
    }
}

/// <summary>Due waits and newly enrolled instances: the engine advances them.</summary>
public sealed class JourneyTimerJob(JourneyEngine engine, JourneyRuntimeOptions options, TimeProvider clock, ILogger<JourneyTimerJob> log)
    : SweepingJob(options, clock, log)
{
    public static readonly JobKey Key = new("journey-timers", "journeys");

    protected override async Task<int> OnceAsync(CancellationToken ct) => (await engine.AdvanceDueAsync(Options.BatchSize, ct)).Instances;
}

/// <summary>Outbox dispatch: e-mail, SMS, webhooks.</summary>
public sealed class OutboxJob(OutboxDispatcher dispatcher, JourneyRuntimeOptions options, TimeProvider clock, ILogger<OutboxJob> log)
    : SweepingJob(options, clock, log)
{
    public static readonly JobKey Key = new("outbox", "journeys");

    protected override Task<int> OnceAsync(CancellationToken ct) => dispatcher.DispatchAsync(200, ct);

    protected override int FullBatch => 200;
}

/// <summary>Triggers, event waits and event goals: one node at a time (enrolment must happen once).</summary>
[DisallowConcurrentExecution]
public sealed class JourneyTriggerJob(JourneyTriggers triggers, JourneyRuntimeOptions options, TimeProvider clock, ILogger<JourneyTriggerJob> log)
    : SweepingJob(options, clock, log)
{
    public static readonly JobKey Key = new("journey-triggers", "journeys");

    protected override async Task<int> OnceAsync(CancellationToken ct)
    {
        var result = await triggers.SweepAsync(ct);
        // Triggers read logs that change slowly; a short rest between sweeps even when busy.
        await Task.Delay(250, ct);
        return result.Enrolled + result.Resumed + result.Converted;
    }
}

public static class JourneyRuntimeServices
{
    /// <summary>
    /// The journey runtime: engine, triggers, outbox with its channels, and their three sweeping jobs on the studio's
    /// Quartz scheduler. <paramref name="dataDirectory"/> is where e-mail goes when no SMTP server is configured.
    /// </summary>
    public static IServiceCollection AddJourneyRuntime(this IServiceCollection services, JourneyRuntimeOptions options, EmailOptions email,
        SmsOptions sms, WebhookOptions webhooks, string dataDirectory)
    {
        if (string.IsNullOrEmpty(options.UnsubscribeSecret)) options.UnsubscribeSecret = webhooks.Secret;
        services.AddSingleton(options);
        services.AddSingleton(email);
        services.AddSingleton(sms);
        services.AddSingleton(webhooks);
        services.AddSingleton<JourneyEngine>();
        services.AddSingleton<JourneyTriggers>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddScoped<JourneyDryRun>();
        services.AddScoped<JourneyOperations>();
        services.AddSingleton<IOutboxChannel>(_ => new EmailChannel(email, dataDirectory));
        services.AddHttpClient<WebhookChannel>();
        services.AddSingleton<IOutboxChannel>(sp => new WebhookChannel(sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(WebhookChannel)), webhooks,
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IOutboxChannel>(sp => new SmsChannel(sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(SmsChannel)), sms));
        if (!options.Enabled) return services;
        var every = TimeSpan.FromSeconds(Math.Max(1, options.LoopSeconds));
        services.AddQuartz(q =>
        {
            void Sweep<T>(JobKey key, int delaySeconds) where T : IJob => q.ScheduleJob<T>(
                t => t.WithIdentity(key.Name, key.Group).ForJob(key).StartAt(DateTimeOffset.UtcNow.AddSeconds(delaySeconds))
                    .WithSimpleSchedule(s => s.WithInterval(every).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)),
                j => j.WithIdentity(key));
            Sweep<JourneyTriggerJob>(JourneyTriggerJob.Key, 5);
            Sweep<JourneyTimerJob>(JourneyTimerJob.Key, 5);
            Sweep<OutboxJob>(OutboxJob.Key, 5);
        });
        return services;
    }
}
