using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Core.Tags;

/// <summary>Who an assign or remove applies to: listed customers (answered one by one), a segment's members or a condition's matches.</summary>
public abstract record AssignTarget
{
    public sealed record Customers(IReadOnlyList<long> Ids) : AssignTarget;
    public sealed record Segment(int SegmentId) : AssignTarget;
    public sealed record Condition(string Json) : AssignTarget;
}

public static class AssignOutcome
{
    public const string Added = "added";
    public const string Changed = "changed";
    public const string Unchanged = "unchanged";
    public const string Removed = "removed";
    public const string Absent = "absent";
    public const string UnknownCustomer = "unknown_customer";
}

public sealed record AssignItem(long CustomerId, string Outcome);

/// <summary>The result of a bulk assign or remove: counts, each listed customer's outcome, or the errors that stopped it.</summary>
public sealed record AssignResult(int Added, int Changed, int Unchanged, int Removed, IReadOnlyList<AssignItem> Items, IReadOnlyList<ConditionError> Errors)
{
    public bool Ok => Errors.Count == 0;
    public static AssignResult Failed(params ConditionError[] errors) => new(0, 0, 0, 0, [], errors);
}

/// <summary>The differences a computation wrote: only these rows changed.</summary>
public sealed record ComputeDiff(int Added, int Removed, int Changed, int Carrying);

/// <summary>One tag on one customer, with where it came from.</summary>
public sealed record CustomerTag(
    int TagId, string TagCode, string TagName, string CategoryName, string? ValueCode, string? ValueName, AssignmentSource Source,
    string? SourceRef, string? AssignedBy, DateTime AssignedAt, DateTime? ExpiresAt, double? Score, Sensitivity Sensitivity, bool Masked);

/// <summary>
/// Tag assignments: added and removed by people (one customer, a list, a segment, a condition), written from a
/// computation as differences only, and expired by a job. Every change leaves a history row.
/// </summary>
public sealed class TagAssignments(StudioDbContext db, TimeProvider clock)
{
    private const int Chunk = 10_000;
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    private sealed record Held(long Id, long CustomerId, int ValueId, AssignmentSource Source);

    public async Task<AssignResult> AssignAsync(int tagId, string? valueCode, AssignTarget target, Actor actor,
        DateTime? expiresAt = null, AssignmentSource source = AssignmentSource.Manual, string? sourceRef = null, CancellationToken ct = default)
    {
        var (tag, valueId, error) = await CheckAsync(tagId, valueCode, actor, source, ct);
        if (error is not null) return AssignResult.Failed(error);
        if (expiresAt is { } e && e <= Now) return AssignResult.Failed(new ConditionError("expiresAt", "ExpiryInPast"));
        var (ids, unknown, targetError) = await ResolveAsync(target, ct);
        if (targetError.Count > 0) return AssignResult.Failed([.. targetError]);

        var now = Now;
        var expiry = expiresAt ?? (tag!.ExpiryDays is { } days ? now.AddDays(days) : null);
        var held = await HeldAsync(tagId, ids, ct);
        var items = new List<AssignItem>();
        var add = new List<TagAssignment>();
        var history = new List<TagAssignmentHistory>();
        var replace = new List<long>();
        foreach (var id in ids)
        {
            var mine = held.GetValueOrDefault(id) ?? [];
            if (mine.Any(h => h.ValueId == valueId))
            {
                items.Add(new AssignItem(id, AssignOutcome.Unchanged));
                continue;
            }
            // A single-valued tag holds one value: the new one replaces the old.
            var replaced = tag!.MultiValued ? [] : mine;
            replace.AddRange(replaced.Select(h => h.Id));
            add.Add(new TagAssignment
            {
                CustomerId = id, TagId = tagId, TagValueId = valueId, Source = source, SourceRef = sourceRef,
                AssignedBy = actor.UserId ?? actor.UserName, AssignedAt = now, ExpiresAt = expiry,
            });
            history.Add(History(id, tagId, valueId, replaced.Count > 0 ? AssignmentAction.Changed : AssignmentAction.Added, source, sourceRef, actor, now));
            items.Add(new AssignItem(id, replaced.Count > 0 ? AssignOutcome.Changed : AssignOutcome.Added));
        }

        await WriteAsync(replace, add, history, ct);
        await TouchCoverageAsync(tagId, ct);
        items.AddRange(unknown.Select(id => new AssignItem(id, AssignOutcome.UnknownCustomer)));
        return Summarize(target, items);
    }

