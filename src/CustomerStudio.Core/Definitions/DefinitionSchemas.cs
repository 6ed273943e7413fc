using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using NJsonSchema;
using NJsonSchema.Generation;
using NJsonSchema.Generation.TypeMappers;

namespace CustomerStudio.Core.Definitions;

/// <summary>A kind of definition with a published JSON Schema: its name in URLs and files, its C# type and version.</summary>
public sealed record DefinitionKind(string Name, Type? Type, string Version, string Title, string Description)
{
    public string Url => DefinitionSchemas.Url(Name, Version);
    public string FileName => $"{Name}.schema.json";
}

/// <summary>
/// The JSON Schemas of every definition kind. Each is generated with NJsonSchema from the C# type
/// (<see cref="Generate"/>), committed under docs/schemas/ and embedded (<see cref="Published"/>); a test fails when
/// the two differ (UPDATE_SCHEMAS=1 rewrites the files). The condition schema is written by hand (decision 0009) and
/// referenced by <c>$ref</c> from the others.
/// </summary>
public static class DefinitionSchemas
{
    public const string BaseUrl = "https://customerstudio.dev/schemas/";
    public const string MetaSchema = "http://json-schema.org/draft-07/schema#";
    public const string Condition = "condition";

    public static string Url(string kind, string version) => $"{BaseUrl}{kind}/{version}.json";

    public static string ConditionUrl => Url(Condition, Conditions.ConditionSchema.Version);

    /// <summary>Every kind, as served at <c>/api/schemas/{name}</c> and written to docs/schemas/{name}.schema.json.</summary>
    public static readonly IReadOnlyList<DefinitionKind> Kinds =
    [
        new(Condition, null, Conditions.ConditionSchema.Version, "CustomerStudio condition",
            "The condition language shared by rule tags, segments, journey branches and triggers."),
        new("tag-category", typeof(Tags.TagCategoryDocument), "1.0", "CustomerStudio tag category",
            "A category of the tag taxonomy; parents are named by code. Semantics: docs/tags.md."),
        new("tag", typeof(Tags.TagDocument), "1.0", "CustomerStudio tag",
            "A tag card with its values and, for rule and predictive tags, its rules or model settings. Semantics: docs/tags.md."),
        new("custom-field", typeof(Customers.CustomFieldDocument), Customers.CustomFieldOptions.CurrentSchemaVersion, "CustomerStudio custom field",
            "A custom customer field that conditions can test; enum fields list their options with names."),
        new("segment", typeof(Segments.SegmentDocument), "1.0", "CustomerStudio segment",
            "A segment: who belongs is a condition. Semantics: docs/conditions.md."),
        new("scoring", typeof(Scoring.ScoringDocument), "1.0", "CustomerStudio scoring rules",
            "RFM settings and lead scoring rules (points per event or condition, decay, MQL/SQL thresholds)."),
        new("email-template", typeof(Templates.EmailTemplateDocument), "1.0", "CustomerStudio email template",
            "An email template in one language, sent by journeys' send_email nodes."),
        new("journey", typeof(Journeys.Definition.JourneyDefinition), Journeys.Definition.JourneyDefinition.CurrentSchemaVersion,
            "CustomerStudio journey definition",
            "A journey as the designer draws it: trigger, flow, action, goal and exit nodes with typed settings and named output ports, joined by edges. Semantics: docs/templates.md and the XML comments of CustomerStudio.Core.Journeys.Definition."),
        new("template-pack", typeof(Templates.TemplatePack), Templates.TemplatePack.CurrentSchemaVersion, "CustomerStudio template pack",
            "A template pack: tag taxonomy, custom fields, segments, journeys, scoring rules and email templates, installed by code and version. Semantics: docs/templates.md."),
    ];

    public static DefinitionKind? Find(string name) => Kinds.FirstOrDefault(k => k.Name == name);

    /// <summary>How definitions are written as JSON: camelCase properties, snake_case enum names, nulls left out, Chinese unescaped.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    private static readonly JsonSerializerOptions Indented = new(Json) { WriteIndented = true };

    public static SystemTextJsonSchemaGeneratorSettings GeneratorSettings()
    {
        var settings = new SystemTextJsonSchemaGeneratorSettings
        {
            SerializerOptions = Json,
            SchemaType = SchemaType.JsonSchema,
            DefaultReferenceTypeNullHandling = ReferenceTypeNullHandling.NotNull,
            GenerateAbstractProperties = true,
            // Node settings derive from one abstract record: each kind's schema lists its own properties.
            FlattenInheritanceHierarchy = true,
            UseXmlDocumentation = true,
            ResolveExternalXmlDocumentation = true,
        };
        // Free-form JSON values (a condition, an attribute value) accept any JSON.
        foreach (var type in new[] { typeof(JsonNode), typeof(JsonObject), typeof(JsonElement) })
            settings.TypeMappers.Add(new PrimitiveTypeMapper(type, s => { }));
        settings.SchemaProcessors.Add(new ConditionReferenceProcessor());
        settings.SchemaProcessors.Add(new Journeys.Definition.JourneyNodeSchemaProcessor());
        return settings;
    }

