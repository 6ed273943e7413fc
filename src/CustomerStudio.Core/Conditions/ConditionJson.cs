using System.Text.Json;
using System.Text.Json.Nodes;

namespace CustomerStudio.Core.Conditions;

/// <summary>Reads and writes the condition JSON; structural problems come back as errors with their JSON path.</summary>
public static class ConditionJson
{
    public const int MaxDepth = 32;
    public const int MaxNodes = 2_000;

    // Each kind of node is recognised by its own property; these are the properties each may carry.
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["all"] = ["all"],
        ["any"] = ["any"],
        ["not"] = ["not"],
        ["attr"] = ["attr", "op", "value"],
        ["event"] = ["event", "where", "channel", "count", "within", "first", "last"],
        ["orders"] = ["orders", "op", "value", "within", "status"],
        ["rfm"] = ["rfm", "op", "value"],
        ["tag"] = ["tag", "op", "values", "within", "source"],
        ["segment"] = ["segment", "op"],
        ["identity"] = ["identity", "op"],
        ["account"] = ["account", "roles", "kind"],
    };

    private static readonly string[] Kinds = [.. Allowed.Keys];

    public sealed record ParseResult(Condition? Condition, IReadOnlyList<ConditionError> Errors)
    {
        public bool Ok => Condition is not null && Errors.Count == 0;
    }

    public static ParseResult Parse(string? json)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json ?? "", documentOptions: new JsonDocumentOptions { MaxDepth = MaxDepth * 3 });
        }
        catch (JsonException ex)
        {
            return new ParseResult(null, [new ConditionError("$", "InvalidJson", ex.Message)]);
        }
        return Parse(node);
    }

    public static ParseResult Parse(JsonNode? node)
    {
        var reader = new Reader();
        var condition = reader.Read(node, "$", 0);
        return new ParseResult(reader.Errors.Count == 0 ? condition : null, reader.Errors);
    }

    // Chinese text stays readable in stored definitions (no \uXXXX escapes).
    private static readonly JsonSerializerOptions WriteOptions = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string ToJson(Condition condition) => ToNode(condition).ToJsonString(WriteOptions);

    public static JsonObject ToNode(Condition condition) => condition switch
    {
        AllCondition all => new JsonObject { ["all"] = new JsonArray([.. all.Items.Select(i => (JsonNode)ToNode(i))]) },
        AnyCondition any => new JsonObject { ["any"] = new JsonArray([.. any.Items.Select(i => (JsonNode)ToNode(i))]) },
        NotCondition not => new JsonObject { ["not"] = ToNode(not.Inner) },
        AttributeCondition a => WithValue(new JsonObject { ["attr"] = a.Field, ["op"] = a.Op }, a.Value),
        EventCondition e => EventNode(e),
        OrderCondition o => Optional(WithValue(new JsonObject { ["orders"] = o.Metric, ["op"] = o.Op }, o.Value),
            ("within", o.Within), ("status", o.Status.Count == 0 ? null : new JsonArray([.. o.Status.Select(s => (JsonNode?)s)]))),
        RfmCondition r => WithValue(new JsonObject { ["rfm"] = r.Metric, ["op"] = r.Op }, r.Value),
        TagCondition t => Optional(new JsonObject { ["tag"] = t.Tag, ["op"] = t.Op },
            ("values", t.Values.Count == 0 ? null : new JsonArray([.. t.Values.Select(v => (JsonNode?)v)])),
            ("within", t.Within), ("source", t.Source)),
        SegmentCondition s => new JsonObject { ["segment"] = s.Segment, ["op"] = s.Op },
        IdentityCondition i => new JsonObject { ["identity"] = i.Kind, ["op"] = i.Op },
        AccountCondition a => Optional(new JsonObject { ["account"] = a.Op },
            ("roles", a.Roles.Count == 0 ? null : new JsonArray([.. a.Roles.Select(v => (JsonNode?)v)])), ("kind", a.Kind)),
        _ => throw new ArgumentOutOfRangeException(nameof(condition), condition.GetType().Name, null),
    };

    private static JsonObject EventNode(EventCondition e)
    {
        var node = new JsonObject { ["event"] = e.Type };
        if (e.Where.Count > 0)
            node["where"] = new JsonArray([.. e.Where.Select(w => (JsonNode)WithValue(new JsonObject { ["prop"] = w.Prop, ["op"] = w.Op }, w.Value))]);
        if (e.Channel is not null) node["channel"] = e.Channel;
        if (e.Count is not null) node["count"] = WithValue(new JsonObject { ["op"] = e.Count.Op }, e.Count.Value);
        if (e.Within is not null) node["within"] = e.Within;
        if (e.First is not null) node["first"] = WithValue(new JsonObject { ["op"] = e.First.Op }, e.First.Value);
        if (e.Last is not null) node["last"] = WithValue(new JsonObject { ["op"] = e.Last.Op }, e.Last.Value);
        return node;
    }

    private static JsonObject WithValue(JsonObject node, JsonNode? value)
    {
        if (value is not null) node["value"] = value.DeepClone();
        return node;
    }

    private static JsonObject Optional(JsonObject node, params (string Name, JsonNode? Value)[] props)
    {
        foreach (var (name, value) in props)
            if (value is not null) node[name] = value;
        return node;
    }

    private sealed class Reader
    {
        private int _nodes;
        public List<ConditionError> Errors { get; } = [];

        public Condition? Read(JsonNode? node, string path, int depth)
        {
            if (depth > MaxDepth) return Fail(path, "TooDeep", MaxDepth.ToString());
            if (++_nodes > MaxNodes) return _nodes == MaxNodes + 1 ? Fail(path, "TooLarge", MaxNodes.ToString()) : null;
            if (node is not JsonObject obj) return Fail(path, "ExpectedObject");

            var kinds = Kinds.Where(obj.ContainsKey).ToList();
            if (kinds.Count == 0) return Fail(path, "UnknownConditionKind");
            if (kinds.Count > 1) return Fail(path, "AmbiguousConditionKind", string.Join(", ", kinds));
            var kind = kinds[0];

            Only(obj, path, Allowed[kind]);
            return kind switch
            {
                "all" or "any" => Group(obj, kind, path, depth),
                "not" => Read(obj["not"], $"{path}.not", depth + 1) is { } inner ? new NotCondition(inner) : null,
                "attr" => new AttributeCondition(Text(obj, "attr", path) ?? "", Text(obj, "op", path) ?? "", obj["value"]?.DeepClone()),
                "event" => Event(obj, path),
                "orders" => new OrderCondition(Text(obj, "orders", path) ?? "", Text(obj, "op", path) ?? "", obj["value"]?.DeepClone(),
                    OptionalText(obj, "within", path), Texts(obj, "status", path)),
                "rfm" => new RfmCondition(Text(obj, "rfm", path) ?? "", Text(obj, "op", path) ?? "", obj["value"]?.DeepClone()),
                "tag" => new TagCondition(Text(obj, "tag", path) ?? "", OptionalText(obj, "op", path) ?? "has", Texts(obj, "values", path),
                    OptionalText(obj, "within", path), OptionalText(obj, "source", path)),
                "segment" => new SegmentCondition(Text(obj, "segment", path) ?? "", OptionalText(obj, "op", path) ?? "in"),
                "identity" => new IdentityCondition(Text(obj, "identity", path) ?? "", OptionalText(obj, "op", path) ?? "has"),
                _ => new AccountCondition(Text(obj, "account", path) ?? "", Texts(obj, "roles", path), OptionalText(obj, "kind", path)),
            };
        }

        private Condition? Group(JsonObject obj, string kind, string path, int depth)
        {
            if (obj[kind] is not JsonArray items) return Fail($"{path}.{kind}", "ExpectedArray");
            if (items.Count == 0) return Fail($"{path}.{kind}", "EmptyGroup");
            var children = new List<Condition>();
            for (var i = 0; i < items.Count; i++)
                if (Read(items[i], $"{path}.{kind}[{i}]", depth + 1) is { } child)
                    children.Add(child);
            return kind == "all" ? new AllCondition(children) : new AnyCondition(children);
        }

        private Condition? Event(JsonObject obj, string path)
        {
            var filters = new List<PropertyFilter>();
            if (obj["where"] is { } where)
            {
                if (where is not JsonArray array) Fail($"{path}.where", "ExpectedArray");
                else
                    for (var i = 0; i < array.Count; i++)
                    {
                        var p = $"{path}.where[{i}]";
                        if (array[i] is not JsonObject f) { Fail(p, "ExpectedObject"); continue; }
                        Only(f, p, ["prop", "op", "value"]);
                        filters.Add(new PropertyFilter(Text(f, "prop", p) ?? "", Text(f, "op", p) ?? "", f["value"]?.DeepClone()));
                    }
            }
            return new EventCondition(Text(obj, "event", path) ?? "", filters, OptionalText(obj, "channel", path),
                Measure(obj, "count", path, (op, v) => new Comparison(op, v)),
                OptionalText(obj, "within", path),
                Measure(obj, "first", path, (op, v) => new DateComparison(op, v)),
                Measure(obj, "last", path, (op, v) => new DateComparison(op, v)));
        }

        private T? Measure<T>(JsonObject obj, string name, string path, Func<string, JsonNode?, T> create) where T : class
        {
            if (obj[name] is null) return null;
            var p = $"{path}.{name}";
            if (obj[name] is not JsonObject m) { Fail(p, "ExpectedObject"); return null; }
            Only(m, p, ["op", "value"]);
            return create(Text(m, "op", p) ?? "", m["value"]?.DeepClone());
        }

        private void Only(JsonObject obj, string path, string[] allowed)
        {
            foreach (var (key, _) in obj)
                if (!allowed.Contains(key))
                    Fail($"{path}.{key}", "UnknownProperty", key);
        }

        private string? Text(JsonObject obj, string name, string path)
        {
            var value = OptionalText(obj, name, path);
            if (value is null && obj[name] is null) Fail($"{path}.{name}", "Required", name);
            return value;
        }

        private string? OptionalText(JsonObject obj, string name, string path)
        {
            var node = obj[name];
            if (node is null) return null;
            if (node is JsonValue v && v.TryGetValue<string>(out var s)) return s;
            Fail($"{path}.{name}", "ExpectedString");
            return null;
        }

        private List<string> Texts(JsonObject obj, string name, string path)
        {
            var result = new List<string>();
            var node = obj[name];
            if (node is null) return result;
            if (node is not JsonArray array) { Fail($"{path}.{name}", "ExpectedArray"); return result; }
            for (var i = 0; i < array.Count; i++)
                if (array[i] is JsonValue v && v.TryGetValue<string>(out var s)) result.Add(s);
                else Fail($"{path}.{name}[{i}]", "ExpectedString");
            return result;
        }

        private Condition? Fail(string path, string code, params string[] args)
        {
            Errors.Add(new ConditionError(path, code, args));
            return null;
        }
    }
}
