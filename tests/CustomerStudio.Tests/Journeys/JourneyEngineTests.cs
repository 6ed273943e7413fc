using System.Text.Json;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Journeys;
using CustomerStudio.Core.Journeys.Runtime;
using CustomerStudio.Core.Scoring;
using CustomerStudio.Core.Tags;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Tests.Journeys;

/// <summary>The journey runtime on SQLite and PostgreSQL: triggers, every node kind and port, entry rules, caps, consent, goals.</summary>
public sealed class JourneyEngineTests
{
    public static TheoryData<DatabaseProvider> Providers => JourneyWorld.Providers;

    /// <summary>The journey: entered 高意向 → welcome e-mail → wait 3 days or until demo_request → add tag + notify sales, else branch on company.</summary>
    public const string Nurture = """
        {
          "schemaVersion": "1.0",
          "entry": { "mode": "once" },
          "messages": { "useWorkspaceLimits": false },
          "nodes": [
            { "id": "entered", "kind": "segment_entered", "settings": { "segment": "high_intent" } },
            { "id": "welcome", "kind": "send_email", "settings": { "template": "welcome" } },
            { "id": "wait_demo", "kind": "wait_for_event", "settings": { "event": "demo_request", "timeout": "P3D" } },
            { "id": "tag_hot", "kind": "add_tag", "settings": { "tag": "hot_lead" } },
            { "id": "notify", "kind": "notify_owner", "settings": { "message": "{{name}} 申请了演示" } },
            { "id": "is_b2b", "kind": "condition", "settings": { "condition": { "attr": "company", "op": "is_not_empty" } } },
            { "id": "case", "kind": "send_email", "settings": { "template": "case_study" } },
            { "id": "done", "kind": "exit" }
          ],
          "edges": [
            { "from": "entered", "port": "next", "to": "welcome" },
            { "from": "welcome", "port": "next", "to": "wait_demo" },
            { "from": "wait_demo", "port": "event", "to": "tag_hot" },
            { "from": "wait_demo", "port": "timeout", "to": "is_b2b" },
            { "from": "tag_hot", "port": "next", "to": "notify" },
            { "from": "notify", "port": "next", "to": "done" },
            { "from": "is_b2b", "port": "yes", "to": "case" },
            { "from": "is_b2b", "port": "no", "to": "done" },
            { "from": "case", "port": "next", "to": "done" }
          ]
        }
        """;

