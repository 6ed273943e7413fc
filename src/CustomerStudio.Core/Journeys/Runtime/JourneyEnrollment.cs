using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Journeys.Definition;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace CustomerStudio.Core.Journeys.Runtime;

/// <summary>What an enrolment did: customers offered, instances started, and why the others were not.</summary>
public sealed record EnrollResult(int Offered, int Enrolled, int AlreadyIn, int Unknown, IReadOnlyList<ConditionError> Errors)
{
    public static EnrollResult Failed(params ConditionError[] errors) => new(0, 0, 0, 0, errors);
}

/// <summary>
/// Starts customers on a journey, set-based: one query per 10,000 customers for the entry rule, one bulk insert for the
/// new instances (due at once, at the trigger node; the engine takes them from there). Entry rules: once ever; again
/// once the previous run ended a cool-down ago (never while one runs); or concurrently.
/// </summary>
public static class JourneyEnrollment
{
    private const int Chunk = 10_000;

    public static async Task<EnrollResult> EnrollAsync(StudioDbContext db, IDbContextTransaction transaction, Journey journey, JourneyVersion version,
        JourneyDefinition definition, string triggerNodeId, IReadOnlyCollection<long> customerIds, DateTime now, CancellationToken ct)
    {
        var offered = customerIds.Distinct().ToList();
        var live = new HashSet<long>();
        foreach (var chunk in offered.Chunk(Chunk))
            live.UnionWith(await db.Customers.AsNoTracking().Where(c => EF.Parameter(chunk).Contains(c.Id) && c.MergedIntoId == null).Select(c => c.Id).ToListAsync(ct));

        var blocked = new HashSet<long>();
        var rules = definition.Entry;
        if (rules.Mode != EntryMode.Concurrent)
        {
            var since = rules.Mode == EntryMode.AfterCooldown && rules.Cooldown is { } cooldown ? now - JourneyTime.Duration(cooldown) : DateTime.MaxValue;
            var ids = live.ToList();
            var journeyId = journey.Id;
            foreach (var chunk in ids.Chunk(Chunk))
                blocked.UnionWith(await db.JourneyInstances.AsNoTracking()
                    .Where(i => i.JourneyId == journeyId && EF.Parameter(chunk).Contains(i.CustomerId)
                                && (rules.Mode == EntryMode.Once || i.EndedAt == null || i.EndedAt > since))
                    .Select(i => i.CustomerId).Distinct().ToListAsync(ct));
        }
        var entering = live.Where(id => !blocked.Contains(id)).OrderBy(id => id).ToList();
        await ModelBulkInsert.InsertAsync(db, transaction, entering.Select(id => new JourneyInstance
        {
            JourneyId = journey.Id, JourneyVersionId = version.Id, CustomerId = id, Status = InstanceStatus.Running, CurrentNodeId = triggerNodeId,
            WakeAt = now, StartedAt = now, UpdatedAt = now,
        }).ToList(), ct);
        return new EnrollResult(offered.Count, entering.Count, live.Count - entering.Count, offered.Count - live.Count, []);
    }

    /// <summary>Enrols customers by hand or through the API, at the journey's manual trigger (or the one named).</summary>
    public static async Task<EnrollResult> EnrollManuallyAsync(StudioDbContext db, int journeyId, IReadOnlyCollection<long> customerIds, DateTime now,
        string? triggerNodeId = null, CancellationToken ct = default)
    {
        var journey = await db.Journeys.AsNoTracking().FirstOrDefaultAsync(j => j.Id == journeyId, ct);
        if (journey is null) return EnrollResult.Failed(new ConditionError("journey", "UnknownJourney", journeyId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (journey.Status != JourneyStatus.Published || journey.PublishedVersion is not { } number)
            return EnrollResult.Failed(new ConditionError("journey", "JourneyNotRunning", journey.Code));
        var version = await db.JourneyVersions.AsNoTracking().FirstAsync(v => v.JourneyId == journeyId && v.Version == number, ct);
        var definition = await JourneyEngine.DefinitionAsync(db, version.Id, ct);
        var trigger = triggerNodeId is null
            ? definition.Nodes.FirstOrDefault(n => n.Kind == JourneyNodeKind.Manual)
            : definition.Node(triggerNodeId) is { Category: JourneyNodeCategory.Trigger } named ? named : null;
        if (trigger is null) return EnrollResult.Failed(new ConditionError("trigger", "NoManualTrigger", journey.Code));
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var result = await EnrollAsync(db, transaction, journey, version, definition, trigger.Id, customerIds, now, ct);
        await transaction.CommitAsync(ct);
        return result;
    }
}
