using CustomerStudio.Core.Data;
using CustomerStudio.Core.Ingestion;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CustomerStudio.Core.Tags;

/// <summary>
/// Keeps real-time rule tags current as events arrive: after new events are committed (<see cref="EventFeed"/>), the
/// active real-time rule tags are recomputed — at most once per <see cref="MinimumGap"/>, so a steady stream costs one
/// set-based recompute per tag every few seconds rather than one per event.
/// </summary>
public sealed class RealTimeTags(EventFeed feed, IServiceScopeFactory scopes, ILogger<RealTimeTags> log) : BackgroundService
{
    public static readonly TimeSpan MinimumGap = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var events = feed.Subscribe();
        while (await events.WaitToReadAsync(stoppingToken))
        {
            // Everything that arrived so far is covered by one recompute.
            while (events.TryRead(out _)) { }
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<StudioDbContext>();
                var engine = scope.ServiceProvider.GetRequiredService<TagRuleEngine>();
                var tags = await db.Tags.AsNoTracking()
                    .Where(t => t.Status == TagStatus.Active && t.Kind == TagKind.Rule && t.RefreshRule == RefreshRule.RealTime)
                    .Select(t => new { t.Id, t.Code }).ToListAsync(stoppingToken);
                foreach (var tag in tags)
                {
                    var result = await engine.RecomputeAsync(tag.Id, stoppingToken);
                    if (result.Added + result.Removed + result.Changed > 0)
                        log.LogInformation("Real-time tag {Tag}: +{Added} −{Removed} ~{Changed}", tag.Code, result.Added, result.Removed, result.Changed);
                    db.ChangeTracker.Clear();
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogError(ex, "Real-time tag recompute failed; the minute sweep catches up");
            }
            await Task.Delay(MinimumGap, stoppingToken);
        }
    }
}
