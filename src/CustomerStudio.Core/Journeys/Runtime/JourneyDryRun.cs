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
/// Where a sample was drawn from: the first trigger's audience (<c>segment</c> members, <c>tag</c> carriers, customers with
/// the <c>event</c>) or <c>all</c> customers; <see cref="Pool"/> customers to draw from; <see cref="FellBack"/> when the
/// trigger's audience was empty or unknown and the sample came from all customers instead.
/// </summary>
public sealed record SampleSource(string Kind, string? Code, int Pool, bool FellBack = false);

/// <summary>One sampled customer's dry run, summed up: how and where it ended, its steps, what it would send.</summary>
public sealed record SampleRun(long CustomerId, string Outcome, string? EndNode, int Steps, int Messages);

/// <summary>How many sampled customers left a node by a port.</summary>
public sealed record SamplePort(string Node, string Port, int Customers);

/// <summary>
/// A dry run over a sample of customers: where they came from, each run, how many ended each way, how many reached
/// each node and left by each port, and how many messages (e-mails, SMS, webhook calls, owner notices) each node would send.
/// </summary>
public sealed record DryRunSample(SampleSource Source, IReadOnlyList<SampleRun> Runs, IReadOnlyDictionary<string, int> Outcomes,
    IReadOnlyDictionary<string, int> Reached, IReadOnlyList<SamplePort> Ports, IReadOnlyDictionary<string, int> Sends);

/// <summary>
/// Runs a (draft) journey for one real customer with simulated time: waits pass instantly, conditions are asked of the
/// customer's real data as of the simulated moment, A/B picks the branch the runtime would, and sends are rendered but
/// never queued. Nothing is written. The same node semantics as <see cref="JourneyEngine"/>: consent, quiet hours and
/// ports; frequency caps count only the messages of this run.
/// </summary>
public sealed class JourneyDryRun(StudioDbContext db, TimeProvider clock)
{
    public const int MaxSteps = 200;

    /// <summary>Most customers in one sample.</summary>
    public const int MaxSample = 200;

    /// <summary>
    /// Draws up to <paramref name="size"/> customers at random from the audience of the journey's first trigger (the
    /// segment's members, the tag's carriers, the customers with the event), or from all customers for date-based and
    /// manual triggers or when that audience is empty.
    /// </summary>
    public async Task<(SampleSource Source, IReadOnlyList<long> CustomerIds)> SampleAsync(JourneyDefinition definition, int size, CancellationToken ct = default)
    {
        size = Math.Clamp(size, 1, MaxSample);
        var trigger = definition.Triggers.FirstOrDefault();
        (string Kind, string? Code, IQueryable<long>? Pool) audience = trigger?.Kind switch
        {
            JourneyNodeKind.SegmentEntered => Segment(trigger.SettingsAs<SegmentEnteredSettings>().Segment),
            JourneyNodeKind.ScheduledBroadcast => Segment(trigger.SettingsAs<ScheduledBroadcastSettings>().Segment),
            JourneyNodeKind.TagAdded or JourneyNodeKind.TagRemoved => Tag(trigger.SettingsAs<TagChangedSettings>().Tag),
            JourneyNodeKind.EventReceived => Event(trigger.SettingsAs<EventReceivedSettings>().Event),
            _ => ("all", null, null),
        };
        var everyone = db.Customers.Where(c => c.MergedIntoId == null).Select(c => c.Id);
        var source = new SampleSource(audience.Kind, audience.Code, 0);
        IQueryable<long> pool;
        if (audience.Pool is { } trigged)
        {
            // Live customers only: a merged-away id has no data of its own any more.
            pool = trigged.Distinct().Where(id => everyone.Contains(id));
            source = source with { Pool = await pool.CountAsync(ct) };
            if (source.Pool == 0) (pool, source) = (everyone, new SampleSource("all", null, 0, FellBack: true));
        }
        else pool = everyone;
        if (source.Kind == "all") source = source with { Pool = await everyone.CountAsync(ct) };
        var ids = await pool.OrderBy(_ => EF.Functions.Random()).Take(size).ToListAsync(ct);
        return (source, ids.Order().ToList());
    }

