using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Definitions;

namespace CustomerStudio.Core.Journeys.Definition;

/// <summary>The outcome of reading a journey: the definition when there is no error, and every error with its JSON path.</summary>
public sealed record JourneyValidation(JourneyDefinition? Definition, IReadOnlyList<ConditionError> Errors)
{
    public bool Ok => Definition is not null && Errors.Count == 0;
}

/// <summary>
/// Checks that need the workspace (or a template pack): <see cref="Condition"/> compiles a condition tree and returns
/// its errors relative to the path given. Without it, conditions are only checked for shape.
/// </summary>
public sealed record JourneyChecks(Func<JsonNode, string, IReadOnlyList<ConditionError>>? Condition = null);

/// <summary>
/// Validates a journey definition: shape (every property against the schema of its type, node by node so that an
/// unknown kind or missing settings is named as such), settings rules (durations, split ports, goal target),
/// conditions, and the graph: at least one trigger, edges between existing nodes and ports, one edge per port, every
/// port connected, every node reachable from a trigger, no loop without a wait. Messages are localized (zh-CN / en).
/// </summary>
public static class JourneyValidator
{
    private const string Kind = "journey";
    private static readonly string[] RootProperties = ["schemaVersion", "entry", "messages", "nodes", "edges"];
    private static readonly string[] NodeProperties = ["id", "kind", "label", "settings", "position"];

