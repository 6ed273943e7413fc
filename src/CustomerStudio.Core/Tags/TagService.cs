using System.Text.Json;
using System.Text.RegularExpressions;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Core.Tags;

public sealed record TagValueDraft(string Code, string NameZh, string NameEn);

/// <summary>What a user submits for a tag (the card).</summary>
public sealed record TagDraft(
    int CategoryId, string Code, string NameZh, string NameEn, string? Description, TagKind Kind, string? DataSource,
    RefreshRule RefreshRule, string? ValueFormat, bool MultiValued, string? OwnerId, Sensitivity Sensitivity, int? ExpiryDays,
    IReadOnlyList<TagValueDraft> Values, string? DefinitionJson);

/// <summary>The governed part of a tag, which on an active tag changes only through review.</summary>
public sealed record TagProposal(TagKind Kind, bool MultiValued, IReadOnlyList<TagValueDraft> Values, string? DefinitionJson);

public sealed record CategoryDraft(int? ParentId, string Code, string NameZh, string NameEn, string? EditorRoles);

/// <summary>同名不同义: another tag that looks like this one.</summary>
public sealed record TagWarning(string Code, string OtherCode, string OtherName)
{
    public string Message(System.Globalization.CultureInfo? culture = null) => new ConditionError("", Code, OtherCode, OtherName).Message(culture);
}

public sealed record TagSaveResult(Tag? Tag, IReadOnlyList<ConditionError> Errors, IReadOnlyList<TagWarning> Warnings, bool PendingReview)
{
    public bool Ok => Tag is not null && Errors.Count == 0;
}

/// <summary>
/// What a lifecycle action did. <see cref="ComputeError"/>: the action itself succeeded but computing the tag right after
/// failed (a predictive tag without enough history, say); the refresh sweep tries again later.
/// </summary>
public sealed record TagActionResult(Tag? Tag, IReadOnlyList<ConditionError> Errors, RecomputeResult? Recompute = null, string? ComputeError = null)
{
    public bool Ok => Errors.Count == 0;
    public static TagActionResult Fail(string path, string code, params string[] args) => new(null, [new ConditionError(path, code, args)]);
}

/// <summary>
/// The tag system's rules: the taxonomy (categories and tag placement), tag cards (validated, with 同名不同义
/// warnings), and the lifecycle draft → in review → active → deprecated → archived. Governance approves; other
/// roles draft and propose in the categories they may edit; an active tag's rule, values or kind change only
/// through a reviewed revision. Every change is audited with before and after.
/// </summary>
public sealed partial class TagService(StudioDbContext db, TagRuleEngine rules, TimeProvider clock, TagPredictions? predictions = null)
{
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    // ------------------------------------------------------------------ categories

    public async Task<(TagCategory? Category, IReadOnlyList<ConditionError> Errors)> SaveCategoryAsync(int? id, CategoryDraft draft, Actor actor, CancellationToken ct = default)
    {
        if (!actor.Governs) return (null, [new ConditionError("category", "NotAllowed", draft.Code)]);
        var errors = new List<ConditionError>();
        if (!CodePattern().IsMatch(draft.Code ?? "")) errors.Add(new ConditionError("code", "InvalidCode", draft.Code ?? ""));
        if (string.IsNullOrWhiteSpace(draft.NameZh)) errors.Add(new ConditionError("nameZh", "Required", "nameZh"));
        if (string.IsNullOrWhiteSpace(draft.NameEn)) errors.Add(new ConditionError("nameEn", "Required", "nameEn"));
        foreach (var role in Roles(draft.EditorRoles))
            if (!StudioRoles.All.Contains(role)) errors.Add(new ConditionError("editorRoles", "UnknownRole", role, string.Join(", ", StudioRoles.All)));
        var categories = await db.TagCategories.ToListAsync(ct);
        var existing = id is null ? null : categories.FirstOrDefault(c => c.Id == id);
        if (id is not null && existing is null) return (null, [new ConditionError("id", "UnknownCategory", id.Value.ToString())]);
        if (categories.Any(c => c.Code == draft.Code && c.Id != id)) errors.Add(new ConditionError("code", "DuplicateCode", draft.Code ?? ""));
        if (draft.ParentId is { } parent)
        {
            if (categories.All(c => c.Id != parent)) errors.Add(new ConditionError("parentId", "UnknownCategory", parent.ToString()));
            else if (id is not null && IsUnder(categories, parent, id.Value)) errors.Add(new ConditionError("parentId", "CategoryCycle", draft.Code ?? ""));
        }
        if (errors.Count > 0) return (null, errors);

        var before = existing is null ? null : Snapshot(existing);
        var category = existing ?? new TagCategory
        {
            CreatedAt = Now,
            SortOrder = (categories.Where(c => c.ParentId == draft.ParentId).Max(c => (int?)c.SortOrder) ?? 0) + 10,
        };
        category.ParentId = draft.ParentId;
        category.Code = draft.Code!;
        category.NameZh = draft.NameZh.Trim();
        category.NameEn = draft.NameEn.Trim();
        category.EditorRoles = Roles(draft.EditorRoles) is { Count: > 0 } r ? string.Join(",", r) : null;
        if (existing is null) db.TagCategories.Add(category);
        await db.SaveChangesAsync(ct);
        AuditLog.Record(db, actor, nameof(TagCategory), category.Id.ToString(), existing is null ? "created" : "updated", before, Snapshot(category), Now);
        await db.SaveChangesAsync(ct);
        return (category, []);
    }

