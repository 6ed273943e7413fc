using System.Text.Json;
using System.Text.Json.Nodes;

namespace CustomerStudio.Web.Features.Tags.Card;

/// <summary>One leaf that differs between two JSON documents: its path and its value before and after (null: absent).</summary>
public sealed record JsonChange(string Path, string? Before, string? After);

/// <summary>
/// A readable difference of two JSON documents (audit before/after, a revision against the live tag): both are
/// flattened to leaf paths (<c>values[1].nameZh</c>, <c>rules[0].condition.all[0].op</c>) and compared leaf by leaf.
/// Strings that hold JSON themselves (a stored definition) are opened up, so a changed rule shows as the rule's leaf.
/// </summary>
public static class JsonDiff
{
    public static IReadOnlyList<JsonChange> Compare(string? before, string? after)
    {
        var a = Flatten(before);
        var b = Flatten(after);
        var changes = new List<JsonChange>();
        foreach (var (path, value) in a)
            if (!b.TryGetValue(path, out var other) || other != value) changes.Add(new JsonChange(path, value, b.GetValueOrDefault(path)));
        foreach (var (path, value) in b)
            if (!a.ContainsKey(path)) changes.Add(new JsonChange(path, null, value));
        var order = a.Keys.Concat(b.Keys).Distinct().Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i);
        return [.. changes.OrderBy(c => order[c.Path])];
    }

    /// <summary>
    /// Leaf path → JSON text of the leaf, in document order. Audit entries wrap the tag's snapshot after some actions
    /// (<c>{"Tag":{…},"Comment":…}</c>, <c>{"Card":{…},"Proposal":{…}}</c>): the wrapper is taken off, so the
    /// snapshot lines up with the one before it.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Flatten(string? json)
    {
        var leaves = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Parse(json) is { } root) Walk(Unwrap(root), "", leaves);
        return leaves;
    }

    private static readonly string[] Wrappers = ["Tag", "Card"];

    private static JsonNode Unwrap(JsonNode root)
    {
        if (root is not JsonObject obj || Wrappers.FirstOrDefault(w => obj[w] is JsonObject) is not { } wrapper) return root;
        var flat = new JsonObject();
        foreach (var (name, value) in (JsonObject)obj[wrapper]!) flat[name] = value?.DeepClone();
        foreach (var (name, value) in obj)
            if (name != wrapper) flat[name] = value?.DeepClone();
        return flat;
    }

    private static JsonNode? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return JsonValue.Create(json);
        }
    }

    private static void Walk(JsonNode? node, string path, Dictionary<string, string> leaves)
    {
        switch (node)
        {
            case JsonObject obj when obj.Count > 0:
                foreach (var (name, child) in obj) Walk(child, path.Length == 0 ? name : $"{path}.{name}", leaves);
                break;
            case JsonArray array when array.Count > 0:
                for (var i = 0; i < array.Count; i++) Walk(array[i], $"{path}[{i}]", leaves);
                break;
            case JsonValue value when value.TryGetValue<string>(out var text) && text.TrimStart().StartsWith('{') && Parse(text) is JsonObject inner:
                Walk(inner, path, leaves);
                break;
            default:
                leaves[path.Length == 0 ? "$" : path] = node?.ToJsonString(Options) ?? "null";
                break;
        }
    }

    private static readonly JsonSerializerOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
