using System.Diagnostics;
using System.Text.RegularExpressions;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Core.Segments;

/// <summary>What a user submits for a segment.</summary>
public sealed record SegmentDraft(string Code, string Name, string? Description, SegmentKind Kind, string DefinitionJson, string? RefreshCron = null);

public sealed record SegmentSaveResult(Segment? Segment, IReadOnlyList<ConditionError> Errors, RefreshResult? Refresh)
{
    public bool Ok => Segment is not null && Errors.Count == 0;
}

public sealed record RefreshResult(int SegmentId, int Members, int Entered, int Exited, TimeSpan Elapsed);

public sealed record OverlapResult(int First, int Second, int Both, int Either);

/// <summary>
/// Saves segments (validated, audited) and keeps their membership: a refresh compares who matches now with who is
/// stored and writes only the differences, with an entered/exited log that journeys can trigger on.
/// </summary>
public sealed partial class SegmentService(StudioDbContext db, TimeProvider clock)
{
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public Task<CompiledCondition> ValidateAsync(string? json, CancellationToken ct = default) =>
        Audience.CompileAsync(db, json, Now, ct);

    public async Task<SegmentSaveResult> SaveAsync(int? id, SegmentDraft draft, Actor actor, CancellationToken ct = default)
    {
        var errors = new List<ConditionError>();
        if (!CodePattern().IsMatch(draft.Code ?? "")) errors.Add(new ConditionError("code", "InvalidCode", draft.Code ?? ""));
        if (string.IsNullOrWhiteSpace(draft.Name)) errors.Add(new ConditionError("name", "Required", "name"));
        if (!string.IsNullOrWhiteSpace(draft.RefreshCron) && !IsValidCron(draft.RefreshCron))
            errors.Add(new ConditionError("refreshCron", "InvalidCron", draft.RefreshCron));

        var existing = id is null ? null : await db.Segments.FirstOrDefaultAsync(s => s.Id == id, ct);
        if (id is not null && existing is null) errors.Add(new ConditionError("id", "UnknownSegment", id.Value.ToString()));
        if (await db.Segments.AnyAsync(s => s.Code == draft.Code && s.Id != (id ?? 0), ct))
            errors.Add(new ConditionError("code", "DuplicateCode", draft.Code ?? ""));

        // Compile against the catalog as it will be after saving, so a segment that reaches itself is refused.
        var catalog = await ConditionCatalog.LoadAsync(db, ct);
        var segments = catalog.Segments.Values.Where(s => s.Id != id && s.Code != draft.Code)
            .Append(new SegmentInfo(id ?? 0, draft.Code ?? "", draft.Name ?? "", draft.Kind, draft.DefinitionJson)).ToList();
        var context = await ConditionContext.ForWorkspaceAsync(db, Now, ct);
        var compiler = new ConditionCompiler(db, new ConditionCatalog(catalog.Fields.Values.Where(f => f.CustomFieldId is not null), catalog.Tags.Values, segments), context);
        var compiled = compiler.Compile(draft.Kind == SegmentKind.Dynamic
            ? $$"""{"segment":"{{draft.Code}}"}"""
            : draft.DefinitionJson);
        errors.AddRange(compiled.Errors.Select(e => e.Path.StartsWith("$.segment(") ? e with { Path = "$" + e.Path[(e.Path.IndexOf(')') + 1)..] } : e));
        if (errors.Count > 0) return new SegmentSaveResult(null, errors, null);

        var before = existing is null ? null : Snapshot(existing);
        var segment = existing ?? new Segment { CreatedAt = Now, OwnerId = actor.UserId };
        segment.Code = draft.Code!;
        segment.Name = draft.Name!.Trim();
        segment.Description = draft.Description;
        segment.Kind = draft.Kind;
        segment.DefinitionJson = ConditionJson.ToJson(ConditionJson.Parse(draft.DefinitionJson).Condition!);
        segment.RefreshCron = string.IsNullOrWhiteSpace(draft.RefreshCron) ? null : draft.RefreshCron;
        segment.UpdatedAt = Now;
        if (existing is null) db.Segments.Add(segment);
        await db.SaveChangesAsync(ct);
        AuditLog.Record(db, actor, nameof(Segment), segment.Id.ToString(), existing is null ? "created" : "updated", before, Snapshot(segment), Now);
        await db.SaveChangesAsync(ct);

        // A static segment is a snapshot taken when it is saved; a dynamic one is refreshed now and on its schedule.
        var refresh = existing is null || draft.Kind == SegmentKind.Dynamic || before?.DefinitionJson != segment.DefinitionJson
            ? await RefreshAsync(segment.Id, ct)
            : null;
        return new SegmentSaveResult(segment, [], refresh);
    }

