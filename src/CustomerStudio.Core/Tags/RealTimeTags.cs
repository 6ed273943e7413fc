using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Ingestion;
using CustomerStudio.Core.Segments;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CustomerStudio.Core.Tags;

/// <summary>
/// Keeps real-time rule tags current as data arrives: after an ingestion commit (<see cref="EventFeed"/>) the active
/// real-time rule tags that read what arrived are recomputed — a tag counting <c>demo_request</c> events when such events
/// came, a tag on orders when orders came, a tag on attributes or identities when customers were created or updated, a
/// tag reading another tag when that one changed in the same pass. At most once per <see cref="MinimumGap"/>, so a steady
/// stream costs one set-based recompute per affected tag every few seconds rather than one per event. Everything else
/// (time passing, manual assignments, imports) is the minute sweep's (<see cref="TagRefreshJob"/>).
/// </summary>
public sealed class RealTimeTags(EventFeed feed, IServiceScopeFactory scopes, ILogger<RealTimeTags> log) : BackgroundService
{
    public static readonly TimeSpan MinimumGap = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var inbox = feed.Subscribe();
        while (await inbox.WaitAsync(stoppingToken))
        {
            // Everything that arrived so far is covered by one pass.
            var arrived = inbox.Take();
            if (arrived.IsEmpty) continue;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<StudioDbContext>();
                await RecomputeAsync(db, scope.ServiceProvider.GetRequiredService<TagRuleEngine>(), arrived, log, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogError(ex, "Real-time tag recompute failed; the minute sweep catches up");
            }
            await Task.Delay(MinimumGap, stoppingToken);
        }
    }

    /// <summary>Recomputes the active real-time rule tags that read what arrived; returns the codes of those recomputed (a tag that failed is logged, not listed).</summary>
    public static async Task<IReadOnlyList<string>> RecomputeAsync(StudioDbContext db, TagRuleEngine engine, DataArrived arrived, ILogger log,
        CancellationToken ct = default)
    {
        var tags = await db.Tags.AsNoTracking()
            .Where(t => t.Status == TagStatus.Active && t.Kind == TagKind.Rule && t.RefreshRule == RefreshRule.RealTime)
            .Select(t => new { t.Id, t.Code, t.DefinitionJson }).ToListAsync(ct);
        if (tags.Count == 0) return [];
        var dynamicSegments = await db.Segments.AsNoTracking().Where(s => s.Kind == SegmentKind.Dynamic)
            .Select(s => new { s.Code, s.DefinitionJson }).ToDictionaryAsync(s => s.Code, s => s.DefinitionJson, StringComparer.Ordinal, ct);

        var changed = new HashSet<string>(StringComparer.Ordinal);
        var recomputed = new List<string>();
        // Tags that read no other tag go first, so one reading a tag sees what changed in this pass.
        foreach (var tag in tags.Select(t => (t.Id, t.Code, Inputs: Inputs(t.DefinitionJson, dynamicSegments))).OrderBy(t => t.Inputs?.Tags.Count > 0))
        {
            // A definition that cannot be read is recomputed anyway: the engine's error is logged, as the sweep's would be.
            if (tag.Inputs is { } inputs && !Reads(inputs, arrived) && !inputs.Tags.Overlaps(changed)) continue;
            try
            {
                var result = await engine.RecomputeAsync(tag.Id, ct);
                recomputed.Add(tag.Code);
                if (result.Added + result.Removed + result.Changed > 0)
                {
                    changed.Add(tag.Code);
                    log.LogInformation("Real-time tag {Tag}: +{Added} −{Removed} ~{Changed}", tag.Code, result.Added, result.Removed, result.Changed);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One tag that cannot be computed (its definition names a segment since deleted, say) holds up no other.
                log.LogError(ex, "Real-time tag {Tag} could not be recomputed; the minute sweep retries it", tag.Code);
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
        }
        return recomputed;
    }

    private static bool Reads(ConditionInputs inputs, DataArrived arrived) =>
        inputs.EventTypes.Overlaps(arrived.EventTypes) || (inputs.Orders && arrived.Orders) || (inputs.CustomerData && arrived.Customers);

    /// <summary>What the tag's rules read; null when its definition cannot be read.</summary>
    private static ConditionInputs? Inputs(string? definitionJson, IReadOnlyDictionary<string, string> dynamicSegments)
    {
        var (definition, _) = TagDefinition.Parse(definitionJson);
        if (definition is null) return null;
        var inputs = new List<ConditionInputs>();
        foreach (var rule in definition.Rules)
        {
            if (ConditionJson.Parse(rule.Condition) is not { Ok: true } parsed) return null;
            inputs.Add(ConditionInputs.Of(parsed.Condition!, dynamicSegments));
        }
        return ConditionInputs.Union(inputs);
    }
}
