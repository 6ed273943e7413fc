using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Journeys.Definition;
using CustomerStudio.Core.Tags;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Core.Journeys;

/// <summary>A tag as a journey may use it: kind and status decide whether an action can assign or remove it.</summary>
public sealed record JourneyTag(string Code, TagKind Kind, TagStatus Status);

/// <summary>
/// What a journey is checked against before it is published: the condition catalog (fields, tags, segments), the
/// workspace's time zone and the email templates. Loaded once; the designer keeps it for the session and checks every
/// edit in memory, publishing loads it fresh.
/// </summary>
public sealed class JourneyWorkspace(ConditionCatalog catalog, ConditionContext context, IReadOnlySet<string> emailTemplates,
    IReadOnlyDictionary<string, JourneyTag> tags)
{
    public ConditionCatalog Catalog { get; } = catalog;
    public ConditionContext Context { get; } = context;
    public IReadOnlySet<string> EmailTemplates { get; } = emailTemplates;
    public IReadOnlyDictionary<string, JourneyTag> Tags { get; } = tags;

    public static async Task<JourneyWorkspace> LoadAsync(StudioDbContext db, DateTime utcNow, CancellationToken ct = default)
    {
        var catalog = await ConditionCatalog.LoadAsync(db, ct);
        var context = await ConditionContext.ForWorkspaceAsync(db, utcNow, ct);
        var templates = await db.EmailTemplates.AsNoTracking().Select(t => t.Code).Distinct().ToListAsync(ct);
        var tags = await db.Tags.AsNoTracking().Where(t => t.Status != TagStatus.Archived)
            .Select(t => new JourneyTag(t.Code, t.Kind, t.Status)).ToListAsync(ct);
        return new JourneyWorkspace(catalog, context, templates.ToHashSet(StringComparer.Ordinal), tags.ToDictionary(t => t.Code, StringComparer.Ordinal));
    }

    /// <summary>
    /// Every problem of a definition: shape, settings and graph (<see cref="JourneyValidator"/>), conditions compiled
    /// against the workspace, and the segments, tags, email templates and fields the settings name. The context is only
    /// used to build condition expressions; nothing is queried.
    /// </summary>
    public JourneyValidation Validate(StudioDbContext db, string? json)
    {
        var compiler = new ConditionCompiler(db, Catalog, Context) { OneCustomer = true };
        var checks = new JourneyChecks((condition, _) => compiler.Compile(condition.ToJsonString()).Errors);
        var validation = JourneyValidator.Validate(json, checks);
        var references = References(json);
        if (validation.Ok && references.Count == 0) return validation;
        return new JourneyValidation(null, [.. Unset(json, validation.Errors), .. references, .. GraphGaps(json, validation.Errors)]);
    }

    /// <summary>
    /// A setting left empty fails its pattern and its minimum length at once; a marketer needs one message saying it is
    /// not set yet, at its path.
    /// </summary>
    private static List<ConditionError> Unset(string? json, IReadOnlyList<ConditionError> errors)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json ?? "");
        }
        catch (JsonException)
        {
            return [.. errors];
        }
        var result = new List<ConditionError>();
        var done = new HashSet<string>();
        foreach (var error in errors)
        {
            var empty = error.Code is "SchemaPattern" or "SchemaTooShort" && error.Path.Contains(".settings.", StringComparison.Ordinal)
                        && At(root, error.Path) is JsonValue v && v.TryGetValue<string>(out var text) && text.Length == 0;
            if (!empty) result.Add(error);
            else if (done.Add(error.Path)) result.Add(new ConditionError(error.Path, "SettingNotSet", error.Path[(error.Path.LastIndexOf('.') + 1)..]));
        }
        return result;
    }

    /// <summary>The value at a path such as <c>$.nodes[2].settings.variants[0].port</c>.</summary>
    private static JsonNode? At(JsonNode? node, string path)
    {
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(path[1..], @"\.([A-Za-z0-9_]+)|\[(\d+)\]"))
            node = m.Groups[1].Success ? (node as JsonObject)?[m.Groups[1].Value] : (node as JsonArray) is { } a && int.Parse(m.Groups[2].Value) is var i && i < a.Count ? a[i] : null;
        return node;
    }

    /// <summary>
    /// The validator leaves nodes with their own errors out of the graph checks, and skips reachability while any node
    /// has errors. A half-configured journey still deserves its markers: the unconnected ports of such nodes, a missing
    /// trigger and the nodes no trigger reaches, read from whatever nodes and edges can be read.
    /// </summary>
    public static IReadOnlyList<ConditionError> GraphGaps(string? json, IReadOnlyList<ConditionError> found)
    {
        var definition = Readable(json);
        var invalid = Enumerable.Range(0, definition.Nodes.Count)
            .Where(i => found.Any(e => e.Path.StartsWith($"$.nodes[{i}].", StringComparison.Ordinal))).ToHashSet();
        if (invalid.Count == 0) return [];
        var known = found.Select(e => (e.Path, e.Code)).ToHashSet();
        var edges = ReadableEdges(json);
        var gaps = new List<ConditionError>();
        void Add(ConditionError error)
        {
            if (known.Add((error.Path, error.Code))) gaps.Add(error);
        }

        var nodes = definition.Nodes.Select((n, i) => (Node: n, Index: i)).Where(n => n.Node.Id != Placeholder).ToList();
        foreach (var (node, index) in nodes.Where(n => invalid.Contains(n.Index)))
            foreach (var port in node.OutputPorts)
                if (!edges.Any(e => e.From == node.Id && e.Port == port))
                    Add(new ConditionError($"$.nodes[{index}]", "UnconnectedPort", node.Id, port));
        if (nodes.All(n => n.Node.Category != JourneyNodeCategory.Trigger) && found.All(e => e.Path != "$.nodes"))
            Add(new ConditionError("$.nodes", "NoTrigger"));
        var reached = new HashSet<string>();
        var queue = new Queue<string>(nodes.Where(n => n.Node.Category == JourneyNodeCategory.Trigger).Select(n => n.Node.Id));
        while (queue.TryDequeue(out var id))
            if (reached.Add(id))
                foreach (var edge in edges.Where(e => e.From == id)) queue.Enqueue(edge.To);
        foreach (var (node, index) in nodes)
            if (!reached.Contains(node.Id) && node.Kind != JourneyNodeKind.Goal && nodes.First(n => n.Node.Id == node.Id).Index == index)
                Add(new ConditionError($"$.nodes[{index}]", "UnreachableNode", node.Id));
        return gaps;
    }

    /// <summary>References to things missing from the workspace, for every node whose settings can be read.</summary>
    public IReadOnlyList<ConditionError> References(string? json)
    {
        var definition = Readable(json);
        var errors = new List<ConditionError>();
        // An empty code is a missing setting, already reported by the validator.
        foreach (var reference in JourneyReferences.Of(definition).Where(r => r.Code.Length > 0))
        {
            var index = int.Parse(reference.Path["$.nodes[".Length..reference.Path.IndexOf(']')], System.Globalization.CultureInfo.InvariantCulture);
            if (Check(reference, definition.Nodes[index].Kind) is { } error) errors.Add(error);
        }
        return errors;
    }

    private ConditionError? Check(JourneyReference r, JourneyNodeKind kind)
    {
        switch (r.Kind)
        {
            case JourneyReferenceKind.Segment:
                return Catalog.Segments.ContainsKey(r.Code) ? null : new ConditionError(r.Path, "UnknownSegment", r.Code);
            case JourneyReferenceKind.EmailTemplate:
                return EmailTemplates.Contains(r.Code) ? null : new ConditionError(r.Path, "EmailTemplateNotFound", r.Code);
            case JourneyReferenceKind.Field:
                if (!Catalog.Fields.TryGetValue(r.Code, out var field)) return new ConditionError(r.Path, "UnknownField", r.Code);
                return kind == JourneyNodeKind.DateBased && field.Type != FieldType.Date ? new ConditionError(r.Path, "FieldNotDate", r.Code) : null;
            case JourneyReferenceKind.Tag:
                if (!Catalog.Tags.TryGetValue(r.Code, out var tag) || !Tags.TryGetValue(r.Code, out var info))
                    return new ConditionError(r.Path, "UnknownTag", r.Code);
                if (r.Value is { Length: > 0 } value && !tag.Values.ContainsKey(value))
                    return new ConditionError(r.Path[..^".tag".Length] + ".value", "UnknownTagValue", r.Code, value);
                if (kind is JourneyNodeKind.AddTag or JourneyNodeKind.RemoveTag)
                {
                    // Journeys assign as people do: manual tags only, live ones (a deprecated tag may still be removed).
                    if (info.Kind != TagKind.Manual) return new ConditionError(r.Path, "TagIsComputed", r.Code);
                    if (info.Status != TagStatus.Active && !(kind == JourneyNodeKind.RemoveTag && info.Status == TagStatus.Deprecated))
                        return new ConditionError(r.Path, "TagNotActive", r.Code);
                }
                return null;
        }
        return null;
    }

    /// <summary>
    /// The nodes that can be read on their own, each at its index (an unreadable node becomes an empty manual trigger, so
    /// paths stay right), for reference checks even when the graph has errors.
    /// </summary>
    private static JourneyDefinition Readable(string? json)
    {
        JsonArray? array;
        try
        {
            array = JsonNode.Parse(json ?? "") is JsonObject { } root ? root["nodes"] as JsonArray : null;
        }
        catch (JsonException)
        {
            array = null;
        }
        var nodes = new List<JourneyNode>();
        for (var i = 0; i < (array?.Count ?? 0); i++)
        {
            JourneyNode? node = null;
            try
            {
                node = array![i]?.Deserialize<JourneyNode>(JourneyDefinitionJson.Options);
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or NotSupportedException)
            {
                // Reported by the validator at its path.
            }
            nodes.Add(node ?? new JourneyNode { Id = Placeholder, Kind = JourneyNodeKind.Manual });
        }
        return new JourneyDefinition { Nodes = nodes };
    }

    /// <summary>Stands for a node that cannot be read at all (its index is kept).</summary>
    private const string Placeholder = "-";

    private static List<JourneyEdge> ReadableEdges(string? json)
    {
        try
        {
            var array = JsonNode.Parse(json ?? "") is JsonObject { } root ? root["edges"] as JsonArray : null;
            var edges = new List<JourneyEdge>();
            foreach (var item in array ?? [])
            {
                try
                {
                    if (item?.Deserialize<JourneyEdge>(JourneyDefinitionJson.Options) is { } edge) edges.Add(edge);
                }
                catch (JsonException)
                {
                    // Reported by the validator at its path.
                }
            }
            return edges;
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
