using System.Text.Json;
using System.Text.Json.Serialization;

namespace CustomerStudio.Core.Imports;

/// <summary>What happens to a row that matches an existing customer by one of its identities.</summary>
public enum DedupePolicy
{
    /// <summary>Leave the existing customer as it is.</summary>
    Skip = 0,
    /// <summary>Fill only the fields the existing customer does not have yet.</summary>
    FillEmpty = 1,
    /// <summary>Overwrite with every non-empty value of the file.</summary>
    Overwrite = 2,
}

/// <summary>
/// One column of the file and where it goes: a built-in field or identity (<c>name</c>, <c>phone</c>, <c>email</c>,
/// <c>external_id</c>, …, see <see cref="Cleansing.ColumnSuggestions.Targets"/>), a custom field (<c>custom:code</c>),
/// a manual tag (<c>tag:code</c>; the cell holds the value code or name, or yes/1/是 for a tag without values), or
/// <c>ignore</c>.
/// </summary>
public sealed record ImportColumn(int Index, string Header, string Target);

/// <summary>Everything the wizard decided: the file's shape, the mapping and the dedupe policy. Stored on the job as JSON.</summary>
public sealed record ImportPlan
{
    public IReadOnlyList<ImportColumn> Columns { get; init; } = [];
    public DedupePolicy Policy { get; init; } = DedupePolicy.FillEmpty;
    /// <summary>"csv" or "xlsx".</summary>
    public string Format { get; init; } = "csv";
    public char Delimiter { get; init; } = ',';
    /// <summary>A name <see cref="System.Text.Encoding.GetEncoding(string)"/> knows (utf-8, GB18030, utf-16).</summary>
    public string Encoding { get; init; } = "utf-8";
    public bool HasHeader { get; init; } = true;
    /// <summary>Region assumed for phone numbers written without a country code.</summary>
    public string DefaultRegion { get; init; } = "CN";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);
    public static ImportPlan FromJson(string json) => JsonSerializer.Deserialize<ImportPlan>(json, Json) ?? new ImportPlan();
}
