using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using CustomerStudio.Core.Definitions;

namespace CustomerStudio.Core.Journeys.Definition;

/// <summary>The settings of a node; each kind has its own type (<see cref="JourneyNodeKinds"/>).</summary>
public abstract record JourneyNodeSettings;

// ------------------------------------------------------------------ triggers

/// <summary><c>segment_entered</c>: a customer enters the segment (its entered log).</summary>
public sealed record SegmentEnteredSettings : JourneyNodeSettings
{
    [Required, RegularExpression(JourneyPatterns.Code)]
    public string Segment { get; init; } = "";
}

/// <summary><c>tag_added</c> / <c>tag_removed</c>: the tag (optionally one of its values) is assigned to or removed from a customer.</summary>
public sealed record TagChangedSettings : JourneyNodeSettings
{
    [Required, RegularExpression(JourneyPatterns.Code)]
    public string Tag { get; init; } = "";

    public string? Value { get; init; }
}

/// <summary>A property filter on an event, as in the condition language's <c>where</c>: <c>{"prop":"path","op":"eq","value":"/pricing"}</c>.</summary>
public sealed record EventFilter
{
    [Required]
    public string Prop { get; init; } = "";

    [Required]
    public string Op { get; init; } = "eq";

    public JsonNode? Value { get; init; }
}

/// <summary><c>event_received</c>: an event of the type arrives, every filter holding for it.</summary>
public sealed record EventReceivedSettings : JourneyNodeSettings
{
    [Required, MinLength(1)]
    public string Event { get; init; } = "";

    public IReadOnlyList<EventFilter> Where { get; init; } = [];
}

/// <summary>
/// <c>date_based</c>: relative to a date attribute (built-in <c>birth_date</c> or a custom date field):
/// <see cref="OffsetDays"/> before (negative) or after it, at <see cref="At"/> local time; <see cref="EveryYear"/> for
/// anniversaries such as birthdays or policy renewals.
/// </summary>
public sealed record DateBasedSettings : JourneyNodeSettings
{
    [Required, MinLength(1)]
    public string Field { get; init; } = "";

    [Range(-365, 365)]
    public int OffsetDays { get; init; }

    [Required, RegularExpression(JourneyPatterns.TimeOfDay)]
    public string At { get; init; } = "09:00";

    public bool EveryYear { get; init; }
}

/// <summary><c>scheduled_broadcast</c>: the segment's members enter at a local time, once or on a Quartz cron schedule.</summary>
public sealed record ScheduledBroadcastSettings : JourneyNodeSettings
{
    [Required, RegularExpression(JourneyPatterns.Code)]
    public string Segment { get; init; } = "";

    /// <summary>Local date and time of the (first) send, <c>yyyy-MM-ddTHH:mm</c> in the workspace's zone.</summary>
    [RegularExpression(@"^\d{4}-\d{2}-\d{2}T([01][0-9]|2[0-3]):[0-5][0-9]$")]
    public string? StartAt { get; init; }

    /// <summary>Quartz cron expression in the workspace's zone, for recurring broadcasts.</summary>
    public string? Cron { get; init; }
}

/// <summary><c>manual</c>: customers are enrolled by a person or through the API.</summary>
public sealed record ManualSettings : JourneyNodeSettings;

// ------------------------------------------------------------------ flow

/// <summary><c>wait</c>: wait a duration (ISO 8601: PT2H, P3D).</summary>
public sealed record WaitSettings : JourneyNodeSettings
{
    [Required, RegularExpression(JourneyPatterns.Duration)]
    public string Duration { get; init; } = "P1D";
}

public enum Weekday { Monday = 1, Tuesday = 2, Wednesday = 3, Thursday = 4, Friday = 5, Saturday = 6, Sunday = 7 }

/// <summary><c>wait_until</c>: wait until the next local time of day, on one of the weekdays when given (workspace zone).</summary>
public sealed record WaitUntilSettings : JourneyNodeSettings
{
    [Required, RegularExpression(JourneyPatterns.TimeOfDay)]
    public string Time { get; init; } = "09:00";

    /// <summary>Allowed days; empty means any day.</summary>
    public IReadOnlyList<Weekday> Weekdays { get; init; } = [];
}

/// <summary><c>wait_for_event</c>: leaves through <c>event</c> when the event arrives, through <c>timeout</c> after <see cref="Timeout"/>.</summary>
public sealed record WaitForEventSettings : JourneyNodeSettings
{
    [Required, MinLength(1)]
    public string Event { get; init; } = "";

    public IReadOnlyList<EventFilter> Where { get; init; } = [];

    [Required, RegularExpression(JourneyPatterns.Duration)]
    public string Timeout { get; init; } = "P3D";
}

