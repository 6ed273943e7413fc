using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Core.Tags;

/// <summary>Why a tag is listed as stale.</summary>
public enum StaleReason { Unused = 0, ZeroCoverage = 1, Overdue = 2 }

public sealed record StaleTag(int TagId, string Code, string NameZh, string NameEn, TagStatus Status, TagKind Kind, int Coverage,
    DateTime? LastComputedAt, DateTime? LastAssignedAt, IReadOnlyList<StaleReason> Reasons);

/// <summary>Where tags are used, what depends on them, and which have gone stale.</summary>
public static class TagUsage
{
    /// <summary>Live definitions that would break if the tag went away: segments, tags' rules and published journeys.</summary>
    public static async Task<IReadOnlyList<Usage>> DependentsAsync(StudioDbContext db, string code, CancellationToken ct = default) =>
        (await DefinitionUsage.OfTagAsync(db, code, ct)).Where(u => u.Live && !(u.Kind == "tag" && u.Code == code)).ToList();

    /// <summary>How often a refresh rule is due; null for manual refresh.</summary>
    public static TimeSpan? Interval(RefreshRule rule) => rule switch
    {
        // Real-time tags are also recomputed from incoming events (the ingestion seam); the sweep is the safety net.
        RefreshRule.RealTime => TimeSpan.FromMinutes(1),
        RefreshRule.Hourly => TimeSpan.FromHours(1),
        RefreshRule.Daily => TimeSpan.FromDays(1),
        _ => null,
    };

    /// <summary>
    /// Active and deprecated tags that nothing uses, that no customer carries, or whose computation has missed its
    /// schedule (not computed for twice its refresh interval, plus a minute of slack).
    /// </summary>
    public static async Task<IReadOnlyList<StaleTag>> StaleAsync(StudioDbContext db, DateTime utcNow, CancellationToken ct = default)
    {
        var tags = await db.Tags.AsNoTracking().Where(t => t.Status == TagStatus.Active || t.Status == TagStatus.Deprecated)
            .OrderBy(t => t.Code).ToListAsync(ct);
        var used = await DefinitionUsage.TagsUsedAsync(db, ct);
        var coverage = await db.TagAssignments.Where(a => a.ExpiresAt == null || a.ExpiresAt > utcNow)
            .GroupBy(a => a.TagId).Select(g => new { g.Key, Count = g.Select(a => a.CustomerId).Distinct().Count() })
            .ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var lastAssigned = await db.TagAssignmentHistory.Where(h => h.Action == AssignmentAction.Added || h.Action == AssignmentAction.Changed)
            .GroupBy(h => h.TagId).Select(g => new { g.Key, At = g.Max(h => h.At) })
            .ToDictionaryAsync(x => x.Key, x => (DateTime?)x.At, ct);
        var result = new List<StaleTag>();
        foreach (var t in tags)
        {
            var reasons = new List<StaleReason>();
            if (!used.TryGetValue(t.Code, out var users) || users.All(u => !u.Live || u.Code == t.Code && u.Kind == "tag")) reasons.Add(StaleReason.Unused);
            if (coverage.GetValueOrDefault(t.Id) == 0) reasons.Add(StaleReason.ZeroCoverage);
            if (t.Kind != TagKind.Manual && t.Status == TagStatus.Active && Interval(t.RefreshRule) is { } every
                && (t.LastComputedAt ?? t.ActivatedAt ?? t.CreatedAt) < utcNow - every * 2 - TimeSpan.FromMinutes(1))
                reasons.Add(StaleReason.Overdue);
            if (reasons.Count > 0)
                result.Add(new StaleTag(t.Id, t.Code, t.NameZh, t.NameEn, t.Status, t.Kind, coverage.GetValueOrDefault(t.Id),
                    t.LastComputedAt, lastAssigned.GetValueOrDefault(t.Id), reasons));
        }
        return result;
    }
}