    /// <summary>Moves a category under another (or to the top) at a position among its new siblings.</summary>
    public async Task<IReadOnlyList<ConditionError>> MoveCategoryAsync(int id, int? parentId, int index, Actor actor, CancellationToken ct = default)
    {
        if (!actor.Governs) return [new ConditionError("category", "NotAllowed", id.ToString())];
        var categories = await db.TagCategories.ToListAsync(ct);
        var category = categories.FirstOrDefault(c => c.Id == id);
        if (category is null) return [new ConditionError("id", "UnknownCategory", id.ToString())];
        if (parentId is { } p && (categories.All(c => c.Id != p) || IsUnder(categories, p, id)))
            return [new ConditionError("parentId", categories.All(c => c.Id != p) ? "UnknownCategory" : "CategoryCycle", p.ToString())];
        var before = Snapshot(category);
        category.ParentId = parentId;
        Reorder(categories.Where(c => c.ParentId == parentId && c.Id != id).OrderBy(c => c.SortOrder).ToList(), category, index,
            (c, order) => c.SortOrder = order);
        AuditLog.Record(db, actor, nameof(TagCategory), id.ToString(), "moved", before, Snapshot(category), Now);
        await db.SaveChangesAsync(ct);
        return [];
    }

    public async Task<IReadOnlyList<ConditionError>> DeleteCategoryAsync(int id, Actor actor, CancellationToken ct = default)
    {
        if (!actor.Governs) return [new ConditionError("category", "NotAllowed", id.ToString())];
        var category = await db.TagCategories.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (category is null) return [new ConditionError("id", "UnknownCategory", id.ToString())];
        if (await db.TagCategories.AnyAsync(c => c.ParentId == id, ct) || await db.Tags.AnyAsync(t => t.CategoryId == id, ct))
            return [new ConditionError("id", "CategoryNotEmpty", category.Code)];
        db.TagCategories.Remove(category);
        AuditLog.Record(db, actor, nameof(TagCategory), id.ToString(), "deleted", Snapshot(category), null, Now);
        await db.SaveChangesAsync(ct);
        return [];
    }

    /// <summary>Moves a tag into a category at a position; the actor must be allowed to edit both categories.</summary>
    public async Task<IReadOnlyList<ConditionError>> MoveTagAsync(int tagId, int categoryId, int index, Actor actor, CancellationToken ct = default)
    {
        var tag = await db.Tags.FirstOrDefaultAsync(t => t.Id == tagId, ct);
        if (tag is null) return [new ConditionError("id", "UnknownTag", tagId.ToString())];
        var permissions = await PermissionsAsync(ct);
        if (!await db.TagCategories.AnyAsync(c => c.Id == categoryId, ct)) return [new ConditionError("categoryId", "UnknownCategory", categoryId.ToString())];
        if (!permissions.CanEdit(actor, tag.CategoryId) || !permissions.CanEdit(actor, categoryId))
            return [new ConditionError("categoryId", "NotAllowed", tag.Code)];
        var before = new { tag.CategoryId, tag.SortOrder };
        tag.CategoryId = categoryId;
        var siblings = await db.Tags.Where(t => t.CategoryId == categoryId && t.Id != tagId).OrderBy(t => t.SortOrder).ToListAsync(ct);
        Reorder(siblings, tag, index, (t, order) => t.SortOrder = order);
        AuditLog.Record(db, actor, nameof(Tag), tagId.ToString(), "moved", before, new { tag.CategoryId, tag.SortOrder }, Now);
        await db.SaveChangesAsync(ct);
        return [];
    }

    // ------------------------------------------------------------------ the card

