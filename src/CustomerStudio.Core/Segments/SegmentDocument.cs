using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using CustomerStudio.Core.Definitions;

namespace CustomerStudio.Core.Segments;

/// <summary>
/// A segment as a portable definition. A segment has one name in the workspace: installing takes the name in the
/// workspace's default language (<see cref="NameZh"/> for zh-CN, otherwise <see cref="NameEn"/>).
/// </summary>
public sealed record SegmentDocument
{
    [Required, RegularExpression("^[a-z][a-z0-9_]{1,63}$")]
    public string Code { get; init; } = "";

    [Required, MaxLength(200)]
    public string NameZh { get; init; } = "";

    [Required, MaxLength(200)]
    public string NameEn { get; init; } = "";

    public string? Description { get; init; }

    public SegmentKind Kind { get; init; }

    /// <summary>Who belongs: a condition tree (docs/conditions.md).</summary>
    [Required, ConditionReference]
    public JsonNode Condition { get; init; } = new JsonObject();

    /// <summary>Quartz cron expression (workspace time zone) for a dynamic segment's scheduled refresh.</summary>
    public string? RefreshCron { get; init; }
}
