using System.Globalization;
using System.Net;
using System.Text.Json;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Journeys.Definition;
using CustomerStudio.Core.Workspace;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Core.Journeys.Runtime;

/// <summary>An event the dry run pretends the customer does, <see cref="After"/> the start.</summary>
public sealed record SimulatedEvent(string Type, TimeSpan After);

/// <summary>Where and how long to simulate: start (now when left out), horizon (30 days), events to pretend.</summary>
public sealed record DryRunOptions(DateTime? Start = null, TimeSpan? Horizon = null, IReadOnlyList<SimulatedEvent>? Events = null);

/// <summary>One step of the simulated path: the node, the port taken, the simulated time, what happened, and what would be sent (JSON).</summary>
public sealed record DryRunStep(string NodeId, string Kind, string? Port, DateTime At, string Summary, string? WouldSendJson);

/// <summary>The simulated path and how it ended: completed, converted, waiting (past the horizon), skipped (entry rules), failed.</summary>
public sealed record DryRunResult(string Outcome, IReadOnlyList<DryRunStep> Steps, IReadOnlyList<string> Notes);

/// <summary>
/// Runs a (draft) journey for one real customer with simulated time: waits pass instantly, conditions are asked of the
/// customer's real data as of the simulated moment, A/B picks the branch the runtime would, and sends are rendered but
/// never queued. Nothing is written. The same node semantics as <see cref="JourneyEngine"/>: consent, quiet hours and
/// ports; frequency caps count only the messages of this run.
/// </summary>
public sealed class JourneyDryRun(StudioDbContext db, TimeProvider clock)
{
    public const int MaxSteps = 200;

    public async Task<DryRunResult> RunAsync(JourneyDefinition definition, long customerId, DryRunOptions options, CancellationToken ct = default)
    {
        var steps = new List<DryRunStep>();
        var notes = new List<string>();
        var customer = await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.Id == customerId, ct);
        if (customer is null) return new DryRunResult("failed", steps, [$"customer {customerId} does not exist"]);
        var settings = await db.WorkspaceSettings.AsNoTracking().FirstOrDefaultAsync(ct) ?? new WorkspaceSettings();
        var zone = WorkspaceTimeZone.Resolve(settings.TimeZone);
        var start = options.Start ?? clock.GetUtcNow().UtcDateTime;
        var end = start + (options.Horizon ?? TimeSpan.FromDays(30));
        var events = (options.Events ?? []).Select(e => (e.Type, At: start + e.After)).OrderBy(e => e.At).ToList();
        var t = start;
        var sent = new List<(string Channel, DateTime At)>();
        var goal = definition.Nodes.FirstOrDefault(n => n.Kind == JourneyNodeKind.Goal);
        var goalEvent = goal?.SettingsAs<GoalSettings>().Event;
        var goalCondition = goal?.SettingsAs<GoalSettings>().Condition;

        var node = definition.Triggers.FirstOrDefault();
        if (node is null) return new DryRunResult("failed", steps, ["the journey has no trigger"]);
        if (options.Events is { Count: > 0 }) notes.Add("simulated events carry no properties: property filters are not checked");
        notes.Add("conditions read the customer's data as it is now, evaluated at each simulated moment");

        void Add(JourneyNode n, string? port, string summary, object? wouldSend = null) =>
            steps.Add(new DryRunStep(n.Id, JourneyNodeKinds.CodeOf(n.Kind), port, t, summary,
                wouldSend is null ? null : JsonSerializer.Serialize(wouldSend, wouldSend.GetType(), JsonSerializerOptions.Web)));

        async Task<bool> ConvertedAsync(DateTime from, DateTime to)
        {
            if (goal is null) return false;
            if (goalEvent is not null && events.Any(e => e.Type == goalEvent && e.At > from && e.At <= to))
            {
                t = events.First(e => e.Type == goalEvent && e.At > from && e.At <= to).At;
                Add(goal, null, $"goal: {goalEvent}");
                return true;
            }
            if (goalCondition is not null && (await JourneyEngine.MatchAsync(db, goalCondition, [customerId], to, ct)).Count > 0)
            {
                Add(goal, null, "goal condition met");
                return true;
            }
            return false;
        }