    private (string, string?, IQueryable<long>?) Segment(string code) =>
        ("segment", code, db.SegmentMemberships.Where(m => db.Segments.Any(s => s.Id == m.SegmentId && s.Code == code)).Select(m => m.CustomerId));

    private (string, string?, IQueryable<long>?) Tag(string code)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return ("tag", code, db.TagAssignments.Where(a => (a.ExpiresAt == null || a.ExpiresAt > now) && db.Tags.Any(t => t.Id == a.TagId && t.Code == code))
            .Select(a => a.CustomerId));
    }

    private (string, string?, IQueryable<long>?) Event(string type) =>
        ("event", type, db.Events.Where(e => e.Type == type).Select(e => e.CustomerId));

    /// <summary>
    /// Runs the journey for a random sample of its audience (<see cref="SampleAsync"/>) with the same simulated time and
    /// events for each, and sums the runs up. Nothing is written or sent.
    /// </summary>
    public async Task<DryRunSample> RunSampleAsync(JourneyDefinition definition, int size, DryRunOptions options, CancellationToken ct = default)
    {
        var (source, ids) = await SampleAsync(definition, size, ct);
        // Every run starts at the same moment, so the sample is a cross-section of one simulated start.
        options = options with { Start = options.Start ?? clock.GetUtcNow().UtcDateTime };
        var runs = new List<SampleRun>(ids.Count);
        var reached = new Dictionary<string, int>(StringComparer.Ordinal);
        var ports = new Dictionary<(string, string), int>();
        var sends = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            var result = await RunAsync(definition, id, options, ct);
            foreach (var node in result.Steps.Select(x => x.NodeId).Distinct()) reached[node] = reached.GetValueOrDefault(node) + 1;
            foreach (var port in result.Steps.Where(x => x.Port is not null).Select(x => (x.NodeId, x.Port!)).Distinct()) ports[port] = ports.GetValueOrDefault(port) + 1;
            foreach (var send in result.Steps.Where(x => x.WouldSendJson is not null)) sends[send.NodeId] = sends.GetValueOrDefault(send.NodeId) + 1;
            runs.Add(new SampleRun(id, result.Outcome, result.Steps.LastOrDefault()?.NodeId, result.Steps.Count, result.Steps.Count(x => x.WouldSendJson is not null)));
        }
        return new DryRunSample(source, runs,
            runs.GroupBy(r => r.Outcome).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()),
            reached, ports.Select(p => new SamplePort(p.Key.Item1, p.Key.Item2, p.Value)).OrderBy(p => p.Node, StringComparer.Ordinal).ThenBy(p => p.Port, StringComparer.Ordinal).ToList(),
            sends);
    }

    public async Task<DryRunResult> RunAsync(JourneyDefinition definition, long customerId, DryRunOptions options, CancellationToken ct = default)
    {
        var steps = new List<DryRunStep>();
        var notes = new List<string>();
        var customer = await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.Id == customerId, ct);
        if (customer is null) return new DryRunResult("failed", steps, [S("NoCustomer", customerId)]);
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
        if (node is null) return new DryRunResult("failed", steps, [S("NoTrigger")]);
        if (options.Events is { Count: > 0 }) notes.Add(S("EventsNoProperties"));
        notes.Add(S("ConditionsNow"));

        void Add(JourneyNode n, string? port, string summary, object? wouldSend = null) =>
            steps.Add(new DryRunStep(n.Id, JourneyNodeKinds.CodeOf(n.Kind), port, t, summary,
                wouldSend is null ? null : JsonSerializer.Serialize(wouldSend, wouldSend.GetType(), JsonSerializerOptions.Web)));

        async Task<bool> ConvertedAsync(DateTime from, DateTime to)
        {
            if (goal is null) return false;
            if (goalEvent is not null && events.Any(e => e.Type == goalEvent && e.At > from && e.At <= to))
            {
                t = events.First(e => e.Type == goalEvent && e.At > from && e.At <= to).At;
                Add(goal, null, S("GoalEvent", goalEvent));
                return true;
            }
            if (goalCondition is not null && (await JourneyEngine.MatchAsync(db, goalCondition, [customerId], to, ct)).Count > 0)
            {
                Add(goal, null, S("GoalCondition"));
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
                    Add(node, port, S("Enters"));
                    break;
                case JourneyNodeKind.Join:
                    Add(node, port, S("Join"));
                    break;
                case JourneyNodeKind.Wait:
                    t += JourneyTime.Duration(node.SettingsAs<WaitSettings>().Duration);
                    Add(node, port, S("Waits", Span(JourneyTime.Duration(node.SettingsAs<WaitSettings>().Duration))));
                    break;
                case JourneyNodeKind.WaitUntil:
                    var until = node.SettingsAs<WaitUntilSettings>();
                    t = JourneyTime.NextLocal(t, JourneyTime.TimeOfDay(until.Time), until.Weekdays, zone);
                    Add(node, port, S("WaitsUntil", until.Time));
                    break;
                case JourneyNodeKind.WaitForEvent:
                    var awaited = node.SettingsAs<WaitForEventSettings>();
                    var deadline = t + JourneyTime.Duration(awaited.Timeout);
                    var hit = events.FirstOrDefault(e => e.Type == awaited.Event && e.At > t && e.At <= deadline);
                    if (hit.Type is not null) { t = hit.At; port = JourneyPorts.Event; Add(node, port, S("EventArrives", awaited.Event)); }
                    else { t = deadline; port = JourneyPorts.Timeout; Add(node, port, S("EventTimeout", awaited.Event, Span(JourneyTime.Duration(awaited.Timeout)))); }
                    break;
                case JourneyNodeKind.Condition:
                    var yes = (await JourneyEngine.MatchAsync(db, node.SettingsAs<ConditionSettings>().Condition, [customerId], t, ct)).Count > 0;
                    port = yes ? JourneyPorts.Yes : JourneyPorts.No;
                    Add(node, port, S(yes ? "ConditionHolds" : "ConditionFails"));
                    break;
                case JourneyNodeKind.AbSplit:
                    port = JourneyTime.Variant(customerId, node.Id, node.SettingsAs<AbSplitSettings>().Variants);
                    Add(node, port, S("Variant", port));
                    break;
                case JourneyNodeKind.SendEmail or JourneyNodeKind.SendSms:
                    var email = node.Kind == JourneyNodeKind.SendEmail;
                    var address = email ? customer.Email : customer.Phone;
                    if ((email ? customer.EmailOptOut : customer.SmsOptOut) || string.IsNullOrWhiteSpace(address))
                    {
                        Add(node, port, S((email ? customer.EmailOptOut : customer.SmsOptOut) ? "SkippedUnsubscribed" : email ? "SkippedNoEmail" : "SkippedNoMobile"));
                        break;
                    }
                    var quiet = MessageRules.QuietUntil(definition, settings, t, zone);
                    if (quiet is { } quietEnd) { t = quietEnd; notes.Add(S("QuietHeld", node.Id)); }
                    var channel = email ? OutboxChannelNames.Email : OutboxChannelNames.Sms;
                    if (MessageRules.Capped(definition, settings, sent, t))
                    {
                        Add(node, port, S("SkippedCap"));
                        break;
                    }
                    if (email)
                    {
                        var code = node.SettingsAs<SendEmailSettings>().Template;
                        var templates = await db.EmailTemplates.AsNoTracking().Where(x => x.Code == code).ToListAsync(ct);
                        var template = templates.FirstOrDefault(x => x.Language == settings.DefaultCulture) ?? templates.FirstOrDefault();
                        if (template is null) return new DryRunResult("failed", steps, [.. notes, S("NoTemplate", node.Id, code)]);
                        Add(node, port, S("WouldEmail", template.Name, address),
                            new EmailPayload(address!, customer.Name, Fill(template.Subject, customer, false), Fill(template.BodyHtml, customer, true)));
                    }
                    else
                        Add(node, port, S("WouldSms", address), new SmsPayload(address!, Fill(node.SettingsAs<SendSmsSettings>().Text, customer, false)));
                    sent.Add((channel, t));
                    break;
                case JourneyNodeKind.Webhook:
                    var hook = node.SettingsAs<WebhookSettings>();
                    Add(node, port, S("WouldCall", hook.Method.ToString().ToUpperInvariant(), hook.Url), new { url = hook.Url, method = hook.Method.ToString().ToUpperInvariant(), payload = hook.Payload });
                    break;
                case JourneyNodeKind.AddTag:
                    Add(node, port, S("WouldAddTag", node.SettingsAs<TagActionSettings>().Tag + Value(node.SettingsAs<TagActionSettings>().Value)));
                    break;
                case JourneyNodeKind.RemoveTag:
                    Add(node, port, S("WouldRemoveTag", node.SettingsAs<TagActionSettings>().Tag + Value(node.SettingsAs<TagActionSettings>().Value)));
                    break;
                case JourneyNodeKind.SetAttribute:
                    Add(node, port, S("WouldSet", node.SettingsAs<SetAttributeSettings>().Field, node.SettingsAs<SetAttributeSettings>().Value?.ToJsonString()));
                    break;
                case JourneyNodeKind.AdjustLeadScore:
                    var points = node.SettingsAs<AdjustLeadScoreSettings>().Points;
                    Add(node, port, S("WouldScore", points.ToString("+0;-0", CultureInfo.InvariantCulture), Math.Max(0, customer.LeadScore + points)));
                    break;
                case JourneyNodeKind.SetLifecycleStage:
                    Add(node, port, S("WouldStage", customer.LifecycleStage, node.SettingsAs<SetLifecycleStageSettings>().Stage));
                    break;
                case JourneyNodeKind.CreateTask:
                    Add(node, port, S("WouldTask", Fill(node.SettingsAs<CreateTaskSettings>().Title, customer, false)));
                    break;
                case JourneyNodeKind.NotifyOwner:
                    Add(node, port, S(customer.OwnerId is null ? "NoOwnerTask" : "WouldNotify"),
                        new { message = Fill(node.SettingsAs<NotifyOwnerSettings>().Message, customer, false), owner = customer.OwnerId });
                    break;
                case JourneyNodeKind.Goal:
                    Add(node, null, S("GoalReached"));
                    return new DryRunResult("converted", steps, notes);
                case JourneyNodeKind.Exit:
                    Add(node, null, S("Exits"));
                    return new DryRunResult("completed", steps, notes);
            }
            if (t > end)
            {
                notes.Add(S("Horizon", node.Id, (end - start).TotalDays.ToString("0", CultureInfo.InvariantCulture)));
                return new DryRunResult("waiting", steps, notes);
            }
            if (t > before && await ConvertedAsync(before, t)) return new DryRunResult("converted", steps, notes);
            var next = port is null ? null : definition.Next(node.Id, port);
            if (next is null)
            {
                notes.Add(S("PortNowhere", node.Id, port));
                return new DryRunResult("completed", steps, notes);
            }
            node = next;
        }
        return new DryRunResult("failed", steps, [.. notes, S("TooManySteps", MaxSteps)]);
    }

    private static readonly System.Resources.ResourceManager Messages = new("CustomerStudio.Core.Journeys.Runtime.DryRunMessages", typeof(JourneyDryRun).Assembly);

    /// <summary>A step or note in the caller's language (the UI's culture, or the API request's).</summary>
    private static string S(string key, params object?[] args)
    {
        var culture = CultureInfo.CurrentUICulture;
        return string.Format(culture, Messages.GetString(key, culture) ?? key, args);
    }

    /// <summary>A wait's length as people say it: "3 d 4 h" / "3 天 4 小时".</summary>
    internal static string Span(TimeSpan span)
    {
        var parts = new List<string>();
        if (span.Days > 0) parts.Add(S("Days", span.Days));
        if (span.Hours > 0) parts.Add(S("Hours", span.Hours));
        if (span.Minutes > 0) parts.Add(S("Minutes", span.Minutes));
        if (span.Seconds > 0 || parts.Count == 0) parts.Add(S("Seconds", span.Seconds));
        return string.Join(" ", parts);
    }

    private static string Value(string? value) => value is null ? "" : $" = {value}";

    private static string Fill(string text, Customers.Customer c, bool html) => MessageText.Fill(text, new MessageText.Fields(c.Id, c.Name, c.City, c.Company, c.Email), html);
}
