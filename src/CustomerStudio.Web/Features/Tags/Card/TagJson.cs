using System.Text.Json;
using System.Text.Json.Serialization;
using CustomerStudio.Core.Tags;

namespace CustomerStudio.Web.Features.Tags.Card;

/// <summary>Reads and writes revision proposals the way the core stores them (camelCase, enums as camelCase strings).</summary>
public static class TagJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static TagProposal? ReadProposal(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try
        {
            return JsonSerializer.Deserialize<TagProposal>(json, Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The governed part of a live tag, shaped like a revision, to compare a pending change against.</summary>
    public static string ProposalOf(Tag tag) => JsonSerializer.Serialize(
        new TagProposal(tag.Kind, tag.MultiValued, [.. tag.Values.OrderBy(v => v.SortOrder).Select(v => new TagValueDraft(v.Code, v.NameZh, v.NameEn))],
            tag.DefinitionJson), Options);
}