        if (await ConvertedAsync(DateTime.MinValue, t)) return new DryRunResult("converted", steps, notes);
        for (var i = 0; i < MaxSteps && node is not null; i++)
        {
            string? port = JourneyPorts.Next;
            var before = t;
            switch (node.Kind)
            {
                case JourneyNodeKind.SegmentEntered or JourneyNodeKind.TagAdded or JourneyNodeKind.TagRemoved or JourneyNodeKind.EventReceived
                    or JourneyNodeKind.DateBased or JourneyNodeKind.ScheduledBroadcast or JourneyNodeKind.Manual:
                    Add(node, port, "enters the journey");
                    break;
                case JourneyNodeKind.Join:
                    Add(node, port, "paths join");
                    break;
                case JourneyNodeKind.Wait:
                    t += JourneyTime.Duration(node.SettingsAs<WaitSettings>().Duration);
                    Add(node, port, $"waits {node.SettingsAs<WaitSettings>().Duration}");
                    break;
                case JourneyNodeKind.WaitUntil:
                    var until = node.SettingsAs<WaitUntilSettings>();
                    t = JourneyTime.NextLocal(t, JourneyTime.TimeOfDay(until.Time), until.Weekdays, zone);
                    Add(node, port, $"waits until {until.Time}");
                    break;
                case JourneyNodeKind.WaitForEvent:
                    var awaited = node.SettingsAs<WaitForEventSettings>();
                    var deadline = t + JourneyTime.Duration(awaited.Timeout);
                    var hit = events.FirstOrDefault(e => e.Type == awaited.Event && e.At > t && e.At <= deadline);
                    if (hit.Type is not null) { t = hit.At; port = JourneyPorts.Event; Add(node, port, $"{awaited.Event} arrives"); }
                    else { t = deadline; port = JourneyPorts.Timeout; Add(node, port, $"no {awaited.Event} within {awaited.Timeout}"); }
                    break;
                case JourneyNodeKind.Condition:
                    var yes = (await JourneyEngine.MatchAsync(db, node.SettingsAs<ConditionSettings>().Condition, [customerId], t, ct)).Count > 0;
                    port = yes ? JourneyPorts.Yes : JourneyPorts.No;
                    Add(node, port, yes ? "condition holds" : "condition does not hold");
                    break;
                case JourneyNodeKind.AbSplit:
                    port = JourneyTime.Variant(customerId, node.Id, node.SettingsAs<AbSplitSettings>().Variants);
                    Add(node, port, $"variant {port}");
                    break;
                case JourneyNodeKind.SendEmail or JourneyNodeKind.SendSms:
                    var email = node.Kind == JourneyNodeKind.SendEmail;
                    var address = email ? customer.Email : customer.Phone;
                    if ((email ? customer.EmailOptOut : customer.SmsOptOut) || string.IsNullOrWhiteSpace(address))
                    {
                        Add(node, port, (email ? customer.EmailOptOut : customer.SmsOptOut) ? "skipped: unsubscribed" : "skipped: no " + (email ? "e-mail address" : "mobile number"));
                        break;
                    }
                    var quiet = MessageRules.QuietUntil(definition, settings, t, zone);
                    if (quiet is { } quietEnd) { t = quietEnd; notes.Add($"{node.Id}: held until the quiet hours end"); }
                    var channel = email ? OutboxChannelNames.Email : OutboxChannelNames.Sms;
                    if (MessageRules.Capped(definition, settings, sent, t))
                    {
                        Add(node, port, "skipped: frequency cap");
                        break;
                    }
                    if (email)
                    {
                        var code = node.SettingsAs<SendEmailSettings>().Template;
                        var templates = await db.EmailTemplates.AsNoTracking().Where(x => x.Code == code).ToListAsync(ct);
                        var template = templates.FirstOrDefault(x => x.Language == settings.DefaultCulture) ?? templates.FirstOrDefault();
                        if (template is null) return new DryRunResult("failed", steps, [.. notes, $"{node.Id}: e-mail template '{code}' does not exist"]);
                        Add(node, port, $"would send e-mail '{template.Name}' to {address}",
                            new EmailPayload(address!, customer.Name, Fill(template.Subject, customer, false), Fill(template.BodyHtml, customer, true)));
                    }
                    else
                        Add(node, port, $"would send a text to {address}", new SmsPayload(address!, Fill(node.SettingsAs<SendSmsSettings>().Text, customer, false)));
                    sent.Add((channel, t));
                    break;
                case JourneyNodeKind.Webhook:
                    var hook = node.SettingsAs<WebhookSettings>();
                    Add(node, port, $"would call {hook.Method.ToString().ToUpperInvariant()} {hook.Url}", new { url = hook.Url, method = hook.Method.ToString().ToUpperInvariant(), payload = hook.Payload });
                    break;
                case JourneyNodeKind.AddTag:
                    Add(node, port, $"would add tag {node.SettingsAs<TagActionSettings>().Tag}{Value(node.SettingsAs<TagActionSettings>().Value)}");
                    break;
                case JourneyNodeKind.RemoveTag:
                    Add(node, port, $"would remove tag {node.SettingsAs<TagActionSettings>().Tag}{Value(node.SettingsAs<TagActionSettings>().Value)}");
                    break;
                case JourneyNodeKind.SetAttribute:
                    Add(node, port, $"would set {node.SettingsAs<SetAttributeSettings>().Field} = {node.SettingsAs<SetAttributeSettings>().Value?.ToJsonString()}");
                    break;
                case JourneyNodeKind.AdjustLeadScore:
                    var points = node.SettingsAs<AdjustLeadScoreSettings>().Points;
                    Add(node, port, $"would change the lead score by {points:+0;-0} (to {Math.Max(0, customer.LeadScore + points)})");
                    break;
                case JourneyNodeKind.SetLifecycleStage:
                    Add(node, port, $"would move the stage {customer.LifecycleStage} → {node.SettingsAs<SetLifecycleStageSettings>().Stage}");
                    break;
                case JourneyNodeKind.CreateTask:
                    Add(node, port, $"would create the task '{Fill(node.SettingsAs<CreateTaskSettings>().Title, customer, false)}' for the owner");
                    break;
                case JourneyNodeKind.NotifyOwner:
                    Add(node, port, customer.OwnerId is null ? "no owner: would create an unassigned task" : "would notify the owner",
                        new { message = Fill(node.SettingsAs<NotifyOwnerSettings>().Message, customer, false), owner = customer.OwnerId });
                    break;
                case JourneyNodeKind.Goal:
                    Add(node, null, "goal reached");
                    return new DryRunResult("converted", steps, notes);
                case JourneyNodeKind.Exit:
                    Add(node, null, "exits");
                    return new DryRunResult("completed", steps, notes);
            }
            if (t > end)
            {
                notes.Add($"still at {node.Id} when the {(end - start).TotalDays:0}-day horizon ends");
                return new DryRunResult("waiting", steps, notes);
            }
            if (t > before && await ConvertedAsync(before, t)) return new DryRunResult("converted", steps, notes);
            var next = port is null ? null : definition.Next(node.Id, port);
            if (next is null)
            {
                notes.Add($"{node.Id}: port '{port}' leads nowhere");
                return new DryRunResult("completed", steps, notes);
            }
            node = next;
        }
        return new DryRunResult("failed", steps, [.. notes, $"more than {MaxSteps} steps"]);
    }

    private static string Value(string? value) => value is null ? "" : $" = {value}";

    private static string Fill(string text, Customers.Customer c, bool html) => MessageText.Fill(text, new MessageText.Fields(c.Id, c.Name, c.City, c.Company, c.Email), html);
}
