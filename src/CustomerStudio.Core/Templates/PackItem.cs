using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerStudio.Core.Definitions;

namespace CustomerStudio.Core.Templates;

/// <summary>The kinds of definition a pack holds, in the order they are installed (what is referred to comes first).</summary>
public enum PackItemKind { Category, CustomField, EmailTemplate, Tag, Segment, Journey, Scoring }

/// <summary>One definition of a pack or the workspace, identified by kind and code (email templates: code and language).</summary>
public sealed record PackItemKey(PackItemKind Kind, string Code, string? Language = null)
{
    public override string ToString() => Language is null ? $"{Kind}:{Code}" : $"{Kind}:{Code}:{Language}";

    public static PackItemKey Parse(string text)
    {
        var parts = text.Split(':');
        return new PackItemKey(Enum.Parse<PackItemKind>(parts[0], ignoreCase: true), parts.Length > 1 ? parts[1] : "", parts.Length > 2 ? parts[2] : null);
    }
}

internal static class PackJson
{
    /// <summary>The definition as comparable JSON: what the workspace would store, written the one canonical way.</summary>
    public static JsonNode Canonical<T>(T document) => JsonSerializer.SerializeToNode(document, DefinitionSchemas.Json)!;

    public static string Fingerprint(JsonNode node) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(node.ToJsonString())))[..16];

    /// <summary>Top-level properties whose values differ (what the diff shows as changed).</summary>
    public static IReadOnlyList<string> Differences(JsonNode? a, JsonNode? b)
    {
        if (a is not JsonObject x || b is not JsonObject y) return JsonNode.DeepEquals(a, b) ? [] : ["*"];
        return x.Select(p => p.Key).Union(y.Select(p => p.Key)).Where(k => !JsonNode.DeepEquals(x[k], y[k])).ToList();
    }
}
