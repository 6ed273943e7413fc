using CustomerStudio.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CustomerStudio.Core.Journeys.Runtime;

/// <summary>
/// Delivers due outbox messages in batches. A batch is claimed first (<see cref="OutboxMessage.ClaimedBy"/> with a
/// lease): the claim is one conditional UPDATE, so two nodes never hold the same message, and a node that dies
/// mid-batch only delays its messages until the lease ends. Results are written per message: sent, retried later with
/// exponential back-off (30 s doubling to 1 h), or after <see cref="MaxAttempts"/> parked with the error, which is also
/// put on the journey instance so operators see it and can retry.
/// </summary>
public sealed class OutboxDispatcher(IDbContextFactory<StudioDbContext> dbs, IEnumerable<IOutboxChannel> channels, TimeProvider clock,
    ILogger<OutboxDispatcher> log, JourneyRuntimeOptions? options = null)
{
    public const int MaxAttempts = 8;
    public static readonly TimeSpan DefaultLease = TimeSpan.FromMinutes(2);
    /// <summary>How long a claimed batch is ours (<c>Journeys:LeaseSeconds</c>); a dead node's messages wait this long.</summary>
    public TimeSpan Lease { get; } = options is null ? DefaultLease : TimeSpan.FromSeconds(options.LeaseSeconds);
    private readonly Dictionary<string, IOutboxChannel> _channels = channels.ToDictionary(c => c.Name, StringComparer.Ordinal);

    /// <summary>This process, as it signs its claims.</summary>
    public static readonly string Node = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>A claim's signature: this node (cut to fit) and a fresh id, at most 64 characters.</summary>
    public static string ClaimToken() => $"{(Node.Length > 31 ? Node[..31] : Node)}:{Guid.NewGuid():N}";

    public static TimeSpan Backoff(int attempts) => TimeSpan.FromSeconds(Math.Min(3600, 30 * Math.Pow(2, Math.Max(0, attempts - 1))));

    /// <summary>Delivers batches until none is due or <paramref name="budget"/> is spent; returns the messages handled.</summary>
    public async Task<int> DrainAsync(TimeSpan budget, int batchSize = 200, CancellationToken ct = default)
    {
        var started = clock.GetTimestamp();
        var total = 0;
        while (!ct.IsCancellationRequested && clock.GetElapsedTime(started) < budget)
        {
            var handled = await DispatchAsync(batchSize, ct);
            total += handled;
            if (handled < batchSize) break;
        }
        return total;
    }

    /// <summary>Claims and delivers one batch of due messages; returns how many it handled.</summary>
    public async Task<int> DispatchAsync(int batchSize = 200, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var candidates = await db.Outbox.AsNoTracking()
            .Where(o => o.Status == OutboxStatus.Pending && o.NextAttemptAt <= now && (o.ClaimedUntil == null || o.ClaimedUntil < now))
            .OrderBy(o => o.NextAttemptAt).ThenBy(o => o.Id).Select(o => o.Id).Take(batchSize).ToListAsync(ct);
        if (candidates.Count == 0) return 0;
        var token = ClaimToken();
        var until = now + Lease;
        // The claim re-checks that each message is still due: another node may have sent it since it was read.
        await db.Outbox.Where(o => candidates.Contains(o.Id) && o.Status == OutboxStatus.Pending && o.NextAttemptAt <= now && (o.ClaimedUntil == null || o.ClaimedUntil < now))
            .ExecuteUpdateAsync(u => u.SetProperty(o => o.ClaimedBy, token).SetProperty(o => o.ClaimedUntil, until), ct);
        var mine = await db.Outbox.AsNoTracking().Where(o => candidates.Contains(o.Id) && o.ClaimedBy == token).OrderBy(o => o.Id).ToListAsync(ct);
        if (mine.Count == 0) return 0;

        var outcomes = new List<(OutboxMessage Message, DeliveryResult Result)>();
        foreach (var group in mine.GroupBy(m => m.Channel))
        {
            if (!_channels.TryGetValue(group.Key, out var channel))
            {
                outcomes.AddRange(group.Select(m => (m, DeliveryResult.Park($"no channel '{group.Key}'"))));
                continue;
            }
            var list = group.ToList();
            IReadOnlyList<DeliveryResult> results;
            try
            {
                results = await channel.DeliverAsync(list, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogError(ex, "Outbox channel {Channel} failed a batch of {Count}", group.Key, list.Count);
                results = list.Select(_ => DeliveryResult.Retry(ex.Message)).ToList();
            }
            outcomes.AddRange(list.Zip(results));
        }

        var done = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        foreach (var (m, r) in outcomes)
        {
            var attempts = m.Attempts + 1;
            var error = r.Error is { Length: > 1000 } e ? e[..1000] : r.Error;
            if (r.Delivered)
                await db.Outbox.Where(o => o.Id == m.Id && o.ClaimedBy == token).ExecuteUpdateAsync(u => u
                    .SetProperty(o => o.Status, OutboxStatus.Sent).SetProperty(o => o.SentAt, done).SetProperty(o => o.Attempts, attempts)
                    .SetProperty(o => o.ClaimedBy, (string?)null).SetProperty(o => o.ClaimedUntil, (DateTime?)null), ct);
            else if (r.Permanent || attempts >= MaxAttempts)
            {
                await db.Outbox.Where(o => o.Id == m.Id && o.ClaimedBy == token).ExecuteUpdateAsync(u => u
                    .SetProperty(o => o.Status, OutboxStatus.Parked).SetProperty(o => o.Attempts, attempts).SetProperty(o => o.LastError, error)
                    .SetProperty(o => o.ClaimedBy, (string?)null).SetProperty(o => o.ClaimedUntil, (DateTime?)null), ct);
                if (m.InstanceId is { } instance)
                {
                    var note = $"{m.NodeId}: {m.Channel} not delivered after {attempts} attempt(s): {error}";
                    await db.JourneyInstances.Where(i => i.Id == instance).ExecuteUpdateAsync(u => u.SetProperty(i => i.LastError, note), ct);
                }
                log.LogWarning("Outbox message {Id} ({Channel}) parked after {Attempts} attempt(s): {Error}", m.Id, m.Channel, attempts, error);
            }
            else
                await db.Outbox.Where(o => o.Id == m.Id && o.ClaimedBy == token).ExecuteUpdateAsync(u => u
                    .SetProperty(o => o.Attempts, attempts).SetProperty(o => o.LastError, error).SetProperty(o => o.NextAttemptAt, done + Backoff(attempts))
                    .SetProperty(o => o.ClaimedBy, (string?)null).SetProperty(o => o.ClaimedUntil, (DateTime?)null), ct);
        }
        await transaction.CommitAsync(ct);
        return mine.Count;
    }

    /// <summary>Puts parked messages back in the queue (an operator fixed the cause); returns how many.</summary>
    public async Task<int> RetryParkedAsync(IReadOnlyCollection<long> ids, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.Outbox.Where(o => ids.Contains(o.Id) && o.Status == OutboxStatus.Parked)
            .ExecuteUpdateAsync(u => u.SetProperty(o => o.Status, OutboxStatus.Pending).SetProperty(o => o.NextAttemptAt, now)
                .SetProperty(o => o.Attempts, 0), ct);
    }
}