    /// <summary>The schema generated from the kind's C# type, as it is published.</summary>
    public static string Generate(DefinitionKind kind)
    {
        if (kind.Type is null) return Published(kind.Name);
        var generated = JsonSchema.FromType(kind.Type, GeneratorSettings());
        var body = JsonNode.Parse(generated.ToJson())!.AsObject();
        ReplaceConditionMarkers(body);
        var root = new JsonObject
        {
            ["$schema"] = MetaSchema,
            ["$id"] = kind.Url,
            ["title"] = kind.Title,
            ["description"] = kind.Description,
        };
        foreach (var (name, value) in body.ToList())
        {
            if (name is "$schema" or "title" or "description" or "id") continue;
            body.Remove(name);
            root[name] = value;
        }
        return root.ToJsonString(Indented).Replace("\r\n", "\n") + "\n";
    }

    /// <summary>The committed schema of a kind (docs/schemas/), embedded in the assembly: what the app serves.</summary>
    public static string Published(string kind) => PublishedCache.GetOrAdd(kind, k =>
    {
        using var stream = typeof(DefinitionSchemas).Assembly.GetManifestResourceStream($"CustomerStudio.Schemas.{k}.schema.json")
                           ?? throw new InvalidOperationException($"The {k} schema is not embedded: run the schema tests with UPDATE_SCHEMAS=1.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    private static readonly ConcurrentDictionary<string, string> PublishedCache = new();
    private static readonly ConcurrentDictionary<string, Lazy<JsonSchema>> Loaded = new();
    private static readonly ConcurrentDictionary<Type, Lazy<JsonSchema>> ByType = new();

    /// <summary>The published schema of a kind, parsed, with the condition schema resolvable offline.</summary>
    public static JsonSchema Load(string kind) => Loaded.GetOrAdd(kind, k => new Lazy<JsonSchema>(() =>
    {
        var condition = JsonSchema.FromJsonAsync(Published(Condition)).GetAwaiter().GetResult();
        if (k == Condition) return condition;
        return JsonSchema.FromJsonAsync(Published(k), null, schema =>
        {
            var resolver = new JsonReferenceResolver(new JsonSchemaAppender(schema, new DefaultTypeNameGenerator()));
            resolver.AddDocumentReference(ConditionUrl, condition);
            return resolver;
        }).GetAwaiter().GetResult();
    })).Value;

    /// <summary>A schema generated at run time from a type (e.g. one node kind's settings) for validating part of a document.</summary>
    public static JsonSchema ForType(Type type) =>
        ByType.GetOrAdd(type, t => new Lazy<JsonSchema>(() => JsonSchema.FromType(t, GeneratorSettings()))).Value;

    /// <summary>Validates a JSON value against a schema; errors carry JSON paths under <paramref name="path"/>.</summary>
    public static IReadOnlyList<Conditions.ConditionError> Validate(JsonSchema schema, JsonNode? value, string path) =>
        SchemaErrors.From(schema.Validate(value?.ToJsonString() ?? "null"), path);

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Indented);

    // Properties marked [ConditionReference] become "$ref" to the condition schema (see ConditionReferenceProcessor).
    private static void ReplaceConditionMarkers(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj.ToList())
                {
                    if (child is JsonObject c && c.ContainsKey(ConditionReferenceProcessor.Marker))
                    {
                        var replacement = new JsonObject { ["$ref"] = ConditionUrl };
                        if (c["description"] is { } d) replacement["description"] = d.DeepClone();
                        obj[name] = replacement;
                    }
                    else ReplaceConditionMarkers(child);
                }
                break;
            case JsonArray array:
                foreach (var child in array) ReplaceConditionMarkers(child);
                break;
        }
    }

    private sealed class ConditionReferenceProcessor : ISchemaProcessor
    {
        public const string Marker = "x-condition";

        public void Process(SchemaProcessorContext context)
        {
            foreach (var property in context.ContextualType.Type.GetProperties())
            {
                if (property.GetCustomAttribute<ConditionReferenceAttribute>() is null) continue;
                var name = Json.PropertyNamingPolicy!.ConvertName(property.Name);
                if (!context.Schema.Properties.TryGetValue(name, out var schema)) continue;
                schema.ExtensionData ??= new Dictionary<string, object?>();
                schema.ExtensionData[Marker] = true;
            }
        }
    }
}