/// <summary><c>condition</c>: tests the customer with the condition language; leaves through <c>yes</c> or <c>no</c>.</summary>
public sealed record ConditionSettings : JourneyNodeSettings
{
    [Required, ConditionReference]
    public JsonNode Condition { get; init; } = new JsonObject();
}

/// <summary>One branch of an A/B split: its port name and relative weight.</summary>
public sealed record SplitVariant
{
    [Required, RegularExpression(JourneyPatterns.Port)]
    public string Port { get; init; } = "a";

    [Range(1, 100)]
    public int Weight { get; init; } = 50;

    public string? Label { get; init; }
}

/// <summary><c>ab_split</c>: sends each customer down one variant at random, in proportion to the weights.</summary>
public sealed record AbSplitSettings : JourneyNodeSettings
{
    [Required, MinLength(2), MaxLength(10)]
    public IReadOnlyList<SplitVariant> Variants { get; init; } = [];
}

/// <summary><c>join</c>: several paths continue as one.</summary>
public sealed record JoinSettings : JourneyNodeSettings;

// ------------------------------------------------------------------ actions

/// <summary><c>send_email</c>: sends the email template (its variant in the customer's language when there is one).</summary>
public sealed record SendEmailSettings : JourneyNodeSettings
{
    [Required, RegularExpression(JourneyPatterns.Code)]
    public string Template { get; init; } = "";
}

/// <summary><c>send_sms</c>: sends a text through the SMS provider; <c>{{name}}</c> placeholders are filled from the customer.</summary>
public sealed record SendSmsSettings : JourneyNodeSettings
{
    [Required, MinLength(1), MaxLength(500)]
    public string Text { get; init; } = "";
}

public enum WebhookMethod { Post = 0, Put = 1 }

/// <summary><c>webhook</c>: calls a URL with a signed JSON payload (customer id, journey, node), retried with back-off.</summary>
public sealed record WebhookSettings : JourneyNodeSettings
{
    [Required, RegularExpression("^https?://.+")]
    public string Url { get; init; } = "";

    public WebhookMethod Method { get; init; } = WebhookMethod.Post;

    /// <summary>Extra fields merged into the payload.</summary>
    public JsonObject? Payload { get; init; }
}

/// <summary><c>add_tag</c> / <c>remove_tag</c>: a manual tag (and value) assigned with source <c>journey</c>, or removed.</summary>
public sealed record TagActionSettings : JourneyNodeSettings
{
    [Required, RegularExpression(JourneyPatterns.Code)]
    public string Tag { get; init; } = "";

    public string? Value { get; init; }

    /// <summary>For <c>add_tag</c>: the assignment expires after this many days (otherwise the tag's own expiry).</summary>
    [Range(1, 3650)]
    public int? ExpiryDays { get; init; }
}

/// <summary><c>set_attribute</c>: writes a built-in or custom field.</summary>
public sealed record SetAttributeSettings : JourneyNodeSettings
{
    [Required, MinLength(1)]
    public string Field { get; init; } = "";

    public JsonNode? Value { get; init; }
}

/// <summary><c>adjust_lead_score</c>: adds (or with a negative number, removes) points, with a reason in the score history.</summary>
public sealed record AdjustLeadScoreSettings : JourneyNodeSettings
{
    [Range(-1000, 1000)]
    public int Points { get; init; }

    public string? Reason { get; init; }
}

public enum JourneyLifecycleStage { Lead = 0, Mql = 1, Sql = 2, Customer = 3, Churned = 4 }

/// <summary><c>set_lifecycle_stage</c>: moves the customer to a stage, logged as a lifecycle change.</summary>
public sealed record SetLifecycleStageSettings : JourneyNodeSettings
{
    [Required]
    public JourneyLifecycleStage Stage { get; init; }
}

/// <summary><c>create_task</c>: a sales task for the customer's owner, due after some days.</summary>
public sealed record CreateTaskSettings : JourneyNodeSettings
{
    [Required, MinLength(1), MaxLength(200)]
    public string Title { get; init; } = "";

    [Range(0, 365)]
    public int DueInDays { get; init; } = 2;

    public string? Details { get; init; }
}

/// <summary><c>notify_owner</c>: a message to the customer's owner (in-app, or email when they have one).</summary>
public sealed record NotifyOwnerSettings : JourneyNodeSettings
{
    [Required, MinLength(1), MaxLength(500)]
    public string Message { get; init; } = "";
}

// ------------------------------------------------------------------ ends

/// <summary>
/// <c>goal</c>: listened to for the whole journey, not reached by edges. A customer who meets the condition, or does
/// the event, exits and counts as converted.
/// </summary>
public sealed record GoalSettings : JourneyNodeSettings
{
    [ConditionReference]
    public JsonNode? Condition { get; init; }

    public string? Event { get; init; }
}

/// <summary><c>exit</c>: the path ends here.</summary>
public sealed record ExitSettings : JourneyNodeSettings;
