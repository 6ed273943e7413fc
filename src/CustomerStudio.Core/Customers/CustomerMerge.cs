using System.Globalization;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Security;
using CustomerStudio.Core.Tags;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Core.Customers;

/// <summary>One side of a merge preview: the record and what hangs off it.</summary>
public sealed record MergeSide(Customer Customer, IReadOnlyList<CustomerIdentity> Identities, int Events, int Orders, int Tags,
    int JourneyInstances, int Accounts);

/// <summary>Both records side by side, and the fields the survivor would take over (those it lacks).</summary>
public sealed record MergePreview(MergeSide Survivor, MergeSide Merged, IReadOnlyList<string> FieldsFilled);

public sealed record MergeResult(long SurvivorId, long MergedId, int Identities, int Events, int Orders, int Tags, int JourneyInstances);

/// <summary>
/// Merges one customer into another: identities, events, orders, tags (with their provenance and history), custom
/// values, accounts, journey instances, lead-score and lifecycle history and sales tasks move to the survivor; empty
/// fields of the survivor are filled from the merged record; the merged record stays as a redirect
/// (<see cref="Customer.MergedIntoId"/>). One transaction, audited with both records' snapshots. Scores and segment
/// memberships are recomputed by their jobs.
/// </summary>
public sealed class CustomerMerge(StudioDbContext db, TimeProvider clock)
{
    public async Task<(MergePreview? Preview, IReadOnlyList<ConditionError> Errors)> PreviewAsync(long survivorId, long mergedId, CancellationToken ct = default)
    {
        var errors = await CheckAsync(survivorId, mergedId, ct);
        if (errors.Count > 0) return (null, errors);
        var survivor = await SideAsync(survivorId, ct);
        var merged = await SideAsync(mergedId, ct);
        var filled = Fill(Clone(survivor.Customer), merged.Customer);
        return (new MergePreview(survivor, merged, filled), []);
    }

