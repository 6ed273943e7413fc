using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerStudio.Core.Definitions;

namespace CustomerStudio.Core.Customers;

/// <summary>
/// The options of an enum custom field, stored as <see cref="CustomFieldDefinition.EnumValuesJson"/> in the version named
/// by <see cref="CustomFieldDefinition.SchemaVersion"/>. 1.0 was a list of codes (<c>["gold","silver"]</c>); 1.1 gives
/// each option Chinese and English names (<c>[{"code":"gold","nameZh":"黄金","nameEn":"Gold"}]</c>), which bilingual
/// template packs need. Older rows are migrated when read.
/// </summary>
public static class CustomFieldOptions
{
    public const string Kind = "custom-field";
    public const string CurrentSchemaVersion = "1.1";

    /// <summary>1.0 → 1.1: each code becomes an option named by its code until someone names it.</summary>
    public static readonly DefinitionMigration NamedOptions = new(Kind, "1.0", "1.1", json => json is JsonArray codes
        ? new JsonArray([.. codes.Select(c => (JsonNode)new JsonObject
        {
            ["code"] = c?.DeepClone(),
            ["nameZh"] = c?.DeepClone(),
            ["nameEn"] = c?.DeepClone(),
        })])
        : json);

    public static IReadOnlyList<CustomFieldOption> Read(CustomFieldDefinition field) => Read(field.EnumValuesJson, field.SchemaVersion);

    public static IReadOnlyList<CustomFieldOption> Read(string? json, string? schemaVersion)
    {
        if (string.IsNullOrWhiteSpace(json)) return [];
        var current = DefinitionMigrations.Upgrade(Kind, schemaVersion, JsonNode.Parse(json));
        return current?.Deserialize<List<CustomFieldOption>>(DefinitionSchemas.Json) ?? [];
    }

    /// <summary>The codes a value of the field may take.</summary>
    public static IReadOnlyList<string> Codes(CustomFieldDefinition field) => [.. Read(field).Select(o => o.Code)];

    /// <summary>Stores options in the current shape and marks the field with the current version.</summary>
    public static void Write(CustomFieldDefinition field, IReadOnlyList<CustomFieldOption> options)
    {
        field.EnumValuesJson = options.Count == 0 ? null : JsonSerializer.Serialize(options, DefinitionSchemas.Json);
        field.SchemaVersion = CurrentSchemaVersion;
    }
}
