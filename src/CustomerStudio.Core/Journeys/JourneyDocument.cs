using System.ComponentModel.DataAnnotations;
using CustomerStudio.Core.Journeys.Definition;

namespace CustomerStudio.Core.Journeys;

/// <summary>
/// A journey as a portable definition: code, names and its <see cref="JourneyDefinition"/>. Installed journeys are
/// drafts: a marketer reviews the messages and publishes them. One name in the workspace, as for segments.
/// </summary>
public sealed record JourneyDocument
{
    [Required, RegularExpression("^[a-z][a-z0-9_]{1,63}$")]
    public string Code { get; init; } = "";

    [Required, MaxLength(200)]
    public string NameZh { get; init; } = "";

    [Required, MaxLength(200)]
    public string NameEn { get; init; } = "";

    public string? Description { get; init; }

    [Required]
    public JourneyDefinition Definition { get; init; } = new();
}