    public async Task<TagSaveResult> SaveAsync(int? id, TagDraft draft, Actor actor, CancellationToken ct = default)
    {
        var existing = id is null ? null : await db.Tags.Include(t => t.Values).FirstOrDefaultAsync(t => t.Id == id, ct);
        if (id is not null && existing is null) return Failed(new ConditionError("id", "UnknownTag", id.Value.ToString()));
        if (!await db.TagCategories.AnyAsync(c => c.Id == draft.CategoryId, ct))
            return Failed(new ConditionError("categoryId", "UnknownCategory", draft.CategoryId.ToString()));
        var permissions = await PermissionsAsync(ct);
        if (!permissions.CanEdit(actor, draft.CategoryId) || (existing is not null && !permissions.CanEdit(actor, existing.CategoryId)))
            return Failed(new ConditionError("categoryId", "NotAllowed", draft.Code ?? ""));
        if (existing?.Status == TagStatus.Archived) return Failed(new ConditionError("status", "TagArchived", existing.Code));
        if (existing?.Status == TagStatus.InReview) return Failed(new ConditionError("status", "TagInReview", existing.Code));
        if (existing?.ActivatedAt is not null && existing.Code != draft.Code)
            return Failed(new ConditionError("code", "CodeFixed", existing.Code));

        var errors = await ValidateAsync(id, draft, ct);
        if (errors.Count > 0) return new TagSaveResult(null, errors, [], false);
        var warnings = await WarningsAsync(id, draft, ct);

        var now = Now;
        var proposal = Proposal(draft);
        if (existing is null)
        {
            var tag = new Tag { CreatedAt = now, Status = TagStatus.Draft, Version = 1, OwnerId = draft.OwnerId ?? actor.UserId };
            ApplyCard(tag, draft);
            ApplyProposal(tag, proposal);
            tag.SortOrder = (await db.Tags.Where(t => t.CategoryId == draft.CategoryId).MaxAsync(t => (int?)t.SortOrder, ct) ?? 0) + 10;
            tag.UpdatedAt = now;
            db.Tags.Add(tag);
            await db.SaveChangesAsync(ct);
            AuditLog.Record(db, actor, nameof(Tag), tag.Id.ToString(), "created", null, Snapshot(tag), now);
            await db.SaveChangesAsync(ct);
            return new TagSaveResult(tag, [], warnings, false);
        }

        var before = Snapshot(existing);
        ApplyCard(existing, draft);
        var pending = false;
        if (existing.Status == TagStatus.Draft) ApplyProposal(existing, proposal);
        else if (!SameProposal(Proposal(existing), proposal))
        {
            // A live tag keeps computing with its current rule until the change is approved.
            var revision = await db.TagRevisions.FirstOrDefaultAsync(r => r.TagId == existing.Id && r.Status == RevisionStatus.Pending, ct);
            if (revision is null)
            {
                revision = new TagRevision { TagId = existing.Id, Version = await NextVersionAsync(existing.Id, ct) };
                db.TagRevisions.Add(revision);
            }
            revision.DefinitionJson = JsonSerializer.Serialize(proposal, TagDefinition.Json);
            revision.SubmittedBy = actor.UserId ?? actor.UserName;
            revision.SubmittedAt = now;
            pending = true;
        }
        // Saving an unchanged card changes nothing and leaves no audit entry.
        var unchanged = !pending && System.Text.Json.JsonSerializer.Serialize(before) == System.Text.Json.JsonSerializer.Serialize(Snapshot(existing));
        if (unchanged) return new TagSaveResult(existing, [], warnings, false);
        existing.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        AuditLog.Record(db, actor, nameof(Tag), existing.Id.ToString(), pending ? "proposed" : "updated", before,
            pending ? new { Card = Snapshot(existing), Proposal = proposal } : Snapshot(existing), now);
        await db.SaveChangesAsync(ct);
        return new TagSaveResult(existing, [], warnings, pending);
    }

    /// <summary>A never-activated draft can be deleted; anything that has been live is deprecated and archived instead.</summary>
    public async Task<TagActionResult> DeleteDraftAsync(int tagId, Actor actor, CancellationToken ct = default)
    {
        var tag = await db.Tags.Include(t => t.Values).FirstOrDefaultAsync(t => t.Id == tagId, ct);
        if (tag is null) return TagActionResult.Fail("id", "UnknownTag", tagId.ToString());
        if (!(await PermissionsAsync(ct)).CanEdit(actor, tag.CategoryId)) return TagActionResult.Fail("id", "NotAllowed", tag.Code);
        if (tag.Status != TagStatus.Draft || tag.ActivatedAt is not null || await db.TagAssignments.AnyAsync(a => a.TagId == tagId, ct))
            return TagActionResult.Fail("status", "OnlyDraftsDeleted", tag.Code);
        var usage = await DefinitionUsage.OfTagAsync(db, tag.Code, ct);
        if (usage.Count > 0) return TagActionResult.Fail("id", "TagInUse", tag.Code, Describe(usage));
        var before = Snapshot(tag);
        db.Tags.Remove(tag);
        AuditLog.Record(db, actor, nameof(Tag), tagId.ToString(), "deleted", before, null, Now);
        await db.SaveChangesAsync(ct);
        return new TagActionResult(null, []);
    }

    // ------------------------------------------------------------------ lifecycle

