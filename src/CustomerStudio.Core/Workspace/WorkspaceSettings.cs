namespace CustomerStudio.Core.Workspace;

/// <summary>The single workspace's settings row.</summary>
public class WorkspaceSettings
{
    public int Id { get; set; } = 1;
    public string Name { get; set; } = "CustomerStudio";
    /// <summary>IANA zone in which dates in conditions and journey waits are evaluated.</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";
    public string DefaultCulture { get; set; } = "zh-CN";
    public string DefaultCountry { get; set; } = "CN";
    public int? QuietHoursStart { get; set; }
    public int? QuietHoursEnd { get; set; }
    public int? DailyMessageCap { get; set; }
    public DateTime? DemoSeededAt { get; set; }
    /// <summary>Days of orders RFM looks at.</summary>
    public int RfmWindowDays { get; set; } = 365;
    /// <summary>Lead scoring rules as JSON (points per event and attribute, decay, MQL/SQL thresholds); null: the defaults.</summary>
    public string? LeadScoringJson { get; set; }
}
