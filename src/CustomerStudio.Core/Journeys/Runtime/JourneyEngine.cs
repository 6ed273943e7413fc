using System.Collections.Concurrent;
using System.Globalization;
using System.Linq.Expressions;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Journeys.Definition;
using CustomerStudio.Core.Scoring;
using CustomerStudio.Core.Security;
using CustomerStudio.Core.Tags;
using CustomerStudio.Core.Templates;
using CustomerStudio.Core.Workspace;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CustomerStudio.Core.Journeys.Runtime;

/// <summary>
/// The journey interpreter. It takes a batch of due instances (claimed with a lease, so no two nodes hold the same
/// instance), walks each through its version's graph until it reaches a wait or an end, and writes everything the batch
/// did — instance state, step log, outbox messages, tags, attributes, scores, tasks — in one transaction. A crash before
/// the commit leaves nothing; the claim then expires and the batch is done again. The instance's
/// <see cref="JourneyInstance.Revision"/> is a concurrency token and part of every outbox key, so a batch that lost its
/// claim cannot commit and a side effect is written once per visit of a node.
/// Nodes of a kind are executed together where the database does the work (conditions, tags).
/// </summary>
public sealed class JourneyEngine(IDbContextFactory<StudioDbContext> dbs, TimeProvider clock, ILogger<JourneyEngine> log, JourneyRuntimeOptions? options = null)
{
    /// <summary>How long a claimed batch is ours; a node that dies holds its instances this long (<c>Journeys:LeaseSeconds</c>).</summary>
    public TimeSpan Lease { get; } = TimeSpan.FromSeconds(options?.LeaseSeconds ?? 120);
    /// <summary>Most nodes one instance passes in one batch; a graph without waits in a loop is refused at publish, this is the backstop.</summary>
    public const int MaxStepsPerRun = 64;

    /// <summary>Published versions are immutable: parsed once per database and version.</summary>
    private static readonly ConcurrentDictionary<(string?, int), JourneyDefinition> Definitions = new();

    /// <summary>Advances batches of due instances until none is due or <paramref name="budget"/> is spent; returns the steps taken.</summary>
    public async Task<int> DrainAsync(TimeSpan budget, int batchSize = 500, CancellationToken ct = default)
    {
        var started = clock.GetTimestamp();
        var steps = 0;
        while (!ct.IsCancellationRequested && clock.GetElapsedTime(started) < budget)
        {
            var (instances, taken) = await AdvanceDueAsync(batchSize, ct);
            steps += taken;
            if (instances < batchSize) break;
        }
        return steps;
    }

    /// <summary>Claims up to <paramref name="batchSize"/> due instances of published journeys and advances them; returns (instances, steps).</summary>
    public async Task<(int Instances, int Steps)> AdvanceDueAsync(int batchSize = 500, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var candidates = await (from i in db.JourneyInstances
                                join j in db.Journeys on i.JourneyId equals j.Id
                                where (i.Status == InstanceStatus.Running || i.Status == InstanceStatus.Waiting) && i.WakeAt <= now
                                      && (i.ClaimedUntil == null || i.ClaimedUntil < now) && j.Status == JourneyStatus.Published
                                orderby i.WakeAt
                                select i.Id).Take(batchSize).ToListAsync(ct);
        if (candidates.Count == 0) return (0, 0);
        var token = OutboxDispatcher.ClaimToken();
        var until = now + Lease;
        // The claim re-checks that each instance is still due: another node may have advanced it since it was read.
        // Id lists go as one collection parameter: EF Core 10 would send one parameter per id, each bound by name.
        await db.JourneyInstances.Where(i => EF.Parameter(candidates).Contains(i.Id) && (i.ClaimedUntil == null || i.ClaimedUntil < now)
                                             && (i.Status == InstanceStatus.Running || i.Status == InstanceStatus.Waiting) && i.WakeAt <= now)
            .ExecuteUpdateAsync(u => u.SetProperty(i => i.ClaimedBy, token).SetProperty(i => i.ClaimedUntil, until), ct);
        var instances = await db.JourneyInstances.AsNoTracking().Where(i => EF.Parameter(candidates).Contains(i.Id) && i.ClaimedBy == token).ToListAsync(ct);
        if (instances.Count == 0) return (0, 0);
        var steps = await RunAsync(db, instances, now, ct);
        if (steps == 0)
        {
            // Rolled back (an instance changed under us): let go of the claims at once rather than at the end of the lease.
            await using var release = await dbs.CreateDbContextAsync(ct);
            await release.JourneyInstances.Where(i => i.ClaimedBy == token)
                .ExecuteUpdateAsync(u => u.SetProperty(i => i.ClaimedBy, (string?)null).SetProperty(i => i.ClaimedUntil, (DateTime?)null), ct);
        }
        return (instances.Count, steps);
    }