    /// <summary>Draft → in review: the whole card is checked again and frozen as the revision under review.</summary>
    public async Task<TagActionResult> SubmitAsync(int tagId, Actor actor, CancellationToken ct = default)
    {
        var tag = await db.Tags.Include(t => t.Values).FirstOrDefaultAsync(t => t.Id == tagId, ct);
        if (tag is null) return TagActionResult.Fail("id", "UnknownTag", tagId.ToString());
        if (!(await PermissionsAsync(ct)).CanEdit(actor, tag.CategoryId)) return TagActionResult.Fail("id", "NotAllowed", tag.Code);
        if (tag.Status != TagStatus.Draft) return TagActionResult.Fail("status", "WrongStatus", tag.Code, tag.Status.ToString(), nameof(TagStatus.Draft));
        var errors = await ValidateAsync(tag.Id, DraftOf(tag), ct);
        if (errors.Count > 0) return new TagActionResult(tag, errors);

        var before = Snapshot(tag);
        tag.Status = TagStatus.InReview;
        tag.UpdatedAt = Now;
        db.TagRevisions.Add(new TagRevision
        {
            TagId = tag.Id, Version = await NextVersionAsync(tag.Id, ct), Status = RevisionStatus.Pending,
            DefinitionJson = JsonSerializer.Serialize(Proposal(tag), TagDefinition.Json),
            SubmittedBy = actor.UserId ?? actor.UserName, SubmittedAt = Now,
        });
        AuditLog.Record(db, actor, nameof(Tag), tag.Id.ToString(), "submitted", before, Snapshot(tag), Now);
        await db.SaveChangesAsync(ct);
        return new TagActionResult(tag, []);
    }

    /// <summary>The proposer takes a submission back to draft (or drops a pending change of a live tag).</summary>
    public async Task<TagActionResult> WithdrawAsync(int tagId, Actor actor, CancellationToken ct = default)
    {
        var tag = await db.Tags.FirstOrDefaultAsync(t => t.Id == tagId, ct);
        if (tag is null) return TagActionResult.Fail("id", "UnknownTag", tagId.ToString());
        if (!(await PermissionsAsync(ct)).CanEdit(actor, tag.CategoryId)) return TagActionResult.Fail("id", "NotAllowed", tag.Code);
        var revision = await db.TagRevisions.FirstOrDefaultAsync(r => r.TagId == tagId && r.Status == RevisionStatus.Pending, ct);
        if (revision is null) return TagActionResult.Fail("status", "NothingInReview", tag.Code);
        var before = Snapshot(tag);
        revision.Status = RevisionStatus.Withdrawn;
        if (tag.Status == TagStatus.InReview) tag.Status = TagStatus.Draft;
        AuditLog.Record(db, actor, nameof(Tag), tag.Id.ToString(), "withdrawn", before, Snapshot(tag), Now);
        await db.SaveChangesAsync(ct);
        return new TagActionResult(tag, []);
    }

    /// <summary>
    /// Governance approves what is under review: a submitted draft goes live, or a live tag's pending change becomes
    /// its new version. A rule tag is computed right away.
    /// </summary>
    public async Task<TagActionResult> ApproveAsync(int tagId, string? comment, Actor actor, CancellationToken ct = default)
    {
        var tag = await db.Tags.Include(t => t.Values).FirstOrDefaultAsync(t => t.Id == tagId, ct);
        if (tag is null) return TagActionResult.Fail("id", "UnknownTag", tagId.ToString());
        if (!TagPermissions.CanApprove(actor)) return TagActionResult.Fail("status", "ApproveNotAllowed", tag.Code);
        var revision = await db.TagRevisions.FirstOrDefaultAsync(r => r.TagId == tagId && r.Status == RevisionStatus.Pending, ct);
        if (revision is null) return TagActionResult.Fail("status", "NothingInReview", tag.Code);

        var proposal = JsonSerializer.Deserialize<TagProposal>(revision.DefinitionJson, TagDefinition.Json)!;
        var errors = await ValidateAsync(tag.Id, DraftOf(tag) with
        {
            Kind = proposal.Kind, MultiValued = proposal.MultiValued, Values = proposal.Values, DefinitionJson = proposal.DefinitionJson,
        }, ct);
        if (errors.Count > 0) return new TagActionResult(tag, errors);

        var now = Now;
        var before = Snapshot(tag);
        var removedValues = ApplyProposal(tag, proposal);
        if (removedValues.Count > 0) await RemoveValueAssignmentsAsync(tag, removedValues, actor, ct);
        tag.Version = revision.Version;
        if (tag.Status == TagStatus.InReview) tag.Status = TagStatus.Active;
        tag.ActivatedAt ??= now;
        tag.UpdatedAt = now;
        revision.Status = RevisionStatus.Approved;
        revision.ReviewedBy = actor.UserId ?? actor.UserName;
        revision.ReviewedAt = now;
        revision.ReviewComment = comment;
        AuditLog.Record(db, actor, nameof(Tag), tag.Id.ToString(), "approved", before, new { Tag = Snapshot(tag), Comment = comment }, now);
        await db.SaveChangesAsync(ct);
        foreach (var value in removedValues) db.TagValues.Remove(value);
        await db.SaveChangesAsync(ct);

        if (tag.Status != TagStatus.Active) return new TagActionResult(tag, []);
        try
        {
            return new TagActionResult(tag, [], await RefreshAsync(tag, ct));
        }
        catch (Exception ex) when (ex is InvalidOperationException or ConditionException)
        {
            return new TagActionResult(tag, [], null, ex.Message);
        }
    }

