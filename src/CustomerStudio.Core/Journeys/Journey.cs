namespace CustomerStudio.Core.Journeys;

public enum JourneyStatus { Draft = 0, Published = 1, Paused = 2, Archived = 3 }

public class Journey
{
    public int Id { get; set; }
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public JourneyStatus Status { get; set; }
    /// <summary>The designer's working copy; published versions are immutable <see cref="JourneyVersion"/> rows.</summary>
    public string DraftJson { get; set; } = "{}";
    public string SchemaVersion { get; set; } = "1.0";
    public int? PublishedVersion { get; set; }
    public string? OwnerId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public class JourneyVersion
{
    public int Id { get; set; }
    public int JourneyId { get; set; }
    public int Version { get; set; }
    public string DefinitionJson { get; set; } = "";
    public string SchemaVersion { get; set; } = "1.0";
    public DateTime PublishedAt { get; set; }
    public string? PublishedBy { get; set; }
}

public enum InstanceStatus { Running = 0, Waiting = 1, Completed = 2, Exited = 3, Converted = 4, Failed = 5, Removed = 6 }

public class JourneyInstance
{
    public long Id { get; set; }
    public int JourneyId { get; set; }
    public int JourneyVersionId { get; set; }
    public long CustomerId { get; set; }
    public InstanceStatus Status { get; set; }
    public string? CurrentNodeId { get; set; }
    /// <summary>Bookmark: when a timed wait is due.</summary>
    public DateTime? WakeAt { get; set; }
    /// <summary>Bookmark: the event type a wait-for-event node listens for.</summary>
    public string? AwaitedEvent { get; set; }
    /// <summary>The port a waiting instance leaves through when it is next advanced (<c>event</c> once the awaited event came); null: the wait's own (next / timeout).</summary>
    public string? ResumePort { get; set; }
    public string? StateJson { get; set; }
    public string? LastError { get; set; }
    /// <summary>Runtime node holding the instance, and until when; an expired claim may be taken over.</summary>
    public string? ClaimedBy { get; set; }
    public DateTime? ClaimedUntil { get; set; }
    public int Revision { get; set; }
    public DateTime StartedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? EndedAt { get; set; }
}

public class JourneyStepLog
{
    public long Id { get; set; }
    public long InstanceId { get; set; }
    public int JourneyId { get; set; }
    public string NodeId { get; set; } = "";
    public string? Port { get; set; }
    public DateTime At { get; set; }
    public string? Message { get; set; }
}

public enum OutboxStatus { Pending = 0, Sent = 1, Failed = 2, Parked = 3 }

/// <summary>A side effect to perform once; the idempotency key is (instance, node).</summary>
public class OutboxMessage
{
    public long Id { get; set; }
    public long? InstanceId { get; set; }
    public string? NodeId { get; set; }
    public string IdempotencyKey { get; set; } = "";
    public string Channel { get; set; } = "";
    public long? CustomerId { get; set; }
    public string PayloadJson { get; set; } = "{}";
    public OutboxStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public string? LastError { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? SentAt { get; set; }
    /// <summary>The dispatch batch holding the message, and until when; an expired claim may be taken over by another node.</summary>
    public string? ClaimedBy { get; set; }
    public DateTime? ClaimedUntil { get; set; }
}

/// <summary>
/// Where a journey's trigger has read up to: the last id of the log it follows (segment entries, tag history, events),
/// or the last local date / fire time for date-based and scheduled triggers. Journey 0 holds the runtime's own cursors
/// (events already matched against waiting instances).
/// </summary>
public class JourneyTriggerState
{
    public int JourneyId { get; set; }
    public string NodeId { get; set; } = "";
    public long Cursor { get; set; }
    public DateTime? LastRunAt { get; set; }
}
