using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Journeys;
using CustomerStudio.Core.Journeys.Runtime;
using CustomerStudio.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace CustomerStudio.Tests.Journeys;

/// <summary>
/// Side effects leave through the outbox exactly once: e-mail through a real SMTP server (aiosmtpd), webhooks to a real
/// HTTP listener, retries with back-off, parking, claims and leases, crashes between the state change and the send.
/// </summary>
public sealed class OutboxTests
{
    public static TheoryData<DatabaseProvider> Providers => JourneyWorld.Providers;

    private const string MailAndHook = """
        {
          "schemaVersion": "1.0",
          "entry": { "mode": "concurrent" },
          "messages": { "useWorkspaceLimits": false },
          "nodes": [
            { "id": "start", "kind": "manual" },
            { "id": "welcome", "kind": "send_email", "settings": { "template": "welcome" } },
            { "id": "hook", "kind": "webhook", "settings": { "url": "URL", "payload": { "campaign": "spring" } } },
            { "id": "done", "kind": "exit" }
          ],
          "edges": [ { "from": "start", "port": "next", "to": "welcome" }, { "from": "welcome", "port": "next", "to": "hook" }, { "from": "hook", "port": "next", "to": "done" } ]
        }
        """;

    private static OutboxDispatcher Dispatcher(JourneyWorld world, SmtpSink? smtp, string secret = "s3cret") => new(world.Dbs,
        [
            new EmailChannel(new EmailOptions { Host = smtp is null ? "127.0.0.1" : "127.0.0.1", Port = smtp?.Port ?? 1, Security = "None", TimeoutSeconds = 5 }, Path.GetTempPath()),
            new WebhookChannel(new HttpClient(), new WebhookOptions { Secret = secret, TimeoutSeconds = 5 }, world.Time),
        ], world.Time, NullLogger<OutboxDispatcher>.Instance);

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task E_mail_reaches_a_real_SMTP_server_and_webhooks_arrive_signed_each_once(DatabaseProvider provider)
    {
        await using var world = await JourneyWorld.CreateAsync(provider);
        await using var smtp = await SmtpSink.StartAsync();
        await using var hooks = new WebhookSink();
        var journey = await world.PublishAsync("mail_hook", MailAndHook.Replace("URL", hooks.Url + "in"));
        await world.EnrollAsync(journey, world.Customers[0], world.Customers[1]);
        await world.RunAsync();

        // The process "crashes" here: the state and the outbox rows are committed, nothing is sent yet. A new
        // dispatcher (another process) sends each once; running it again sends nothing more.
        Assert.Equal(4, await Dispatcher(world, smtp).DrainAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, await Dispatcher(world, smtp).DrainAsync(TimeSpan.FromSeconds(30)));

        var mails = smtp.Messages();
        Assert.Equal(["c0@example.com", "c1@example.com"], mails.Select(m => m.To.Mailboxes.Single().Address).Order());
        Assert.Contains(mails, m => m.Subject == "欢迎 客户0" && (m.HtmlBody ?? "").Contains("您好 客户0"));
        var outbox = await world.OutboxAsync();
        Assert.All(outbox, o => Assert.Equal((OutboxStatus.Sent, 1), (o.Status, o.Attempts)));
        Assert.Equal(outbox.Where(o => o.Channel == "email").Select(EmailChannel.MessageIdOf).Order(), mails.Select(m => m.MessageId).Order());

        var requests = hooks.Requests.ToList();
        Assert.Equal(2, requests.Count);
        foreach (var r in requests)
        {
            var body = JsonNode.Parse(r.Body)!;
            Assert.Equal(("journey.step", "mail_hook", "spring"), (body["event"]!.GetValue<string>(), body["journey"]!.GetValue<string>(), body["campaign"]!.GetValue<string>()));
            var signature = r.Headers["X-CustomerStudio-Signature"].Split(',').ToDictionary(p => p.Split('=')[0], p => p.Split('=')[1]);
            Assert.Equal(WebhookChannel.Sign("s3cret", long.Parse(signature["t"]), r.Body), signature["v1"]);
            Assert.StartsWith($"j{journey}:i", r.Headers["Idempotency-Key"]);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Failures_are_retried_with_back_off_then_parked_with_the_error_on_the_instance(DatabaseProvider provider)
    {
        await using var world = await JourneyWorld.CreateAsync(provider);
        await using var hooks = new WebhookSink();
        var journey = await world.PublishAsync("hooks", MailAndHook.Replace("URL", hooks.Url + "x").Replace("\"template\": \"welcome\"", "\"template\": \"welcome\""));
        await world.EnrollAsync(journey, world.Customers[4]);
        await world.RunAsync();
        await using (var db = world.Db())
            await db.Outbox.Where(o => o.Channel == "email").ExecuteDeleteAsync();

        hooks.Answers.Enqueue(503);
        var dispatcher = Dispatcher(world, null);
        await dispatcher.DrainAsync(TimeSpan.FromSeconds(10));
        var hook = (await world.OutboxAsync()).Single();
        Assert.Equal((OutboxStatus.Pending, 1, "HTTP 503", world.Time.Now.AddSeconds(30)), (hook.Status, hook.Attempts, hook.LastError, hook.NextAttemptAt));
        // Not due yet: nothing happens.
        Assert.Equal(0, await dispatcher.DispatchAsync());
        world.Time.Advance(TimeSpan.FromSeconds(31));
        await dispatcher.DrainAsync(TimeSpan.FromSeconds(10));
        Assert.Equal((OutboxStatus.Sent, 2), ((await world.OutboxAsync()).Single() is var sent ? (sent.Status, sent.Attempts) : default));
        Assert.Equal(2, hooks.Requests.Count);
        Assert.Single(hooks.Requests.Select(r => r.Headers["Idempotency-Key"]).Distinct());

        // A refusal (400) is parked at once, and the instance shows why; an operator's retry queues it again.
        await world.EnrollAsync(journey, world.Customers[4]);
        await world.RunAsync();
        await using (var db = world.Db())
            await db.Outbox.Where(o => o.Channel == "email").ExecuteDeleteAsync();
        hooks.Answers.Enqueue(400);
        await dispatcher.DrainAsync(TimeSpan.FromSeconds(10));
        var parked = (await world.OutboxAsync()).Single(o => o.Status != OutboxStatus.Sent);
        Assert.Equal((OutboxStatus.Parked, "HTTP 400"), (parked.Status, parked.LastError));
        Assert.Contains("HTTP 400", (await world.InstancesAsync(journey)).Single(i => i.Id == parked.InstanceId).LastError);
        Assert.Equal(1, await dispatcher.RetryParkedAsync([parked.Id]));
        await dispatcher.DrainAsync(TimeSpan.FromSeconds(10));
        Assert.All(await world.OutboxAsync(), o => Assert.Equal(OutboxStatus.Sent, o.Status));

        // Unreachable for good: after the last attempt it is parked.
        Assert.Equal(TimeSpan.FromHours(1), OutboxDispatcher.Backoff(9));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_claim_of_a_dead_node_is_taken_over_after_its_lease_and_two_dispatchers_never_send_twice(DatabaseProvider provider)
    {
        await using var world = await JourneyWorld.CreateAsync(provider, customers: 6);
        await using var smtp = await SmtpSink.StartAsync();
        var journey = await world.PublishAsync("mail", MailAndHook.Replace("URL", "http://127.0.0.1:9/").Replace("""{ "from": "welcome", "port": "next", "to": "hook" }""", """{ "from": "welcome", "port": "next", "to": "done" }""")
            .Replace("""{ "id": "hook", "kind": "webhook", "settings": { "url": "http://127.0.0.1:9/", "payload": { "campaign": "spring" } } },""", "")
            .Replace(""", { "from": "hook", "port": "next", "to": "done" }""", ""));
        await world.EnrollAsync(journey, [.. world.Customers]);
        await world.RunAsync();
        var outbox = await world.OutboxAsync();
        Assert.Equal(5, outbox.Count);

        // A node claimed two messages and died before sending.
        var dead = outbox.Take(2).Select(o => o.Id).ToList();
        await using (var db = world.Db())
            await db.Outbox.Where(o => dead.Contains(o.Id))
                .ExecuteUpdateAsync(u => u.SetProperty(o => o.ClaimedBy, "dead-node:1").SetProperty(o => o.ClaimedUntil, world.Time.Now + OutboxDispatcher.DefaultLease));
        // Two live dispatchers race for the rest: each message is sent by one of them.
        var sent = await Task.WhenAll(Dispatcher(world, smtp).DrainAsync(TimeSpan.FromSeconds(20)), Dispatcher(world, smtp).DrainAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(3, sent.Sum());
        Assert.Equal(3, smtp.Messages().Count);
        world.Time.Advance(OutboxDispatcher.DefaultLease + TimeSpan.FromSeconds(1));
        Assert.Equal(2, await Dispatcher(world, smtp).DrainAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(5, smtp.Messages().Count);
        Assert.Equal(5, smtp.Messages().Select(m => m.MessageId).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Two_engines_on_the_same_due_instances_advance_each_once(DatabaseProvider provider)
    {
        await using var world = await JourneyWorld.CreateAsync(provider, customers: 40);
        var journey = await world.PublishAsync("mail", MailAndHook.Replace("URL", "http://127.0.0.1:9/"));
        await world.EnrollAsync(journey, [.. world.Customers]);
        var other = new JourneyEngine(world.Dbs, world.Time, NullLogger<JourneyEngine>.Instance);
        await Task.WhenAll(
            Task.Run(async () => { for (var i = 0; i < 20; i++) await world.Engine.AdvanceDueAsync(batchSize: 5); }),
            Task.Run(async () => { for (var i = 0; i < 20; i++) await other.AdvanceDueAsync(batchSize: 5); }));
        await world.RunAsync();
        var instances = await world.InstancesAsync(journey);
        Assert.All(instances, i => Assert.Equal(InstanceStatus.Completed, i.Status));
        var outbox = await world.OutboxAsync();
        // One e-mail per customer with an address and consent (c3 opted out), one webhook per instance — no more.
        Assert.Equal(39, outbox.Count(o => o.Channel == "email"));
        Assert.Equal(40, outbox.Count(o => o.Channel == "webhook"));
        Assert.Equal(outbox.Count, outbox.Select(o => (o.InstanceId, o.NodeId)).Distinct().Count());
        await using var db = world.Db();
        Assert.Equal(40 * 4, await db.JourneyStepLog.CountAsync(s => s.JourneyId == journey));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_dry_run_shows_the_path_and_what_would_be_sent_and_writes_nothing(DatabaseProvider provider)
    {
        await using var world = await JourneyWorld.CreateAsync(provider);
        var definition = Core.Journeys.Definition.JourneyDefinitionJson.Read(JourneyEngineTests.Nurture);
        await using var db = world.Db();
        var dry = new JourneyDryRun(db, world.Time);

        var demo = await dry.RunAsync(definition, world.Customers[0], new DryRunOptions(Events: [new SimulatedEvent("demo_request", TimeSpan.FromDays(1))]));
        Assert.Equal("completed", demo.Outcome);
        Assert.Equal(["entered", "welcome", "wait_demo", "tag_hot", "notify", "done"], demo.Steps.Select(s => s.NodeId));
        Assert.Equal("event", demo.Steps[2].Port);
        Assert.Equal(JourneyWorld.Start.AddDays(1), demo.Steps[3].At);
        Assert.Equal("c0@example.com", JsonSerializer.Deserialize<EmailPayload>(demo.Steps[1].WouldSendJson!, JsonSerializerOptions.Web)!.To);

        var quiet = await dry.RunAsync(definition, world.Customers[2], new DryRunOptions());
        Assert.Equal(["entered", "welcome", "wait_demo", "is_b2b", "case", "done"], quiet.Steps.Select(s => s.NodeId));
        Assert.Equal(("timeout", "yes"), (quiet.Steps[2].Port, quiet.Steps[3].Port));

        var optedOut = await dry.RunAsync(definition, world.OptedOut, new DryRunOptions(Horizon: TimeSpan.FromDays(1)));
        Assert.Equal("waiting", optedOut.Outcome);
        Assert.Equal("skipped: unsubscribed", optedOut.Steps[1].Summary);

        Assert.Empty(await world.OutboxAsync());
        Assert.Equal(0, await db.JourneyInstances.CountAsync());
        Assert.Equal(0, await db.TagAssignments.CountAsync());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_sample_dry_run_draws_from_the_trigger_audience_and_sums_up_the_runs_writing_nothing(DatabaseProvider provider)
    {
        await using var world = await JourneyWorld.CreateAsync(provider, customers: 20);
        var c = world.Customers;
        // Ten members of the trigger's segment, one of them merged away since (its data lives on the survivor).
        await world.EnterSegmentAsync([.. c.Take(10)]);
        await using (var merge = world.Db())
            await merge.Customers.Where(x => x.Id == c[9]).ExecuteUpdateAsync(u => u.SetProperty(x => x.MergedIntoId, c[0]));
        var definition = Core.Journeys.Definition.JourneyDefinitionJson.Read(JourneyEngineTests.Nurture);
        await using var db = world.Db();
        var dry = new JourneyDryRun(db, world.Time);

        // Asking for more than the audience holds runs everyone in it once.
        var all = await dry.RunSampleAsync(definition, 50, new DryRunOptions());
        Assert.Equal(new SampleSource("segment", "high_intent", 9), all.Source);
        Assert.Equal(c.Take(9), all.Runs.Select(r => r.CustomerId));
        Assert.Equal(new Dictionary<string, int> { ["completed"] = 9 }, all.Outcomes);
        // No demo request: everyone times out of the wait; the even ones have a company and get the case study.
        Assert.Equal(new Dictionary<string, int> { ["entered"] = 9, ["welcome"] = 9, ["wait_demo"] = 9, ["is_b2b"] = 9, ["case"] = 5, ["done"] = 9 },
            all.Reached.OrderBy(x => x.Key, StringComparer.Ordinal).ToDictionary());
        Assert.Equal([new SamplePort("entered", "next", 9), new SamplePort("is_b2b", "no", 4), new SamplePort("is_b2b", "yes", 5)],
            all.Ports.Where(p => p.Node is "entered" or "is_b2b"));
        Assert.Contains(new SamplePort("wait_demo", "timeout", 9), all.Ports);
        // c3 opted out of e-mail: eight welcome mails; c0, c2, c4, c6, c8 get the case study.
        Assert.Equal((8, 5), (all.Sends["welcome"], all.Sends["case"]));
        Assert.Equal(0, all.Runs.Single(r => r.CustomerId == c[3]).Messages);
        Assert.Equal(("done", 2), (all.Runs[0].EndNode, all.Runs[0].Messages));

        // A smaller sample: distinct members, drawn at random.
        var some = await dry.RunSampleAsync(definition, 4, new DryRunOptions(Events: [new SimulatedEvent("demo_request", TimeSpan.FromHours(5))]));
        Assert.Equal(4, some.Runs.Select(r => r.CustomerId).Distinct().Count());
        Assert.All(some.Runs, r => Assert.Contains(r.CustomerId, c.Take(9)));
        Assert.Equal(4, some.Reached["tag_hot"]);
        Assert.False(some.Reached.ContainsKey("is_b2b"));

        // An event trigger samples the customers who had the event; none had it, so all customers instead (said so).
        var onEvent = Core.Journeys.Definition.JourneyDefinitionJson.Read(JourneyEngineTests.Nurture.Replace(
            "\"kind\": \"segment_entered\", \"settings\": { \"segment\": \"high_intent\" }", "\"kind\": \"event_received\", \"settings\": { \"event\": \"trial_started\" }"));
        Assert.Equal(new SampleSource("all", null, 19, FellBack: true), (await dry.RunSampleAsync(onEvent, 3, new DryRunOptions())).Source);
        await world.AddEventAsync(c[12], "trial_started");
        await world.AddEventAsync(c[12], "trial_started");
        await world.AddEventAsync(c[15], "trial_started");
        var events = await dry.RunSampleAsync(onEvent, 10, new DryRunOptions());
        Assert.Equal(new SampleSource("event", "trial_started", 2), events.Source);
        Assert.Equal([c[12], c[15]], events.Runs.Select(r => r.CustomerId));

        Assert.Empty(await world.OutboxAsync());
        Assert.Equal(0, await db.JourneyInstances.CountAsync());
        Assert.Equal(0, await db.TagAssignments.CountAsync());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task E_mail_carries_a_signed_unsubscribe_link_when_the_studio_has_a_public_address(DatabaseProvider provider)
    {
        await using var world = await JourneyWorld.CreateAsync(provider);
        await using var smtp = await SmtpSink.StartAsync();
        var journey = await world.PublishAsync("mail_unsub", MailAndHook.Replace("URL", "http://127.0.0.1:9/"));
        await world.EnrollAsync(journey, world.Customers[0]);
        var engine = new JourneyEngine(world.Dbs, world.Time, new ThrowingLogger<JourneyEngine>(),
            new JourneyRuntimeOptions { PublicBaseUrl = "https://studio.example.com/", UnsubscribeSecret = "k3y" });
        while ((await engine.AdvanceDueAsync()).Instances > 0) { }
        var mail = (await world.OutboxAsync()).Single(o => o.Channel == "email");
        var payload = JsonSerializer.Deserialize<EmailPayload>(mail.PayloadJson, JsonSerializerOptions.Web)!;
        Assert.Equal($"https://studio.example.com/unsubscribe/{Unsubscribe.Token(world.Customers[0], "k3y")}", payload.UnsubscribeUrl);
        Assert.Contains("退订", payload.Html);
        Assert.True(Unsubscribe.TryRead(payload.UnsubscribeUrl![(payload.UnsubscribeUrl!.LastIndexOf('/') + 1)..], "k3y", out var id) && id == world.Customers[0]);
        Assert.False(Unsubscribe.TryRead(Unsubscribe.Token(world.Customers[0], "other"), "k3y", out _));
        await using (var db = world.Db())
            await db.Outbox.Where(o => o.Channel == "webhook").ExecuteDeleteAsync();
        await Dispatcher(world, smtp).DrainAsync(TimeSpan.FromSeconds(20));
        Assert.Equal($"<{payload.UnsubscribeUrl}>", smtp.Messages().Single().Headers["List-Unsubscribe"]);
        Assert.Equal("List-Unsubscribe=One-Click", smtp.Messages().Single().Headers["List-Unsubscribe-Post"]);
    }
}