    /// <summary>Governance sends a submission back to draft (or turns down a pending change) with a comment saying why.</summary>
    public async Task<TagActionResult> RejectAsync(int tagId, string? comment, Actor actor, CancellationToken ct = default)
    {
        var tag = await db.Tags.FirstOrDefaultAsync(t => t.Id == tagId, ct);
        if (tag is null) return TagActionResult.Fail("id", "UnknownTag", tagId.ToString());
        if (!TagPermissions.CanApprove(actor)) return TagActionResult.Fail("status", "ApproveNotAllowed", tag.Code);
        if (string.IsNullOrWhiteSpace(comment)) return TagActionResult.Fail("comment", "CommentRequired");
        var revision = await db.TagRevisions.FirstOrDefaultAsync(r => r.TagId == tagId && r.Status == RevisionStatus.Pending, ct);
        if (revision is null) return TagActionResult.Fail("status", "NothingInReview", tag.Code);
        var before = Snapshot(tag);
        revision.Status = RevisionStatus.Rejected;
        revision.ReviewedBy = actor.UserId ?? actor.UserName;
        revision.ReviewedAt = Now;
        revision.ReviewComment = comment.Trim();
        if (tag.Status == TagStatus.InReview) tag.Status = TagStatus.Draft;
        AuditLog.Record(db, actor, nameof(Tag), tag.Id.ToString(), "rejected", before, new { Tag = Snapshot(tag), Comment = comment }, Now);
        await db.SaveChangesAsync(ct);
        return new TagActionResult(tag, []);
    }

    /// <summary>Active → deprecated for each tag; per-tag errors for the ones that cannot be.</summary>
    public async Task<IReadOnlyDictionary<int, TagActionResult>> DeprecateAsync(IReadOnlyList<int> tagIds, string? comment, Actor actor, CancellationToken ct = default)
    {
        var results = new Dictionary<int, TagActionResult>();
        foreach (var id in tagIds.Distinct())
            results[id] = await TransitionAsync(id, TagStatus.Active, TagStatus.Deprecated, "deprecated", comment, actor, ct);
        return results;
    }

    /// <summary>Deprecated → active again.</summary>
    public Task<TagActionResult> ReinstateAsync(int tagId, Actor actor, CancellationToken ct = default) =>
        TransitionAsync(tagId, TagStatus.Deprecated, TagStatus.Active, "reinstated", null, actor, ct);

    /// <summary>
    /// Deprecated → archived, refused while an active definition depends on the tag (the error lists them). Current
    /// assignments end with a history row; the history itself stays.
    /// </summary>
    public async Task<TagActionResult> ArchiveAsync(int tagId, Actor actor, CancellationToken ct = default)
    {
        var tag = await db.Tags.AsNoTracking().FirstOrDefaultAsync(t => t.Id == tagId, ct);
        if (tag is null) return TagActionResult.Fail("id", "UnknownTag", tagId.ToString());
        if (!actor.Governs) return TagActionResult.Fail("status", "ApproveNotAllowed", tag.Code);
        if (tag.Status != TagStatus.Deprecated)
            return TagActionResult.Fail("status", "WrongStatus", tag.Code, tag.Status.ToString(), nameof(TagStatus.Deprecated));
        var dependents = await TagUsage.DependentsAsync(db, tag.Code, ct);
        if (dependents.Count > 0) return TagActionResult.Fail("id", "TagInUse", tag.Code, Describe(dependents));
        var result = await TransitionAsync(tagId, TagStatus.Deprecated, TagStatus.Archived, "archived", null, actor, ct);
        if (!result.Ok) return result;

        var now = Now;
        var held = await db.TagAssignments.AsNoTracking().Where(a => a.TagId == tagId).ToListAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.TagAssignments.Where(a => a.TagId == tagId).ExecuteDeleteAsync(ct);
        await ModelBulkInsert.InsertAsync(db, transaction, held.Select(a => new TagAssignmentHistory
        {
            CustomerId = a.CustomerId, TagId = tagId, TagValueId = a.TagValueId, Action = AssignmentAction.Removed,
            Source = a.Source, SourceRef = "archived", By = actor.UserId ?? actor.UserName, At = now,
        }).ToList(), ct);
        await transaction.CommitAsync(ct);
        await TagCoverage.RecordAsync(db, tagId, 0, now, ct);
        return result;
    }

    /// <summary>Recomputes a live computed tag now (rule tags; predictive tags score with their current model).</summary>
    public async Task<TagActionResult> RecomputeAsync(int tagId, Actor actor, CancellationToken ct = default)
    {
        var tag = await db.Tags.AsNoTracking().FirstOrDefaultAsync(t => t.Id == tagId, ct);
        if (tag is null) return TagActionResult.Fail("id", "UnknownTag", tagId.ToString());
        if (!(await PermissionsAsync(ct)).CanEdit(actor, tag.CategoryId)) return TagActionResult.Fail("id", "NotAllowed", tag.Code);
        if (tag.Status != TagStatus.Active) return TagActionResult.Fail("status", "TagNotActive", tag.Code);
        if (tag.Kind == TagKind.Manual) return TagActionResult.Fail("kind", "TagIsManual", tag.Code);
        try
        {
            return new TagActionResult(tag, [], await RefreshAsync(tag, ct));
        }
        catch (Exception ex) when (ex is InvalidOperationException or ConditionException)
        {
            return new TagActionResult(tag, [], null, ex.Message);
        }
    }

