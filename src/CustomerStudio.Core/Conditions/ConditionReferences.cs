using CustomerStudio.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Core.Conditions;

/// <summary>The tags, segments and fields a condition refers to.</summary>
public sealed record ConditionReferences(IReadOnlySet<string> Tags, IReadOnlySet<string> Segments, IReadOnlySet<string> Fields)
{
    public static ConditionReferences Of(Condition condition)
    {
        var tags = new HashSet<string>();
        var segments = new HashSet<string>();
        var fields = new HashSet<string>();
        void Walk(Condition c)
        {
            switch (c)
            {
                case AllCondition all: foreach (var i in all.Items) Walk(i); break;
                case AnyCondition any: foreach (var i in any.Items) Walk(i); break;
                case NotCondition not: Walk(not.Inner); break;
                case AttributeCondition a: fields.Add(a.Field); break;
                case TagCondition t: tags.Add(t.Tag); break;
                case SegmentCondition s: segments.Add(s.Segment); break;
            }
        }
        Walk(condition);
        return new ConditionReferences(tags, segments, fields);
    }

    public static ConditionReferences Of(string? json) =>
        ConditionJson.Parse(json) is { Ok: true } parsed ? Of(parsed.Condition!) : new ConditionReferences(new HashSet<string>(), new HashSet<string>(), new HashSet<string>());
}

/// <summary>A definition that uses something: "segment 高意向 uses tag purchased".</summary>
public sealed record Usage(string Kind, int Id, string Code, string Name);

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
        var tags = await db.Tags.AsNoTracking().Where(t => t.DefinitionJson != null).Select(t => new { t.Id, t.Code, t.NameZh, t.DefinitionJson }).ToListAsync(ct);
        return segments.Select(s => (new Usage("segment", s.Id, s.Code, s.Name), ConditionReferences.Of(s.DefinitionJson)))
            .Concat(tags.Select(t => (new Usage("tag", t.Id, t.Code, t.NameZh), TagRuleReferences(t.DefinitionJson!))))
            .ToList();
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