    public async Task<(MergeResult? Result, IReadOnlyList<ConditionError> Errors)> MergeAsync(long survivorId, long mergedId, Actor actor, string reason,
        CancellationToken ct = default)
    {
        var errors = await CheckAsync(survivorId, mergedId, ct);
        if (errors.Count > 0) return (null, errors);
        var now = clock.GetUtcNow().UtcDateTime;
        var before = new { Survivor = await SnapshotAsync(survivorId, ct), Merged = await SnapshotAsync(mergedId, ct) };

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var survivor = await db.Customers.FirstAsync(c => c.Id == survivorId, ct);
        var merged = await db.Customers.FirstAsync(c => c.Id == mergedId, ct);
        Fill(survivor, merged);
        survivor.UpdatedAt = now;
        if (merged.CreatedAt < survivor.CreatedAt) survivor.CreatedAt = merged.CreatedAt;
        merged.MergedIntoId = survivorId;
        merged.UpdatedAt = now;
        await db.SaveChangesAsync(ct);

        var identities = await db.CustomerIdentities.Where(i => i.CustomerId == mergedId)
            .ExecuteUpdateAsync(u => u.SetProperty(i => i.CustomerId, survivorId).SetProperty(i => i.IsPrimary, false), ct);
        var events = await db.Events.Where(e => e.CustomerId == mergedId).ExecuteUpdateAsync(u => u.SetProperty(e => e.CustomerId, survivorId), ct);
        var orders = await db.Orders.Where(o => o.CustomerId == mergedId).ExecuteUpdateAsync(u => u.SetProperty(o => o.CustomerId, survivorId), ct);

        // Tags: the survivor keeps its own assignment where both carry the same tag value; the rest move with provenance.
        var held = await db.TagAssignments.Where(a => a.CustomerId == survivorId).Select(a => new { a.TagId, a.TagValueId }).ToListAsync(ct);
        var moving = await db.TagAssignments.Where(a => a.CustomerId == mergedId).ToListAsync(ct);
        var duplicate = moving.Where(a => held.Any(h => h.TagId == a.TagId && h.TagValueId == a.TagValueId)).Select(a => a.Id).ToList();
        await db.TagAssignments.Where(a => duplicate.Contains(a.Id)).ExecuteDeleteAsync(ct);
        var tags = await db.TagAssignments.Where(a => a.CustomerId == mergedId).ExecuteUpdateAsync(u => u.SetProperty(a => a.CustomerId, survivorId), ct);
        await db.TagAssignmentHistory.Where(h => h.CustomerId == mergedId).ExecuteUpdateAsync(u => u.SetProperty(h => h.CustomerId, survivorId), ct);

        // Custom values: the survivor's win; the merged record's fill the gaps.
        var survivorFields = await db.CustomFieldValues.Where(v => v.CustomerId == survivorId).Select(v => v.FieldId).ToListAsync(ct);
        await db.CustomFieldValues.Where(v => v.CustomerId == mergedId && survivorFields.Contains(v.FieldId)).ExecuteDeleteAsync(ct);
        var gaps = await db.CustomFieldValues.AsNoTracking().Where(v => v.CustomerId == mergedId).ToListAsync(ct);
        await db.CustomFieldValues.Where(v => v.CustomerId == mergedId).ExecuteDeleteAsync(ct);
        db.CustomFieldValues.AddRange(gaps.Select(v => new CustomFieldValue
        {
            CustomerId = survivorId, FieldId = v.FieldId, TextValue = v.TextValue, NumberValue = v.NumberValue, DateValue = v.DateValue, BoolValue = v.BoolValue,
        }));

        var accounts = await db.AccountMembers.Where(m => m.CustomerId == survivorId).Select(m => m.AccountId).ToListAsync(ct);
        await db.AccountMembers.Where(m => m.CustomerId == mergedId && accounts.Contains(m.AccountId)).ExecuteDeleteAsync(ct);
        var memberships = await db.AccountMembers.AsNoTracking().Where(m => m.CustomerId == mergedId).ToListAsync(ct);
        await db.AccountMembers.Where(m => m.CustomerId == mergedId).ExecuteDeleteAsync(ct);
        db.AccountMembers.AddRange(memberships.Select(m => new AccountMember { AccountId = m.AccountId, CustomerId = survivorId, Role = m.Role, JoinedAt = m.JoinedAt }));

        var journeys = await db.JourneyInstances.Where(j => j.CustomerId == mergedId).ExecuteUpdateAsync(u => u.SetProperty(j => j.CustomerId, survivorId), ct);
        await db.Outbox.Where(o => o.CustomerId == mergedId).ExecuteUpdateAsync(u => u.SetProperty(o => o.CustomerId, survivorId), ct);
        await db.LeadScoreChanges.Where(l => l.CustomerId == mergedId).ExecuteUpdateAsync(u => u.SetProperty(l => l.CustomerId, survivorId), ct);
        await db.LifecycleChanges.Where(l => l.CustomerId == mergedId).ExecuteUpdateAsync(u => u.SetProperty(l => l.CustomerId, survivorId), ct);
        await db.SalesTasks.Where(t => t.CustomerId == mergedId).ExecuteUpdateAsync(u => u.SetProperty(t => t.CustomerId, survivorId), ct);
        // Derived figures belong to a live customer only; their jobs recompute the survivor's.
        await db.RfmScores.Where(s => s.CustomerId == mergedId).ExecuteDeleteAsync(ct);
        await db.PredictiveScores.Where(s => s.CustomerId == mergedId).ExecuteDeleteAsync(ct);
        await db.SegmentMemberships.Where(m => m.CustomerId == mergedId).ExecuteDeleteAsync(ct);

        AuditLog.Record(db, actor, nameof(Customer), survivorId.ToString(CultureInfo.InvariantCulture), "merged", before,
            new { Survivor = survivorId, Merged = mergedId, Reason = reason }, now);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return (new MergeResult(survivorId, mergedId, identities, events, orders, tags, journeys), []);
    }

    /// <summary>Where a (possibly merged-away) customer lives now, following merges.</summary>
    public async Task<long?> ResolveAsync(long id, CancellationToken ct = default)
    {
        for (var hops = 0; hops < 16; hops++)
        {
            var next = await db.Customers.AsNoTracking().Where(c => c.Id == id).Select(c => new { c.MergedIntoId }).FirstOrDefaultAsync(ct);
            if (next is null) return null;
            if (next.MergedIntoId is not { } into) return id;
            id = into;
        }
        return id;
    }

    private async Task<List<ConditionError>> CheckAsync(long survivorId, long mergedId, CancellationToken ct)
    {
        var errors = new List<ConditionError>();
        if (survivorId == mergedId) errors.Add(new ConditionError("merged", "MergeWithItself"));
        foreach (var (id, path) in new[] { (survivorId, "survivor"), (mergedId, "merged") })
        {
            var c = await db.Customers.AsNoTracking().Where(x => x.Id == id).Select(x => new { x.MergedIntoId }).FirstOrDefaultAsync(ct);
            if (c is null) errors.Add(new ConditionError(path, "UnknownCustomer", id.ToString(CultureInfo.InvariantCulture)));
            else if (c.MergedIntoId is not null) errors.Add(new ConditionError(path, "AlreadyMerged", id.ToString(CultureInfo.InvariantCulture), c.MergedIntoId.Value.ToString(CultureInfo.InvariantCulture)));
        }
        return errors;
    }

