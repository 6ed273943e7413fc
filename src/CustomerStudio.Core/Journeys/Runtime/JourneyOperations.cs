using System.Globalization;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Core.Journeys.Runtime;

/// <summary>One instance as operators see it.</summary>
public sealed record InstanceRow(long Id, long CustomerId, string? CustomerName, int Version, InstanceStatus Status, string? CurrentNode, DateTime? WakeAt,
    string? AwaitedEvent, string? LastError, DateTime StartedAt, DateTime UpdatedAt, DateTime? EndedAt);

public sealed record InstancePage(IReadOnlyList<InstanceRow> Items, int Total);

/// <summary>One step of an instance's path: the node, the port it left by (none while it waits or where it ended), when, and what happened.</summary>
public sealed record InstanceStep(long Id, string NodeId, string? Port, DateTime At, string? Message);

/// <summary>An outbox message as operators see it (payload left out: it holds personal data).</summary>
public sealed record OutboxRow(long Id, long? InstanceId, string? NodeId, string Channel, long? CustomerId, OutboxStatus Status, int Attempts,
    DateTime NextAttemptAt, string? LastError, DateTime CreatedAt, DateTime? SentAt);

/// <summary>
/// What operators do to running journeys: look at instances (failed ones with their error), retry failed instances
/// from the node that failed, take a customer out, enrol customers by hand, and see or retry parked messages. Every
/// change is audited.
/// </summary>
public sealed class JourneyOperations(StudioDbContext db, TimeProvider clock)
{
    /// <summary>One page of the journey's instances, newest change first, optionally of one status or one customer.</summary>
    public Task<InstancePage> InstancesAsync(int journeyId, InstanceStatus? status, long? customerId, int page, int pageSize, CancellationToken ct = default) =>
        InstancesAsync(journeyId, status, customerId, null, page, pageSize, ct);

    /// <summary>One page of the journey's instances, newest change first, optionally of one status, one customer or at one node.</summary>
    public async Task<InstancePage> InstancesAsync(int journeyId, InstanceStatus? status, long? customerId, string? nodeId, int page, int pageSize,
        CancellationToken ct = default)
    {
        pageSize = Math.Clamp(pageSize, 1, 200);
        var q = db.JourneyInstances.AsNoTracking().Where(i => i.JourneyId == journeyId);
        if (status is { } s) q = q.Where(i => i.Status == s);
        if (customerId is { } only) q = q.Where(i => i.CustomerId == only);
        if (!string.IsNullOrEmpty(nodeId)) q = q.Where(i => i.CurrentNodeId == nodeId);
        var total = await q.CountAsync(ct);
        var items = await (from i in q
                           join v in db.JourneyVersions on i.JourneyVersionId equals v.Id
                           join c in db.Customers on i.CustomerId equals c.Id
                           orderby i.UpdatedAt descending, i.Id descending
                           select new InstanceRow(i.Id, i.CustomerId, c.Name, v.Version, i.Status, i.CurrentNodeId, i.WakeAt, i.AwaitedEvent, i.LastError,
                               i.StartedAt, i.UpdatedAt, i.EndedAt)).Skip(Math.Max(0, page) * pageSize).Take(pageSize).ToListAsync(ct);
        return new InstancePage(items, total);
    }

    /// <summary>How many of the journey's instances are in the status.</summary>
    public Task<int> CountAsync(int journeyId, InstanceStatus status, CancellationToken ct = default) =>
        db.JourneyInstances.CountAsync(i => i.JourneyId == journeyId && i.Status == status, ct);

    /// <summary>Most steps of one instance returned (its latest).</summary>
    public const int MaxSteps = 500;

    /// <summary>The instance's path so far, oldest step first (its latest <see cref="MaxSteps"/>); null when the journey has no such instance.</summary>
    public async Task<IReadOnlyList<InstanceStep>?> StepsAsync(int journeyId, long instanceId, CancellationToken ct = default)
    {
        if (!await db.JourneyInstances.AnyAsync(i => i.Id == instanceId && i.JourneyId == journeyId, ct)) return null;
        var steps = await db.JourneyStepLog.AsNoTracking().Where(l => l.InstanceId == instanceId)
            .OrderByDescending(l => l.Id).Take(MaxSteps)
            .Select(l => new InstanceStep(l.Id, l.NodeId, l.Port, l.At, l.Message)).ToListAsync(ct);
        steps.Reverse();
        return steps;
    }