    /// <summary>The definition of a published version (immutable, so cached for the life of the process).</summary>
    public static async Task<JourneyDefinition> DefinitionAsync(StudioDbContext db, int versionId, CancellationToken ct)
    {
        var key = (db.Database.GetConnectionString(), versionId);
        if (Definitions.TryGetValue(key, out var cached)) return cached;
        var json = await db.JourneyVersions.AsNoTracking().Where(v => v.Id == versionId).Select(v => v.DefinitionJson).FirstAsync(ct);
        return Definitions.GetOrAdd(key, JourneyDefinitionJson.Read(json));
    }

    // ------------------------------------------------------------------ one batch

    private sealed class Walk(JourneyInstance instance, JourneyDefinition definition, string journeyCode)
    {
        public JourneyInstance Instance { get; } = instance;
        public JourneyDefinition Definition { get; } = definition;
        public string JourneyCode { get; } = journeyCode;
        public JourneyNode? Node { get; set; }
        public int Steps { get; set; }
        public bool Stopped { get; set; }
    }

    private sealed record Person(long Id, string? Name, string? Email, string? Phone, string? City, string? Company, bool EmailOptOut, bool SmsOptOut,
        string? OwnerId, LifecycleStage Stage, int LeadScore, long? MergedIntoId);

    private sealed class Batch(StudioDbContext db, DateTime now, TimeZoneInfo zone, WorkspaceSettings settings)
    {
        public StudioDbContext Db { get; } = db;
        public DateTime Now { get; } = now;
        public TimeZoneInfo Zone { get; } = zone;
        public WorkspaceSettings Settings { get; } = settings;
        public Dictionary<long, Person> People { get; set; } = [];
        public List<JourneyStepLog> Log { get; } = [];
        public List<OutboxMessage> Outbox { get; } = [];
        /// <summary>Messages per customer already counted against caps: (channel, created).</summary>
        public Dictionary<long, List<(string Channel, DateTime At)>> Sent { get; set; } = [];
        public Dictionary<string, EmailTemplate?> Templates { get; } = [];
        public Dictionary<string, string?> OwnerEmails { get; } = [];
    }

    private async Task<int> RunAsync(StudioDbContext db, List<JourneyInstance> instances, DateTime now, CancellationToken ct)
    {
        var settings = await db.WorkspaceSettings.AsNoTracking().FirstOrDefaultAsync(ct) ?? new WorkspaceSettings();
        var batch = new Batch(db, now, WorkspaceTimeZone.Resolve(settings.TimeZone), settings);
        var journeyIds = instances.Select(i => i.JourneyId).Distinct().ToList();
        var codes = await db.Journeys.AsNoTracking().Where(j => journeyIds.Contains(j.Id)).ToDictionaryAsync(j => j.Id, j => j.Code, ct);
        var customerIds = instances.Select(i => i.CustomerId).Distinct().ToList();
        batch.People = await db.Customers.AsNoTracking().Where(c => EF.Parameter(customerIds).Contains(c.Id))
            .Select(c => new Person(c.Id, c.Name, c.Email, c.Phone, c.City, c.Company, c.EmailOptOut, c.SmsOptOut, c.OwnerId, c.LifecycleStage, c.LeadScore, c.MergedIntoId))
            .ToDictionaryAsync(p => p.Id, ct);

        // Everything the batch does is one transaction: node actions write as they go (tags, scores), the state at the end.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        try
        {
            var revisions = instances.ToDictionary(i => i.Id, i => i.Revision);
            var steps = await WalkAsync(batch, instances, codes, ct);
            await db.SaveChangesAsync(ct);
            // Instances are written explicitly (not tracked: the node helpers clear the change tracker), each only if
            // nobody changed it since it was read — else the whole batch rolls back. Instances leaving the batch in the
            // same state (most of a batch) are written by one UPDATE, which must write every one of them.
            foreach (var group in instances.GroupBy(i => new WrittenState(i.Status, i.CurrentNodeId, i.WakeAt, i.AwaitedEvent, i.ResumePort, i.LastError,
                         i.StateJson, i.EndedAt, i.UpdatedAt, i.Revision, revisions[i.Id])))
            {
                var w = group.Key;
                var ids = group.Select(i => i.Id).ToList();
                var written = await db.JourneyInstances.Where(x => EF.Parameter(ids).Contains(x.Id) && x.Revision == w.ReadRevision).ExecuteUpdateAsync(u => u
                    .SetProperty(x => x.Status, w.Status).SetProperty(x => x.CurrentNodeId, w.CurrentNodeId).SetProperty(x => x.WakeAt, w.WakeAt)
                    .SetProperty(x => x.AwaitedEvent, w.AwaitedEvent).SetProperty(x => x.ResumePort, w.ResumePort).SetProperty(x => x.LastError, w.LastError)
                    .SetProperty(x => x.StateJson, w.StateJson).SetProperty(x => x.EndedAt, w.EndedAt).SetProperty(x => x.UpdatedAt, w.UpdatedAt)
                    .SetProperty(x => x.Revision, w.Revision).SetProperty(x => x.ClaimedBy, (string?)null).SetProperty(x => x.ClaimedUntil, (DateTime?)null), ct);
                if (written != ids.Count) throw new DbUpdateConcurrencyException($"{ids.Count - written} of {ids.Count} journey instances changed during the run");
            }
            await ModelBulkInsert.InsertAsync(db, transaction, batch.Log, ct);
            await ModelBulkInsert.InsertAsync(db, transaction, batch.Outbox, ct);
            await transaction.CommitAsync(ct);
            return steps;
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another node took these instances over after our lease ran out: its run wins, ours leaves no trace.
            await transaction.RollbackAsync(ct);
            log.LogWarning("A journey batch of {Count} instances lost its claim and was rolled back", instances.Count);
            return 0;
        }
    }