    /// <summary>Re-evaluates the segment and writes only who entered and who left.</summary>
    public async Task<RefreshResult> RefreshAsync(int segmentId, CancellationToken ct = default)
    {
        var started = Stopwatch.StartNew();
        var segment = await db.Segments.FirstAsync(s => s.Id == segmentId, ct);
        var compiled = await Audience.CompileAsync(db, segment.DefinitionJson, Now, ct);
        var predicate = compiled.Require();

        var matching = (await Audience.Query(db, predicate).Select(c => c.Id).ToListAsync(ct)).ToHashSet();
        var current = (await db.SegmentMemberships.Where(m => m.SegmentId == segmentId).Select(m => m.CustomerId).ToListAsync(ct)).ToHashSet();
        var entered = matching.Where(id => !current.Contains(id)).Order().ToList();
        var exited = current.Where(id => !matching.Contains(id)).Order().ToList();
        var now = Now;

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        foreach (var chunk in exited.Chunk(10_000))
        {
            var ids = chunk.ToList();
            await db.SegmentMemberships.Where(m => m.SegmentId == segmentId && ids.Contains(m.CustomerId)).ExecuteDeleteAsync(ct);
        }
        var members = entered.Select(id => new SegmentMembership { SegmentId = segmentId, CustomerId = id, EnteredAt = now }).ToList();
        var log = entered.Select(id => new SegmentMembershipLog { SegmentId = segmentId, CustomerId = id, Change = MembershipChange.Entered, At = now })
            .Concat(exited.Select(id => new SegmentMembershipLog { SegmentId = segmentId, CustomerId = id, Change = MembershipChange.Exited, At = now }))
            .ToList();
        await ModelBulkInsert.InsertAsync(db, transaction, members, ct);
        await ModelBulkInsert.InsertAsync(db, transaction, log, ct);

        var size = current.Count - exited.Count + entered.Count;
        await db.Segments.Where(s => s.Id == segmentId).ExecuteUpdateAsync(u => u
            .SetProperty(s => s.MemberCount, size)
            .SetProperty(s => s.LastRefreshedAt, now), ct);
        db.SegmentSizeSnapshots.Add(new SegmentSizeSnapshot { SegmentId = segmentId, At = now, Size = size });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return new RefreshResult(segmentId, size, entered.Count, exited.Count, started.Elapsed);
    }

    public IQueryable<Customer> Members(int segmentId) =>
        db.Customers.AsNoTracking().Where(c => c.MergedIntoId == null && db.SegmentMemberships.Any(m => m.SegmentId == segmentId && m.CustomerId == c.Id));

    public async Task<OverlapResult> OverlapAsync(int first, int second, CancellationToken ct = default)
    {
        var a = db.SegmentMemberships.Where(m => m.SegmentId == first).Select(m => m.CustomerId);
        var b = db.SegmentMemberships.Where(m => m.SegmentId == second).Select(m => m.CustomerId);
        var countA = await a.CountAsync(ct);
        var countB = await b.CountAsync(ct);
        var both = await a.Where(id => b.Contains(id)).CountAsync(ct);
        return new OverlapResult(countA, countB, both, countA + countB - both);
    }

    private static bool IsValidCron(string cron)
    {
        try
        {
            _ = new Quartz.CronExpression(cron);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static SegmentSnapshot Snapshot(Segment s) => new(s.Code, s.Name, s.Description, s.Kind, s.DefinitionJson, s.RefreshCron);

    private sealed record SegmentSnapshot(string Code, string Name, string? Description, SegmentKind Kind, string DefinitionJson, string? RefreshCron);

    [GeneratedRegex("^[a-z][a-z0-9_]{1,63}$")]
    private static partial Regex CodePattern();
}