    private static string Ports(IEnumerable<JourneyStepLog> steps) => string.Join(" ", steps.Select(s => s.Port is null ? s.NodeId : $"{s.NodeId}:{s.Port}"));

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Segment_entry_sends_welcome_then_demo_request_tags_and_notifies_and_timeout_branches(DatabaseProvider provider)
    {
        await using var world = await JourneyWorld.CreateAsync(provider);
        var journey = await world.PublishAsync("nurture", Nurture);
        var c = world.Customers;

        // The first sweep starts the trigger at the end of the log: the past does not enrol.
        await world.EnterSegmentAsync(c[5]);
        Assert.Equal(0, (await world.Triggers.SweepAsync()).Enrolled);
        await world.EnterSegmentAsync(c[0], c[1], c[3]);
        Assert.Equal(3, (await world.Triggers.SweepAsync()).Enrolled);
        Assert.Equal(0, (await world.Triggers.SweepAsync()).Enrolled);
        await world.RunAsync();

        var instances = await world.InstancesAsync(journey);
        Assert.All(instances, i => Assert.Equal((InstanceStatus.Waiting, "wait_demo", "demo_request"), (i.Status, i.CurrentNodeId, i.AwaitedEvent)));
        Assert.All(instances, i => Assert.Equal(world.Time.Now.AddDays(3), i.WakeAt));
        var mail = await world.OutboxAsync();
        // c[3] opted out of e-mail: passed by, not queued.
        Assert.Equal([c[0], c[1]], mail.Select(m => m.CustomerId!.Value).Order());
        var welcome = JsonSerializer.Deserialize<EmailPayload>(mail[0].PayloadJson, JsonSerializerOptions.Web)!;
        Assert.Equal(("c0@example.com", "欢迎 客户0"), (welcome.To, welcome.Subject));
        Assert.Contains("skipped: unsubscribed", (await world.StepsAsync(instances.Single(i => i.CustomerId == c[3]).Id)).Select(s => s.Message));

        // c[0] asks for a demo: tagged hot and the owner is told (e-mail + task).
        world.Time.Advance(TimeSpan.FromHours(5));
        await world.AddEventAsync(c[0], "demo_request");
        Assert.Equal(1, (await world.Triggers.SweepAsync()).Resumed);
        await world.RunAsync();
        var first = (await world.InstancesAsync(journey)).Single(i => i.CustomerId == c[0]);
        Assert.Equal(InstanceStatus.Completed, first.Status);
        Assert.Equal("entered:next welcome:next wait_demo wait_demo:event tag_hot:next notify:next done", Ports(await world.StepsAsync(first.Id)));
        await using (var db = world.Db())
        {
            var tag = await db.TagAssignments.SingleAsync(a => a.CustomerId == c[0]);
            Assert.Equal((AssignmentSource.Journey, "journey:nurture:tag_hot"), (tag.Source, tag.SourceRef));
            Assert.Equal("客户0 申请了演示", (await db.SalesTasks.SingleAsync(t => t.CustomerId == c[0])).Title);
        }
        var notice = (await world.OutboxAsync()).Single(m => m.NodeId == "notify");
        Assert.Equal("sales@customerstudio.local", JsonSerializer.Deserialize<EmailPayload>(notice.PayloadJson, JsonSerializerOptions.Web)!.To);

        // Three days on, the others time out: c[1] has no company (no), c[3] ... also no company → both exit.
        world.Time.Advance(TimeSpan.FromDays(3));
        await world.RunAsync();
        var rest = (await world.InstancesAsync(journey)).Where(i => i.CustomerId != c[0]).ToList();
        Assert.All(rest, i => Assert.Equal(InstanceStatus.Completed, i.Status));
        Assert.Equal("entered:next welcome:next wait_demo wait_demo:timeout is_b2b:no done", Ports(await world.StepsAsync(rest[0].Id)));

        // Once ever: entering the segment again enrols no one.
        await world.EnterSegmentAsync(c[0]);
        Assert.Equal(0, (await world.Triggers.SweepAsync()).Enrolled);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Events_that_change_nothing_save_the_events_cursor_at_most_every_ten_seconds_and_a_resume_saves_it_at_once(DatabaseProvider provider)
    {
        await using var world = await JourneyWorld.CreateAsync(provider);
        var c = world.Customers;
        var journey = await world.PublishAsync("lazy_cursor", Nurture.Replace("segment_entered\", \"settings\": { \"segment\": \"high_intent\" }", "manual\""));
        await world.EnrollAsync(journey, c[0]);
        await world.RunAsync();
        async Task<long> SavedAsync()
        {
            await using var db = world.Db();
            return await db.JourneyTriggerStates.Where(s => s.JourneyId == 0 && s.NodeId == JourneyTriggers.EventsCursor).Select(s => s.Cursor).SingleAsync();
        }
        async Task<long> LastEventAsync()
        {
            await using var db = world.Db();
            return await db.Events.MaxAsync(e => e.Id);
        }

        await world.Triggers.SweepAsync(); // the cursor starts at the end of the events
        await world.AddEventAsync(c[1], "page_view");
        await world.Triggers.SweepAsync(); // first save of this process
        Assert.Equal(await LastEventAsync(), await SavedAsync());
        var saved = await SavedAsync();
        // Ordinary events within ten seconds: read, not saved (no write to wait for).
        world.Time.Advance(TimeSpan.FromSeconds(4));
        await world.AddEventAsync(c[1], "page_view");
        await world.AddEventAsync(c[2], "pricing_view");
        Assert.Equal(new JourneyTriggers.SweepResult(0, 0, 0), await world.Triggers.SweepAsync());
        Assert.Equal(saved, await SavedAsync());
        // The waiting customer's demo request resumes them at once, and the cursor is saved with it.
        await world.AddEventAsync(c[0], "demo_request");
        Assert.Equal(1, (await world.Triggers.SweepAsync()).Resumed);
        Assert.Equal(await LastEventAsync(), await SavedAsync());
        // A process that starts again from the saved cursor re-reads nothing that matters: the instance moved on.
        await world.RunAsync();
        var restarted = new JourneyTriggers(world.Dbs, world.Time, new ThrowingLogger<JourneyTriggers>());
        await using (var db = world.Db())
            await db.JourneyTriggerStates.Where(s => s.JourneyId == 0 && s.NodeId == JourneyTriggers.EventsCursor)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.Cursor, saved));
        Assert.Equal(new JourneyTriggers.SweepResult(0, 0, 0), await restarted.SweepAsync());
        Assert.Equal(InstanceStatus.Completed, (await world.InstancesAsync(journey)).Single().Status);
        // Ten seconds on, ordinary events are saved again.
        world.Time.Advance(TimeSpan.FromSeconds(11));
        await world.AddEventAsync(c[1], "page_view");
        await world.Triggers.SweepAsync();
        Assert.Equal(await LastEventAsync(), await SavedAsync());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Timeout_with_a_company_takes_the_yes_port_and_a_late_event_changes_nothing(DatabaseProvider provider)
    {
        await using var world = await JourneyWorld.CreateAsync(provider);
        var journey = await world.PublishAsync("nurture", Nurture.Replace("segment_entered\", \"settings\": { \"segment\": \"high_intent\" }", "manual\""));
        await world.EnrollAsync(journey, world.Customers[2]);
        await world.RunAsync();
        world.Time.Advance(TimeSpan.FromDays(3).Add(TimeSpan.FromSeconds(1)));
        await world.RunAsync();
        var instance = (await world.InstancesAsync(journey)).Single();
        Assert.Equal("entered:next welcome:next wait_demo wait_demo:timeout is_b2b:yes case:next done", Ports(await world.StepsAsync(instance.Id)));
        await world.AddEventAsync(world.Customers[2], "demo_request");
        await world.Triggers.SweepAsync();
        await world.Triggers.SweepAsync();
        await world.RunAsync();
        Assert.Equal(7, (await world.StepsAsync(instance.Id)).Count);
        Assert.Equal(2, (await world.OutboxAsync()).Count);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Waits_split_data_actions_and_goal_condition(DatabaseProvider provider)
    {
        await using var world = await JourneyWorld.CreateAsync(provider, customers: 6);
        var journey = await world.PublishAsync("actions", """
            {
              "schemaVersion": "1.0",
              "entry": { "mode": "concurrent" },
              "messages": { "useWorkspaceLimits": false },
              "nodes": [
                { "id": "start", "kind": "manual" },
                { "id": "pause", "kind": "wait", "settings": { "duration": "PT2H" } },
                { "id": "morning", "kind": "wait_until", "settings": { "time": "09:00", "weekdays": ["monday"] } },
                { "id": "split", "kind": "ab_split", "settings": { "variants": [{ "port": "a", "weight": 50 }, { "port": "b", "weight": 50 }] } },
                { "id": "score", "kind": "adjust_lead_score", "settings": { "points": 15, "reason": "旅程加分" } },
                { "id": "stage", "kind": "set_lifecycle_stage", "settings": { "stage": "mql" } },
                { "id": "city", "kind": "set_attribute", "settings": { "field": "city", "value": "上海" } },
                { "id": "task", "kind": "create_task", "settings": { "title": "回访 {{name}}", "dueInDays": 1 } },
                { "id": "hook", "kind": "webhook", "settings": { "url": "http://127.0.0.1:9/hook", "payload": { "source": "test" } } },
                { "id": "sms", "kind": "send_sms", "settings": { "text": "{{name}} 您好" } },
                { "id": "join", "kind": "join" },
                { "id": "done", "kind": "exit" },
                { "id": "goal", "kind": "goal", "settings": { "condition": { "attr": "lifecycle_stage", "op": "eq", "value": "customer" } } }
              ],
              "edges": [
                { "from": "start", "port": "next", "to": "pause" },
                { "from": "pause", "port": "next", "to": "morning" },
                { "from": "morning", "port": "next", "to": "split" },
                { "from": "split", "port": "a", "to": "score" },
                { "from": "split", "port": "b", "to": "hook" },
                { "from": "score", "port": "next", "to": "stage" },
                { "from": "stage", "port": "next", "to": "city" },
                { "from": "city", "port": "next", "to": "task" },
                { "from": "task", "port": "next", "to": "join" },
                { "from": "hook", "port": "next", "to": "sms" },
                { "from": "sms", "port": "next", "to": "join" },
                { "from": "join", "port": "next", "to": "done" }
              ]
            }
            """);
        var c = world.Customers;
        // c[5] is already a customer: the goal condition ends it at once, converted.
        await using (var db = world.Db())
            await db.Customers.Where(x => x.Id == c[5]).ExecuteUpdateAsync(u => u.SetProperty(x => x.LifecycleStage, LifecycleStage.Customer));
        Assert.Equal(6, (await world.EnrollAsync(journey, [.. c])).Enrolled);
        await world.RunAsync();
        var instances = await world.InstancesAsync(journey);
        Assert.Equal(InstanceStatus.Converted, instances.Single(i => i.CustomerId == c[5]).Status);
        Assert.All(instances.Where(i => i.CustomerId != c[5]), i => Assert.Equal((InstanceStatus.Waiting, "pause", JourneyWorld.Start.AddHours(2)), (i.Status, i.CurrentNodeId, i.WakeAt)));

        world.Time.Advance(TimeSpan.FromHours(2));
        await world.RunAsync();
        // Tuesday 12:00 Shanghai → next Monday 09:00 Shanghai = Monday 01:00 UTC.
        var monday = new DateTime(2026, 6, 22, 1, 0, 0, DateTimeKind.Utc);
        Assert.All((await world.InstancesAsync(journey)).Where(i => i.CustomerId != c[5]), i => Assert.Equal(("morning", monday), (i.CurrentNodeId, i.WakeAt)));

        world.Time.Now = monday;
        await world.RunAsync();
        instances = await world.InstancesAsync(journey);
        Assert.All(instances.Where(i => i.CustomerId != c[5]), i => Assert.Equal(InstanceStatus.Completed, i.Status));
        var ports = new Dictionary<long, string>();
        foreach (var i in instances.Where(i => i.CustomerId != c[5]))
            ports[i.CustomerId] = (await world.StepsAsync(i.Id)).Single(s => s.NodeId == "split").Port!;
        // The branch is fixed per instance: the same as the runtime's own pick.
        Assert.All(instances.Where(i => i.CustomerId != c[5]), i => Assert.Equal(JourneyTime.Variant(i.Id, "split", [new() { Port = "a", Weight = 50 }, new() { Port = "b", Weight = 50 }]), ports[i.CustomerId]));

        await using (var db = world.Db())
        {
            foreach (var (customer, port) in ports)
            {
                var row = await db.Customers.AsNoTracking().SingleAsync(x => x.Id == customer);
                if (port == "a")
                {
                    Assert.Equal((15, LifecycleStage.Mql, "上海"), (row.LeadScore, row.LifecycleStage, row.City));
                    Assert.Equal("旅程加分", (await db.LeadScoreChanges.SingleAsync(l => l.CustomerId == customer)).Reason);
                    Assert.True(await db.LifecycleChanges.AnyAsync(l => l.CustomerId == customer && l.To == LifecycleStage.Mql));
                    Assert.Equal($"回访 客户{c.IndexOf(customer)}", (await db.SalesTasks.SingleAsync(t => t.CustomerId == customer)).Title);
                }
                else
                {
                    Assert.Equal((0, "杭州"), (row.LeadScore, row.City));
                    var messages = await db.Outbox.AsNoTracking().Where(o => o.CustomerId == customer).OrderBy(o => o.Id).ToListAsync();
                    var hook = JsonSerializer.Deserialize<WebhookPayload>(messages[0].PayloadJson, JsonSerializerOptions.Web)!;
                    Assert.Equal(("http://127.0.0.1:9/hook", "test", customer), (hook.Url, hook.Body["source"]!.GetValue<string>(), hook.Body["customerId"]!.GetValue<long>()));
                    // c[4] has no mobile: the text is passed by.
                    Assert.Equal(customer == c[4] ? 1 : 2, messages.Count);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Entry_rules_caps_and_quiet_hours(DatabaseProvider provider)
    {
        await using var world = await JourneyWorld.CreateAsync(provider);
        var c = world.Customers;
        const string ThreeMails = """
            {
              "schemaVersion": "1.0",
              "entry": { "mode": "after_cooldown", "cooldown": "P7D" },
              "messages": { "frequencyCaps": [{ "channel": "email", "max": 2, "per": "P1D" }], "quietHours": { "start": "21:00", "end": "08:00" }, "useWorkspaceLimits": false },
              "nodes": [
                { "id": "start", "kind": "manual" },
                { "id": "m1", "kind": "send_email", "settings": { "template": "welcome" } },
                { "id": "m2", "kind": "send_email", "settings": { "template": "case_study" } },
                { "id": "m3", "kind": "send_email", "settings": { "template": "welcome" } },
                { "id": "done", "kind": "exit" }
              ],
              "edges": [
                { "from": "start", "port": "next", "to": "m1" }, { "from": "m1", "port": "next", "to": "m2" },
                { "from": "m2", "port": "next", "to": "m3" }, { "from": "m3", "port": "next", "to": "done" }
              ]
            }
            """;
        var journey = await world.PublishAsync("three", ThreeMails);
        Assert.Equal(1, (await world.EnrollAsync(journey, c[0])).Enrolled);
        // Not again while it runs (nor within the cool-down after).
        Assert.Equal((0, 1), ((await world.EnrollAsync(journey, c[0])) is var again ? (again.Enrolled, again.AlreadyIn) : default));
        await world.RunAsync();
        var steps = await world.StepsAsync((await world.InstancesAsync(journey)).Single().Id);
        Assert.Equal(["queued", "queued", "skipped: frequency cap"], steps.Where(s => s.NodeId.StartsWith('m')).Select(s => s.Message));
        Assert.Equal(2, (await world.OutboxAsync()).Count);

        world.Time.Advance(TimeSpan.FromDays(6));
        Assert.Equal(0, (await world.EnrollAsync(journey, c[0])).Enrolled);
        world.Time.Advance(TimeSpan.FromDays(2));
        // 22:00 Shanghai: quiet until 08:00; the first mail waits, then goes.
        world.Time.Now = new DateTime(2026, 6, 24, 14, 0, 0, DateTimeKind.Utc);
        Assert.Equal(1, (await world.EnrollAsync(journey, c[0])).Enrolled);
        await world.RunAsync();
        var second = (await world.InstancesAsync(journey)).Single(i => i.Status != InstanceStatus.Completed);
        Assert.Equal(("m1", new DateTime(2026, 6, 25, 0, 0, 0, DateTimeKind.Utc)), (second.CurrentNodeId, second.WakeAt));
        world.Time.Now = second.WakeAt!.Value;
        await world.RunAsync();
        Assert.Equal(4, (await world.OutboxAsync()).Count);
        Assert.Equal(["deferred: quiet hours", "queued", "queued", "skipped: frequency cap"],
            (await world.StepsAsync(second.Id)).Where(s => s.NodeId.StartsWith('m')).Select(s => s.Message));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Event_trigger_filters_and_goal_event_converts(DatabaseProvider provider)
    {
        await using var world = await JourneyWorld.CreateAsync(provider);
        var c = world.Customers;
        var journey = await world.PublishAsync("pricing", """
            {
              "schemaVersion": "1.0",
              "entry": { "mode": "once" },
              "messages": { "useWorkspaceLimits": false },
              "nodes": [
                { "id": "viewed", "kind": "event_received", "settings": { "event": "page_view", "where": [{ "prop": "path", "op": "eq", "value": "/pricing" }] } },
                { "id": "pause", "kind": "wait", "settings": { "duration": "P1D" } },
                { "id": "done", "kind": "exit" },
                { "id": "goal", "kind": "goal", "settings": { "event": "purchase" } }
              ],
              "edges": [ { "from": "viewed", "port": "next", "to": "pause" }, { "from": "pause", "port": "next", "to": "done" } ]
            }
            """);
        await world.Triggers.SweepAsync();
        await world.AddEventAsync(c[0], "page_view", ("path", "/pricing"));
        await world.AddEventAsync(c[1], "page_view", ("path", "/blog"));
        await world.AddEventAsync(c[2], "page_view", ("path", "/pricing"));
        Assert.Equal(2, (await world.Triggers.SweepAsync()).Enrolled);
        await world.RunAsync();
        Assert.Equal([c[0], c[2]], (await world.InstancesAsync(journey)).Select(i => i.CustomerId));

        world.Time.Advance(TimeSpan.FromHours(3));
        await world.AddEventAsync(c[2], "purchase");
        Assert.Equal(1, (await world.Triggers.SweepAsync()).Converted);
        world.Time.Advance(TimeSpan.FromDays(1));
        await world.RunAsync();
        var instances = await world.InstancesAsync(journey);
        Assert.Equal([InstanceStatus.Completed, InstanceStatus.Converted], instances.Select(i => i.Status));
        Assert.Equal("viewed:next pause goal", Ports(await world.StepsAsync(instances[1].Id)));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_paused_journey_holds_its_instances_and_a_bad_node_fails_visibly(DatabaseProvider provider)
    {
        await using var world = await JourneyWorld.CreateAsync(provider);
        var journey = await world.PublishAsync("broken", """
            {
              "schemaVersion": "1.0",
              "messages": { "useWorkspaceLimits": false },
              "nodes": [
                { "id": "start", "kind": "manual" },
                { "id": "mail", "kind": "send_email", "settings": { "template": "no_such_template" } },
                { "id": "done", "kind": "exit" }
              ],
              "edges": [ { "from": "start", "port": "next", "to": "mail" }, { "from": "mail", "port": "next", "to": "done" } ]
            }
            """);
        await world.EnrollAsync(journey, world.Customers[0]);
        await using (var db = world.Db())
            await db.Journeys.Where(j => j.Id == journey).ExecuteUpdateAsync(u => u.SetProperty(j => j.Status, JourneyStatus.Paused));
        Assert.Equal(0, await world.RunAsync());
        Assert.Equal(InstanceStatus.Running, (await world.InstancesAsync(journey)).Single().Status);
        await using (var db = world.Db())
            await db.Journeys.Where(j => j.Id == journey).ExecuteUpdateAsync(u => u.SetProperty(j => j.Status, JourneyStatus.Published));
        await world.RunAsync();
        var failed = (await world.InstancesAsync(journey)).Single();
        Assert.Equal(InstanceStatus.Failed, failed.Status);
        Assert.Contains("no_such_template", failed.LastError);
    }

    private static string OneTrigger(string trigger) => $$"""
        {
          "schemaVersion": "1.0", "entry": { "mode": "concurrent" }, "messages": { "useWorkspaceLimits": false },
          "nodes": [ {{trigger}}, { "id": "done", "kind": "exit" } ],
          "edges": [ { "from": "t", "port": "next", "to": "done" } ]
        }
        """;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Tag_date_and_broadcast_triggers_enrol_when_their_moment_comes(DatabaseProvider provider)
    {
        await using var world = await JourneyWorld.CreateAsync(provider);
        var c = world.Customers;
        var tagged = await world.PublishAsync("tagged", OneTrigger("""{ "id": "t", "kind": "tag_added", "settings": { "tag": "hot_lead" } }"""));
        var untagged = await world.PublishAsync("untagged", OneTrigger("""{ "id": "t", "kind": "tag_removed", "settings": { "tag": "hot_lead" } }"""));
        // Birthdays: 3 days before, at 09:00 Shanghai, every year.
        var birthday = await world.PublishAsync("birthday", OneTrigger("""{ "id": "t", "kind": "date_based", "settings": { "field": "birth_date", "offsetDays": -3, "at": "09:00", "everyYear": true } }"""));
        // One broadcast to the segment at 2026-06-17 10:00 Shanghai.
        var broadcast = await world.PublishAsync("broadcast", OneTrigger("""{ "id": "t", "kind": "scheduled_broadcast", "settings": { "segment": "high_intent", "startAt": "2026-06-17T10:00" } }"""));
        await using (var db = world.Db())
        {
            await db.Customers.Where(x => x.Id == c[1]).ExecuteUpdateAsync(u => u.SetProperty(x => x.BirthDate, new DateOnly(1990, 6, 19)));
            await db.Customers.Where(x => x.Id == c[2]).ExecuteUpdateAsync(u => u.SetProperty(x => x.BirthDate, new DateOnly(1985, 6, 20)));
        }
        await world.EnterSegmentAsync(c[4], c[5]);
        await world.Triggers.SweepAsync();

        await using (var db = world.Db())
        {
            var tags = new TagAssignments(db, world.Time);
            var hot = await db.Tags.Where(t => t.Code == "hot_lead").Select(t => t.Id).SingleAsync();
            await tags.AssignAsync(hot, null, new AssignTarget.Customers([c[0], c[3]]), Core.Security.Actor.System);
            await tags.RemoveAsync(hot, null, new AssignTarget.Customers([c[3]]), Core.Security.Actor.System);
        }
        // Tuesday 10:00 Shanghai: past today's 09:00, so birthdays on Friday (today + 3) enter; c[1]'s is Friday 19 June.
        var swept = await world.Triggers.SweepAsync();
        Assert.Equal(4, swept.Enrolled);
        Assert.Equal([c[0], c[3]], (await world.InstancesAsync(tagged)).Select(i => i.CustomerId));
        Assert.Equal([c[3]], (await world.InstancesAsync(untagged)).Select(i => i.CustomerId));
        Assert.Equal([c[1]], (await world.InstancesAsync(birthday)).Select(i => i.CustomerId));
        Assert.Empty(await world.InstancesAsync(broadcast));
        // Same day again: nothing new.
        var again = (await world.Triggers.SweepAsync()).Enrolled;
        Assert.True(again == 0, $"again {again}: tagged {(await world.InstancesAsync(tagged)).Count}, untagged {(await world.InstancesAsync(untagged)).Count}, birthday {(await world.InstancesAsync(birthday)).Count}, broadcast {(await world.InstancesAsync(broadcast)).Count}");

        // Wednesday 10:00: the broadcast goes to the segment's members, and c[2]'s birthday (Saturday) comes up.
        world.Time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(3, (await world.Triggers.SweepAsync()).Enrolled);
        Assert.Equal([c[4], c[5]], (await world.InstancesAsync(broadcast)).Select(i => i.CustomerId));
        Assert.Equal([c[1], c[2]], (await world.InstancesAsync(birthday)).Select(i => i.CustomerId));
        world.Time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, (await world.Triggers.SweepAsync()).Enrolled);
        await world.RunAsync();
        Assert.All(await world.InstancesAsync(birthday), i => Assert.Equal(InstanceStatus.Completed, i.Status));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Running_instances_finish_on_their_version_when_a_new_one_is_published(DatabaseProvider provider)
    {
        await using var world = await JourneyWorld.CreateAsync(provider);
        const string V1 = """
            {
              "schemaVersion": "1.0", "entry": { "mode": "concurrent" }, "messages": { "useWorkspaceLimits": false },
              "nodes": [
                { "id": "start", "kind": "manual" }, { "id": "pause", "kind": "wait", "settings": { "duration": "P1D" } },
                { "id": "old_mail", "kind": "send_email", "settings": { "template": "welcome" } }, { "id": "done", "kind": "exit" }
              ],
              "edges": [ { "from": "start", "port": "next", "to": "pause" }, { "from": "pause", "port": "next", "to": "old_mail" }, { "from": "old_mail", "port": "next", "to": "done" } ]
            }
            """;
        var v2 = V1.Replace("\"old_mail\"", "\"new_mail\"").Replace("\"welcome\"", "\"case_study\"");
        var journey = await world.PublishAsync("versions", V1);
        await world.EnrollAsync(journey, world.Customers[0]);
        await world.RunAsync();
        // Version 2 is published while customer 0 waits on version 1.
        await using (var db = world.Db())
        {
            db.JourneyVersions.Add(new JourneyVersion { JourneyId = journey, Version = 2, DefinitionJson = v2, PublishedAt = world.Time.Now });
            await db.SaveChangesAsync();
            await db.Journeys.Where(j => j.Id == journey).ExecuteUpdateAsync(u => u.SetProperty(j => j.PublishedVersion, 2));
        }
        await world.EnrollAsync(journey, world.Customers[1]);
        await world.RunAsync();
        world.Time.Advance(TimeSpan.FromDays(1));
        await world.RunAsync();
        var instances = await world.InstancesAsync(journey);
        Assert.All(instances, i => Assert.Equal(InstanceStatus.Completed, i.Status));
        Assert.Equal(["old_mail", "new_mail"], (await world.OutboxAsync()).OrderBy(o => o.CustomerId).Select(o => o.NodeId));
        await using (var db = world.Db())
        {
            var versions = new List<int>();
            foreach (var i in instances) versions.Add(await db.JourneyVersions.Where(v => v.Id == i.JourneyVersionId).Select(v => v.Version).SingleAsync());
            Assert.Equal([1, 2], versions);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Archiving_a_journey_ends_its_running_and_waiting_instances(DatabaseProvider provider)
    {
        await using var world = await JourneyWorld.CreateAsync(provider);
        var journey = await world.PublishAsync("archive_me", Nurture.Replace("segment_entered\", \"settings\": { \"segment\": \"high_intent\" }", "manual\""));
        await world.EnrollAsync(journey, world.Customers[0], world.Customers[1]);
        await world.RunAsync();
        await world.EnrollAsync(journey, world.Customers[2]);
        await using (var db = world.Db())
        {
            var admin = new Core.Security.Actor("u-admin", "admin@customerstudio.local") { Roles = [Core.Security.StudioRoles.Admin] };
            var result = await new JourneyService(db, world.Time).ArchiveAsync(journey, admin);
            Assert.True(result.Ok, string.Join("; ", result.Errors.Select(e => e.Code)));
        }
        var instances = await world.InstancesAsync(journey);
        Assert.All(instances, i => Assert.Equal((InstanceStatus.Exited, world.Time.Now), (i.Status, i.EndedAt)));
        Assert.Equal(0, await world.RunAsync());
    }
}