    public static JourneyValidation Validate(string? json, JourneyChecks? checks = null)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json ?? "", documentOptions: new JsonDocumentOptions { MaxDepth = 128 });
        }
        catch (JsonException ex)
        {
            return new JourneyValidation(null, [new ConditionError("$", "JsonSyntax",
                ((ex.LineNumber ?? 0) + 1).ToString(), ((ex.BytePositionInLine ?? 0) + 1).ToString(), ex.Message)]);
        }
        return Validate(node, "$", checks);
    }

    public static JourneyValidation Validate(JsonNode? node, string root, JourneyChecks? checks = null)
    {
        var errors = new List<ConditionError>();
        if (node is not JsonObject obj) return new JourneyValidation(null, [new ConditionError(root, "SchemaExpected", "object")]);

        foreach (var (name, _) in obj)
            if (!RootProperties.Contains(name)) errors.Add(new ConditionError($"{root}.{name}", "SchemaUnknownProperty", name));
        var version = obj["schemaVersion"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        if (version is not null && version != JourneyDefinition.CurrentSchemaVersion && DefinitionMigrations.CanRead(Kind, version))
        {
            // An older stored shape: migrate it forward, then check it as the current one.
            obj = DefinitionMigrations.Upgrade(Kind, version, obj)!.AsObject();
            obj["schemaVersion"] = version = JourneyDefinition.CurrentSchemaVersion;
        }
        if (version is null) errors.Add(new ConditionError($"{root}.schemaVersion", "SchemaRequired", "schemaVersion"));
        else if (version != JourneyDefinition.CurrentSchemaVersion)
            errors.Add(new ConditionError($"{root}.schemaVersion", "UnsupportedSchemaVersion", version, JourneyDefinition.CurrentSchemaVersion));

        var entry = Part<JourneyEntryRules>(obj, "entry", root, errors) ?? new JourneyEntryRules();
        var messages = Part<JourneyMessageRules>(obj, "messages", root, errors) ?? new JourneyMessageRules();
        if (entry.Mode == EntryMode.AfterCooldown && entry.Cooldown is null)
            errors.Add(new ConditionError($"{root}.entry.cooldown", "CooldownRequired"));
        Duration(entry.Cooldown, $"{root}.entry.cooldown", errors);
        for (var i = 0; i < messages.FrequencyCaps.Count; i++) Duration(messages.FrequencyCaps[i].Per, $"{root}.messages.frequencyCaps[{i}].per", errors);

        var nodes = new List<(JourneyNode Node, int Index)>();
        if (obj["nodes"] is not JsonArray nodeArray)
            errors.Add(obj["nodes"] is null ? new ConditionError($"{root}.nodes", "SchemaRequired", "nodes") : new ConditionError($"{root}.nodes", "SchemaExpected", "array"));
        else
            for (var i = 0; i < nodeArray.Count; i++)
                if (Node(nodeArray[i], $"{root}.nodes[{i}]", errors, checks) is { } n)
                    nodes.Add((n, i));

        var edges = new List<(JourneyEdge Edge, int Index)>();
        if (obj["edges"] is not JsonArray edgeArray)
            errors.Add(obj["edges"] is null ? new ConditionError($"{root}.edges", "SchemaRequired", "edges") : new ConditionError($"{root}.edges", "SchemaExpected", "array"));
        else
            for (var i = 0; i < edgeArray.Count; i++)
            {
                var shape = DefinitionSchemas.Validate(DefinitionSchemas.ForType(typeof(JourneyEdge)), edgeArray[i], $"{root}.edges[{i}]");
                errors.AddRange(shape);
                if (shape.Count == 0) edges.Add((edgeArray[i].Deserialize<JourneyEdge>(DefinitionSchemas.Json)!, i));
            }

        // Ids of nodes that failed their own checks: edges to them are not reported again.
        var invalid = (obj["nodes"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(n => n["id"] is JsonValue idv && idv.TryGetValue<string>(out var id) ? id : null).OfType<string>()
            .Where(id => nodes.All(n => n.Node.Id != id)).ToHashSet();
        Graph(nodes, edges, invalid, root, errors, nodeArray: obj["nodes"] is JsonArray);
        if (errors.Count > 0) return new JourneyValidation(null, errors);
        return new JourneyValidation(new JourneyDefinition
        {
            SchemaVersion = version!, Entry = entry, Messages = messages, Nodes = nodes.Select(n => n.Node).ToList(), Edges = edges.Select(e => e.Edge).ToList(),
        }, []);
    }

    private static T? Part<T>(JsonObject obj, string name, string root, List<ConditionError> errors) where T : class
    {
        if (obj[name] is not { } value) return null;
        var shape = DefinitionSchemas.Validate(DefinitionSchemas.ForType(typeof(T)), value, $"{root}.{name}");
        errors.AddRange(shape);
        return shape.Count == 0 ? value.Deserialize<T>(DefinitionSchemas.Json) : null;
    }

    private static JourneyNode? Node(JsonNode? value, string path, List<ConditionError> errors, JourneyChecks? checks)
    {
        if (value is not JsonObject obj)
        {
            errors.Add(new ConditionError(path, "SchemaExpected", "object"));
            return null;
        }
        var before = errors.Count;
        foreach (var (name, _) in obj)
            if (!NodeProperties.Contains(name)) errors.Add(new ConditionError($"{path}.{name}", "SchemaUnknownProperty", name));
        var id = obj["id"] is JsonValue idValue && idValue.TryGetValue<string>(out var i) ? i : null;
        if (id is null) errors.Add(new ConditionError($"{path}.id", "SchemaRequired", "id"));
        else if (!System.Text.RegularExpressions.Regex.IsMatch(id, JourneyPatterns.NodeId)) errors.Add(new ConditionError($"{path}.id", "SchemaPattern", JourneyPatterns.NodeId));
        if (obj["label"] is { } label && (label is not JsonValue lv || !lv.TryGetValue<string>(out _)))
            errors.Add(new ConditionError($"{path}.label", "SchemaExpected", "string"));

        var code = obj["kind"] is JsonValue k && k.TryGetValue<string>(out var c) ? c : null;
        var kind = JourneyNodeKinds.Find(code);
        if (code is null) errors.Add(new ConditionError($"{path}.kind", "SchemaRequired", "kind"));
        else if (kind is null)
            errors.Add(new ConditionError($"{path}.kind", "UnknownNodeKind", code, string.Join(", ", JourneyNodeKinds.All.Select(x => x.Code))));

        JourneyNodeSettings? settings = null;
        if (kind is not null)
        {
            var settingsNode = obj["settings"];
            if (settingsNode is null && kind.NeedsSettings)
                errors.Add(new ConditionError($"{path}.settings", "MissingSettings", id ?? "?", kind.Code));
            else
            {
                settingsNode ??= new JsonObject();
                var shape = DefinitionSchemas.Validate(DefinitionSchemas.ForType(kind.SettingsType), settingsNode, $"{path}.settings");
                errors.AddRange(shape);
                if (shape.Count == 0)
                {
                    settings = (JourneyNodeSettings)settingsNode.Deserialize(kind.SettingsType, DefinitionSchemas.Json)!;
                    Settings(kind.Kind, settings, $"{path}.settings", errors, checks);
                }
            }
        }

        CanvasPosition? position = null;
        if (obj["position"] is { } p)
        {
            var shape = DefinitionSchemas.Validate(DefinitionSchemas.ForType(typeof(CanvasPosition)), p, $"{path}.position");
            errors.AddRange(shape);
            if (shape.Count == 0) position = p.Deserialize<CanvasPosition>(DefinitionSchemas.Json);
        }
        if (errors.Count > before || kind is null || id is null) return null;
        return new JourneyNode { Id = id, Kind = kind.Kind, Label = obj["label"]?.GetValue<string>(), Settings = settings, Position = position };
    }

    /// <summary>Rules of each kind's settings beyond their shape.</summary>
    private static void Settings(JourneyNodeKind kind, JourneyNodeSettings settings, string path, List<ConditionError> errors, JourneyChecks? checks)
    {
        switch (settings)
        {
            case WaitSettings w:
                Duration(w.Duration, $"{path}.duration", errors);
                break;
            case WaitForEventSettings w:
                Duration(w.Timeout, $"{path}.timeout", errors);
                EventFilters(w.Event, w.Where, path, errors, checks);
                break;
            case EventReceivedSettings e:
                EventFilters(e.Event, e.Where, path, errors, checks);
                break;
            case ConditionSettings c:
                Condition(c.Condition, $"{path}.condition", errors, checks);
                break;
            case GoalSettings g:
                if (g.Condition is null && string.IsNullOrWhiteSpace(g.Event)) errors.Add(new ConditionError(path, "GoalNeedsTarget"));
                if (g.Condition is not null) Condition(g.Condition, $"{path}.condition", errors, checks);
                break;
            case AbSplitSettings split:
                for (var i = 0; i < split.Variants.Count; i++)
                    if (split.Variants.Take(i).Any(x => x.Port == split.Variants[i].Port))
                        errors.Add(new ConditionError($"{path}.variants[{i}].port", "DuplicatePort", split.Variants[i].Port));
                break;
            case ScheduledBroadcastSettings b:
                if (b.StartAt is null && string.IsNullOrWhiteSpace(b.Cron)) errors.Add(new ConditionError(path, "BroadcastNeedsTime"));
                if (!string.IsNullOrWhiteSpace(b.Cron) && !IsCron(b.Cron))
                    errors.Add(new ConditionError($"{path}.cron", "InvalidCron", b.Cron));
                break;
        }
    }

    private static bool IsCron(string cron)
    {
        try
        {
            _ = new Quartz.CronExpression(cron);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static void EventFilters(string type, IReadOnlyList<EventFilter> where, string path, List<ConditionError> errors, JourneyChecks? checks)
    {
        if (where.Count == 0) return;
        // The filters are the condition language's "where": check them as part of an event condition.
        var condition = new JsonObject
        {
            ["event"] = type,
            ["where"] = JsonSerializer.SerializeToNode(where, DefinitionSchemas.Json),
        };
        foreach (var e in ConditionErrors(condition, checks))
            errors.Add(e with { Path = path + (e.Path.Length > 1 ? e.Path[1..] : "") });
    }

    private static void Condition(JsonNode condition, string path, List<ConditionError> errors, JourneyChecks? checks)
    {
        foreach (var e in ConditionErrors(condition, checks))
            errors.Add(e with { Path = path + (e.Path.Length > 1 ? e.Path[1..] : "") });
    }

    private static IReadOnlyList<ConditionError> ConditionErrors(JsonNode condition, JourneyChecks? checks) =>
        checks?.Condition is { } check ? check(condition, "$") : ConditionJson.Parse(condition).Errors;

    private static void Duration(string? value, string path, List<ConditionError> errors)
    {
        if (value is not null && Window.TryParse(value) is null) errors.Add(new ConditionError(path, "InvalidDuration", value));
    }

    private static void Graph(List<(JourneyNode Node, int Index)> nodes, List<(JourneyEdge Edge, int Index)> edges, HashSet<string> invalid,
        string root, List<ConditionError> errors, bool nodeArray)
    {
        var complete = invalid.Count == 0;
        var byId = new Dictionary<string, (JourneyNode Node, int Index)>();
        foreach (var n in nodes)
            if (!byId.TryAdd(n.Node.Id, n)) errors.Add(new ConditionError($"{root}.nodes[{n.Index}].id", "DuplicateNodeId", n.Node.Id));
        if (nodeArray && complete && nodes.All(n => n.Node.Category != JourneyNodeCategory.Trigger))
            errors.Add(new ConditionError($"{root}.nodes", "NoTrigger"));

        var connected = new Dictionary<(string, string), int>();
        var next = new Dictionary<string, List<string>>();
        foreach (var (edge, i) in edges)
        {
            var path = $"{root}.edges[{i}]";
            var fromOk = byId.TryGetValue(edge.From, out var from);
            var toOk = byId.TryGetValue(edge.To, out var to);
            if (!fromOk && !invalid.Contains(edge.From)) errors.Add(new ConditionError($"{path}.from", "DanglingEdge", edge.From));
            if (!toOk && !invalid.Contains(edge.To)) errors.Add(new ConditionError($"{path}.to", "DanglingEdge", edge.To));
            if (fromOk && !from.Node.OutputPorts.Contains(edge.Port))
                errors.Add(new ConditionError($"{path}.port", "UnknownPort", edge.Port, edge.From, from.Node.OutputPorts.Count == 0 ? "—" : string.Join(", ", from.Node.OutputPorts)));
            if (toOk && to.Node.Category == JourneyNodeCategory.Trigger) errors.Add(new ConditionError($"{path}.to", "EdgeIntoTrigger", edge.To));
            if (toOk && to.Node.Kind == JourneyNodeKind.Goal) errors.Add(new ConditionError($"{path}.to", "EdgeIntoGoal", edge.To));
            if (!connected.TryAdd((edge.From, edge.Port), i)) errors.Add(new ConditionError(path, "PortConnectedTwice", edge.From, edge.Port));
            if (fromOk && toOk) (next.TryGetValue(edge.From, out var list) ? list : next[edge.From] = []).Add(edge.To);
        }

        foreach (var (node, index) in nodes)
            foreach (var port in node.OutputPorts)
                if (!connected.ContainsKey((node.Id, port)))
                    errors.Add(new ConditionError($"{root}.nodes[{index}]", "UnconnectedPort", node.Id, port));

        // Reachable from a trigger; goals are listened to for the whole journey and need no path.
        if (!complete) return;
        var reached = new HashSet<string>();
        var queue = new Queue<string>(nodes.Where(n => n.Node.Category == JourneyNodeCategory.Trigger).Select(n => n.Node.Id));
        while (queue.TryDequeue(out var id))
            if (reached.Add(id))
                foreach (var to in next.GetValueOrDefault(id) ?? []) queue.Enqueue(to);
        foreach (var (node, index) in nodes)
            if (!reached.Contains(node.Id) && node.Kind != JourneyNodeKind.Goal && byId[node.Id].Index == index)
                errors.Add(new ConditionError($"{root}.nodes[{index}]", "UnreachableNode", node.Id));

        // A loop must pass a wait, or an instance would spin in one transaction.
        var waits = nodes.Where(n => n.Node.Kind is JourneyNodeKind.Wait or JourneyNodeKind.WaitUntil or JourneyNodeKind.WaitForEvent)
            .Select(n => n.Node.Id).ToHashSet();
        var state = new Dictionary<string, int>();
        var stack = new List<string>();
        foreach (var start in byId.Keys)
            if (FindLoop(start) is { } loop)
            {
                errors.Add(new ConditionError($"{root}.nodes[{byId[loop[0]].Index}]", "LoopWithoutWait", string.Join(" → ", loop)));
                break;
            }

        List<string>? FindLoop(string id)
        {
            if (waits.Contains(id)) return null;
            if (state.GetValueOrDefault(id) == 2) return null;
            if (state.GetValueOrDefault(id) == 1) return [.. stack.SkipWhile(s => s != id), id];
            state[id] = 1;
            stack.Add(id);
            foreach (var to in next.GetValueOrDefault(id) ?? [])
                if (FindLoop(to) is { } found) return found;
            stack.RemoveAt(stack.Count - 1);
            state[id] = 2;
            return null;
        }
    }
}
