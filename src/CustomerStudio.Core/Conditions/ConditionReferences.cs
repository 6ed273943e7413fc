using CustomerStudio.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Core.Conditions;

/// <summary>The tags, segments and fields a condition refers to.</summary>
public sealed record ConditionReferences(IReadOnlySet<string> Tags, IReadOnlySet<string> Segments, IReadOnlySet<string> Fields)
{
    public static ConditionReferences Of(Condition condition)
    {
        var leaves = condition.Leaves().ToList();
        return new ConditionReferences(leaves.OfType<TagCondition>().Select(t => t.Tag).ToHashSet(),
            leaves.OfType<SegmentCondition>().Select(s => s.Segment).ToHashSet(), leaves.OfType<AttributeCondition>().Select(a => a.Field).ToHashSet());
    }

    public static ConditionReferences Of(string? json) =>
        ConditionJson.Parse(json) is { Ok: true } parsed ? Of(parsed.Condition!) : new ConditionReferences(new HashSet<string>(), new HashSet<string>(), new HashSet<string>());
}

/// <summary>A definition that uses something: "segment 高意向 uses tag purchased". <see cref="Live"/>: it is in force (not archived).</summary>
public sealed record Usage(string Kind, int Id, string Code, string Name, bool Live = true);

/// <summary>Where tags and segments are used by other definitions, so nothing in use is deleted or archived silently.</summary>
public static class DefinitionUsage
{
    public static async Task<IReadOnlyList<Usage>> OfSegmentAsync(StudioDbContext db, string code, CancellationToken ct = default) =>
        (await UsersAsync(db, ct)).Where(u => u.Refs.Segments.Contains(code)).Select(u => u.Usage).ToList();

    public static async Task<IReadOnlyList<Usage>> OfTagAsync(StudioDbContext db, string code, CancellationToken ct = default) =>
        (await UsersAsync(db, ct)).Where(u => u.Refs.Tags.Contains(code)).Select(u => u.Usage).ToList();

    /// <summary>Every segment's usage count by code, for lists.</summary>
    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<Usage>>> SegmentsUsedAsync(StudioDbContext db, CancellationToken ct = default)
    {
        var users = await UsersAsync(db, ct);
        return users.SelectMany(u => u.Refs.Segments.Select(code => (code, u.Usage)))
            .GroupBy(x => x.code).ToDictionary(g => g.Key, g => (IReadOnlyList<Usage>)g.Select(x => x.Usage).ToList());
    }

    private static async Task<List<(Usage Usage, ConditionReferences Refs)>> UsersAsync(StudioDbContext db, CancellationToken ct)
    {
        var segments = await db.Segments.AsNoTracking().Select(s => new { s.Id, s.Code, s.Name, s.DefinitionJson }).ToListAsync(ct);
        var tags = await db.Tags.AsNoTracking().Where(t => t.DefinitionJson != null)
            .Select(t => new { t.Id, t.Code, t.NameZh, t.DefinitionJson, t.Status }).ToListAsync(ct);
        var journeys = await db.Journeys.AsNoTracking().Select(j => new { j.Id, j.Code, j.Name, j.DraftJson, j.Status }).ToListAsync(ct);
        var published = await db.JourneyVersions.AsNoTracking()
            .Where(v => db.Journeys.Any(j => j.Id == v.JourneyId && j.PublishedVersion == v.Version))
            .Select(v => new { v.JourneyId, v.DefinitionJson }).ToListAsync(ct);
        return segments.Select(s => (new Usage("segment", s.Id, s.Code, s.Name), ConditionReferences.Of(s.DefinitionJson)))
            .Concat(tags.Select(t => (new Usage("tag", t.Id, t.Code, t.NameZh, t.Status != Tags.TagStatus.Archived), TagRuleReferences(t.DefinitionJson!))))
            .Concat(journeys.Select(j => (new Usage("journey", j.Id, j.Code, j.Name, j.Status is Journeys.JourneyStatus.Published or Journeys.JourneyStatus.Paused),
                JourneyReferences(published.Where(p => p.JourneyId == j.Id).Select(p => p.DefinitionJson).Append(j.DraftJson)))))
            .ToList();
    }

    // A journey names tags and segments in its triggers, branch conditions and tag actions: every "tag" / "segment"
    // string property anywhere in the graph counts.
    private static ConditionReferences JourneyReferences(IEnumerable<string> definitions)
    {
        var tags = new HashSet<string>();
        var segments = new HashSet<string>();
        void Walk(System.Text.Json.Nodes.JsonNode? node)
        {
            switch (node)
            {
                case System.Text.Json.Nodes.JsonObject o:
                    foreach (var (name, child) in o)
                    {
                        if (child is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var code))
                        {
                            if (name == "tag") tags.Add(code);
                            else if (name == "segment") segments.Add(code);
                        }
                        else Walk(child);
                    }
                    break;
                case System.Text.Json.Nodes.JsonArray a:
                    foreach (var child in a) Walk(child);
                    break;
            }
        }
        foreach (var json in definitions)
        {
            try
            {
                Walk(System.Text.Json.Nodes.JsonNode.Parse(json));
            }
            catch (System.Text.Json.JsonException)
            {
                // An unreadable draft refers to nothing; the designer reports it.
            }
        }
        return new ConditionReferences(tags, segments, new HashSet<string>());
    }

    /// <summary>Every tag's users by code, for the usage column and the stale-tag report.</summary>
    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<Usage>>> TagsUsedAsync(StudioDbContext db, CancellationToken ct = default)
    {
        var users = await UsersAsync(db, ct);
        return users.SelectMany(u => u.Refs.Tags.Select(code => (code, u.Usage)))
            .GroupBy(x => x.code).ToDictionary(g => g.Key, g => (IReadOnlyList<Usage>)g.Select(x => x.Usage).ToList());
    }

    // A rule tag's definition holds one condition per value: {"rules":[{"value":"high","condition":{…}}]}.
    private static ConditionReferences TagRuleReferences(string json)
    {
        var tags = new HashSet<string>();
        var segments = new HashSet<string>();
        var fields = new HashSet<string>();
        try
        {
            if (System.Text.Json.Nodes.JsonNode.Parse(json)?["rules"] is System.Text.Json.Nodes.JsonArray rules)
                foreach (var rule in rules)
                    if (ConditionJson.Parse(rule?["condition"]) is { Ok: true } parsed)
                    {
                        var r = ConditionReferences.Of(parsed.Condition!);
                        tags.UnionWith(r.Tags);
                        segments.UnionWith(r.Segments);
                        fields.UnionWith(r.Fields);
                    }
        }
        catch (System.Text.Json.JsonException)
        {
            // An unreadable definition refers to nothing; its own validation reports it.
        }
        return new ConditionReferences(tags, segments, fields);
    }
}