    /// <summary>What the end of a batch writes to an instance, and the revision it was read at.</summary>
    private readonly record struct WrittenState(InstanceStatus Status, string? CurrentNodeId, DateTime? WakeAt, string? AwaitedEvent, string? ResumePort,
        string? LastError, string? StateJson, DateTime? EndedAt, DateTime UpdatedAt, int Revision, int ReadRevision);

    private async Task<int> WalkAsync(Batch batch, List<JourneyInstance> instances, Dictionary<int, string> codes, CancellationToken ct)
    {
        var db = batch.Db;
        var now = batch.Now;
        var walks = new List<Walk>();
        foreach (var instance in instances)
        {
            var walk = new Walk(instance, await DefinitionAsync(db, instance.JourneyVersionId, ct), codes.GetValueOrDefault(instance.JourneyId) ?? "");
            walks.Add(walk);
            if (!batch.People.TryGetValue(instance.CustomerId, out var person) || person.MergedIntoId is not null)
            {
                // The customer was deleted or merged away (merges move instances, so this is a leftover): nothing to do.
                End(batch, walk, InstanceStatus.Removed, null, StepMessages.CustomerGone);
                continue;
            }
            var node = walk.Definition.Node(instance.CurrentNodeId ?? "");
            if (node is null)
            {
                Fail(walk, $"node '{instance.CurrentNodeId}' is not in version {instance.JourneyVersionId}");
                continue;
            }
            if (instance.Status == InstanceStatus.Waiting)
            {
                // A wait ended (its time came, or the awaited event did): leave it through its port. A deferred action
                // (quiet hours) runs again instead.
                var port = instance.ResumePort ?? node.Kind switch
                {
                    JourneyNodeKind.Wait or JourneyNodeKind.WaitUntil => JourneyPorts.Next,
                    JourneyNodeKind.WaitForEvent => JourneyPorts.Timeout,
                    _ => null,
                };
                instance.Status = InstanceStatus.Running;
                instance.AwaitedEvent = null;
                instance.ResumePort = null;
                if (port is not null)
                {
                    Leave(batch, walk, node, port, port == JourneyPorts.Event ? StepMessages.EventArrived : null);
                    continue;
                }
            }
            walk.Node = node;
        }

        await CheckGoalsAsync(batch, walks, ct);
        await LoadCapsAsync(batch, walks, ct);

        var steps = 0;
        for (var round = 0; round < MaxStepsPerRun; round++)
        {
            var active = walks.Where(w => !w.Stopped && w.Node is not null).ToList();
            if (active.Count == 0) break;
            foreach (var group in active.GroupBy(w => (w.Instance.JourneyVersionId, w.Node!.Id)))
            {
                var list = group.ToList();
                steps += list.Count;
                await ExecuteAsync(batch, list[0].Node!, list, ct);
            }
        }
        foreach (var walk in walks.Where(w => !w.Stopped && w.Node is not null))
            Fail(walk, $"more than {MaxStepsPerRun} steps without a wait");

        // The claim ends with the run; the revision moves so a stale copy of this run can never commit.
        foreach (var walk in walks)
        {
            var i = walk.Instance;
            i.ClaimedBy = null;
            i.ClaimedUntil = null;
            i.Revision++;
            i.UpdatedAt = now;
        }

        return steps;
    }

    // ------------------------------------------------------------------ moving

    private static void Step(Batch batch, Walk walk, JourneyNode node, string? port, string? message = null)
    {
        batch.Log.Add(new JourneyStepLog
        {
            InstanceId = walk.Instance.Id, JourneyId = walk.Instance.JourneyId, NodeId = node.Id, Port = port, At = batch.Now,
            Message = message is { Length: > 500 } ? message[..500] : message,
        });
        walk.Steps++;
    }

