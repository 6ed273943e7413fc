using System.ComponentModel.DataAnnotations;

namespace CustomerStudio.Core.Scoring;

/// <summary>RFM settings: how many days of paid orders recency, frequency and monetary look at.</summary>
public sealed record RfmSettings
{
    [Range(30, 3650)]
    public int WindowDays { get; init; } = 365;
}

/// <summary>The workspace's scoring rules as a portable definition: RFM settings and lead scoring rules.</summary>
public sealed record ScoringDocument
{
    public RfmSettings? Rfm { get; init; }

    public LeadScoringRules? LeadScoring { get; init; }
}
