using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Definitions;
using Namotion.Reflection;
using NJsonSchema;
using NJsonSchema.Generation;

namespace CustomerStudio.Core.Journeys.Definition;

/// <summary>Reads and writes the journey JSON. <see cref="Parse(string?, JourneyChecks?)"/> validates as it reads.</summary>
public static class JourneyDefinitionJson
{
    public static JsonSerializerOptions Options => DefinitionSchemas.Json;

    /// <summary>Reads and validates (<see cref="JourneyValidator"/>): the definition, or every error with its JSON path.</summary>
    public static JourneyValidation Parse(string? json, JourneyChecks? checks = null) => JourneyValidator.Validate(json, checks);

    public static JourneyValidation Parse(JsonNode? node, JourneyChecks? checks = null) => JourneyValidator.Validate(node, "$", checks);

    /// <summary>Reads a definition already known to be valid (a published version); throws when it is not.</summary>
    public static JourneyDefinition Read(string json)
    {
        var result = Parse(json);
        return result.Ok ? result.Definition! : throw new ConditionException(result.Errors);
    }
}

/// <summary>Writes a node with its settings as their kind's type; reads the kind first wherever it stands.</summary>
internal sealed class JourneyNodeJsonConverter : JsonConverter<JourneyNode>
{
    public override JourneyNode Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var obj = JsonNode.Parse(ref reader) as JsonObject ?? throw new JsonException("A node must be an object.");
        var kind = JourneyNodeKinds.Find(obj["kind"]?.GetValue<string>()) ?? throw new JsonException($"Unknown node kind {obj["kind"]}.");
        return new JourneyNode
        {
            Id = obj["id"]?.GetValue<string>() ?? throw new JsonException("A node needs an id."),
            Kind = kind.Kind,
            Label = obj["label"]?.GetValue<string>(),
            Settings = (JourneyNodeSettings?)(obj["settings"] ?? new JsonObject()).Deserialize(kind.SettingsType, options),
            Position = obj["position"]?.Deserialize<CanvasPosition>(options),
        };
    }

    public override void Write(Utf8JsonWriter writer, JourneyNode value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("id", value.Id);
        writer.WriteString("kind", JourneyNodeKinds.CodeOf(value.Kind));
        if (value.Label is not null) writer.WriteString("label", value.Label);
        writer.WritePropertyName("settings");
        JsonSerializer.Serialize(writer, value.Settings ?? Activator.CreateInstance(JourneyNodeKinds.SettingsType(value.Kind)),
            JourneyNodeKinds.SettingsType(value.Kind), options);
        if (value.Position is not null)
        {
            writer.WritePropertyName("position");
            JsonSerializer.Serialize(writer, value.Position, options);
        }
        writer.WriteEndObject();
    }
}

/// <summary>
/// In the journey schema a node is one of the kinds: <c>kind</c> fixes the type of <c>settings</c>
/// (a <c>oneOf</c> with one branch per kind, generated from <see cref="JourneyNodeKinds"/>).
/// </summary>
internal sealed class JourneyNodeSchemaProcessor : ISchemaProcessor
{
    public void Process(SchemaProcessorContext context)
    {
        if (context.ContextualType.Type != typeof(JourneyNode)) return;
        var schema = context.Schema;
        schema.Properties["settings"] = new JsonSchemaProperty
        {
            Type = JsonObjectType.Object,
            Description = "Settings of the node's kind; see the branch of oneOf for that kind.",
        };
        foreach (var kind in JourneyNodeKinds.All)
        {
            var settings = context.Generator.GenerateWithReference<JsonSchema>(kind.SettingsType.ToContextualType(), context.Resolver);
            var branch = new JsonSchema { Title = kind.Code };
            var kindProperty = new JsonSchemaProperty { Type = JsonObjectType.String };
            kindProperty.Enumeration.Add(kind.Code);
            branch.Properties["kind"] = kindProperty;
            branch.Properties["settings"] = new JsonSchemaProperty { Reference = settings.HasReference ? settings.Reference : settings };
            if (kind.NeedsSettings) branch.RequiredProperties.Add("settings");
            schema.OneOf.Add(branch);
        }
    }
}
