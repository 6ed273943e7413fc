using CustomerStudio.Core.Data;
using CustomerStudio.Core.Journeys.Definition;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Core.Journeys;

/// <summary>
/// One node's figures. Counts are customer runs (instances), not steps: a run that passes a node twice (a loop through
/// a wait) counts once. <see cref="Entered"/>: runs that reached the node (a step there, or waiting or failed there now); <see cref="Waiting"/>: runs parked there
/// now; <see cref="Ports"/>: runs that left through each port; <see cref="Converted"/> / <see cref="Failed"/>: runs that
/// ended converted or failed at this node.
/// </summary>
public sealed record NodeStats(string NodeId, int Entered, int Waiting, IReadOnlyDictionary<string, int> Ports, int Converted, int Failed);

/// <summary>One variant of an A/B split: runs that took its port, how many of them converted, and the rate.</summary>
public sealed record SplitVariantStats(string Port, string? Label, int Customers, int Converted, double Rate);

/// <summary>
/// An A/B split's result: each variant against the first (the control). <see cref="Difference"/> is the other variant's
/// conversion rate minus the control's, with its 95% interval (two-proportion z, unpooled standard error) and the
/// pooled z statistic; <see cref="Significant"/> when the interval excludes 0.
/// </summary>
public sealed record SplitComparison(string Port, double Difference, double Low, double High, double Z, bool Significant);

public sealed record SplitStats(string NodeId, IReadOnlyList<SplitVariantStats> Variants, IReadOnlyList<SplitComparison> Comparisons);

/// <summary>A published journey's figures, over all versions or one.</summary>
public sealed record JourneyStatsResult(
    int JourneyId, int? Version, int Instances, int Active, int Converted, int Failed,
    IReadOnlyDictionary<string, NodeStats> Nodes, IReadOnlyList<SplitStats> Splits)
{
    public NodeStats Node(string id) => Nodes.GetValueOrDefault(id) ?? new NodeStats(id, 0, 0, new Dictionary<string, int>(), 0, 0);
}

/// <summary>
/// Per-node figures of a journey from its step log and instances, for the canvas: a handful of set-based GROUP BY
/// queries whatever the number of customers.
/// </summary>
public sealed class JourneyStats(StudioDbContext db)
{
    /// <summary>z for a two-sided 95% interval.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>The journey's figures (null when it does not exist); <paramref name="version"/> limits them to runs on that version.</summary>
    public async Task<JourneyStatsResult?> ForAsync(int journeyId, int? version = null, CancellationToken ct = default)
    {
        var journey = await db.Journeys.AsNoTracking().FirstOrDefaultAsync(j => j.Id == journeyId, ct);
        if (journey is null) return null;
        var versions = db.JourneyVersions.AsNoTracking().Where(v => v.JourneyId == journeyId);
        int? versionRow = null;
        if (version is { } number)
        {
            versionRow = await versions.Where(v => v.Version == number).Select(v => (int?)v.Id).FirstOrDefaultAsync(ct);
            if (versionRow is null) return null;
        }

        var instances = db.JourneyInstances.AsNoTracking().Where(i => i.JourneyId == journeyId);
        if (versionRow is { } vid) instances = instances.Where(i => i.JourneyVersionId == vid);
        var steps = db.JourneyStepLog.AsNoTracking().Where(l => l.JourneyId == journeyId);
        if (versionRow is { } vid2) steps = steps.Where(l => instances.Any(i => i.Id == l.InstanceId && i.JourneyVersionId == vid2));

        // The runtime logs a step when a run leaves a node (or ends there); a run waiting or failed at a node has no step
        // there yet, so it is counted from where it stands.
        var here = instances.Where(i => i.CurrentNodeId != null
                                        && (i.Status == InstanceStatus.Waiting || i.Status == InstanceStatus.Running || i.Status == InstanceStatus.Failed))
            .Select(i => new { NodeId = i.CurrentNodeId!, InstanceId = i.Id });
        var entered = await steps.Select(l => new { l.NodeId, l.InstanceId }).Union(here)
            .GroupBy(x => x.NodeId)
            .Select(g => new { Node = g.Key, Runs = g.Count() })
            .ToListAsync(ct);
        var ports = await steps.Where(l => l.Port != null).GroupBy(l => new { l.NodeId, l.Port })
            .Select(g => new { g.Key.NodeId, g.Key.Port, Runs = g.Select(l => l.InstanceId).Distinct().Count() })
            .ToListAsync(ct);
        var states = await instances.GroupBy(i => new { i.Status, i.CurrentNodeId })
            .Select(g => new { g.Key.Status, g.Key.CurrentNodeId, Runs = g.Count() })
            .ToListAsync(ct);

        var ids = entered.Select(e => e.Node).Concat(ports.Select(p => p.NodeId))
            .Concat(states.Select(s => s.CurrentNodeId).OfType<string>()).Distinct();
        var nodes = ids.ToDictionary(id => id, id => new NodeStats(id,
            entered.Where(e => e.Node == id).Sum(e => e.Runs),
            states.Where(s => s.CurrentNodeId == id && s.Status == InstanceStatus.Waiting).Sum(s => s.Runs),
            ports.Where(p => p.NodeId == id).ToDictionary(p => p.Port!, p => p.Runs),
            states.Where(s => s.CurrentNodeId == id && s.Status == InstanceStatus.Converted).Sum(s => s.Runs),
            states.Where(s => s.CurrentNodeId == id && s.Status == InstanceStatus.Failed).Sum(s => s.Runs)));

        var splits = await SplitsAsync(journey, versionRow, steps, instances, ct);
        int Count(params InstanceStatus[] statuses) => states.Where(s => statuses.Contains(s.Status)).Sum(s => s.Runs);
        return new JourneyStatsResult(journeyId, version, states.Sum(s => s.Runs), Count(InstanceStatus.Running, InstanceStatus.Waiting),
            Count(InstanceStatus.Converted), Count(InstanceStatus.Failed), nodes, splits);
    }

