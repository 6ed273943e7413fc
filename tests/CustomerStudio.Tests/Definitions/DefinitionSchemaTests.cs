using CustomerStudio.Core.Definitions;
using CustomerStudio.Tests.Infrastructure;

namespace CustomerStudio.Tests.Definitions;

public class DefinitionSchemaTests
{
    public static TheoryData<string> Generated => [.. DefinitionSchemas.Kinds.Where(k => k.Type is not null).Select(k => k.Name)];

    private static string Committed(DefinitionKind kind) => Path.Combine(RepoPaths.Root, "docs", "schemas", kind.FileName);

    [Theory]
    [MemberData(nameof(Generated))]
    public void The_committed_schema_is_what_the_types_generate(string name)
    {
        var kind = DefinitionSchemas.Find(name)!;
        var generated = DefinitionSchemas.Generate(kind);
        var file = Committed(kind);
        if (Environment.GetEnvironmentVariable("UPDATE_SCHEMAS") == "1") File.WriteAllText(file, generated);
        Assert.True(File.Exists(file), $"{file} is missing: run the tests once with UPDATE_SCHEMAS=1 and commit it.");
        Assert.True(File.ReadAllText(file).Replace("\r\n", "\n") == generated,
            $"docs/schemas/{kind.FileName} differs from what the C# types generate: run the tests with UPDATE_SCHEMAS=1, rebuild, and commit it.");
    }

    [Theory]
    [MemberData(nameof(Generated))]
    public void The_embedded_schema_is_the_committed_file(string name)
    {
        // The app serves the embedded copy; a rebuild after UPDATE_SCHEMAS=1 picks up the new file.
        var kind = DefinitionSchemas.Find(name)!;
        Assert.Equal(File.ReadAllText(Committed(kind)), DefinitionSchemas.Published(name));
    }

    [Fact]
    public void Every_schema_is_versioned_and_names_its_meta_schema()
    {
        foreach (var kind in DefinitionSchemas.Kinds)
        {
            var json = System.Text.Json.Nodes.JsonNode.Parse(DefinitionSchemas.Published(kind.Name))!;
            Assert.Equal($"https://customerstudio.dev/schemas/{kind.Name}/{kind.Version}.json", (string)json["$id"]!);
            Assert.Equal(DefinitionSchemas.MetaSchema, (string)json["$schema"]!);
        }
    }

    [Fact]
    public void The_drift_check_sees_a_changed_type()
    {
        // Proves the comparison above can fail: a schema generated from another type differs from the committed one.
        var journey = DefinitionSchemas.Find("journey")!;
        Assert.NotEqual(DefinitionSchemas.Generate(journey), DefinitionSchemas.Generate(journey with { Type = typeof(Core.Journeys.Definition.JourneyEdge) }));
    }
}
