using CustomerStudio.Core.Conditions;
using CustomerStudio.Tests.Infrastructure;
using NJsonSchema;

namespace CustomerStudio.Tests.Conditions;

public class ConditionSchemaTests
{
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromJsonAsync(ConditionSchema.Json).GetAwaiter().GetResult());

    [Fact]
    public void The_served_schema_is_the_published_file()
    {
        var published = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "schemas", "condition.schema.json"));
        Assert.Equal(published, ConditionSchema.Json);
    }

    [Fact]
    public void Every_condition_of_the_semantics_table_is_valid_against_the_schema()
    {
        foreach (var (json, _) in ConditionSemanticsTests.Table)
            Assert.True(Schema.Value.Validate(json).Count == 0, $"{json}: {string.Join("; ", Schema.Value.Validate(json))}");
    }

    [Fact]
    public void What_the_compiler_writes_back_is_valid_against_the_schema()
    {
        foreach (var (json, _) in ConditionSemanticsTests.Table)
            Assert.Empty(Schema.Value.Validate(ConditionJson.ToJson(ConditionJson.Parse(json).Condition!)));
    }

    [Theory]
    [InlineData("""{"all":[]}""")]
    [InlineData("""{"foo":1}""")]
    [InlineData("""{"attr":"province","op":"eq","value":"x","extra":1}""")]
    [InlineData("""{"attr":"province","op":"resembles","value":"x"}""")]
    [InlineData("""{"event":"page_view","within":"7"}""")]
    [InlineData("""{"tag":"vip","op":"maybe"}""")]
    [InlineData("""{"identity":"qq"}""")]
    public void Structurally_wrong_conditions_fail_the_schema(string json) =>
        Assert.NotEmpty(Schema.Value.Validate(json));

    [Fact]
    public async Task The_app_serves_the_schema_to_signed_in_users()
    {
        await using var factory = new StudioAppFactory();
        var client = await factory.SignedInAsync(StudioAppFactory.Marketer);
        var response = await client.GetAsync("/api/schemas/condition");
        Assert.Equal("application/schema+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(ConditionSchema.Json, await response.Content.ReadAsStringAsync());
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await factory.Anonymous().GetAsync("/api/schemas/condition")).StatusCode);
    }
}