    /// <summary>Every A/B split of the definition (the version's, or the latest published): runs per variant and converted.</summary>
    private async Task<IReadOnlyList<SplitStats>> SplitsAsync(Journey journey, int? versionRow, IQueryable<JourneyStepLog> steps,
        IQueryable<JourneyInstance> instances, CancellationToken ct)
    {
        var json = await db.JourneyVersions.AsNoTracking()
            .Where(v => v.JourneyId == journey.Id && (versionRow == null ? v.Version == journey.PublishedVersion : v.Id == versionRow))
            .Select(v => v.DefinitionJson).FirstOrDefaultAsync(ct);
        if (json is null || JourneyDefinitionJson.Parse(json).Definition is not { } definition) return [];
        var splitNodes = definition.Nodes.Where(n => n.Kind == JourneyNodeKind.AbSplit).ToList();
        if (splitNodes.Count == 0) return [];

        var splitIds = splitNodes.Select(n => n.Id).ToList();
        var rows = await (from l in steps
                          where splitIds.Contains(l.NodeId) && l.Port != null
                          join i in instances on l.InstanceId equals i.Id
                          group l.InstanceId by new { l.NodeId, l.Port, Converted = i.Status == InstanceStatus.Converted } into g
                          select new { g.Key.NodeId, g.Key.Port, g.Key.Converted, Runs = g.Distinct().Count() })
            .ToListAsync(ct);

        return splitNodes.Select(node =>
        {
            var variants = node.SettingsAs<AbSplitSettings>().Variants.Select(v =>
            {
                var total = rows.Where(r => r.NodeId == node.Id && r.Port == v.Port).Sum(r => r.Runs);
                var converted = rows.Where(r => r.NodeId == node.Id && r.Port == v.Port && r.Converted).Sum(r => r.Runs);
                return new SplitVariantStats(v.Port, v.Label, total, converted, total == 0 ? 0 : (double)converted / total);
            }).ToList();
            var comparisons = variants.Skip(1).Select(v => Compare(variants[0], v)).ToList();
            return new SplitStats(node.Id, variants, comparisons);
        }).ToList();
    }

    /// <summary>
    /// <paramref name="other"/>'s rate minus <paramref name="control"/>'s with a 95% Wald interval (unpooled standard
    /// error) and the pooled two-proportion z statistic; an empty variant gives zeros and not significant.
    /// </summary>
    public static SplitComparison Compare(SplitVariantStats control, SplitVariantStats other)
    {
        if (control.Customers == 0 || other.Customers == 0) return new SplitComparison(other.Port, 0, 0, 0, 0, false);
        double p1 = control.Rate, p2 = other.Rate, n1 = control.Customers, n2 = other.Customers;
        var difference = p2 - p1;
        var se = Math.Sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2);
        var pooled = (control.Converted + other.Converted) / (n1 + n2);
        var pooledSe = Math.Sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
        var z = pooledSe == 0 ? 0 : difference / pooledSe;
        var low = difference - Z95 * se;
        var high = difference + Z95 * se;
        return new SplitComparison(other.Port, difference, low, high, z, se > 0 && (low > 0 || high < 0));
    }
}
