using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using CustomerStudio.Core.Conditions;

namespace CustomerStudio.Core.Tags;

/// <summary>How a rule tag picks values when several rules match one customer.</summary>
public enum RuleMatch
{
    /// <summary>The first matching rule wins: one value per customer (age groups, spending tiers).</summary>
    First = 0,
    /// <summary>Every matching rule gives its value (interests, channels).</summary>
    All = 1,
}

/// <summary>What a predictive model learns to foresee from the workspace's own history.</summary>
public enum PredictionTarget
{
    /// <summary>A buyer places no paid order within the horizon.</summary>
    Churn = 0,
    /// <summary>A customer places a paid order within the horizon.</summary>
    Purchase = 1,
}

/// <summary>
/// The computed part of a tag, stored as <see cref="Tag.DefinitionJson"/>: one condition per value for rule tags
/// (<c>{"match":"first","rules":[{"value":"high","condition":{…}}]}</c>), model settings and score thresholds for
/// predictive tags. Manual tags have none.
/// </summary>
public sealed record TagDefinition
{
    public const string CurrentSchemaVersion = "1.0";

    public RuleMatch Match { get; init; }
    public IReadOnlyList<TagRule> Rules { get; init; } = [];
    public PredictiveSettings? Model { get; init; }

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a definition; structural problems come back with their JSON path (<c>$.rules[1].value</c>).</summary>
    public static (TagDefinition? Definition, IReadOnlyList<ConditionError> Errors) Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return (new TagDefinition(), []);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException ex)
        {
            return (null, [new ConditionError("$", "InvalidJson", ex.Message)]);
        }
        if (root is not JsonObject obj) return (null, [new ConditionError("$", "ExpectedObject")]);

        var errors = new List<ConditionError>();
        foreach (var (name, _) in obj)
            if (name is not ("match" or "rules" or "model"))
                errors.Add(new ConditionError($"$.{name}", "UnknownProperty", name));

        var match = RuleMatch.First;
        if (obj["match"] is { } m)
        {
            if (m is JsonValue v && v.TryGetValue<string>(out var s) && Enum.TryParse<RuleMatch>(s, true, out var parsed) && !int.TryParse(s, out _))
                match = parsed;
            else errors.Add(new ConditionError("$.match", "ValueNotAllowed", m.ToJsonString(), "first, all"));
        }

        var rules = new List<TagRule>();
        if (obj["rules"] is { } r)
        {
            if (r is not JsonArray array) errors.Add(new ConditionError("$.rules", "ExpectedArray"));
            else
                for (var i = 0; i < array.Count; i++)
                {
                    var path = $"$.rules[{i}]";
                    if (array[i] is not JsonObject rule)
                    {
                        errors.Add(new ConditionError(path, "ExpectedObject"));
                        continue;
                    }
                    string? value = null;
                    if (rule["value"] is { } rv)
                    {
                        if (rv is JsonValue sv && sv.TryGetValue<string>(out var code)) value = code;
                        else errors.Add(new ConditionError($"{path}.value", "ExpectedString"));
                    }
                    if (rule["condition"] is not { } condition)
                    {
                        errors.Add(new ConditionError($"{path}.condition", "Required", "condition"));
                        continue;
                    }
                    rules.Add(new TagRule(value, Unwrap(condition.DeepClone())));
                }
        }

        PredictiveSettings? model = null;
        if (obj["model"] is { } modelNode)
        {
            try
            {
                model = modelNode.Deserialize<PredictiveSettings>(Json);
            }
            catch (JsonException ex)
            {
                errors.Add(new ConditionError("$.model" + (ex.Path is { Length: > 1 } p ? p[1..] : ""), "InvalidJson", ex.Message));
            }
        }

        return errors.Count > 0 ? (null, errors) : (new TagDefinition { Match = match, Rules = rules, Model = model }, []);
    }

    // A group of one is that one condition: {"all":[x]} and x are the same rule, so they are stored (and compared) alike.
    private static JsonNode Unwrap(JsonNode node)
    {
        while (node is JsonObject { Count: 1 } group && (group["all"] ?? group["any"]) is JsonArray { Count: 1 } items && items[0] is JsonObject only)
            node = only.DeepClone();
        return node;
    }
}

/// <summary>A customer who meets <see cref="Condition"/> carries the tag (with <see cref="Value"/> when the tag has values).</summary>
public sealed record TagRule(string? Value, [property: System.ComponentModel.DataAnnotations.Required, CustomerStudio.Core.Definitions.ConditionReference] JsonNode Condition);

/// <summary>How a predictive tag's model is trained and how its scores become tag values.</summary>
public sealed record PredictiveSettings
{
    public PredictionTarget Target { get; init; }
    /// <summary>How far ahead the model looks, in days (e.g. no order in the next 90 days).</summary>
    public int HorizonDays { get; init; } = 90;
    /// <summary>Score bands, highest first: a customer gets the first value whose minimum their score reaches.</summary>
    public IReadOnlyList<ScoreThreshold> Thresholds { get; init; } = [];
    /// <summary>Retrain after this many days; scores are refreshed on the tag's refresh rule.</summary>
    public int RetrainDays { get; init; } = 7;
}

public sealed record ScoreThreshold(string? Value, double Min);
