using System.Text.Json;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Journeys;
using CustomerStudio.Core.Security;
using CustomerStudio.Core.Scoring;
using CustomerStudio.Core.Segments;
using CustomerStudio.Core.Tags;
using CustomerStudio.Core.Workspace;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Core.Templates;

/// <summary>
/// Writes one pack item into the workspace (inside the install's transaction), audited like an edit by the installer.
/// Tags go live as an approved version reviewed by the installer (who governs); journeys are drafts; a published
/// journey keeps its published versions and gets the pack's definition as its draft.
/// </summary>
internal sealed class PackWriter(StudioDbContext db, TemplatePack pack, string culture, Actor actor, DateTime now, string comment)
{
    private string? By => actor.UserId ?? actor.UserName;

    /// <summary>Within a kind: parent categories before children, everything else in pack order.</summary>
    public int Order(PackItemKey key)
    {
        if (key.Kind != PackItemKind.Category) return 0;
        var depth = 0;
        var parents = pack.Categories.ToDictionary(c => c.Code, c => c.Parent);
        for (var at = parents.GetValueOrDefault(key.Code); at is not null && depth < 32; at = parents.GetValueOrDefault(at)) depth++;
        return depth;
    }

    /// <summary>Inserts or replaces the item; returns its id.</summary>
    public async Task<int> WriteAsync(PackItemKey key, bool replace, CancellationToken ct) => key.Kind switch
    {
        PackItemKind.Category => await CategoryAsync(pack.Categories.First(c => c.Code == key.Code), ct),
        PackItemKind.CustomField => await FieldAsync(pack.CustomFields.First(c => c.Code == key.Code), ct),
        PackItemKind.EmailTemplate => await EmailAsync(pack.EmailTemplates.First(c => c.Code == key.Code && c.Language == key.Language), ct),
        PackItemKind.Tag => await TagAsync(pack.Tags.First(c => c.Code == key.Code), ct),
        PackItemKind.Segment => await SegmentAsync(pack.Segments.First(c => c.Code == key.Code), ct),
        PackItemKind.Journey => await JourneyAsync(pack.Journeys.First(c => c.Code == key.Code), ct),
        _ => await ScoringAsync(pack.Scoring!, ct),
    };

    private async Task<int> CategoryAsync(TagCategoryDocument doc, CancellationToken ct)
    {
        var category = await db.TagCategories.FirstOrDefaultAsync(c => c.Code == doc.Code, ct);
        var before = category is null ? null : new { category.Code, category.NameZh, category.NameEn, category.ParentId, category.EditorRoles };
        int? parent = doc.Parent is null ? null : (await db.TagCategories.FirstAsync(c => c.Code == doc.Parent, ct)).Id;
        if (category is null)
        {
            category = new TagCategory
            {
                Code = doc.Code, CreatedAt = now,
                SortOrder = (await db.TagCategories.Where(c => c.ParentId == parent).MaxAsync(c => (int?)c.SortOrder, ct) ?? 0) + 10,
            };
            db.TagCategories.Add(category);
        }
        category.ParentId = parent;
        category.NameZh = doc.NameZh.Trim();
        category.NameEn = doc.NameEn.Trim();
        category.EditorRoles = doc.EditorRoles.Count == 0 ? null : string.Join(",", doc.EditorRoles.Distinct());
        await db.SaveChangesAsync(ct);
        Audit(nameof(TagCategory), category.Id, before, new { category.Code, category.NameZh, category.NameEn, category.ParentId, category.EditorRoles });
        return category.Id;
    }

    private async Task<int> FieldAsync(CustomFieldDocument doc, CancellationToken ct)
    {
        var field = await db.CustomFields.FirstOrDefaultAsync(f => f.Code == doc.Code, ct);
        var before = field is null ? null : new { field.Code, field.NameZh, field.NameEn, field.Type, field.EnumValuesJson, field.IsSensitive };
        if (field is null)
        {
            field = new CustomFieldDefinition
            {
                Code = doc.Code, Type = doc.Type, CreatedAt = now,
                SortOrder = (await db.CustomFields.MaxAsync(f => (int?)f.SortOrder, ct) ?? 0) + 10,
            };
            db.CustomFields.Add(field);
        }
        field.NameZh = doc.NameZh.Trim();
        field.NameEn = doc.NameEn.Trim();
        field.IsSensitive = doc.Sensitive;
        CustomFieldOptions.Write(field, doc.Type == CustomFieldType.Enum ? doc.Options : []);
        await db.SaveChangesAsync(ct);
        Audit(nameof(CustomFieldDefinition), field.Id, before, new { field.Code, field.NameZh, field.NameEn, field.Type, field.EnumValuesJson, field.IsSensitive });
        return field.Id;
    }