    /// <summary>Failed instances of the journey (all, or those listed) run again from the node that failed; returns how many.</summary>
    public async Task<int> RetryFailedAsync(int journeyId, IReadOnlyCollection<long>? instanceIds, Actor actor, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var q = db.JourneyInstances.Where(i => i.JourneyId == journeyId && i.Status == InstanceStatus.Failed);
        if (instanceIds is { Count: > 0 }) q = q.Where(i => instanceIds.Contains(i.Id));
        var ids = await q.Select(i => i.Id).ToListAsync(ct);
        if (ids.Count == 0) return 0;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var retried = await db.JourneyInstances.Where(i => ids.Contains(i.Id) && i.Status == InstanceStatus.Failed).ExecuteUpdateAsync(u => u
            .SetProperty(i => i.Status, InstanceStatus.Running).SetProperty(i => i.WakeAt, now).SetProperty(i => i.LastError, (string?)null)
            .SetProperty(i => i.Revision, i => i.Revision + 1).SetProperty(i => i.UpdatedAt, now), ct);
        AuditLog.Record(db, actor, nameof(Journey), journeyId.ToString(CultureInfo.InvariantCulture), "instances_retried", null,
            new { Instances = ids.Count <= 100 ? ids : ids.Take(100).ToList(), Count = retried }, now);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return retried;
    }

    /// <summary>Takes a customer out of the journey: their running or waiting instances end as removed (nothing more is sent).</summary>
    public async Task<int> RemoveCustomerAsync(int journeyId, long customerId, Actor actor, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var removed = await db.JourneyInstances
            .Where(i => i.JourneyId == journeyId && i.CustomerId == customerId && (i.Status == InstanceStatus.Running || i.Status == InstanceStatus.Waiting || i.Status == InstanceStatus.Failed))
            .ExecuteUpdateAsync(u => u.SetProperty(i => i.Status, InstanceStatus.Removed).SetProperty(i => i.EndedAt, now).SetProperty(i => i.WakeAt, (DateTime?)null)
                .SetProperty(i => i.AwaitedEvent, (string?)null).SetProperty(i => i.Revision, i => i.Revision + 1).SetProperty(i => i.UpdatedAt, now), ct);
        // Messages not yet sent for those instances are dropped with them.
        await db.Outbox.Where(o => o.CustomerId == customerId && o.Status == OutboxStatus.Pending
                                   && db.JourneyInstances.Any(i => i.Id == o.InstanceId && i.JourneyId == journeyId && i.Status == InstanceStatus.Removed))
            .ExecuteUpdateAsync(u => u.SetProperty(o => o.Status, OutboxStatus.Failed).SetProperty(o => o.LastError, "customer removed from the journey"), ct);
        if (removed > 0)
            AuditLog.Record(db, actor, nameof(Journey), journeyId.ToString(CultureInfo.InvariantCulture), "customer_removed", null,
                new { CustomerId = customerId, Instances = removed }, now);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return removed;
    }

    /// <summary>Enrols customers at the journey's manual trigger (entry rules apply); audited.</summary>
    public async Task<EnrollResult> EnrollAsync(int journeyId, IReadOnlyCollection<long> customerIds, Actor actor, CancellationToken ct = default)
    {
        if (customerIds.Count == 0) return EnrollResult.Failed(new ConditionError("customerIds", "Required", "customerIds"));
        if (customerIds.Count > 100_000) return EnrollResult.Failed(new ConditionError("customerIds", "TooManyCustomers",
            customerIds.Count.ToString(CultureInfo.InvariantCulture), "100000"));
        var now = clock.GetUtcNow().UtcDateTime;
        var result = await JourneyEnrollment.EnrollManuallyAsync(db, journeyId, customerIds, now, ct: ct);
        if (result.Errors.Count == 0)
        {
            AuditLog.Record(db, actor, nameof(Journey), journeyId.ToString(CultureInfo.InvariantCulture), "customers_enrolled", null,
                new { result.Offered, result.Enrolled, result.AlreadyIn, result.Unknown }, now);
            await db.SaveChangesAsync(ct);
        }
        return result;
    }

    public async Task<IReadOnlyList<OutboxRow>> OutboxAsync(OutboxStatus? status, int? journeyId, int take, CancellationToken ct = default)
    {
        var q = db.Outbox.AsNoTracking().AsQueryable();
        if (status is { } s) q = q.Where(o => o.Status == s);
        if (journeyId is { } j) q = q.Where(o => db.JourneyInstances.Any(i => i.Id == o.InstanceId && i.JourneyId == j));
        return await q.OrderByDescending(o => o.Id).Take(Math.Clamp(take, 1, 500))
            .Select(o => new OutboxRow(o.Id, o.InstanceId, o.NodeId, o.Channel, o.CustomerId, o.Status, o.Attempts, o.NextAttemptAt, o.LastError, o.CreatedAt, o.SentAt))
            .ToListAsync(ct);
    }

    /// <summary>Parked messages go back in the queue (the cause was fixed); audited.</summary>
    public async Task<int> RetryParkedAsync(IReadOnlyCollection<long> ids, Actor actor, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var retried = await db.Outbox.Where(o => ids.Contains(o.Id) && o.Status == OutboxStatus.Parked)
            .ExecuteUpdateAsync(u => u.SetProperty(o => o.Status, OutboxStatus.Pending).SetProperty(o => o.NextAttemptAt, now).SetProperty(o => o.Attempts, 0), ct);
        if (retried > 0)
        {
            AuditLog.Record(db, actor, nameof(OutboxMessage), string.Join(",", ids.Take(20)), "retried", null, new { Count = retried }, now);
            await db.SaveChangesAsync(ct);
        }
        return retried;
    }
}
