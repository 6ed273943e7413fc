using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Journeys;
using CustomerStudio.Core.Scoring;
using CustomerStudio.Core.Segments;
using CustomerStudio.Core.Tags;

namespace CustomerStudio.Core.Templates;

/// <summary>
/// A template pack: a tag taxonomy, custom fields, segments, journeys, scoring rules and email templates that an admin
/// installs into a workspace in one transaction (docs/templates.md). Definitions refer to each other by code; a
/// reference may also name something already in the workspace.
/// </summary>
public sealed record TemplatePack
{
    public const string CurrentSchemaVersion = "1.0";

    /// <summary>The schema URL, for editors (https://customerstudio.dev/schemas/template-pack/1.0.json).</summary>
    [JsonPropertyName("$schema")]
    public string? Schema { get; init; }

    [Required]
    public string SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>Identifies the pack across versions: installing a newer version upgrades what this code installed.</summary>
    [Required, RegularExpression("^[a-z][a-z0-9_-]{1,63}$")]
    public string Code { get; init; } = "";

    /// <summary>Semantic version, e.g. 1.2.0.</summary>
    [Required, RegularExpression(@"^\d+\.\d+\.\d+$")]
    public string Version { get; init; } = "1.0.0";

    [Required, MaxLength(200)]
    public string NameZh { get; init; } = "";

    [Required, MaxLength(200)]
    public string NameEn { get; init; } = "";

    public string? DescriptionZh { get; init; }

    public string? DescriptionEn { get; init; }

    /// <summary>Languages the pack's names and email templates are written in.</summary>
    [MinLength(1)]
    public IReadOnlyList<string> Languages { get; init; } = ["zh-CN", "en"];

    public IReadOnlyList<TagCategoryDocument> Categories { get; init; } = [];

    public IReadOnlyList<TagDocument> Tags { get; init; } = [];

    public IReadOnlyList<CustomFieldDocument> CustomFields { get; init; } = [];

    public IReadOnlyList<SegmentDocument> Segments { get; init; } = [];

    public IReadOnlyList<JourneyDocument> Journeys { get; init; } = [];

    public ScoringDocument? Scoring { get; init; }

    public IReadOnlyList<EmailTemplateDocument> EmailTemplates { get; init; } = [];
}