    private async Task<int> EmailAsync(EmailTemplateDocument doc, CancellationToken ct)
    {
        var email = await db.EmailTemplates.FirstOrDefaultAsync(e => e.Code == doc.Code && e.Language == doc.Language, ct);
        var before = email is null ? null : new { email.Code, email.Language, email.Name, email.Subject, email.BodyHtml };
        if (email is null) db.EmailTemplates.Add(email = new EmailTemplate { Code = doc.Code, Language = doc.Language });
        email.Name = doc.Name.Trim();
        email.Subject = doc.Subject;
        email.BodyHtml = doc.BodyHtml;
        email.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        Audit(nameof(EmailTemplate), email.Id, before, new { email.Code, email.Language, email.Name, email.Subject, email.BodyHtml });
        return email.Id;
    }

    private async Task<int> TagAsync(TagDocument source, CancellationToken ct)
    {
        var doc = WorkspaceDefinitions.Normalize(source);
        var tag = await db.Tags.Include(t => t.Values).FirstOrDefaultAsync(t => t.Code == doc.Code, ct);
        var before = tag is null ? null : JsonSerializer.Serialize(TagService.DraftOf(tag));
        var categoryId = (await db.TagCategories.FirstAsync(c => c.Code == doc.Category, ct)).Id;
        int version;
        if (tag is null)
        {
            tag = new Tag
            {
                Code = doc.Code, CreatedAt = now, OwnerId = actor.UserId,
                SortOrder = (await db.Tags.Where(t => t.CategoryId == categoryId).MaxAsync(t => (int?)t.SortOrder, ct) ?? 0) + 10,
            };
            db.Tags.Add(tag);
            version = 1;
        }
        else
        {
            var highest = await db.TagRevisions.Where(r => r.TagId == tag.Id).MaxAsync(r => (int?)r.Version, ct) ?? 0;
            version = Math.Max(tag.Version, highest) + 1;
            // A pending proposal is superseded by the installed version.
            foreach (var pending in await db.TagRevisions.Where(r => r.TagId == tag.Id && r.Status == RevisionStatus.Pending).ToListAsync(ct))
            {
                pending.Status = RevisionStatus.Withdrawn;
                pending.ReviewComment = comment;
            }
        }
        tag.CategoryId = categoryId;
        tag.NameZh = doc.NameZh;
        tag.NameEn = doc.NameEn;
        tag.Description = doc.Description;
        tag.Kind = doc.Kind;
        tag.DataSource = doc.DataSource;
        tag.RefreshRule = doc.RefreshRule;
        tag.ValueFormat = doc.ValueFormat;
        tag.MultiValued = doc.MultiValued;
        tag.Sensitivity = doc.Sensitivity;
        tag.ExpiryDays = doc.ExpiryDays;
        tag.DefinitionJson = doc.Definition?.ToJson();
        tag.SchemaVersion = TagDefinition.CurrentSchemaVersion;
        tag.Status = doc.Deprecated ? TagStatus.Deprecated : TagStatus.Active;
        tag.ActivatedAt ??= now;
        tag.Version = version;
        tag.UpdatedAt = now;

        var removed = tag.Values.Where(v => doc.Values.All(n => n.Code != v.Code)).ToList();
        for (var i = 0; i < doc.Values.Count; i++)
        {
            var wanted = doc.Values[i];
            var value = tag.Values.FirstOrDefault(v => v.Code == wanted.Code);
            if (value is null) tag.Values.Add(value = new TagValue { Code = wanted.Code });
            value.NameZh = wanted.NameZh;
            value.NameEn = wanted.NameEn;
            value.SortOrder = (i + 1) * 10;
        }
        await db.SaveChangesAsync(ct);
        if (removed.Count > 0)
        {
            // Customers carrying a value the pack dropped lose it, with a history row, as when governance removes a value.
            var ids = removed.Select(v => v.Id).ToList();
            var held = await db.TagAssignments.AsNoTracking().Where(a => a.TagId == tag.Id && ids.Contains(a.TagValueId)).ToListAsync(ct);
            await db.TagAssignments.Where(a => a.TagId == tag.Id && ids.Contains(a.TagValueId)).ExecuteDeleteAsync(ct);
            db.TagAssignmentHistory.AddRange(held.Select(a => new TagAssignmentHistory
            {
                CustomerId = a.CustomerId, TagId = tag.Id, TagValueId = a.TagValueId, Action = AssignmentAction.Removed, Source = a.Source,
                SourceRef = "value removed", By = By, At = now,
            }));
            foreach (var value in removed) tag.Values.Remove(value);
            db.TagValues.RemoveRange(removed);
        }
        db.TagRevisions.Add(new TagRevision
        {
            TagId = tag.Id, Version = version, Status = RevisionStatus.Approved, SubmittedBy = By, SubmittedAt = now, ReviewedBy = By, ReviewedAt = now,
            ReviewComment = comment,
            DefinitionJson = JsonSerializer.Serialize(new TagProposal(doc.Kind, doc.MultiValued,
                [.. doc.Values.Select(v => new TagValueDraft(v.Code, v.NameZh, v.NameEn))], tag.DefinitionJson), TagDefinition.Json),
        });
        await db.SaveChangesAsync(ct);
        Audit(nameof(Tag), tag.Id, before, JsonSerializer.Serialize(TagService.DraftOf(tag)));
        return tag.Id;
    }

