namespace CustomerStudio.Core.Segments;

public enum SegmentKind { Dynamic = 0, Static = 1 }

public class Segment
{
    public int Id { get; set; }
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public SegmentKind Kind { get; set; }
    /// <summary>The condition tree as JSON, in the version named by <see cref="SchemaVersion"/>.</summary>
    public string DefinitionJson { get; set; } = "{\"all\":[]}";
    public string SchemaVersion { get; set; } = "1.0";
    /// <summary>Quartz cron expression for dynamic refresh; null refreshes on demand only.</summary>
    public string? RefreshCron { get; set; }
    public string? OwnerId { get; set; }
    public int MemberCount { get; set; }
    public DateTime? LastRefreshedAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public class SegmentMembership
{
    public int SegmentId { get; set; }
    public long CustomerId { get; set; }
    public DateTime EnteredAt { get; set; }
}

public enum MembershipChange { Entered = 0, Exited = 1 }

public class SegmentMembershipLog
{
    public long Id { get; set; }
    public int SegmentId { get; set; }
    public long CustomerId { get; set; }
    public MembershipChange Change { get; set; }
    public DateTime At { get; set; }
}

public class SegmentSizeSnapshot
{
    public long Id { get; set; }
    public int SegmentId { get; set; }
    public DateTime At { get; set; }
    public int Size { get; set; }
}