    /// <summary>Logs leaving <paramref name="node"/> through <paramref name="port"/> and moves on (an unconnected port ends the path).</summary>
    private static void Leave(Batch batch, Walk walk, JourneyNode node, string port, string? message = null)
    {
        Step(batch, walk, node, port, message);
        var next = walk.Definition.Next(node.Id, port);
        if (next is null)
        {
            End(batch, walk, InstanceStatus.Completed, null, null);
            return;
        }
        walk.Node = next;
        walk.Instance.CurrentNodeId = next.Id;
    }

    private static void Wait(Walk walk, JourneyNode node, DateTime wakeAt, string? awaitedEvent = null)
    {
        var i = walk.Instance;
        i.Status = InstanceStatus.Waiting;
        i.CurrentNodeId = node.Id;
        i.WakeAt = wakeAt;
        i.AwaitedEvent = awaitedEvent;
        i.ResumePort = null;
        walk.Node = null;
        walk.Stopped = true;
    }

    private static void End(Batch batch, Walk walk, InstanceStatus status, JourneyNode? at, string? message)
    {
        if (at is not null) Step(batch, walk, at, null, message);
        var i = walk.Instance;
        i.Status = status;
        i.EndedAt = batch.Now;
        i.WakeAt = null;
        i.AwaitedEvent = null;
        i.ResumePort = null;
        if (at is not null) i.CurrentNodeId = at.Id;
        walk.Node = null;
        walk.Stopped = true;
    }

    private static void Fail(Walk walk, string error)
    {
        var i = walk.Instance;
        i.Status = InstanceStatus.Failed;
        i.LastError = error;
        i.WakeAt = null;
        walk.Node = null;
        walk.Stopped = true;
    }

    // ------------------------------------------------------------------ nodes

