using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CustomerStudio.Core.Journeys.Definition;

/// <summary>
/// A journey as the designer draws it: nodes (triggers, flow, actions, goal and exit) joined by edges from a node's
/// named output port to another node. This is the JSON stored in <see cref="Journey.DraftJson"/> and
/// <see cref="JourneyVersion.DefinitionJson"/>, independent of the engine that runs it. Read it with
/// <see cref="JourneyDefinitionJson.Parse(string?, JourneyChecks?)"/> (which validates); the published schema is
/// docs/schemas/journey.schema.json.
/// </summary>
public sealed record JourneyDefinition
{
    public const string CurrentSchemaVersion = "1.0";

    /// <summary>Version of this shape; older versions are migrated forward when read.</summary>
    [Required]
    public string SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>Who may enter and how often.</summary>
    public JourneyEntryRules Entry { get; init; } = new();

    /// <summary>Frequency caps and quiet hours for the messages this journey sends.</summary>
    public JourneyMessageRules Messages { get; init; } = new();

    /// <summary>The nodes; ids are unique within the journey.</summary>
    [Required]
    public IReadOnlyList<JourneyNode> Nodes { get; init; } = [];

    /// <summary>Connections from a node's output port to the next node.</summary>
    [Required]
    public IReadOnlyList<JourneyEdge> Edges { get; init; } = [];

    public JourneyNode? Node(string id) => Nodes.FirstOrDefault(n => n.Id == id);

    /// <summary>The node an output port leads to, if it is connected.</summary>
    public JourneyNode? Next(string nodeId, string port) =>
        Edges.FirstOrDefault(e => e.From == nodeId && e.Port == port) is { } edge ? Node(edge.To) : null;

    [JsonIgnore]
    public IEnumerable<JourneyNode> Triggers => Nodes.Where(n => n.Category == JourneyNodeCategory.Trigger);

    public string ToJson() => JsonSerializer.Serialize(this, JourneyDefinitionJson.Options);
}

/// <summary>How often one customer may enter the journey.</summary>
public enum EntryMode
{
    /// <summary>Once ever.</summary>
    Once = 0,
    /// <summary>Again once the previous run ended at least <see cref="JourneyEntryRules.Cooldown"/> ago.</summary>
    AfterCooldown = 1,
    /// <summary>Any time a trigger fires, even while already in the journey.</summary>
    Concurrent = 2,
}

public sealed record JourneyEntryRules
{
    public EntryMode Mode { get; init; } = EntryMode.Once;

    /// <summary>ISO 8601 duration (P30D) required with <see cref="EntryMode.AfterCooldown"/>.</summary>
    [RegularExpression(JourneyPatterns.Duration)]
    public string? Cooldown { get; init; }
}

/// <summary>Limits on the messages (email, SMS) the journey sends; consent and unsubscribes are always respected.</summary>
public sealed record JourneyMessageRules
{
    /// <summary>Caps per customer, counted across all journeys (e.g. at most 2 messages a day).</summary>
    public IReadOnlyList<FrequencyCap> FrequencyCaps { get; init; } = [];

    /// <summary>No message is sent inside these hours (workspace time zone); it waits until they end.</summary>
    public QuietHours? QuietHours { get; init; }

    /// <summary>When true, the workspace's quiet hours and daily cap apply in addition to the ones above.</summary>
    public bool UseWorkspaceLimits { get; init; } = true;
}

public enum MessageChannel { Any = 0, Email = 1, Sms = 2 }

/// <summary>At most <see cref="Max"/> messages on <see cref="Channel"/> per <see cref="Per"/> window per customer.</summary>
public sealed record FrequencyCap
{
    public MessageChannel Channel { get; init; } = MessageChannel.Any;

    [Range(1, 1000)]
    public int Max { get; init; } = 1;

    /// <summary>ISO 8601 duration such as P1D or P7D.</summary>
    [Required, RegularExpression(JourneyPatterns.Duration)]
    public string Per { get; init; } = "P1D";
}

/// <summary>Local times <c>HH:mm</c>; a start after the end spans midnight (21:00–08:00).</summary>
public sealed record QuietHours
{
    [Required, RegularExpression(JourneyPatterns.TimeOfDay)]
    public string Start { get; init; } = "21:00";

    [Required, RegularExpression(JourneyPatterns.TimeOfDay)]
    public string End { get; init; } = "08:00";
}

/// <summary>
/// One node of the canvas. Its <see cref="Kind"/> decides the type of <see cref="Settings"/> and its output ports
/// (<see cref="OutputPorts"/>); see <see cref="JourneyNodeKinds"/>.
/// </summary>
[JsonConverter(typeof(JourneyNodeJsonConverter))]
public sealed record JourneyNode
{
    /// <summary>Unique within the journey; step logs and outbox keys refer to it, so it never changes once published.</summary>
    [Required, RegularExpression(JourneyPatterns.NodeId)]
    public string Id { get; init; } = "";

    [Required]
    public JourneyNodeKind Kind { get; init; }

    /// <summary>Caption on the canvas.</summary>
    [MaxLength(200)]
    public string? Label { get; init; }

    /// <summary>Settings of the kind's type (<see cref="JourneyNodeKinds.SettingsType"/>); kinds without settings take an empty object.</summary>
    public JourneyNodeSettings? Settings { get; init; }

    /// <summary>Top-left corner on the canvas, in canvas units; absent means "lay me out".</summary>
    public CanvasPosition? Position { get; init; }

    [JsonIgnore]
    public JourneyNodeCategory Category => JourneyNodeKinds.CategoryOf(Kind);

    /// <summary>The named ports this node leaves through: <c>next</c>, <c>yes</c>/<c>no</c>, <c>event</c>/<c>timeout</c>, A/B variants; none for goal and exit.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> OutputPorts => JourneyNodeKinds.PortsOf(Kind, Settings);

    /// <summary>The settings as their type, or a new default when the node has none.</summary>
    public T SettingsAs<T>() where T : JourneyNodeSettings, new() => Settings as T ?? new T();
}

public sealed record CanvasPosition(double X, double Y);

/// <summary>An edge: leaving <see cref="From"/> through <see cref="Port"/> continues at <see cref="To"/>.</summary>
public sealed record JourneyEdge
{
    [Required, RegularExpression(JourneyPatterns.NodeId)]
    public string From { get; init; } = "";

    [Required, RegularExpression(JourneyPatterns.Port)]
    public string Port { get; init; } = JourneyPorts.Next;

    [Required, RegularExpression(JourneyPatterns.NodeId)]
    public string To { get; init; } = "";
}

public static class JourneyPorts
{
    public const string Next = "next";
    public const string Yes = "yes";
    public const string No = "no";
    public const string Event = "event";
    public const string Timeout = "timeout";
}

internal static class JourneyPatterns
{
    public const string NodeId = "^[A-Za-z][A-Za-z0-9_-]{0,63}$";
    public const string Port = "^[a-z][a-z0-9_]{0,31}$";
    public const string Code = "^[a-z][a-z0-9_]{1,63}$";
    public const string Duration = @"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$";
    public const string TimeOfDay = "^([01][0-9]|2[0-3]):[0-5][0-9]$";
}