    private async Task<int> SegmentAsync(SegmentDocument source, CancellationToken ct)
    {
        var doc = WorkspaceDefinitions.Normalize(source, culture);
        var segment = await db.Segments.FirstOrDefaultAsync(s => s.Code == doc.Code, ct);
        var before = segment is null ? null : new { segment.Code, segment.Name, segment.Description, segment.Kind, segment.DefinitionJson, segment.RefreshCron };
        if (segment is null) db.Segments.Add(segment = new Segment { Code = doc.Code, CreatedAt = now, OwnerId = actor.UserId });
        segment.Name = doc.NameZh;
        segment.Description = doc.Description;
        segment.Kind = doc.Kind;
        segment.DefinitionJson = doc.Condition.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        segment.SchemaVersion = ConditionSchema.Version;
        segment.RefreshCron = doc.RefreshCron;
        segment.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        Audit(nameof(Segment), segment.Id, before, new { segment.Code, segment.Name, segment.Description, segment.Kind, segment.DefinitionJson, segment.RefreshCron });
        return segment.Id;
    }

    private async Task<int> JourneyAsync(JourneyDocument source, CancellationToken ct)
    {
        var doc = WorkspaceDefinitions.Normalize(source, culture);
        var journey = await db.Journeys.FirstOrDefaultAsync(j => j.Code == doc.Code, ct);
        var before = journey is null ? null : new { journey.Code, journey.Name, journey.Description, journey.DraftJson };
        if (journey is null) db.Journeys.Add(journey = new Journey { Code = doc.Code, CreatedAt = now, OwnerId = actor.UserId, Status = JourneyStatus.Draft });
        journey.Name = doc.NameZh;
        journey.Description = doc.Description;
        journey.DraftJson = doc.Definition.ToJson();
        journey.SchemaVersion = doc.Definition.SchemaVersion;
        journey.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        Audit(nameof(Journey), journey.Id, before, new { journey.Code, journey.Name, journey.Description, journey.DraftJson });
        return journey.Id;
    }

    private async Task<int> ScoringAsync(ScoringDocument source, CancellationToken ct)
    {
        var doc = WorkspaceDefinitions.Normalize(source);
        var settings = await db.WorkspaceSettings.OrderBy(s => s.Id).FirstOrDefaultAsync(ct);
        if (settings is null) db.WorkspaceSettings.Add(settings = new WorkspaceSettings { Id = 1 });
        var before = new { settings.RfmWindowDays, settings.LeadScoringJson };
        settings.RfmWindowDays = doc.Rfm!.WindowDays;
        settings.LeadScoringJson = doc.LeadScoring!.ToJson();
        await db.SaveChangesAsync(ct);
        Audit(nameof(WorkspaceSettings), settings.Id, before, new { settings.RfmWindowDays, settings.LeadScoringJson });
        return settings.Id;
    }

    private void Audit(string type, int id, object? before, object after) =>
        AuditLog.Record(db, actor, type, id.ToString(), before is null ? "installed" : "updated from template", before,
            new { After = after, Comment = comment }, now);
}
