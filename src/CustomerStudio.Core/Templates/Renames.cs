using System.Text.Json.Nodes;

namespace CustomerStudio.Core.Templates;

/// <summary>
/// Renaming a pack item on conflict: its code changes and every reference inside the pack follows — categories of tags
/// and parents, tags, segments and fields in conditions and journey settings, email templates in send_email nodes.
/// </summary>
internal static class Renames
{
    public static void Apply(JsonObject pack, PackItemKey key, string to)
    {
        var from = key.Code;
        switch (key.Kind)
        {
            case PackItemKind.Category:
                Own(pack, "categories", from, to);
                foreach (var c in Array(pack, "categories")) Replace(c, "parent", from, to);
                foreach (var t in Array(pack, "tags")) Replace(t, "category", from, to);
                break;
            case PackItemKind.CustomField:
                Own(pack, "customFields", from, to);
                Walk(pack, ["attr", "field"], from, to);
                break;
            case PackItemKind.EmailTemplate:
                Own(pack, "emailTemplates", from, to);
                Walk(pack, ["template"], from, to);
                break;
            case PackItemKind.Tag:
                Own(pack, "tags", from, to);
                Walk(pack, ["tag"], from, to);
                break;
            case PackItemKind.Segment:
                Own(pack, "segments", from, to);
                Walk(pack, ["segment"], from, to);
                break;
            case PackItemKind.Journey:
                Own(pack, "journeys", from, to);
                break;
        }
    }

    private static IEnumerable<JsonObject> Array(JsonObject pack, string section) =>
        pack[section] is JsonArray array ? array.OfType<JsonObject>() : [];

    private static void Own(JsonObject pack, string section, string from, string to)
    {
        foreach (var item in Array(pack, section)) Replace(item, "code", from, to);
    }

    private static void Replace(JsonObject obj, string property, string from, string to)
    {
        if (obj[property] is JsonValue v && v.TryGetValue<string>(out var s) && s == from) obj[property] = to;
    }

    /// <summary>References inside conditions and journey settings: properties named as given, anywhere below the sections.</summary>
    private static void Walk(JsonObject pack, string[] properties, string from, string to)
    {
        foreach (var section in new[] { "tags", "segments", "journeys", "scoring" })
            if (pack[section] is { } node) Visit(node, properties, from, to, top: true);
    }

    private static void Visit(JsonNode node, string[] properties, string from, string to, bool top)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var property in properties)
                    if (!(top && property == "code")) Replace(obj, property, from, to);
                foreach (var (_, child) in obj.ToList())
                    if (child is not null) Visit(child, properties, from, to, false);
                break;
            case JsonArray array:
                foreach (var child in array)
                    if (child is not null) Visit(child, properties, from, to, top && false);
                break;
        }
    }
}
