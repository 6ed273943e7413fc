namespace CustomerStudio.Core.Conditions;

/// <summary>The published JSON Schema of the condition language (docs/schemas/condition.schema.json).</summary>
public static class ConditionSchema
{
    public const string Version = "1.0";

    public static string Json { get; } = Load();

    private static string Load()
    {
        using var stream = typeof(ConditionSchema).Assembly.GetManifestResourceStream("CustomerStudio.Schemas.condition.schema.json")
                           ?? throw new InvalidOperationException("The condition schema is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
