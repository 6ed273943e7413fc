using System.Text.Json.Nodes;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Journeys;
using CustomerStudio.Core.Journeys.Definition;
using CustomerStudio.Core.Scoring;
using CustomerStudio.Core.Segments;
using CustomerStudio.Core.Tags;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Core.Templates;

/// <summary>
/// The workspace's definitions as pack documents: what export writes and what a pack is compared with. Documents are
/// normalized the way the studio stores them (conditions rewritten by the condition language, names trimmed), so a
/// pack item and the workspace item it installed compare equal.
/// </summary>
public sealed class WorkspaceDefinitions
{
    public Dictionary<string, TagCategoryDocument> Categories { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, TagDocument> Tags { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, TagStatus> TagStatuses { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, CustomFieldDocument> Fields { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, SegmentDocument> Segments { get; } = new(StringComparer.Ordinal);
    /// <summary>Journeys by code; the document's definition is the draft (or an empty journey when the draft does not read).</summary>
    public Dictionary<string, JourneyDocument> Journeys { get; } = new(StringComparer.Ordinal);
    public Dictionary<(string Code, string Language), EmailTemplateDocument> EmailTemplates { get; } = [];
    /// <summary>Null while the workspace runs on the default scoring rules.</summary>
    public ScoringDocument? Scoring { get; set; }
    public string Culture { get; set; } = "zh-CN";

    public static async Task<WorkspaceDefinitions> LoadAsync(StudioDbContext db, CancellationToken ct = default)
    {
        var result = new WorkspaceDefinitions();
        var settings = await db.WorkspaceSettings.AsNoTracking().OrderBy(s => s.Id).FirstOrDefaultAsync(ct);
        result.Culture = settings?.DefaultCulture ?? "zh-CN";

        var categories = await db.TagCategories.AsNoTracking().ToListAsync(ct);
        var categoryCodes = categories.ToDictionary(c => c.Id, c => c.Code);
        foreach (var c in categories)
            result.Categories[c.Code] = new TagCategoryDocument
            {
                Code = c.Code, Parent = c.ParentId is { } p ? categoryCodes[p] : null, NameZh = c.NameZh, NameEn = c.NameEn,
                EditorRoles = (c.EditorRoles ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            };

        foreach (var t in await db.Tags.AsNoTracking().Include(t => t.Values).Where(t => t.Status != TagStatus.Archived).ToListAsync(ct))
        {
            result.Tags[t.Code] = Normalize(new TagDocument
            {
                Code = t.Code, Category = categoryCodes[t.CategoryId], NameZh = t.NameZh, NameEn = t.NameEn, Description = t.Description, Kind = t.Kind,
                DataSource = t.DataSource, RefreshRule = t.RefreshRule, ValueFormat = t.ValueFormat, MultiValued = t.MultiValued,
                Sensitivity = t.Sensitivity, ExpiryDays = t.ExpiryDays, Deprecated = t.Status == TagStatus.Deprecated,
                Values = [.. t.Values.OrderBy(v => v.SortOrder).Select(v => new TagValueDocument { Code = v.Code, NameZh = v.NameZh, NameEn = v.NameEn })],
                Definition = TagDefinition.Parse(t.DefinitionJson).Definition is { } d && (d.Rules.Count > 0 || d.Model is not null) ? d : null,
            });
            result.TagStatuses[t.Code] = t.Status;
        }

        foreach (var f in await db.CustomFields.AsNoTracking().OrderBy(f => f.SortOrder).ToListAsync(ct))
            result.Fields[f.Code] = new CustomFieldDocument
            {
                Code = f.Code, NameZh = f.NameZh, NameEn = f.NameEn, Type = f.Type, Sensitive = f.IsSensitive,
                Options = f.Type == CustomFieldType.Enum ? CustomFieldOptions.Read(f) : [],
            };

        foreach (var s in await db.Segments.AsNoTracking().ToListAsync(ct))
            result.Segments[s.Code] = Normalize(new SegmentDocument
            {
                Code = s.Code, NameZh = s.Name, NameEn = s.Name, Description = s.Description, Kind = s.Kind,
                Condition = JsonNode.Parse(s.DefinitionJson)!, RefreshCron = s.RefreshCron,
            }, result.Culture);

        foreach (var j in await db.Journeys.AsNoTracking().Where(j => j.Status != JourneyStatus.Archived).ToListAsync(ct))
        {
            var read = JourneyValidator.Validate(j.DraftJson);
            result.Journeys[j.Code] = new JourneyDocument
            {
                Code = j.Code, NameZh = j.Name, NameEn = j.Name, Description = j.Description,
                Definition = read.Definition ?? new JourneyDefinition(),
            };
        }

        foreach (var e in await db.EmailTemplates.AsNoTracking().ToListAsync(ct))
            result.EmailTemplates[(e.Code, e.Language)] = new EmailTemplateDocument
            {
                Code = e.Code, Language = e.Language, Name = e.Name, Subject = e.Subject, BodyHtml = e.BodyHtml,
            };

        if (settings?.LeadScoringJson is not null || settings?.RfmWindowDays is not (null or 365))
            result.Scoring = Normalize(new ScoringDocument
            {
                Rfm = new RfmSettings { WindowDays = settings?.RfmWindowDays ?? 365 },
                LeadScoring = LeadScoringRules.Parse(settings?.LeadScoringJson),
            });
        return result;
    }

    /// <summary>The name a single-name definition (segment, journey) gets in this workspace's language.</summary>
    public static string NameIn(string culture, string nameZh, string nameEn) =>
        culture.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? nameZh : nameEn;

    // ------------------------------------------------------------------ normalization: the stored form of a document

    public static TagDocument Normalize(TagDocument t) => t with
    {
        NameZh = t.NameZh.Trim(), NameEn = t.NameEn.Trim(),
        Description = Blank(t.Description), DataSource = Blank(t.DataSource), ValueFormat = Blank(t.ValueFormat),
        Values = [.. t.Values.Select(v => v with { NameZh = v.NameZh.Trim(), NameEn = v.NameEn.Trim() })],
        Definition = t.Definition is null ? null : TagDefinition.Parse(t.Definition.ToJson()).Definition is { } d
            ? d with { Rules = [.. d.Rules.Select(r => r with { Condition = NormalizeCondition(r.Condition) })] }
            : t.Definition,
    };

    public static SegmentDocument Normalize(SegmentDocument s, string culture)
    {
        var name = NameIn(culture, s.NameZh, s.NameEn).Trim();
        return s with { NameZh = name, NameEn = name, Condition = NormalizeCondition(s.Condition), RefreshCron = Blank(s.RefreshCron) };
    }

    public static JourneyDocument Normalize(JourneyDocument j, string culture)
    {
        var name = NameIn(culture, j.NameZh, j.NameEn).Trim();
        return j with { NameZh = name, NameEn = name };
    }

    public static ScoringDocument Normalize(ScoringDocument s) => s with
    {
        Rfm = s.Rfm ?? new RfmSettings(),
        LeadScoring = s.LeadScoring is null ? LeadScoringRules.Default : s.LeadScoring with
        {
            Rules = [.. s.LeadScoring.Rules.Select(r => r with { Condition = r.Condition is null ? null : NormalizeCondition(r.Condition) })],
        },
    };

    public static JsonNode NormalizeCondition(JsonNode condition) =>
        ConditionJson.Parse(condition) is { Ok: true } parsed ? ConditionJson.ToNode(parsed.Condition!) : condition.DeepClone();

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