    // ------------------------------------------------------------------ validation and warnings

    public async Task<IReadOnlyList<ConditionError>> ValidateAsync(int? id, TagDraft draft, CancellationToken ct = default)
    {
        var errors = new List<ConditionError>();
        if (!CodePattern().IsMatch(draft.Code ?? "")) errors.Add(new ConditionError("code", "InvalidCode", draft.Code ?? ""));
        else if (await db.Tags.AnyAsync(t => t.Code == draft.Code && t.Id != (id ?? 0), ct)) errors.Add(new ConditionError("code", "DuplicateCode", draft.Code!));
        if (string.IsNullOrWhiteSpace(draft.NameZh)) errors.Add(new ConditionError("nameZh", "Required", "nameZh"));
        if (string.IsNullOrWhiteSpace(draft.NameEn)) errors.Add(new ConditionError("nameEn", "Required", "nameEn"));
        if (!await db.TagCategories.AnyAsync(c => c.Id == draft.CategoryId, ct))
            errors.Add(new ConditionError("categoryId", "UnknownCategory", draft.CategoryId.ToString()));
        if (draft.ExpiryDays is <= 0 or > 3650) errors.Add(new ConditionError("expiryDays", "ExpiryDaysRange", draft.ExpiryDays.ToString()!));
        if (!Enum.IsDefined(draft.Kind)) errors.Add(new ConditionError("kind", "ValueNotAllowed", draft.Kind.ToString(), "manual, rule, predictive"));
        if (draft.Kind == TagKind.Manual && draft.RefreshRule != RefreshRule.Manual)
            errors.Add(new ConditionError("refreshRule", "ManualTagRefresh"));

        var values = draft.Values ?? [];
        for (var i = 0; i < values.Count; i++)
        {
            if (!CodePattern().IsMatch(values[i].Code ?? "")) errors.Add(new ConditionError($"values[{i}].code", "InvalidCode", values[i].Code ?? ""));
            else if (values.Take(i).Any(v => v.Code == values[i].Code)) errors.Add(new ConditionError($"values[{i}].code", "DuplicateCode", values[i].Code));
            if (string.IsNullOrWhiteSpace(values[i].NameZh) || string.IsNullOrWhiteSpace(values[i].NameEn))
                errors.Add(new ConditionError($"values[{i}].name", "Required", "name"));
        }

        var (definition, parseErrors) = TagDefinition.Parse(draft.DefinitionJson);
        errors.AddRange(parseErrors.Select(e => e with { Path = "definition" + e.Path[1..] }));
        if (definition is null) return errors;
        switch (draft.Kind)
        {
            case TagKind.Manual when definition.Rules.Count > 0 || definition.Model is not null:
                errors.Add(new ConditionError("definition", "ManualTagDefinition"));
                break;
            case TagKind.Rule:
                errors.AddRange((await rules.ValidateAsync(draft.Code ?? "", definition, values.Select(v => v.Code).ToList(), ct))
                    .Select(e => e with { Path = "definition" + e.Path[1..] }));
                break;
            case TagKind.Predictive:
                if (definition.Model is not { } model) errors.Add(new ConditionError("definition.model", "Required", "model"));
                else
                {
                    if (model.HorizonDays is < 7 or > 365) errors.Add(new ConditionError("definition.model.horizonDays", "HorizonRange", model.HorizonDays.ToString()));
                    if (model.RetrainDays is < 1 or > 365) errors.Add(new ConditionError("definition.model.retrainDays", "RetrainRange", model.RetrainDays.ToString()));
                    if (model.Thresholds.Count == 0) errors.Add(new ConditionError("definition.model.thresholds", "Required", "thresholds"));
                    for (var i = 0; i < model.Thresholds.Count; i++)
                    {
                        var t = model.Thresholds[i];
                        var path = $"definition.model.thresholds[{i}]";
                        if (t.Min is < 0 or > 1) errors.Add(new ConditionError($"{path}.min", "ScoreRange", t.Min.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                        if (i > 0 && t.Min >= model.Thresholds[i - 1].Min) errors.Add(new ConditionError($"{path}.min", "ThresholdsDescending"));
                        if (values.Count > 0 && (t.Value is null || values.All(v => v.Code != t.Value)))
                            errors.Add(new ConditionError($"{path}.value", "UnknownTagValue", draft.Code ?? "", t.Value ?? ""));
                        if (values.Count == 0 && t.Value is not null) errors.Add(new ConditionError($"{path}.value", "TagHasNoValues"));
                    }
                }
                break;
        }
        return errors;
    }

    /// <summary>同名不同义 guard: tags with a similar name or code, and tags with the same rule.</summary>
    public async Task<IReadOnlyList<TagWarning>> WarningsAsync(int? id, TagDraft draft, CancellationToken ct = default)
    {
        var others = await db.Tags.AsNoTracking().Where(t => t.Id != (id ?? 0) && t.Status != TagStatus.Archived)
            .Select(t => new { t.Code, t.NameZh, t.NameEn, t.DefinitionJson }).ToListAsync(ct);
        var warnings = new List<TagWarning>();
        var myRules = RuleFingerprints(draft.DefinitionJson);
        foreach (var o in others)
        {
            if (TagSimilarity.SimilarNames(draft.NameZh, o.NameZh) || TagSimilarity.SimilarNames(draft.NameEn, o.NameEn))
                warnings.Add(new TagWarning("SimilarName", o.Code, o.NameZh));
            else if (TagSimilarity.SimilarCodes(draft.Code, o.Code))
                warnings.Add(new TagWarning("SimilarCode", o.Code, o.NameZh));
            if (myRules.Count > 0 && RuleFingerprints(o.DefinitionJson).Overlaps(myRules))
                warnings.Add(new TagWarning("SameRule", o.Code, o.NameZh));
        }
        return warnings;
    }

    // ------------------------------------------------------------------ helpers

    private async Task<RecomputeResult?> RefreshAsync(Tag tag, CancellationToken ct) => tag.Kind switch
    {
        TagKind.Rule => await rules.RecomputeAsync(tag.Id, ct),
        TagKind.Predictive when predictions is not null => await predictions.RefreshAsync(tag.Id, retrain: false, ct),
        _ => null,
    };

    private async Task<TagActionResult> TransitionAsync(int tagId, TagStatus from, TagStatus to, string action, string? comment, Actor actor, CancellationToken ct)
    {
        var tag = await db.Tags.FirstOrDefaultAsync(t => t.Id == tagId, ct);
        if (tag is null) return TagActionResult.Fail("id", "UnknownTag", tagId.ToString());
        if (!actor.Governs) return TagActionResult.Fail("status", "ApproveNotAllowed", tag.Code);
        if (tag.Status != from) return TagActionResult.Fail("status", "WrongStatus", tag.Code, tag.Status.ToString(), from.ToString());
        var before = Snapshot(tag);
        tag.Status = to;
        tag.UpdatedAt = Now;
        AuditLog.Record(db, actor, nameof(Tag), tag.Id.ToString(), action, before, new { Tag = Snapshot(tag), Comment = comment }, Now);
        await db.SaveChangesAsync(ct);
        return new TagActionResult(tag, []);
    }

    private async Task RemoveValueAssignmentsAsync(Tag tag, List<TagValue> removed, Actor actor, CancellationToken ct)
    {
        var ids = removed.Select(v => v.Id).ToList();
        var held = await db.TagAssignments.AsNoTracking().Where(a => a.TagId == tag.Id && ids.Contains(a.TagValueId)).ToListAsync(ct);
        if (held.Count == 0) return;
        await db.TagAssignments.Where(a => a.TagId == tag.Id && ids.Contains(a.TagValueId)).ExecuteDeleteAsync(ct);
        db.TagAssignmentHistory.AddRange(held.Select(a => new TagAssignmentHistory
        {
            CustomerId = a.CustomerId, TagId = tag.Id, TagValueId = a.TagValueId, Action = AssignmentAction.Removed, Source = a.Source,
            SourceRef = "value removed", By = actor.UserId ?? actor.UserName, At = Now,
        }));
    }

    private async Task<TagPermissions> PermissionsAsync(CancellationToken ct) =>
        new(await db.TagCategories.AsNoTracking().ToListAsync(ct));

    private async Task<int> NextVersionAsync(int tagId, CancellationToken ct)
    {
        var tag = await db.Tags.Where(t => t.Id == tagId).Select(t => new { t.Version, t.ActivatedAt }).FirstAsync(ct);
        var highest = await db.TagRevisions.Where(r => r.TagId == tagId).MaxAsync(r => (int?)r.Version, ct) ?? 0;
        // A never-activated draft's first submission is its current version; every later proposal (and any change to a
        // live tag, even one seeded without revisions) takes the next number.
        return highest == 0 && tag.ActivatedAt is null ? tag.Version : Math.Max(tag.Version, highest) + 1;
    }

    private static void ApplyCard(Tag tag, TagDraft d)
    {
        tag.CategoryId = d.CategoryId;
        tag.Code = d.Code;
        tag.NameZh = d.NameZh.Trim();
        tag.NameEn = d.NameEn.Trim();
        tag.Description = string.IsNullOrWhiteSpace(d.Description) ? null : d.Description.Trim();
        tag.DataSource = string.IsNullOrWhiteSpace(d.DataSource) ? null : d.DataSource.Trim();
        tag.RefreshRule = d.RefreshRule;
        tag.ValueFormat = string.IsNullOrWhiteSpace(d.ValueFormat) ? null : d.ValueFormat.Trim();
        tag.OwnerId = d.OwnerId ?? tag.OwnerId;
        tag.Sensitivity = d.Sensitivity;
        tag.ExpiryDays = d.ExpiryDays;
    }

    /// <summary>Applies the governed part; returns the values that were dropped (their rows are removed by the caller).</summary>
    private static List<TagValue> ApplyProposal(Tag tag, TagProposal p)
    {
        tag.Kind = p.Kind;
        tag.MultiValued = p.MultiValued;
        tag.DefinitionJson = string.IsNullOrWhiteSpace(p.DefinitionJson) ? null : TagDefinition.Parse(p.DefinitionJson).Definition?.ToJson();
        tag.SchemaVersion = TagDefinition.CurrentSchemaVersion;
        var removed = tag.Values.Where(v => p.Values.All(n => n.Code != v.Code)).ToList();
        foreach (var value in removed) tag.Values.Remove(value);
        for (var i = 0; i < p.Values.Count; i++)
        {
            var wanted = p.Values[i];
            var value = tag.Values.FirstOrDefault(v => v.Code == wanted.Code);
            if (value is null) tag.Values.Add(value = new TagValue { Code = wanted.Code });
            value.NameZh = wanted.NameZh.Trim();
            value.NameEn = wanted.NameEn.Trim();
            value.SortOrder = (i + 1) * 10;
        }
        return removed;
    }

    private static TagProposal Proposal(TagDraft d) =>
        new(d.Kind, d.MultiValued, (d.Values ?? []).Select(v => v with { NameZh = v.NameZh.Trim(), NameEn = v.NameEn.Trim() }).ToList(),
            string.IsNullOrWhiteSpace(d.DefinitionJson) ? null : TagDefinition.Parse(d.DefinitionJson).Definition?.ToJson());

    private static TagProposal Proposal(Tag t) =>
        new(t.Kind, t.MultiValued, t.Values.OrderBy(v => v.SortOrder).Select(v => new TagValueDraft(v.Code, v.NameZh, v.NameEn)).ToList(), t.DefinitionJson);

    private static bool SameProposal(TagProposal a, TagProposal b) =>
        a.Kind == b.Kind && a.MultiValued == b.MultiValued && a.Values.SequenceEqual(b.Values) && (a.DefinitionJson ?? "") == (b.DefinitionJson ?? "");

    public static TagDraft DraftOf(Tag t) => new(t.CategoryId, t.Code, t.NameZh, t.NameEn, t.Description, t.Kind, t.DataSource, t.RefreshRule,
        t.ValueFormat, t.MultiValued, t.OwnerId, t.Sensitivity, t.ExpiryDays,
        t.Values.OrderBy(v => v.SortOrder).Select(v => new TagValueDraft(v.Code, v.NameZh, v.NameEn)).ToList(), t.DefinitionJson);

    private static HashSet<string> RuleFingerprints(string? json)
    {
        var (definition, _) = TagDefinition.Parse(json);
        return definition is null ? [] : definition.Rules
            .Select(r => ConditionJson.Parse(r.Condition) is { Ok: true } p ? ConditionJson.ToJson(p.Condition!) : null)
            .OfType<string>().ToHashSet();
    }

    private static bool IsUnder(List<TagCategory> categories, int candidate, int ancestor)
    {
        var seen = new HashSet<int>();
        for (int? id = candidate; id is { } c && seen.Add(c); id = categories.FirstOrDefault(x => x.Id == c)?.ParentId)
            if (c == ancestor) return true;
        return false;
    }

    private static void Reorder<T>(List<T> siblings, T moved, int index, Action<T, int> setOrder)
    {
        siblings.Insert(Math.Clamp(index, 0, siblings.Count), moved);
        for (var i = 0; i < siblings.Count; i++) setOrder(siblings[i], (i + 1) * 10);
    }

    private static List<string> Roles(string? roles) =>
        (roles ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();

    private static string Describe(IEnumerable<Usage> usage) => string.Join(", ", usage.Select(u => $"{u.Kind} {u.Code}"));

    private static TagSaveResult Failed(ConditionError error) => new(null, [error], [], false);

    private static object Snapshot(TagCategory c) => new { c.Code, c.NameZh, c.NameEn, c.ParentId, c.SortOrder, c.EditorRoles };

    private static object Snapshot(Tag t) => new
    {
        t.Code, t.NameZh, t.NameEn, t.Description, Kind = t.Kind.ToString(), t.CategoryId, t.DataSource, RefreshRule = t.RefreshRule.ToString(),
        t.ValueFormat, t.MultiValued, t.OwnerId, Sensitivity = t.Sensitivity.ToString(), t.ExpiryDays, Status = t.Status.ToString(), t.Version,
        Values = t.Values.OrderBy(v => v.SortOrder).Select(v => new { v.Code, v.NameZh, v.NameEn }).ToList(), t.DefinitionJson,
    };

    [GeneratedRegex("^[a-z][a-z0-9_]{1,63}$")]
    private static partial Regex CodePattern();
}
