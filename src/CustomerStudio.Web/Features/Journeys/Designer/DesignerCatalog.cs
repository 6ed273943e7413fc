using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Journeys;
using CustomerStudio.Core.Tags;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Web.Features.Journeys.Designer;

public sealed record Choice(string Code, string Name);

public sealed record TagChoice(string Code, string Name, TagKind Kind, TagStatus Status, IReadOnlyList<Choice> Values)
{
    /// <summary>Journeys assign manual tags only, and only live ones (a deprecated one may still be removed).</summary>
    public bool Assignable(bool removing) => Kind == TagKind.Manual && (Status == TagStatus.Active || (removing && Status == TagStatus.Deprecated));
}

/// <summary>
/// What the designer's pickers offer and its checks use: the workspace a journey is validated against, plus names for
/// segments, tags (with values), email templates and fields in the UI language. Loaded once when the designer opens.
/// </summary>
public sealed class DesignerCatalog(JourneyWorkspace workspace, IReadOnlyList<Choice> segments, IReadOnlyList<TagChoice> tags, IReadOnlyList<Choice> templates)
{
    public JourneyWorkspace Workspace { get; } = workspace;
    public ConditionCatalog Conditions => Workspace.Catalog;
    public IReadOnlyList<Choice> Segments { get; } = segments;
    public IReadOnlyList<TagChoice> Tags { get; } = tags;
    public IReadOnlyList<Choice> Templates { get; } = templates;

    /// <summary>Event types seen in the workspace (loaded when an event setting is first shown).</summary>
    public IReadOnlyList<string> EventTypes { get; set; } = [];
    public bool EventTypesLoaded { get; set; }

    public IEnumerable<FieldInfo> Fields => Conditions.Fields.Values.Where(f => f.Code != "region").OrderBy(f => f.CustomFieldId is null ? 0 : 1).ThenBy(FieldName);

    public static async Task<DesignerCatalog> LoadAsync(StudioDbContext db, DateTime utcNow, CancellationToken ct = default)
    {
        var zh = NodeText.IsZh;
        var workspace = await JourneyWorkspace.LoadAsync(db, utcNow, ct);
        var segments = await db.Segments.AsNoTracking().OrderBy(s => s.Name).Select(s => new Choice(s.Code, s.Name)).ToListAsync(ct);
        var tags = await db.Tags.AsNoTracking().Include(t => t.Values).Where(t => t.Status != TagStatus.Archived).OrderBy(t => t.SortOrder).ThenBy(t => t.Code).ToListAsync(ct);
        var templates = await db.EmailTemplates.AsNoTracking().OrderBy(t => t.Code).Select(t => new { t.Code, t.Name, t.Language }).ToListAsync(ct);
        var language = zh ? "zh" : "en";
        return new DesignerCatalog(workspace, segments,
            tags.Select(t => new TagChoice(t.Code, zh ? t.NameZh : t.NameEn, t.Kind, t.Status,
                t.Values.OrderBy(v => v.SortOrder).Select(v => new Choice(v.Code, zh ? v.NameZh : v.NameEn)).ToList())).ToList(),
            templates.GroupBy(t => t.Code)
                .Select(g => new Choice(g.Key, (g.FirstOrDefault(t => t.Language.StartsWith(language, StringComparison.OrdinalIgnoreCase)) ?? g.First()).Name))
                .ToList());
    }

    public async Task LoadEventTypesAsync(IDbContextFactory<StudioDbContext> factory)
    {
        if (EventTypesLoaded) return;
        await using var db = await factory.CreateDbContextAsync();
        EventTypes = await db.Events.AsNoTracking().Select(e => e.Type).Distinct().OrderBy(t => t).Take(500).ToListAsync();
        EventTypesLoaded = true;
    }

    public string SegmentName(string code) => Segments.FirstOrDefault(s => s.Code == code)?.Name ?? code;

    public string TagName(string code) => Tags.FirstOrDefault(t => t.Code == code)?.Name ?? code;

    public string TagValueName(string tag, string value) =>
        Tags.FirstOrDefault(t => t.Code == tag)?.Values.FirstOrDefault(v => v.Code == value)?.Name ?? value;

    public string TemplateName(string code) => Templates.FirstOrDefault(t => t.Code == code)?.Name ?? code;

    public string FieldName(string code) => Conditions.Fields.TryGetValue(code, out var f) ? FieldName(f) : code;

    public static string FieldName(FieldInfo field) => NodeText.IsZh ? field.NameZh : field.NameEn;
}