    private async Task<MergeSide> SideAsync(long id, CancellationToken ct) => new(
        await db.Customers.AsNoTracking().FirstAsync(c => c.Id == id, ct),
        await db.CustomerIdentities.AsNoTracking().Where(i => i.CustomerId == id).OrderBy(i => i.Kind).ToListAsync(ct),
        await db.Events.CountAsync(e => e.CustomerId == id, ct),
        await db.Orders.CountAsync(o => o.CustomerId == id, ct),
        await db.TagAssignments.CountAsync(a => a.CustomerId == id, ct),
        await db.JourneyInstances.CountAsync(j => j.CustomerId == id, ct),
        await db.AccountMembers.CountAsync(m => m.CustomerId == id, ct));

    private async Task<object> SnapshotAsync(long id, CancellationToken ct)
    {
        var side = await SideAsync(id, ct);
        var c = side.Customer;
        return new
        {
            c.Id, c.Name, Gender = c.Gender.ToString(), c.BirthDate, c.Province, c.City, c.Phone, c.Email, c.Company, c.Industry, c.OwnerId,
            Stage = c.LifecycleStage.ToString(), c.LeadScore, c.CreatedAt,
            Identities = side.Identities.Select(i => $"{i.Kind}:{i.Value}").ToList(), side.Events, side.Orders, side.Tags, side.JourneyInstances,
        };
    }

    private static Customer Clone(Customer c) => new()
    {
        Id = c.Id, Name = c.Name, Gender = c.Gender, BirthDate = c.BirthDate, Province = c.Province, City = c.City, Phone = c.Phone, Email = c.Email,
        Company = c.Company, Industry = c.Industry, CompanySize = c.CompanySize, SourceChannel = c.SourceChannel, OwnerId = c.OwnerId,
        LeadScore = c.LeadScore, LifecycleStage = c.LifecycleStage, EmailOptOut = c.EmailOptOut, SmsOptOut = c.SmsOptOut, CreatedAt = c.CreatedAt,
    };

    /// <summary>Fills the survivor's empty fields from the merged record; returns the names of the fields filled.</summary>
    private static List<string> Fill(Customer survivor, Customer merged)
    {
        var filled = new List<string>();
        void Take<T>(string name, T? mine, T? theirs, Action<T> set)
        {
            var empty = mine is null || mine is string { Length: 0 } || mine is Gender.Unknown;
            if (!empty || theirs is null || theirs is string { Length: 0 } || theirs is Gender.Unknown) return;
            set(theirs);
            filled.Add(name);
        }
        Take("name", survivor.Name, merged.Name, v => survivor.Name = v);
        Take("gender", (object)survivor.Gender, merged.Gender, v => survivor.Gender = (Gender)v);
        Take("birth_date", survivor.BirthDate, merged.BirthDate, v => survivor.BirthDate = v);
        Take("province", survivor.Province, merged.Province, v => survivor.Province = v);
        Take("city", survivor.City, merged.City, v => survivor.City = v);
        Take("phone", survivor.Phone, merged.Phone, v => survivor.Phone = v);
        Take("email", survivor.Email, merged.Email, v => survivor.Email = v);
        Take("company", survivor.Company, merged.Company, v => survivor.Company = v);
        Take("industry", survivor.Industry, merged.Industry, v => survivor.Industry = v);
        Take("company_size", survivor.CompanySize, merged.CompanySize, v => survivor.CompanySize = v);
        Take("source_channel", survivor.SourceChannel, merged.SourceChannel, v => survivor.SourceChannel = v);
        Take("owner", survivor.OwnerId, merged.OwnerId, v => survivor.OwnerId = v);
        if (merged.LeadScore > survivor.LeadScore) { survivor.LeadScore = merged.LeadScore; filled.Add("lead_score"); }
        if (merged.LifecycleStage is LifecycleStage.Customer && survivor.LifecycleStage is LifecycleStage.Lead or LifecycleStage.Mql or LifecycleStage.Sql)
        {
            survivor.LifecycleStage = LifecycleStage.Customer;
            filled.Add("lifecycle_stage");
        }
        survivor.EmailOptOut |= merged.EmailOptOut;
        survivor.SmsOptOut |= merged.SmsOptOut;
        return filled;
    }
}