    private async Task ExecuteAsync(Batch batch, JourneyNode node, List<Walk> walks, CancellationToken ct)
    {
        try
        {
            switch (node.Kind)
            {
                case JourneyNodeKind.SegmentEntered or JourneyNodeKind.TagAdded or JourneyNodeKind.TagRemoved or JourneyNodeKind.EventReceived
                    or JourneyNodeKind.DateBased or JourneyNodeKind.ScheduledBroadcast or JourneyNodeKind.Manual or JourneyNodeKind.Join:
                    foreach (var w in walks) Leave(batch, w, node, JourneyPorts.Next);
                    break;
                case JourneyNodeKind.Wait:
                    var duration = JourneyTime.Duration(node.SettingsAs<WaitSettings>().Duration);
                    foreach (var w in walks) { Step(batch, w, node, null, StepMessages.Waiting); Wait(w, node, batch.Now + duration); }
                    break;
                case JourneyNodeKind.WaitUntil:
                    var until = node.SettingsAs<WaitUntilSettings>();
                    var wake = JourneyTime.NextLocal(batch.Now, JourneyTime.TimeOfDay(until.Time), until.Weekdays, batch.Zone);
                    foreach (var w in walks) { Step(batch, w, node, null, StepMessages.Waiting); Wait(w, node, wake); }
                    break;
                case JourneyNodeKind.WaitForEvent:
                    var awaited = node.SettingsAs<WaitForEventSettings>();
                    var timeout = batch.Now + JourneyTime.Duration(awaited.Timeout);
                    foreach (var w in walks) { Step(batch, w, node, null, StepMessages.Waiting); Wait(w, node, timeout, awaited.Event); }
                    break;
                case JourneyNodeKind.Condition:
                    var yes = await MatchAsync(batch.Db, node.SettingsAs<ConditionSettings>().Condition, walks.Select(w => w.Instance.CustomerId).ToList(), batch.Now, ct);
                    foreach (var w in walks) Leave(batch, w, node, yes.Contains(w.Instance.CustomerId) ? JourneyPorts.Yes : JourneyPorts.No);
                    break;
                case JourneyNodeKind.AbSplit:
                    var variants = node.SettingsAs<AbSplitSettings>().Variants;
                    foreach (var w in walks) Leave(batch, w, node, JourneyTime.Variant(w.Instance.Id, node.Id, variants));
                    break;
                case JourneyNodeKind.SendEmail or JourneyNodeKind.SendSms:
                    await SendAsync(batch, node, walks, ct);
                    break;
                case JourneyNodeKind.Webhook:
                    var hook = node.SettingsAs<WebhookSettings>();
                    foreach (var w in walks)
                    {
                        var body = new JsonObject
                        {
                            ["event"] = "journey.step", ["journey"] = w.JourneyCode, ["node"] = node.Id, ["instanceId"] = w.Instance.Id,
                            ["customerId"] = w.Instance.CustomerId, ["at"] = batch.Now.ToString("O", CultureInfo.InvariantCulture),
                        };
                        foreach (var (key, value) in hook.Payload ?? []) body[key] = value?.DeepClone();
                        Enqueue(batch, w, node, OutboxChannelNames.Webhook, new WebhookPayload(hook.Url, hook.Method.ToString().ToUpperInvariant(), body));
                        Leave(batch, w, node, JourneyPorts.Next);
                    }
                    break;
                case JourneyNodeKind.AddTag or JourneyNodeKind.RemoveTag:
                    await TagAsync(batch, node, walks, ct);
                    break;
                case JourneyNodeKind.SetAttribute:
                    await SetAttributeAsync(batch, node, walks, ct);
                    break;
                case JourneyNodeKind.AdjustLeadScore:
                    var points = node.SettingsAs<AdjustLeadScoreSettings>();
                    foreach (var w in walks)
                    {
                        var person = batch.People[w.Instance.CustomerId];
                        var total = Math.Max(0, person.LeadScore + points.Points);
                        batch.People[person.Id] = person with { LeadScore = total };
                        await batch.Db.Customers.Where(c => c.Id == person.Id).ExecuteUpdateAsync(u => u.SetProperty(c => c.LeadScore, total), ct);
                        batch.Db.LeadScoreChanges.Add(new LeadScoreChange
                        {
                            CustomerId = person.Id, Points = points.Points, Total = total, At = batch.Now,
                            Reason = points.Reason ?? $"journey {w.JourneyCode} · {node.Label ?? node.Id}",
                        });
                        Leave(batch, w, node, JourneyPorts.Next);
                    }
                    break;
                case JourneyNodeKind.SetLifecycleStage:
                    var stage = (LifecycleStage)(int)node.SettingsAs<SetLifecycleStageSettings>().Stage;
                    foreach (var w in walks)
                    {
                        var person = batch.People[w.Instance.CustomerId];
                        if (person.Stage != stage)
                        {
                            await batch.Db.Customers.Where(c => c.Id == person.Id).ExecuteUpdateAsync(u => u.SetProperty(c => c.LifecycleStage, stage), ct);
                            batch.Db.LifecycleChanges.Add(new LifecycleChange
                            {
                                CustomerId = person.Id, From = person.Stage, To = stage, At = batch.Now, By = "journey:" + w.JourneyCode,
                                Reason = $"journey {w.JourneyCode} · {node.Label ?? node.Id}",
                            });
                            batch.People[person.Id] = person with { Stage = stage };
                        }
                        Leave(batch, w, node, JourneyPorts.Next, person.Stage == stage ? StepMessages.AlreadyAtStage : null);
                    }
                    break;
                case JourneyNodeKind.CreateTask:
                    var task = node.SettingsAs<CreateTaskSettings>();
                    foreach (var w in walks)
                    {
                        var person = batch.People[w.Instance.CustomerId];
                        batch.Db.SalesTasks.Add(new SalesTask
                        {
                            CustomerId = person.Id, OwnerId = person.OwnerId, Title = Fill(task.Title, person, html: false),
                            Details = task.Details is null ? $"journey {w.JourneyCode}" : Fill(task.Details, person, html: false),
                            Status = SalesTaskStatus.Open, DueAt = batch.Now.AddDays(task.DueInDays), CreatedAt = batch.Now,
                        });
                        Leave(batch, w, node, JourneyPorts.Next);
                    }
                    break;
                case JourneyNodeKind.NotifyOwner:
                    await NotifyOwnerAsync(batch, node, walks, ct);
                    break;
                case JourneyNodeKind.Goal:
                    foreach (var w in walks) End(batch, w, InstanceStatus.Converted, node, StepMessages.GoalReached);
                    break;
                case JourneyNodeKind.Exit:
                    foreach (var w in walks) End(batch, w, InstanceStatus.Completed, node, null);
                    break;
                default:
                    foreach (var w in walks) Fail(w, $"node kind {node.Kind} is not supported by this runtime");
                    break;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not DbUpdateConcurrencyException)
        {
            log.LogError(ex, "Journey node {Node} failed for {Count} instances", node.Id, walks.Count);
            foreach (var w in walks.Where(w => !w.Stopped)) Fail(w, $"{node.Id}: {ex.Message}");
        }
    }

    /// <summary>Which of these customers a condition selects now (one set query).</summary>
    public static async Task<HashSet<long>> MatchAsync(StudioDbContext db, JsonNode condition, IReadOnlyCollection<long> customerIds, DateTime utcNow,
        CancellationToken ct)
    {
        var compiled = await Audience.CompileAsync(db, condition.ToJsonString(), utcNow, ct, oneCustomer: customerIds.Count <= 3);
        var predicate = compiled.Require();
        var matched = new HashSet<long>();
        foreach (var chunk in customerIds.Chunk(5_000))
            matched.UnionWith(await Audience.Query(db, predicate).Where(c => chunk.Contains(c.Id)).Select(c => c.Id).ToListAsync(ct));
        return matched;
    }

    private static async Task CheckGoalsAsync(Batch batch, List<Walk> walks, CancellationToken ct)
    {
        foreach (var group in walks.Where(w => !w.Stopped).GroupBy(w => w.Instance.JourneyVersionId))
        {
            var goal = group.First().Definition.Nodes.FirstOrDefault(n => n.Kind == JourneyNodeKind.Goal && n.SettingsAs<GoalSettings>().Condition is not null);
            if (goal is null) continue;
            var met = await MatchAsync(batch.Db, goal.SettingsAs<GoalSettings>().Condition!, group.Select(w => w.Instance.CustomerId).ToList(), batch.Now, ct);
            foreach (var w in group.Where(w => met.Contains(w.Instance.CustomerId))) End(batch, w, InstanceStatus.Converted, goal, StepMessages.GoalConditionMet);
        }
    }

    // ------------------------------------------------------------------ messages

    private sealed record Caps(IReadOnlyList<FrequencyCap> Journey, int? DailyAny);

    private static async Task LoadCapsAsync(Batch batch, List<Walk> walks, CancellationToken ct)
    {
        var ids = walks.Where(w => !w.Stopped).Select(w => w.Instance.CustomerId).Distinct().ToList();
        var longest = walks.SelectMany(w => w.Definition.Messages.FrequencyCaps).Select(c => JourneyTime.Duration(c.Per)).DefaultIfEmpty(TimeSpan.Zero).Max();
        if (batch.Settings.DailyMessageCap is not null && longest < TimeSpan.FromDays(1)) longest = TimeSpan.FromDays(1);
        if (longest == TimeSpan.Zero || ids.Count == 0) return;
        var since = batch.Now - longest;
        var messaging = new[] { OutboxChannelNames.Email, OutboxChannelNames.Sms };
        var rows = new List<(long, string, DateTime)>();
        foreach (var chunk in ids.Chunk(5_000))
            rows.AddRange((await batch.Db.Outbox.AsNoTracking()
                    .Where(o => o.CustomerId != null && chunk.Contains(o.CustomerId.Value) && o.CreatedAt >= since && messaging.Contains(o.Channel) && o.Status != OutboxStatus.Parked)
                    .Select(o => new { o.CustomerId, o.Channel, o.CreatedAt }).ToListAsync(ct))
                .Select(o => (o.CustomerId!.Value, o.Channel, o.CreatedAt)));
        batch.Sent = rows.GroupBy(r => r.Item1).ToDictionary(g => g.Key, g => g.Select(r => (r.Item2, r.Item3)).ToList());
    }

    private static bool Capped(Batch batch, Walk walk) =>
        MessageRules.Capped(walk.Definition, batch.Settings, batch.Sent.GetValueOrDefault(walk.Instance.CustomerId) ?? [], batch.Now);

    private static DateTime? QuietUntil(Batch batch, Walk walk) => MessageRules.QuietUntil(walk.Definition, batch.Settings, batch.Now, batch.Zone);

    private async Task SendAsync(Batch batch, JourneyNode node, List<Walk> walks, CancellationToken ct)
    {
        var email = node.Kind == JourneyNodeKind.SendEmail;
        var channel = email ? OutboxChannelNames.Email : OutboxChannelNames.Sms;
        EmailTemplate? template = null;
        if (email)
        {
            var code = node.SettingsAs<SendEmailSettings>().Template;
            if (!batch.Templates.TryGetValue(code, out template))
            {
                var all = await batch.Db.EmailTemplates.AsNoTracking().Where(t => t.Code == code).ToListAsync(ct);
                template = all.FirstOrDefault(t => t.Language == batch.Settings.DefaultCulture) ?? all.FirstOrDefault();
                batch.Templates[code] = template;
            }
        }
        foreach (var w in walks)
        {
            var person = batch.People[w.Instance.CustomerId];
            // Consent first: an opted-out or unreachable customer is passed by, never queued.
            var address = email ? person.Email : person.Phone;
            var optedOut = email ? person.EmailOptOut : person.SmsOptOut;
            if (optedOut || string.IsNullOrWhiteSpace(address))
            {
                Leave(batch, w, node, JourneyPorts.Next, optedOut ? StepMessages.Unsubscribed : email ? StepMessages.NoEmail : StepMessages.NoMobile);
                continue;
            }
            if (QuietUntil(batch, w) is { } quietEnd)
            {
                Step(batch, w, node, null, StepMessages.QuietHours);
                Wait(w, node, quietEnd);
                continue;
            }
            if (Capped(batch, w))
            {
                Leave(batch, w, node, JourneyPorts.Next, StepMessages.FrequencyCap);
                continue;
            }
            if (email)
            {
                if (template is null)
                {
                    Fail(w, $"{node.Id}: e-mail template '{node.SettingsAs<SendEmailSettings>().Template}' does not exist");
                    continue;
                }
                var unsubscribe = Unsubscribe.Url(options?.PublicBaseUrl, person.Id, options?.UnsubscribeSecret ?? "");
                var html = Fill(template.BodyHtml, person, html: true);
                if (unsubscribe is not null)
                    html += $"<p style=\"font-size:12px;color:#888\">不想再收到此类邮件？<a href=\"{WebUtility.HtmlEncode(unsubscribe)}\">退订</a> · Unsubscribe</p>";
                Enqueue(batch, w, node, channel, new EmailPayload(address!, person.Name, Fill(template.Subject, person, html: false), html, UnsubscribeUrl: unsubscribe));
            }
            else
                Enqueue(batch, w, node, channel, new SmsPayload(address!, Fill(node.SettingsAs<SendSmsSettings>().Text, person, html: false)));
            if (!batch.Sent.TryGetValue(person.Id, out var sent)) batch.Sent[person.Id] = sent = [];
            sent.Add((channel, batch.Now));
            Leave(batch, w, node, JourneyPorts.Next, StepMessages.Queued);
        }
    }

    private async Task NotifyOwnerAsync(Batch batch, JourneyNode node, List<Walk> walks, CancellationToken ct)
    {
        var text = node.SettingsAs<NotifyOwnerSettings>().Message;
        var owners = walks.Select(w => batch.People[w.Instance.CustomerId].OwnerId).OfType<string>().Where(o => !batch.OwnerEmails.ContainsKey(o)).Distinct().ToList();
        if (owners.Count > 0)
            foreach (var u in await batch.Db.Users.AsNoTracking().Where(u => owners.Contains(u.Id)).Select(u => new { u.Id, u.Email }).ToListAsync(ct))
                batch.OwnerEmails[u.Id] = u.Email;
        foreach (var w in walks)
        {
            var person = batch.People[w.Instance.CustomerId];
            var message = Fill(text, person, html: false);
            // The owner hears by e-mail; the sales task list shows it too, so nothing depends on a mail server alone.
            batch.Db.SalesTasks.Add(new SalesTask
            {
                CustomerId = person.Id, OwnerId = person.OwnerId, Title = message.Length > 200 ? message[..200] : message,
                Details = $"journey {w.JourneyCode} · {node.Label ?? node.Id}", Status = SalesTaskStatus.Open, DueAt = batch.Now.AddDays(2), CreatedAt = batch.Now,
            });
            if (person.OwnerId is { } owner && batch.OwnerEmails.GetValueOrDefault(owner) is { Length: > 0 } to)
            {
                Enqueue(batch, w, node, OutboxChannelNames.Email, new EmailPayload(to, null, message,
                    $"<p>{WebUtility.HtmlEncode(message)}</p><p>{WebUtility.HtmlEncode(person.Name ?? "")} (#{person.Id})</p>"));
                Leave(batch, w, node, JourneyPorts.Next, StepMessages.OwnerNotified);
            }
            else
                Leave(batch, w, node, JourneyPorts.Next, person.OwnerId is null ? StepMessages.NoOwner : StepMessages.OwnerNoEmail);
        }
    }

    private static void Enqueue(Batch batch, Walk walk, JourneyNode node, string channel, object payload)
    {
        var i = walk.Instance;
        batch.Outbox.Add(new OutboxMessage
        {
            InstanceId = i.Id, NodeId = node.Id, CustomerId = i.CustomerId, Channel = channel,
            // One message per visit of a node: the revision changes with every committed run of the instance.
            IdempotencyKey = $"j{i.JourneyId}:i{i.Id}:{node.Id}:r{i.Revision}",
            PayloadJson = JsonSerializer.Serialize(payload, payload.GetType(), JsonSerializerOptions.Web),
            Status = OutboxStatus.Pending, NextAttemptAt = batch.Now, CreatedAt = batch.Now,
        });
    }

    private static string Fill(string text, Person p, bool html) => MessageText.Fill(text, new MessageText.Fields(p.Id, p.Name, p.City, p.Company, p.Email), html);

    // ------------------------------------------------------------------ data actions

    private static async Task TagAsync(Batch batch, JourneyNode node, List<Walk> walks, CancellationToken ct)
    {
        var settings = node.SettingsAs<TagActionSettings>();
        var tag = await batch.Db.Tags.AsNoTracking().FirstOrDefaultAsync(t => t.Code == settings.Tag, ct);
        if (tag is null)
        {
            foreach (var w in walks) Fail(w, $"{node.Id}: tag '{settings.Tag}' does not exist");
            return;
        }
        var tags = new TagAssignments(batch.Db, new FixedClock(batch.Now));
        var ids = walks.Select(w => w.Instance.CustomerId).Distinct().ToList();
        var sourceRef = $"journey:{walks[0].JourneyCode}:{node.Id}";
        var result = node.Kind == JourneyNodeKind.AddTag
            ? await tags.AssignAsync(tag.Id, settings.Value, new AssignTarget.Customers(ids), Actor.System,
                settings.ExpiryDays is { } days ? batch.Now.AddDays(days) : null, AssignmentSource.Journey, sourceRef, ct)
            : await tags.RemoveAsync(tag.Id, settings.Value, new AssignTarget.Customers(ids), Actor.System, AssignmentSource.Journey, sourceRef, ct);
        if (result.Errors.Count > 0)
        {
            var error = string.Join("; ", result.Errors.Select(e => $"{e.Path}: {e.Message()}"));
            foreach (var w in walks) Fail(w, $"{node.Id}: {error}");
            return;
        }
        foreach (var w in walks) Leave(batch, w, node, JourneyPorts.Next);
    }

    private static readonly Dictionary<string, Expression<Func<Customer, string?>>> TextFields = new(StringComparer.Ordinal)
    {
        ["name"] = c => c.Name, ["city"] = c => c.City, ["province"] = c => c.Province, ["company"] = c => c.Company,
        ["industry"] = c => c.Industry, ["company_size"] = c => c.CompanySize, ["source_channel"] = c => c.SourceChannel, ["owner"] = c => c.OwnerId,
    };

    private static async Task SetAttributeAsync(Batch batch, JourneyNode node, List<Walk> walks, CancellationToken ct)
    {
        var settings = node.SettingsAs<SetAttributeSettings>();
        var ids = walks.Select(w => w.Instance.CustomerId).Distinct().ToList();
        var text = settings.Value is JsonValue v && v.TryGetValue<string>(out var s) ? s : settings.Value?.ToJsonString();
        if (TextFields.TryGetValue(settings.Field, out var field))
        {
            var value = string.IsNullOrWhiteSpace(text) ? null : text.Trim();
            var now = batch.Now;
            await batch.Db.Customers.Where(c => ids.Contains(c.Id))
                .ExecuteUpdateAsync(u => u.SetProperty(field, value).SetProperty(c => c.UpdatedAt, now), ct);
        }
        else if (settings.Field is "email_opt_out" or "sms_opt_out")
        {
            var flag = settings.Value is JsonValue b && b.TryGetValue<bool>(out var parsed) ? parsed : string.Equals(text, "true", StringComparison.OrdinalIgnoreCase);
            if (settings.Field == "email_opt_out") await batch.Db.Customers.Where(c => ids.Contains(c.Id)).ExecuteUpdateAsync(u => u.SetProperty(c => c.EmailOptOut, flag), ct);
            else await batch.Db.Customers.Where(c => ids.Contains(c.Id)).ExecuteUpdateAsync(u => u.SetProperty(c => c.SmsOptOut, flag), ct);
        }
        else
        {
            var code = settings.Field.StartsWith("custom.", StringComparison.Ordinal) ? settings.Field[7..] : settings.Field;
            var custom = await batch.Db.CustomFields.AsNoTracking().FirstOrDefaultAsync(f => f.Code == code, ct);
            if (custom is null)
            {
                foreach (var w in walks) Fail(w, $"{node.Id}: unknown field '{settings.Field}'");
                return;
            }
            var value = new CustomFieldValue { FieldId = custom.Id };
            switch (custom.Type)
            {
                case CustomFieldType.Number when decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n): value.NumberValue = n; break;
                case CustomFieldType.Date when DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d):
                    value.DateValue = DateTime.SpecifyKind(d, DateTimeKind.Utc); break;
                case CustomFieldType.Bool when bool.TryParse(text, out var f): value.BoolValue = f; break;
                case CustomFieldType.Text or CustomFieldType.Enum: value.TextValue = text; break;
                default:
                    foreach (var w in walks) Fail(w, $"{node.Id}: '{text}' does not fit field '{code}' ({custom.Type})");
                    return;
            }
            await batch.Db.CustomFieldValues.Where(x => x.FieldId == custom.Id && ids.Contains(x.CustomerId)).ExecuteDeleteAsync(ct);
            batch.Db.CustomFieldValues.AddRange(ids.Select(id => new CustomFieldValue
            {
                CustomerId = id, FieldId = custom.Id, TextValue = value.TextValue, NumberValue = value.NumberValue, DateValue = value.DateValue, BoolValue = value.BoolValue,
            }));
        }
        foreach (var w in walks) Leave(batch, w, node, JourneyPorts.Next);
    }

    private sealed class FixedClock(DateTime utc) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(utc, TimeSpan.Zero);
    }
}
