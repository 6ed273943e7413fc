namespace CustomerStudio.Core.Journeys.Definition;

/// <summary>Every node kind of the designer's palette; written in snake case in JSON (<c>segment_entered</c>).</summary>
public enum JourneyNodeKind
{
    SegmentEntered, TagAdded, TagRemoved, EventReceived, DateBased, ScheduledBroadcast, Manual,
    Wait, WaitUntil, WaitForEvent, Condition, AbSplit, Join,
    SendEmail, SendSms, Webhook, AddTag, RemoveTag, SetAttribute, AdjustLeadScore, SetLifecycleStage, CreateTask, NotifyOwner,
    Goal, Exit,
}

/// <summary>Where a kind sits in the palette, and what that means for edges.</summary>
public enum JourneyNodeCategory
{
    /// <summary>Starts the journey; nothing leads into it.</summary>
    Trigger,
    /// <summary>Waits, branches and joins.</summary>
    Flow,
    /// <summary>Does something to or for the customer, then continues through <c>next</c>.</summary>
    Action,
    /// <summary>Goal and exit: no output ports.</summary>
    End,
}

/// <summary>What a node kind is: its JSON code, category, settings type and ports.</summary>
public sealed record JourneyNodeKindInfo(JourneyNodeKind Kind, string Code, JourneyNodeCategory Category, Type SettingsType, bool NeedsSettings);

/// <summary>The registry of node kinds: the one place that maps a kind to its settings type and output ports.</summary>
public static class JourneyNodeKinds
{
    private static JourneyNodeKindInfo K<T>(JourneyNodeKind kind, JourneyNodeCategory category, bool needsSettings = true) where T : JourneyNodeSettings =>
        new(kind, System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(kind.ToString()), category, typeof(T), needsSettings);

    public static readonly IReadOnlyList<JourneyNodeKindInfo> All =
    [
        K<SegmentEnteredSettings>(JourneyNodeKind.SegmentEntered, JourneyNodeCategory.Trigger),
        K<TagChangedSettings>(JourneyNodeKind.TagAdded, JourneyNodeCategory.Trigger),
        K<TagChangedSettings>(JourneyNodeKind.TagRemoved, JourneyNodeCategory.Trigger),
        K<EventReceivedSettings>(JourneyNodeKind.EventReceived, JourneyNodeCategory.Trigger),
        K<DateBasedSettings>(JourneyNodeKind.DateBased, JourneyNodeCategory.Trigger),
        K<ScheduledBroadcastSettings>(JourneyNodeKind.ScheduledBroadcast, JourneyNodeCategory.Trigger),
        K<ManualSettings>(JourneyNodeKind.Manual, JourneyNodeCategory.Trigger, needsSettings: false),
        K<WaitSettings>(JourneyNodeKind.Wait, JourneyNodeCategory.Flow),
        K<WaitUntilSettings>(JourneyNodeKind.WaitUntil, JourneyNodeCategory.Flow),
        K<WaitForEventSettings>(JourneyNodeKind.WaitForEvent, JourneyNodeCategory.Flow),
        K<ConditionSettings>(JourneyNodeKind.Condition, JourneyNodeCategory.Flow),
        K<AbSplitSettings>(JourneyNodeKind.AbSplit, JourneyNodeCategory.Flow),
        K<JoinSettings>(JourneyNodeKind.Join, JourneyNodeCategory.Flow, needsSettings: false),
        K<SendEmailSettings>(JourneyNodeKind.SendEmail, JourneyNodeCategory.Action),
        K<SendSmsSettings>(JourneyNodeKind.SendSms, JourneyNodeCategory.Action),
        K<WebhookSettings>(JourneyNodeKind.Webhook, JourneyNodeCategory.Action),
        K<TagActionSettings>(JourneyNodeKind.AddTag, JourneyNodeCategory.Action),
        K<TagActionSettings>(JourneyNodeKind.RemoveTag, JourneyNodeCategory.Action),
        K<SetAttributeSettings>(JourneyNodeKind.SetAttribute, JourneyNodeCategory.Action),
        K<AdjustLeadScoreSettings>(JourneyNodeKind.AdjustLeadScore, JourneyNodeCategory.Action),
        K<SetLifecycleStageSettings>(JourneyNodeKind.SetLifecycleStage, JourneyNodeCategory.Action),
        K<CreateTaskSettings>(JourneyNodeKind.CreateTask, JourneyNodeCategory.Action),
        K<NotifyOwnerSettings>(JourneyNodeKind.NotifyOwner, JourneyNodeCategory.Action),
        K<GoalSettings>(JourneyNodeKind.Goal, JourneyNodeCategory.End),
        K<ExitSettings>(JourneyNodeKind.Exit, JourneyNodeCategory.End, needsSettings: false),
    ];

    private static readonly Dictionary<JourneyNodeKind, JourneyNodeKindInfo> ByKind = All.ToDictionary(k => k.Kind);
    private static readonly Dictionary<string, JourneyNodeKindInfo> ByCode = All.ToDictionary(k => k.Code, StringComparer.Ordinal);

    public static JourneyNodeKindInfo Of(JourneyNodeKind kind) => ByKind[kind];

    public static JourneyNodeKindInfo? Find(string? code) => code is not null && ByCode.TryGetValue(code, out var info) ? info : null;

    public static string CodeOf(JourneyNodeKind kind) => ByKind[kind].Code;

    public static JourneyNodeCategory CategoryOf(JourneyNodeKind kind) => ByKind[kind].Category;

    public static Type SettingsType(JourneyNodeKind kind) => ByKind[kind].SettingsType;

    /// <summary>The output ports of a node of this kind with these settings.</summary>
    public static IReadOnlyList<string> PortsOf(JourneyNodeKind kind, JourneyNodeSettings? settings) => kind switch
    {
        JourneyNodeKind.Condition => [JourneyPorts.Yes, JourneyPorts.No],
        JourneyNodeKind.WaitForEvent => [JourneyPorts.Event, JourneyPorts.Timeout],
        JourneyNodeKind.AbSplit => (settings as AbSplitSettings)?.Variants.Select(v => v.Port).ToList() ?? [],
        JourneyNodeKind.Goal or JourneyNodeKind.Exit => [],
        _ => [JourneyPorts.Next],
    };
}
