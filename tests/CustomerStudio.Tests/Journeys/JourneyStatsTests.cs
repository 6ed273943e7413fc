using CustomerStudio.Core.Data;
using CustomerStudio.Core.Journeys;
using CustomerStudio.Core.Security;

namespace CustomerStudio.Tests.Journeys;

public class JourneyStatsTests(JourneyWorkspaceWorld world) : IClassFixture<JourneyWorkspaceWorld>
{
    private sealed class FixedClock(DateTime now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>
    /// The nurture fixture published twice. On version 1, 20 runs: 6 wait for demo_request, 4 requested a demo (tag, notify,
    /// done), 10 timed out: 4 not B2B (done), 6 split — a: 3 (2 converted), b: 3 (1 converted, 1 failed at the SMS node).
    /// On version 2, 2 runs wait at welcome.
    /// </summary>
    private async Task<int> SeedAsync(StudioDbContext db, string code)
    {
        var service = new JourneyService(db, new FixedClock(JourneyWorkspaceWorld.Now));
        var journey = (await service.CreateAsync(new JourneyDraft(code, "统计", null, JourneyWorkspaceWorld.Fixture), Actor.System)).Journey!;
        var v1 = (await service.PublishAsync(journey.Id, Actor.System)).Version!;
        var v2 = (await service.PublishAsync(journey.Id, Actor.System)).Version!;
        var customers = world.Customers[db.Database.ProviderName!.Contains("Sqlite") ? DatabaseProvider.Sqlite : DatabaseProvider.PostgreSql];
        var at = JourneyWorkspaceWorld.Now;

        var n = 0;
        async Task RunAsync(JourneyVersion version, InstanceStatus status, string current, params (string Node, string? Port)[] steps)
        {
            var instance = new JourneyInstance
            {
                JourneyId = journey.Id, JourneyVersionId = version.Id, CustomerId = customers[n++], Status = status, CurrentNodeId = current,
                StartedAt = at, UpdatedAt = at,
            };
            db.JourneyInstances.Add(instance);
            await db.SaveChangesAsync();
            foreach (var (node, port) in steps)
                db.JourneyStepLog.Add(new JourneyStepLog { InstanceId = instance.Id, JourneyId = journey.Id, NodeId = node, Port = port, At = at });
        }

        (string, string?)[] start = [("entered", "next"), ("welcome", "next")];
        // As the runtime logs: a step when a run leaves a node or ends there, none while it waits or where it failed.
        for (var i = 0; i < 6; i++) await RunAsync(v1, InstanceStatus.Waiting, "wait_demo", start);
        for (var i = 0; i < 4; i++)
            await RunAsync(v1, InstanceStatus.Completed, "done", [.. start, ("wait_demo", null), ("wait_demo", "event"), ("tag_hot", "next"), ("notify", "next"), ("done", null)]);
        (string, string?)[] timedOut = [.. start, ("wait_demo", null), ("wait_demo", "timeout")];
        for (var i = 0; i < 4; i++) await RunAsync(v1, InstanceStatus.Completed, "done", [.. timedOut, ("is_b2b", "no"), ("done", null)]);
        for (var i = 0; i < 3; i++)
            await RunAsync(v1, i < 2 ? InstanceStatus.Converted : InstanceStatus.Completed, i < 2 ? "goal" : "done",
                [.. timedOut, ("is_b2b", "yes"), ("split", "a"), ("case_mail", "next"), ("join", "next"), ("done", null)]);
        await RunAsync(v1, InstanceStatus.Converted, "goal", [.. timedOut, ("is_b2b", "yes"), ("split", "b"), ("sms", "next"), ("join", "next")]);
        await RunAsync(v1, InstanceStatus.Failed, "sms", [.. timedOut, ("is_b2b", "yes"), ("split", "b")]);
        await RunAsync(v1, InstanceStatus.Completed, "done", [.. timedOut, ("is_b2b", "yes"), ("split", "b"), ("sms", "next"), ("join", "next"), ("done", null)]);
        for (var i = 0; i < 2; i++) await RunAsync(v2, InstanceStatus.Waiting, "welcome", [("entered", "next")]);
        await db.SaveChangesAsync();
        return journey.Id;
    }

    [Theory]
    [MemberData(nameof(JourneyWorkspaceWorld.Providers), MemberType = typeof(JourneyWorkspaceWorld))]
    public async Task Each_node_shows_entered_waiting_ports_converted_and_failed(DatabaseProvider provider)
    {
        await using var db = world.For(provider).CreateContext();
        var id = await SeedAsync(db, "stats_all_" + provider.ToString().ToLowerInvariant());
        var stats = (await new JourneyStats(db).ForAsync(id))!;

        Assert.Equal((22, 8, 3, 1), (stats.Instances, stats.Active, stats.Converted, stats.Failed));
        Assert.Equal(22, stats.Node("entered").Entered);
        Assert.Equal(22, stats.Node("entered").Ports["next"]);
        Assert.Equal((22, 2), (stats.Node("welcome").Entered, stats.Node("welcome").Waiting));
        var wait = stats.Node("wait_demo");
        // A run that waited and then left is one run at the node, not two steps.
        Assert.Equal((20, 6, 4, 10), (wait.Entered, wait.Waiting, wait.Ports["event"], wait.Ports["timeout"]));
        Assert.Equal((4, 6), (stats.Node("is_b2b").Ports["no"], stats.Node("is_b2b").Ports["yes"]));
        Assert.Equal((3, 2, 1), (stats.Node("sms").Entered, stats.Node("sms").Ports["next"], stats.Node("sms").Failed));
        Assert.Equal(3, stats.Node("goal").Converted);
        Assert.Equal(0, stats.Node("never_there").Entered);

        var split = Assert.Single(stats.Splits);
        Assert.Equal("split", split.NodeId);
        Assert.Equal([("a", 3, 2), ("b", 3, 1)], split.Variants.Select(v => (v.Port, v.Customers, v.Converted)));
        Assert.Equal(["案例邮件", "短信"], split.Variants.Select(v => v.Label));
        var comparison = Assert.Single(split.Comparisons);
        Assert.Equal("b", comparison.Port);
        Assert.Equal(1.0 / 3 - 2.0 / 3, comparison.Difference, 10);
        Assert.False(comparison.Significant);
    }

    [Theory]
    [MemberData(nameof(JourneyWorkspaceWorld.Providers), MemberType = typeof(JourneyWorkspaceWorld))]
    public async Task Figures_can_be_limited_to_one_version(DatabaseProvider provider)
    {
        await using var db = world.For(provider).CreateContext();
        var id = await SeedAsync(db, "stats_v_" + provider.ToString().ToLowerInvariant());
        var stats = new JourneyStats(db);
        var v2 = (await stats.ForAsync(id, 2))!;
        Assert.Equal((2, 2), (v2.Instances, v2.Node("entered").Entered));
        Assert.Equal((2, 2), (v2.Node("welcome").Entered, v2.Node("welcome").Waiting));
        Assert.Equal(0, v2.Node("wait_demo").Entered);
        Assert.Equal(0, v2.Splits.Single().Variants.Sum(v => v.Customers));
        var v1 = (await stats.ForAsync(id, 1))!;
        Assert.Equal((20, 20, 0), (v1.Instances, v1.Node("entered").Entered, v1.Node("welcome").Waiting));
        Assert.Null(await stats.ForAsync(id, 9));
        Assert.Null(await stats.ForAsync(-1));
    }

    [Fact]
    public void The_ab_difference_comes_with_a_two_proportion_95_percent_interval()
    {
        var control = new SplitVariantStats("a", null, 1000, 200, 0.2);
        var other = new SplitVariantStats("b", null, 1000, 260, 0.26);
        var c = JourneyStats.Compare(control, other);
        Assert.Equal(0.06, c.Difference, 10);
        var se = Math.Sqrt(0.2 * 0.8 / 1000 + 0.26 * 0.74 / 1000);
        Assert.Equal(0.06 - 1.959964 * se, c.Low, 5);
        Assert.Equal(0.06 + 1.959964 * se, c.High, 5);
        Assert.Equal(0.06 / Math.Sqrt(0.23 * 0.77 * 0.002), c.Z, 6);
        Assert.True(c.Significant);

        var small = JourneyStats.Compare(new SplitVariantStats("a", null, 20, 4, 0.2), new SplitVariantStats("b", null, 20, 6, 0.3));
        Assert.True(small.Low < 0 && small.High > 0);
        Assert.False(small.Significant);
        Assert.False(JourneyStats.Compare(control, new SplitVariantStats("b", null, 0, 0, 0)).Significant);
    }
}
