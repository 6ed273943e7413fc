using System.ComponentModel.DataAnnotations;

namespace CustomerStudio.Core.Tags;

/// <summary>A category of the tag taxonomy as a portable definition (template packs, exports); parents are named by code.</summary>
public sealed record TagCategoryDocument
{
    [Required, RegularExpression(DefinitionPatterns.Code)]
    public string Code { get; init; } = "";

    /// <summary>Code of the parent category (in the pack or the workspace); none for a top-level category.</summary>
    [RegularExpression(DefinitionPatterns.Code)]
    public string? Parent { get; init; }

    [Required, MaxLength(200)]
    public string NameZh { get; init; } = "";

    [Required, MaxLength(200)]
    public string NameEn { get; init; } = "";

    /// <summary>Roles besides governance that may draft tags here (e.g. Marketer).</summary>
    public IReadOnlyList<string> EditorRoles { get; init; } = [];
}

/// <summary>One value of a tag: a code and its names.</summary>
public sealed record TagValueDocument
{
    [Required, RegularExpression(DefinitionPatterns.Code)]
    public string Code { get; init; } = "";

    [Required, MaxLength(200)]
    public string NameZh { get; init; } = "";

    [Required, MaxLength(200)]
    public string NameEn { get; init; } = "";
}

/// <summary>
/// A tag as a portable definition: the card (names, meaning, kind, source, refresh, sensitivity, expiry), its values and,
/// for rule and predictive tags, its <see cref="TagDefinition"/> (rules as conditions, or model settings).
/// </summary>
public sealed record TagDocument
{
    [Required, RegularExpression(DefinitionPatterns.Code)]
    public string Code { get; init; } = "";

    /// <summary>Code of the category the tag sits in.</summary>
    [Required, RegularExpression(DefinitionPatterns.Code)]
    public string Category { get; init; } = "";

    [Required, MaxLength(200)]
    public string NameZh { get; init; } = "";

    [Required, MaxLength(200)]
    public string NameEn { get; init; } = "";

    /// <summary>Business meaning: what carrying this tag says about a customer.</summary>
    public string? Description { get; init; }

    public TagKind Kind { get; init; }

    [MaxLength(200)]
    public string? DataSource { get; init; }

    public RefreshRule RefreshRule { get; init; }

    [MaxLength(64)]
    public string? ValueFormat { get; init; }

    public bool MultiValued { get; init; }

    public Sensitivity Sensitivity { get; init; }

    /// <summary>Days an assignment lives before it expires; none keeps it until removed.</summary>
    [Range(1, 3650)]
    public int? ExpiryDays { get; init; }

    public IReadOnlyList<TagValueDocument> Values { get; init; } = [];

    /// <summary>Rules (rule tags) or model settings (predictive tags); none for manual tags.</summary>
    public TagDefinition? Definition { get; init; }

    /// <summary>
    /// Retired by governance: still kept up to date for what uses it, not offered for new segments, journeys or
    /// assignments. A pack carries it so an exported workspace installs with the same meaning elsewhere.
    /// </summary>
    public bool Deprecated { get; init; }
}

internal static class DefinitionPatterns
{
    public const string Code = "^[a-z][a-z0-9_]{1,63}$";
}