    public async Task<AssignResult> RemoveAsync(int tagId, string? valueCode, AssignTarget target, Actor actor,
        AssignmentSource source = AssignmentSource.Manual, string? sourceRef = null, CancellationToken ct = default)
    {
        var (_, valueId, error) = await CheckAsync(tagId, valueCode, actor, source, ct, removing: true);
        if (error is not null) return AssignResult.Failed(error);
        var (ids, unknown, targetError) = await ResolveAsync(target, ct);
        if (targetError.Count > 0) return AssignResult.Failed([.. targetError]);

        var now = Now;
        var held = await HeldAsync(tagId, ids, ct);
        var items = new List<AssignItem>();
        var remove = new List<long>();
        var history = new List<TagAssignmentHistory>();
        foreach (var id in ids)
        {
            // Without a value code every value of the tag goes.
            var gone = (held.GetValueOrDefault(id) ?? []).Where(h => valueCode is null || h.ValueId == valueId).ToList();
            items.Add(new AssignItem(id, gone.Count > 0 ? AssignOutcome.Removed : AssignOutcome.Absent));
            remove.AddRange(gone.Select(h => h.Id));
            history.AddRange(gone.Select(h => History(id, tagId, h.ValueId, AssignmentAction.Removed, source, sourceRef, actor, now)));
        }
        await WriteAsync(remove, [], history, ct);
        await TouchCoverageAsync(tagId, ct);
        items.AddRange(unknown.Select(id => new AssignItem(id, AssignOutcome.UnknownCustomer)));
        return Summarize(target, items);
    }

    /// <summary>
    /// Brings the assignments a computation owns (<paramref name="source"/>) in line with what it wants now, writing
    /// only the differences. Assignments from other sources (a person's on a rule tag) are left alone.
    /// </summary>
    public async Task<ComputeDiff> ApplyComputedAsync(Tag tag, IReadOnlyCollection<(long CustomerId, int ValueId)> wanted,
        AssignmentSource source, string? sourceRef, IReadOnlyDictionary<long, double>? scores = null, CancellationToken ct = default)
    {
        var now = Now;
        var current = await db.TagAssignments.AsNoTracking().Where(a => a.TagId == tag.Id)
            .Select(a => new Held(a.Id, a.CustomerId, a.TagValueId, a.Source)).ToListAsync(ct);
        var present = current.Select(h => (h.CustomerId, h.ValueId)).ToHashSet();
        var wantedSet = wanted as HashSet<(long, int)> ?? wanted.ToHashSet();

        var stale = current.Where(h => h.Source == source && !wantedSet.Contains((h.CustomerId, h.ValueId))).ToList();
        var added = wantedSet.Where(w => !present.Contains(w)).OrderBy(w => w.Item1).ThenBy(w => w.Item2).ToList();
        // On a single-valued tag a customer moving from one value to another is one change, not a removal and an addition.
        var movedFrom = tag.MultiValued ? [] : stale.Select(h => h.CustomerId).ToHashSet();
        var movedTo = tag.MultiValued ? [] : added.Select(a => a.Item1).ToHashSet();

        var expiry = tag.ExpiryDays is { } days ? now.AddDays(days) : (DateTime?)null;
        var rows = added.Select(a => new TagAssignment
        {
            CustomerId = a.Item1, TagId = tag.Id, TagValueId = a.Item2, Source = source, SourceRef = sourceRef,
            AssignedBy = Actor.System.UserName, AssignedAt = now, ExpiresAt = expiry,
            Score = scores is not null && scores.TryGetValue(a.Item1, out var s) ? s : null,
        }).ToList();
        var history = added.Select(a => History(a.Item1, tag.Id, a.Item2,
                movedFrom.Contains(a.Item1) ? AssignmentAction.Changed : AssignmentAction.Added, source, sourceRef, Actor.System, now))
            .Concat(stale.Where(h => !movedTo.Contains(h.CustomerId))
                .Select(h => History(h.CustomerId, tag.Id, h.ValueId, AssignmentAction.Removed, source, sourceRef, Actor.System, now)))
            .ToList();
        await WriteAsync(stale.Select(h => h.Id).ToList(), rows, history, ct);

        var changed = added.Count(a => movedFrom.Contains(a.Item1));
        return new ComputeDiff(added.Count - changed, stale.Count - changed, changed, await CoverageAsync(tag.Id, ct));
    }

    /// <summary>Removes every assignment whose expiry has passed, keeping an "expired" history row for each.</summary>
    public async Task<int> ExpireDueAsync(CancellationToken ct = default)
    {
        var now = Now;
        var total = 0;
        while (true)
        {
            var due = await db.TagAssignments.AsNoTracking().Where(a => a.ExpiresAt != null && a.ExpiresAt <= now)
                .OrderBy(a => a.Id).Take(Chunk).ToListAsync(ct);
            if (due.Count == 0) break;
            var history = due.Select(a => new TagAssignmentHistory
            {
                CustomerId = a.CustomerId, TagId = a.TagId, TagValueId = a.TagValueId, Action = AssignmentAction.Expired,
                Source = a.Source, SourceRef = a.SourceRef, By = Actor.System.UserName, At = now,
            }).ToList();
            await WriteAsync(due.Select(a => a.Id).ToList(), [], history, ct);
            foreach (var tagId in due.Select(a => a.TagId).Distinct()) await TouchCoverageAsync(tagId, ct);
            total += due.Count;
            if (due.Count < Chunk) break;
        }
        return total;
    }

