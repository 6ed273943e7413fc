using System.Text.Json.Nodes;

namespace CustomerStudio.Core.Definitions;

/// <summary>One step that rewrites a kind's stored JSON from version <see cref="From"/> to <see cref="To"/>.</summary>
public sealed record DefinitionMigration(string Kind, string From, string To, Func<JsonNode?, JsonNode?> Apply);

/// <summary>
/// Definitions stored in the database carry the schema version they were written in. Reading an older one runs the
/// registered steps from its version to the current one (the kind's version in <see cref="DefinitionSchemas.Kinds"/>);
/// the next save writes the current shape. Each step has its own test (tests/…/Definitions/DefinitionMigrationTests).
/// </summary>
public static class DefinitionMigrations
{
    public static readonly IReadOnlyList<DefinitionMigration> All =
    [
        Customers.CustomFieldOptions.NamedOptions,
    ];

    public static string Current(string kind) => DefinitionSchemas.Find(kind)?.Version
                                                 ?? throw new ArgumentException($"Unknown definition kind {kind}.", nameof(kind));

    /// <summary>The JSON in the current version; throws for a version with no path forward (newer than this studio, or unknown).</summary>
    public static JsonNode? Upgrade(string kind, string? version, JsonNode? json)
    {
        var current = Current(kind);
        var at = string.IsNullOrEmpty(version) ? "1.0" : version;
        while (at != current)
        {
            var step = All.FirstOrDefault(m => m.Kind == kind && m.From == at)
                       ?? throw new InvalidOperationException($"No migration of {kind} from schema version {at} to {current}.");
            json = step.Apply(json?.DeepClone());
            at = step.To;
        }
        return json;
    }

    public static bool CanRead(string kind, string? version)
    {
        var at = string.IsNullOrEmpty(version) ? "1.0" : version;
        var current = Current(kind);
        for (var guard = 0; at != current && guard < 100; guard++)
            if (All.FirstOrDefault(m => m.Kind == kind && m.From == at) is { } step) at = step.To;
            else return false;
        return at == current;
    }
}
