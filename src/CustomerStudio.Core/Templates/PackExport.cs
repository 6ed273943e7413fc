using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Journeys.Definition;

namespace CustomerStudio.Core.Templates;

/// <summary>
/// Builds a pack from the workspace: everything, or the selected items plus what they depend on (a tag's category and
/// its parents, the tags, segments and custom fields their conditions name, a journey's segments, tags and email
/// templates), so that the pack installs cleanly into an empty workspace. Journeys whose draft does not validate are
/// left out and listed.
/// </summary>
internal static class PackExport
{
    public static PackExportResult Build(WorkspaceDefinitions w, PackExportRequest request)
    {
        var skipped = new List<PackItemKey>();
        var wanted = new HashSet<PackItemKey>();
        var queue = new Queue<PackItemKey>(request.Selection ?? All(w));
        while (queue.TryDequeue(out var key))
        {
            if (key.Kind == PackItemKind.EmailTemplate && key.Language is null)
            {
                foreach (var (code, language) in w.EmailTemplates.Keys.Where(k => k.Code == key.Code)) queue.Enqueue(key with { Language = language });
                continue;
            }
            if (!Exists(w, key)) { skipped.Add(key); continue; }
            if (key.Kind == PackItemKind.Journey && w.Journeys[key.Code].Definition.Nodes.Count == 0) { skipped.Add(key); continue; }
            if (!wanted.Add(key)) continue;
            foreach (var dependency in Dependencies(w, key)) queue.Enqueue(dependency);
        }

        bool Has(PackItemKind kind, string code) => wanted.Contains(new PackItemKey(kind, code));
        var pack = new TemplatePack
        {
            Schema = Definitions.DefinitionSchemas.Find("template-pack")!.Url,
            Code = request.Code, Version = request.Version, NameZh = request.NameZh, NameEn = request.NameEn,
            DescriptionZh = request.DescriptionZh, DescriptionEn = request.DescriptionEn,
            Languages = [.. new[] { w.Culture }.Concat(w.EmailTemplates.Keys.Select(k => k.Language)).Distinct()],
            // Parents before children, so that the pack reads top-down.
            Categories = [.. w.Categories.Values.Where(c => Has(PackItemKind.Category, c.Code)).OrderBy(c => Depth(w, c.Code)).ThenBy(c => c.Code)],
            CustomFields = [.. w.Fields.Values.Where(f => Has(PackItemKind.CustomField, f.Code))],
            Tags = [.. w.Tags.Values.Where(t => Has(PackItemKind.Tag, t.Code))],
            Segments = [.. w.Segments.Values.Where(s => Has(PackItemKind.Segment, s.Code))],
            Journeys = [.. w.Journeys.Values.Where(j => Has(PackItemKind.Journey, j.Code))],
            EmailTemplates = [.. w.EmailTemplates.Values.Where(e => wanted.Contains(new PackItemKey(PackItemKind.EmailTemplate, e.Code, e.Language)))],
            Scoring = Has(PackItemKind.Scoring, "scoring") ? w.Scoring : null,
        };
        return new PackExportResult(pack, skipped);
    }

    private static IEnumerable<PackItemKey> All(WorkspaceDefinitions w) =>
        w.Categories.Keys.Select(c => new PackItemKey(PackItemKind.Category, c))
            .Concat(w.Fields.Keys.Select(c => new PackItemKey(PackItemKind.CustomField, c)))
            .Concat(w.EmailTemplates.Keys.Select(k => new PackItemKey(PackItemKind.EmailTemplate, k.Code, k.Language)))
            .Concat(w.Tags.Keys.Select(c => new PackItemKey(PackItemKind.Tag, c)))
            .Concat(w.Segments.Keys.Select(c => new PackItemKey(PackItemKind.Segment, c)))
            .Concat(w.Journeys.Keys.Select(c => new PackItemKey(PackItemKind.Journey, c)))
            .Concat(w.Scoring is null ? [] : [new PackItemKey(PackItemKind.Scoring, "scoring")]);

    private static bool Exists(WorkspaceDefinitions w, PackItemKey key) => key.Kind switch
    {
        PackItemKind.Category => w.Categories.ContainsKey(key.Code),
        PackItemKind.CustomField => w.Fields.ContainsKey(key.Code),
        PackItemKind.EmailTemplate => w.EmailTemplates.ContainsKey((key.Code, key.Language!)),
        PackItemKind.Tag => w.Tags.ContainsKey(key.Code),
        PackItemKind.Segment => w.Segments.ContainsKey(key.Code),
        PackItemKind.Journey => w.Journeys.ContainsKey(key.Code),
        _ => w.Scoring is not null,
    };

    private static int Depth(WorkspaceDefinitions w, string code)
    {
        var depth = 0;
        for (var at = w.Categories[code].Parent; at is not null && depth < 32; at = w.Categories.GetValueOrDefault(at)?.Parent) depth++;
        return depth;
    }

    private static IEnumerable<PackItemKey> Dependencies(WorkspaceDefinitions w, PackItemKey key)
    {
        switch (key.Kind)
        {
            case PackItemKind.Category when w.Categories[key.Code].Parent is { } parent:
                yield return new PackItemKey(PackItemKind.Category, parent);
                break;
            case PackItemKind.Tag:
                var tag = w.Tags[key.Code];
                yield return new PackItemKey(PackItemKind.Category, tag.Category);
                foreach (var rule in tag.Definition?.Rules ?? [])
                    foreach (var d in OfCondition(w, rule.Condition)) yield return d;
                break;
            case PackItemKind.Segment:
                foreach (var d in OfCondition(w, w.Segments[key.Code].Condition)) yield return d;
                break;
            case PackItemKind.Journey:
                var journey = w.Journeys[key.Code].Definition;
                foreach (var r in JourneyReferences.Of(journey))
                    yield return r.Kind switch
                    {
                        JourneyReferenceKind.Segment => new PackItemKey(PackItemKind.Segment, r.Code),
                        JourneyReferenceKind.Tag => new PackItemKey(PackItemKind.Tag, r.Code),
                        JourneyReferenceKind.EmailTemplate => new PackItemKey(PackItemKind.EmailTemplate, r.Code),
                        _ => new PackItemKey(PackItemKind.CustomField, r.Code),
                    };
                foreach (var node in journey.Nodes)
                    if (node.Settings is ConditionSettings c)
                        foreach (var d in OfCondition(w, c.Condition)) yield return d;
                    else if (node.Settings is GoalSettings { Condition: { } g })
                        foreach (var d in OfCondition(w, g)) yield return d;
                break;
            case PackItemKind.Scoring:
                foreach (var rule in w.Scoring?.LeadScoring?.Rules ?? [])
                    if (rule.Condition is not null)
                        foreach (var d in OfCondition(w, rule.Condition)) yield return d;
                break;
        }
    }

    private static IEnumerable<PackItemKey> OfCondition(WorkspaceDefinitions w, System.Text.Json.Nodes.JsonNode condition)
    {
        var references = ConditionReferences.Of(condition.ToJsonString());
        foreach (var t in references.Tags) yield return new PackItemKey(PackItemKind.Tag, t);
        foreach (var s in references.Segments) yield return new PackItemKey(PackItemKind.Segment, s);
        // Built-in fields need no definition; custom ones travel with the pack.
        foreach (var f in references.Fields.Where(w.Fields.ContainsKey)) yield return new PackItemKey(PackItemKind.CustomField, f);
    }
}