    /// <summary>A customer's tags with their provenance; restricted tags are left out and sensitive ones masked for roles without the right.</summary>
    public async Task<IReadOnlyList<CustomerTag>> OfCustomerAsync(long customerId, Actor actor, bool zh, CancellationToken ct = default)
    {
        var now = Now;
        var rows = await (from a in db.TagAssignments.AsNoTracking()
                          join t in db.Tags on a.TagId equals t.Id
                          join c in db.TagCategories on t.CategoryId equals c.Id
                          where a.CustomerId == customerId && (a.ExpiresAt == null || a.ExpiresAt > now)
                          orderby c.SortOrder, t.SortOrder, t.Code
                          select new { a, t.Code, t.NameZh, t.NameEn, CategoryZh = c.NameZh, CategoryEn = c.NameEn, t.Sensitivity })
            .ToListAsync(ct);
        var valueIds = rows.Select(r => r.a.TagValueId).Where(id => id != 0).Distinct().ToList();
        var values = await db.TagValues.AsNoTracking().Where(v => valueIds.Contains(v.Id)).ToDictionaryAsync(v => v.Id, ct);
        return rows.Where(r => !TagPermissions.IsHidden(r.Sensitivity, actor)).Select(r =>
        {
            var masked = TagPermissions.IsMasked(r.Sensitivity, actor);
            var value = values.GetValueOrDefault(r.a.TagValueId);
            return new CustomerTag(r.a.TagId, r.Code, zh ? r.NameZh : r.NameEn, zh ? r.CategoryZh : r.CategoryEn,
                masked ? null : value?.Code, masked ? (value is null ? null : "***") : value is null ? null : zh ? value.NameZh : value.NameEn,
                r.a.Source, masked ? null : r.a.SourceRef, r.a.AssignedBy, r.a.AssignedAt, r.a.ExpiresAt, masked ? null : r.a.Score,
                r.Sensitivity, masked);
        }).ToList();
    }

    /// <summary>Distinct customers carrying the tag now.</summary>
    public Task<int> CoverageAsync(int tagId, CancellationToken ct = default)
    {
        var now = Now;
        return db.TagAssignments.Where(a => a.TagId == tagId && (a.ExpiresAt == null || a.ExpiresAt > now))
            .Select(a => a.CustomerId).Distinct().CountAsync(ct);
    }

    // ------------------------------------------------------------------ helpers

    private async Task<(Tag? Tag, int ValueId, ConditionError? Error)> CheckAsync(int tagId, string? valueCode, Actor actor,
        AssignmentSource source, CancellationToken ct, bool removing = false)
    {
        var tag = await db.Tags.AsNoTracking().Include(t => t.Values).FirstOrDefaultAsync(t => t.Id == tagId, ct);
        if (tag is null) return (null, 0, new ConditionError("tag", "UnknownTag", tagId.ToString()));
        if (tag.Status != TagStatus.Active && !(removing && tag.Status == TagStatus.Deprecated))
            return (null, 0, new ConditionError("tag", "TagNotActive", tag.Code));
        if (tag.Kind != TagKind.Manual) return (null, 0, new ConditionError("tag", "TagIsComputed", tag.Code));
        if (TagPermissions.IsHidden(tag.Sensitivity, actor)) return (null, 0, new ConditionError("tag", "UnknownTag", tagId.ToString()));
        if (source == AssignmentSource.Manual)
        {
            var categories = await db.TagCategories.AsNoTracking().ToListAsync(ct);
            if (!new TagPermissions(categories).CanEdit(actor, tag.CategoryId))
                return (null, 0, new ConditionError("tag", "NotAllowed", tag.Code));
        }
        if (valueCode is null)
            return tag.Values.Count > 0 && !removing ? (null, 0, new ConditionError("value", "TagValueRequired", tag.Code)) : (tag, 0, null);
        var value = tag.Values.FirstOrDefault(v => v.Code == valueCode);
        return value is null ? (null, 0, new ConditionError("value", "UnknownTagValue", tag.Code, valueCode)) : (tag, value.Id, null);
    }

