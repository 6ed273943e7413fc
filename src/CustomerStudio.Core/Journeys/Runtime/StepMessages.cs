namespace CustomerStudio.Core.Journeys.Runtime;

/// <summary>
/// What the runtime writes in an instance's step log (<c>JourneyStepLog.Message</c>): stable English phrases, stored as
/// written so logs stay readable in the database, and turned into the reader's language by their <see cref="Code"/>.
/// Anything else in a step (an exception's message when a node failed) is shown as stored.
/// </summary>
public static class StepMessages
{
    public const string Waiting = "waiting";
    public const string Queued = "queued";
    public const string QuietHours = "deferred: quiet hours";
    public const string Unsubscribed = "skipped: unsubscribed";
    public const string NoEmail = "skipped: no e-mail address";
    public const string NoMobile = "skipped: no mobile number";
    public const string FrequencyCap = "skipped: frequency cap";
    public const string OwnerNotified = "owner notified";
    public const string NoOwner = "no owner: task created unassigned";
    public const string OwnerNoEmail = "owner has no e-mail: task created";
    public const string GoalReached = "goal reached";
    public const string GoalConditionMet = "goal condition met";
    public const string CustomerGone = "customer no longer exists";
    public const string EventArrived = "event arrived";
    public const string AlreadyAtStage = "already at this stage";
    private const string GoalEventPrefix = "goal event ";

    private static readonly Dictionary<string, string> Codes = new(StringComparer.Ordinal)
    {
        [Waiting] = "waiting", [Queued] = "queued", [QuietHours] = "quiet_hours", [Unsubscribed] = "unsubscribed", [NoEmail] = "no_email",
        [NoMobile] = "no_mobile", [FrequencyCap] = "frequency_cap", [OwnerNotified] = "owner_notified", [NoOwner] = "no_owner",
        [OwnerNoEmail] = "owner_no_email", [GoalReached] = "goal_reached", [GoalConditionMet] = "goal_condition", [CustomerGone] = "customer_gone",
        [EventArrived] = "event_arrived", [AlreadyAtStage] = "already_at_stage",
    };

    /// <summary>The step for a goal reached by an event of the type.</summary>
    public static string GoalEvent(string type) => GoalEventPrefix + type;

    /// <summary>Every code <see cref="Code"/> can give (for resource checks).</summary>
    public static IEnumerable<string> AllCodes => Codes.Values.Append("goal_event");

    /// <summary>
    /// The message's code and argument (<c>("goal_event", "contract_signed")</c>), or null for free text such as an error.
    /// </summary>
    public static (string Code, string? Argument)? Code(string? message) =>
        message is null ? null
        : Codes.TryGetValue(message, out var code) ? (code, null)
        : message.StartsWith(GoalEventPrefix, StringComparison.Ordinal) ? ("goal_event", message[GoalEventPrefix.Length..])
        : null;
}
