using System.Globalization;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Journeys.Definition;
using CustomerStudio.Web.Localization;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace CustomerStudio.Web.Features.Journeys.Designer;

/// <summary>How node kinds, ports and settings read on the canvas and in the panels, in the UI language.</summary>
public sealed class NodeText(IStringLocalizer<SharedResource> l, DesignerCatalog catalog)
{
    public static bool IsZh => CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase);

    public string Kind(JourneyNodeKind kind) => l["JourneyKind_" + JourneyNodeKinds.CodeOf(kind)];

    public string Category(JourneyNodeCategory category) => l["JourneyCategory_" + category];

    /// <summary>A node as the panels name it: its label, else its kind's name.</summary>
    public string Title(DiagramNode node) => string.IsNullOrWhiteSpace(node.Label) ? Kind(node.Kind) : node.Label;

    /// <summary>A node of the diagram by its title; the id of one the diagram no longer has (an instance of an older version).</summary>
    public string Title(JourneyDiagram diagram, string nodeId) => diagram.Node(nodeId) is { } node ? Title(node) : nodeId;

    /// <summary>A port's caption: yes/no, event/timeout, a split variant's label, nothing for the plain "next".</summary>
    public string Port(DiagramNode node, string port) => port switch
    {
        JourneyPorts.Next => "",
        JourneyPorts.Yes or JourneyPorts.No or JourneyPorts.Event or JourneyPorts.Timeout => l["JourneyPort_" + port],
        _ => node.Settings is AbSplitSettings split && split.Variants.FirstOrDefault(v => v.Port == port) is { } v
            ? (string.IsNullOrWhiteSpace(v.Label) ? $"{port.ToUpperInvariant()} {v.Weight}%" : $"{v.Label} {v.Weight}%")
            : port,
    };

    /// <summary>One line saying what the node does, from its settings.</summary>
    public string Summary(DiagramNode node) => node.Settings switch
    {
        SegmentEnteredSettings s => Or(catalog.SegmentName(s.Segment)),
        ScheduledBroadcastSettings s => Or(catalog.SegmentName(s.Segment)) + (s.Cron is { Length: > 0 } ? " · " + s.Cron : s.StartAt is { } at ? " · " + at.Replace('T', ' ') : ""),
        TagChangedSettings s => Or(catalog.TagName(s.Tag)) + (s.Value is { Length: > 0 } ? " = " + catalog.TagValueName(s.Tag, s.Value) : ""),
        TagActionSettings s => Or(catalog.TagName(s.Tag)) + (s.Value is { Length: > 0 } ? " = " + catalog.TagValueName(s.Tag, s.Value) : ""),
        EventReceivedSettings s => Or(s.Event) + (s.Where.Count > 0 ? $" (+{s.Where.Count})" : ""),
        DateBasedSettings s => s.Field.Length == 0 ? Or("") : string.Format(l["JourneySummary_DateBased"], catalog.FieldName(s.Field), s.OffsetDays, s.At),
        WaitSettings s => Duration(s.Duration),
        WaitUntilSettings s => s.Time + (s.Weekdays.Count > 0 ? " · " + string.Join(" ", s.Weekdays.Select(d => (string)l["Weekday_" + d])) : ""),
        WaitForEventSettings s => s.Event.Length == 0 ? Or("") : string.Format(l["JourneySummary_WaitForEvent"], s.Event, Duration(s.Timeout)),
        ConditionSettings s => Condition(s.Condition.ToJsonString()),
        AbSplitSettings s => string.Join(" / ", s.Variants.Select(v => $"{v.Weight}")),
        SendEmailSettings s => Or(catalog.TemplateName(s.Template)),
        SendSmsSettings s => Or(s.Text),
        WebhookSettings s => Or(s.Url),
        SetAttributeSettings s => s.Field.Length == 0 ? Or("") : $"{catalog.FieldName(s.Field)} = {s.Value?.ToJsonString() ?? "∅"}",
        AdjustLeadScoreSettings s => s.Points >= 0 ? $"+{s.Points}" : s.Points.ToString(CultureInfo.InvariantCulture),
        SetLifecycleStageSettings s => l["Stage_" + s.Stage],
        CreateTaskSettings s => Or(s.Title),
        NotifyOwnerSettings s => Or(s.Message),
        GoalSettings s => s.Event is { Length: > 0 } e ? e : s.Condition is { } c ? Condition(c.ToJsonString()) : Or(""),
        _ => "",
    };

    private string Or(string text) => string.IsNullOrWhiteSpace(text) ? l["JourneySummary_NotSet"] : text;

    private string Condition(string json)
    {
        var parsed = ConditionJson.Parse(json);
        return parsed.Ok ? ConditionSentence.Render(parsed.Condition!, catalog.Conditions, CultureInfo.CurrentUICulture) : l["JourneySummary_NotSet"];
    }

    /// <summary>An ISO 8601 duration in words: P3D → 3 天 / 3 days; anything else as written.</summary>
    public string Duration(string? iso)
    {
        if (DurationParts.Parse(iso) is { } d) return string.Format(l["JourneyUnit_" + d.Unit], d.Amount);
        return string.IsNullOrWhiteSpace(iso) ? l["JourneySummary_NotSet"] : iso!;
    }

    public static string Icon(JourneyNodeKind kind) => kind switch
    {
        JourneyNodeKind.SegmentEntered => Icons.Material.Filled.GroupAdd,
        JourneyNodeKind.TagAdded => Icons.Material.Filled.LocalOffer,
        JourneyNodeKind.TagRemoved => Icons.Material.Filled.LabelOff,
        JourneyNodeKind.EventReceived => Icons.Material.Filled.TouchApp,
        JourneyNodeKind.DateBased => Icons.Material.Filled.Event,
        JourneyNodeKind.ScheduledBroadcast => Icons.Material.Filled.Campaign,
        JourneyNodeKind.Manual => Icons.Material.Filled.PanTool,
        JourneyNodeKind.Wait => Icons.Material.Filled.HourglassTop,
        JourneyNodeKind.WaitUntil => Icons.Material.Filled.Schedule,
        JourneyNodeKind.WaitForEvent => Icons.Material.Filled.PendingActions,
        JourneyNodeKind.Condition => Icons.Material.Filled.CallSplit,
        JourneyNodeKind.AbSplit => Icons.Material.Filled.AltRoute,
        JourneyNodeKind.Join => Icons.Material.Filled.MergeType,
        JourneyNodeKind.SendEmail => Icons.Material.Filled.Email,
        JourneyNodeKind.SendSms => Icons.Material.Filled.Sms,
        JourneyNodeKind.Webhook => Icons.Material.Filled.Webhook,
        JourneyNodeKind.AddTag => Icons.Material.Filled.BookmarkAdd,
        JourneyNodeKind.RemoveTag => Icons.Material.Filled.BookmarkRemove,
        JourneyNodeKind.SetAttribute => Icons.Material.Filled.EditNote,
        JourneyNodeKind.AdjustLeadScore => Icons.Material.Filled.TrendingUp,
        JourneyNodeKind.SetLifecycleStage => Icons.Material.Filled.Stairs,
        JourneyNodeKind.CreateTask => Icons.Material.Filled.AddTask,
        JourneyNodeKind.NotifyOwner => Icons.Material.Filled.NotificationsActive,
        JourneyNodeKind.Goal => Icons.Material.Filled.EmojiEvents,
        JourneyNodeKind.Exit => Icons.Material.Filled.Logout,
        _ => Icons.Material.Filled.Circle,
    };

    /// <summary>Cuts text to fit a node: a CJK character counts as two.</summary>
    public static string Fit(string? text, int width)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var used = 0;
        for (var i = 0; i < text.Length; i++)
        {
            used += text[i] > 0x2E80 ? 2 : 1;
            if (used > width) return text[..i] + "…";
        }
        return text;
    }
}

/// <summary>A duration of one unit (minutes, hours, days, weeks), as the wait settings offer it; other ISO durations are kept as text.</summary>
public sealed record DurationParts(int Amount, string Unit)
{
    public static readonly string[] Units = ["Minutes", "Hours", "Days", "Weeks"];

    public static DurationParts? Parse(string? iso)
    {
        var m = System.Text.RegularExpressions.Regex.Match(iso ?? "", @"^P(?:(\d+)W|(\d+)D|T(\d+)H|T(\d+)M)$");
        if (!m.Success) return null;
        for (var g = 1; g <= 4; g++)
            if (m.Groups[g].Success)
                return new DurationParts(int.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture), g switch { 1 => "Weeks", 2 => "Days", 3 => "Hours", _ => "Minutes" });
        return null;
    }

    public string ToIso() => Unit switch
    {
        "Weeks" => $"P{Amount}W",
        "Hours" => $"PT{Amount}H",
        "Minutes" => $"PT{Amount}M",
        _ => $"P{Amount}D",
    };
}