    private async Task<(List<long> Ids, List<long> Unknown, List<ConditionError> Errors)> ResolveAsync(AssignTarget target, CancellationToken ct)
    {
        switch (target)
        {
            case AssignTarget.Customers list:
            {
                var wanted = list.Ids.Distinct().ToList();
                var known = new HashSet<long>();
                foreach (var chunk in wanted.Chunk(Chunk))
                    known.UnionWith(await db.Customers.Where(c => chunk.Contains(c.Id) && c.MergedIntoId == null).Select(c => c.Id).ToListAsync(ct));
                return (wanted.Where(known.Contains).ToList(), wanted.Where(id => !known.Contains(id)).ToList(), []);
            }
            case AssignTarget.Segment s:
                if (!await db.Segments.AnyAsync(x => x.Id == s.SegmentId, ct))
                    return ([], [], [new ConditionError("segment", "UnknownSegment", s.SegmentId.ToString())]);
                return (await db.SegmentMemberships.Where(m => m.SegmentId == s.SegmentId)
                    .Where(m => db.Customers.Any(c => c.Id == m.CustomerId && c.MergedIntoId == null))
                    .Select(m => m.CustomerId).OrderBy(id => id).ToListAsync(ct), [], []);
            case AssignTarget.Condition c:
                var compiled = await Audience.CompileAsync(db, c.Json, Now, ct);
                if (!compiled.Ok) return ([], [], compiled.Errors.Select(e => e with { Path = "condition" + e.Path[1..] }).ToList());
                return (await Audience.Query(db, compiled.Require()).Select(x => x.Id).OrderBy(id => id).ToListAsync(ct), [], []);
            default:
                throw new ArgumentOutOfRangeException(nameof(target));
        }
    }

    private async Task<Dictionary<long, List<Held>>> HeldAsync(int tagId, List<long> ids, CancellationToken ct)
    {
        var held = new List<Held>();
        foreach (var chunk in ids.Chunk(Chunk))
            held.AddRange(await db.TagAssignments.AsNoTracking().Where(a => a.TagId == tagId && chunk.Contains(a.CustomerId))
                .Select(a => new Held(a.Id, a.CustomerId, a.TagValueId, a.Source)).ToListAsync(ct));
        return held.GroupBy(h => h.CustomerId).ToDictionary(g => g.Key, g => g.ToList());
    }

    /// <summary>Deletes, inserts and logs in one transaction: a failure leaves the assignments as they were.</summary>
    private async Task WriteAsync(List<long> delete, List<TagAssignment> insert, List<TagAssignmentHistory> history, CancellationToken ct)
    {
        if (delete.Count == 0 && insert.Count == 0 && history.Count == 0) return;
        // Inside a caller's transaction (a journey batch) the writes join it; otherwise they are their own.
        var outer = db.Database.CurrentTransaction;
        var transaction = outer ?? await db.Database.BeginTransactionAsync(ct);
        try
        {
            foreach (var chunk in delete.Chunk(Chunk))
                await db.TagAssignments.Where(a => chunk.Contains(a.Id)).ExecuteDeleteAsync(ct);
            await ModelBulkInsert.InsertAsync(db, transaction, insert, ct);
            await ModelBulkInsert.InsertAsync(db, transaction, history, ct);
            if (outer is null) await transaction.CommitAsync(ct);
        }
        finally
        {
            if (outer is null) await transaction.DisposeAsync();
        }
    }

    /// <summary>Keeps today's coverage point of the tag's trend current (one snapshot per tag and day).</summary>
    private async Task TouchCoverageAsync(int tagId, CancellationToken ct) =>
        await TagCoverage.RecordAsync(db, tagId, await CoverageAsync(tagId, ct), Now, ct);

    private static TagAssignmentHistory History(long customerId, int tagId, int valueId, AssignmentAction action,
        AssignmentSource source, string? sourceRef, Actor actor, DateTime at) => new()
    {
        CustomerId = customerId, TagId = tagId, TagValueId = valueId, Action = action, Source = source, SourceRef = sourceRef,
        By = actor.UserId ?? actor.UserName, At = at,
    };

    private static AssignResult Summarize(AssignTarget target, List<AssignItem> items) => new(
        items.Count(i => i.Outcome == AssignOutcome.Added), items.Count(i => i.Outcome == AssignOutcome.Changed),
        items.Count(i => i.Outcome is AssignOutcome.Unchanged or AssignOutcome.Absent), items.Count(i => i.Outcome == AssignOutcome.Removed),
        target is AssignTarget.Customers ? items : [], []);
}

/// <summary>The coverage trend: one point per tag and day, overwritten through the day.</summary>
public static class TagCoverage
{
    public static async Task RecordAsync(StudioDbContext db, int tagId, int customers, DateTime utcNow, CancellationToken ct = default)
    {
        var day = utcNow.Date;
        var updated = await db.TagCoverageSnapshots.Where(s => s.TagId == tagId && s.At >= day)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Customers, customers).SetProperty(s => s.At, utcNow), ct);
        if (updated == 0)
        {
            db.TagCoverageSnapshots.Add(new TagCoverageSnapshot { TagId = tagId, At = utcNow, Customers = customers });
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
    }
}
