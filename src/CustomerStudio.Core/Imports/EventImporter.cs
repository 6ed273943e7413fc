using System.Text.Json;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Imports.Cleansing;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Core.Imports;

/// <summary>
/// Imports events from a file, one row per event, like <see cref="OrderImporter"/>: streaming, one transaction per batch
/// with the job's progress, customers found by identity or created. An event already stored for the same customer,
/// type and time is skipped, so importing a file twice stores each event once.
/// Targets: <c>event_type</c>, <c>occurred_at</c>, <c>channel</c>, <c>prop:name</c> (one property per column), and
/// the customer's identities (<c>external_id</c>, <c>phone</c>, <c>email</c>, <c>wechat_openid</c>).
/// </summary>
public sealed class EventImporter(StudioDbContext db, TimeProvider clock)
{
    public int BatchSize { get; init; } = 10_000;

    private sealed record Row((IdentityKind Kind, string Value) Identity, CustomerEvent Event);

    public async Task<ImportJob> RunAsync(long jobId, IEnumerable<ImportRow> rows, CancellationToken ct = default)
    {
        var job = await db.ImportJobs.AsNoTracking().FirstAsync(j => j.Id == jobId, ct);
        var plan = ImportPlan.FromJson(job.MappingJson);
        var zone = await Workspace.WorkspaceTimeZone.LoadAsync(db, ct);
        var phones = new PhoneCleaner(plan.DefaultRegion);
        await ImportBatches.RunAsync(db, clock, job, rows, BatchSize, batch => WriteBatchAsync(jobId, batch, plan, zone, phones, ct), ct);
        return await db.ImportJobs.AsNoTracking().FirstAsync(j => j.Id == jobId, CancellationToken.None);
    }

    private (Row? Row, List<RowProblem> Problems) Parse(ImportRow row, ImportPlan plan, TimeZoneInfo zone, PhoneCleaner phones, DateTime now)
    {
        var problems = new List<RowProblem>();
        string? type = null, channel = null;
        DateTime? at = null;
        (IdentityKind, string)? identity = null;
        var properties = new List<EventProperty>();
        foreach (var column in plan.Columns)
        {
            var raw = column.Index < row.Cells.Length ? row.Cells[column.Index]?.Trim() : null;
            if (string.IsNullOrEmpty(raw) || column.Target == "ignore") continue;
            void Fail(string code, params string[] args) => problems.Add(new RowProblem(row.Line, column.Header, code, args));
            switch (column.Target)
            {
                case "event_type": type = raw.Length <= 64 ? raw : null; if (type is null) Fail("TooLong", "64"); break;
                case "occurred_at":
                    var date = DateCleaner.Parse(raw);
                    if (!date.Ok) Fail(date.Error!, date.Args);
                    else at = date.Value!.Value.Kind == DateTimeKind.Utc ? date.Value : TimeZoneInfo.ConvertTimeToUtc(date.Value!.Value, zone);
                    break;
                case "channel": channel = raw; break;
                default:
                    if (IdentityLookup.TryRead(column.Target, raw, phones, Fail, ref identity)) break;
                    if (column.Target.StartsWith("prop:", StringComparison.Ordinal) && column.Target.Length is > 5 and <= 69)
                        properties.Add(new EventProperty { Key = column.Target[5..], Value = raw.Length > 200 ? raw[..200] : raw });
                    break;
            }
        }
        if (type is null && problems.Count == 0) problems.Add(new RowProblem(row.Line, "", "Required", "event_type"));
        if (identity is null && problems.Count == 0) problems.Add(new RowProblem(row.Line, "", "NoIdentity"));
        if (problems.Count > 0) return (null, problems);
        var occurred = at ?? now;
        return (new Row(identity!.Value, new CustomerEvent
        {
            Type = type!, OccurredAt = occurred, ReceivedAt = now, Channel = channel, Properties = properties,
            PropertiesJson = properties.Count == 0 ? null : JsonSerializer.Serialize(properties.ToDictionary(p => p.Key, p => p.Value)),
        }), problems);
    }

    private async Task WriteBatchAsync(long jobId, List<ImportRow> rows, ImportPlan plan, TimeZoneInfo zone, PhoneCleaner phones, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var problems = new List<RowProblem>();
        var parsed = new List<Row>();
        foreach (var row in rows)
        {
            var (r, p) = Parse(row, plan, zone, phones, now);
            if (r is null) problems.AddRange(p); else parsed.Add(r);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var firstSeen = parsed.GroupBy(r => r.Identity).ToDictionary(g => g.Key, g => g.Min(r => r.Event.OccurredAt));
        var known = await IdentityLookup.FindOrCreateAsync(db, transaction, firstSeen, now, LifecycleStage.Lead, ct);

        // Events already stored (same customer, type and time) are not stored again.
        foreach (var r in parsed) r.Event.CustomerId = known[r.Identity];
        var customers = parsed.Select(r => r.Event.CustomerId).Distinct().ToList();
        var from = parsed.Count == 0 ? now : parsed.Min(r => r.Event.OccurredAt);
        var to = parsed.Count == 0 ? now : parsed.Max(r => r.Event.OccurredAt);
        var stored = new HashSet<(long, string, DateTime)>();
        foreach (var chunk in customers.Chunk(10_000))
            foreach (var e in await db.Events.AsNoTracking()
                         .Where(e => EF.Parameter(chunk).Contains(e.CustomerId) && e.OccurredAt >= from && e.OccurredAt <= to)
                         .Select(e => new { e.CustomerId, e.Type, e.OccurredAt }).ToListAsync(ct))
                stored.Add((e.CustomerId, e.Type, e.OccurredAt));
        var events = parsed.Select(r => r.Event).Where(e => stored.Add((e.CustomerId, e.Type, e.OccurredAt))).ToList();
        await ModelBulkInsert.InsertWithKeysAsync(db, transaction, events, e => e.Id, (e, id) =>
        {
            e.Id = id;
            foreach (var p in e.Properties) p.EventId = id;
        }, e => e.Properties, ct);

        await ModelBulkInsert.InsertAsync(db, transaction, problems.Select(p => ImportRowError.Of(jobId, p.Line, p.Field, p.Code, p.Args)).ToList(), ct);
        var rejected = problems.Select(p => p.Line).Distinct().Count();
        await db.ImportJobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(u => u
            .SetProperty(j => j.ProcessedRows, j => j.ProcessedRows + rows.Count)
            .SetProperty(j => j.Created, j => j.Created + events.Count)
            .SetProperty(j => j.Skipped, j => j.Skipped + (parsed.Count - events.Count))
            .SetProperty(j => j.Rejected, j => j.Rejected + rejected), ct);
        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();
    }
}
