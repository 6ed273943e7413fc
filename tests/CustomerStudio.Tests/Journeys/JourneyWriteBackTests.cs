using System.Data.Common;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Journeys;
using CustomerStudio.Core.Journeys.Runtime;
using CustomerStudio.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;

namespace CustomerStudio.Tests.Journeys;

/// <summary>
/// The end of a batch writes its instances back only where their revision is still the one read: when one of them
/// changed meanwhile, nothing of the batch stays — no instance moved, no step row, no outbox message — and the claims
/// are let go, so the next run does it all.
/// </summary>
public sealed class JourneyWriteBackTests
{
    public static TheoryData<DatabaseProvider> Providers => JourneyWorld.Providers;

    private const string Json = """
        {
          "schemaVersion": "1.0", "entry": { "mode": "once" }, "messages": { "useWorkspaceLimits": false },
          "nodes": [
            { "id": "start", "kind": "manual" },
            { "id": "welcome", "kind": "send_email", "settings": { "template": "welcome" } },
            { "id": "pause", "kind": "wait", "settings": { "duration": "P1D" } },
            { "id": "done", "kind": "exit" }
          ],
          "edges": [
            { "from": "start", "port": "next", "to": "welcome" }, { "from": "welcome", "port": "next", "to": "pause" }, { "from": "pause", "port": "next", "to": "done" }
          ]
        }
        """;

    /// <summary>Just before the engine writes its instances back, moves one instance's revision on inside the batch's transaction (as a second node would have).</summary>
    private sealed class ChangeOneUnderTheEngine : DbCommandInterceptor
    {
        public long? InstanceId { get; set; }

        private void Before(DbCommand command)
        {
            if (InstanceId is not { } id || !command.CommandText.StartsWith("UPDATE \"JourneyInstances\"", StringComparison.Ordinal)
                || !command.CommandText.Contains("\"AwaitedEvent\"", StringComparison.Ordinal)) return;
            InstanceId = null;
            using var bump = command.Connection!.CreateCommand();
            bump.Transaction = command.Transaction;
            bump.CommandText = $"UPDATE \"JourneyInstances\" SET \"Revision\" = \"Revision\" + 1 WHERE \"Id\" = {id}";
            bump.ExecuteNonQuery();
        }

        public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
        {
            Before(command);
            return result;
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result,
            CancellationToken cancellationToken = default)
        {
            Before(command);
            return ValueTask.FromResult(result);
        }
    }

    private sealed class Factory(TestDatabase database, IInterceptor interceptor) : IDbContextFactory<StudioDbContext>
    {
        public StudioDbContext CreateDbContext()
        {
            var builder = new DbContextOptionsBuilder<StudioDbContext>();
            StudioDatabase.Configure(builder, database.Provider, database.ConnectionString);
            builder.AddInterceptors(interceptor);
            return new StudioDbContext(builder.Options);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_batch_with_an_instance_changed_under_it_leaves_no_trace_and_is_done_again(DatabaseProvider provider)
    {
        await using var world = await JourneyWorld.CreateAsync(provider);
        var journey = await world.PublishAsync("write_back", Json);
        Assert.Equal(6, (await world.EnrollAsync(journey, [.. world.Customers])).Enrolled);
        var before = await world.InstancesAsync(journey);
        var interceptor = new ChangeOneUnderTheEngine { InstanceId = before[2].Id };
        var engine = new JourneyEngine(new Factory(world.Database, interceptor), world.Time, NullLogger<JourneyEngine>.Instance);

        var (instances, steps) = await engine.AdvanceDueAsync();
        Assert.Equal((6, 0), (instances, steps));
        Assert.Null(interceptor.InstanceId);
        var after = await world.InstancesAsync(journey);
        Assert.All(after, i =>
        {
            Assert.Equal(InstanceStatus.Running, i.Status);
            Assert.Equal("start", i.CurrentNodeId);
            Assert.Equal(0, i.Revision);
            Assert.Null(i.ClaimedBy);
        });
        await using (var db = world.Db())
            Assert.Equal(0, await db.JourneyStepLog.CountAsync(s => s.JourneyId == journey));
        Assert.Empty(await world.OutboxAsync());

        // Nothing changes it this time: the batch goes through, each instance written once.
        Assert.Equal((6, 6 * 3), await engine.AdvanceDueAsync());
        Assert.All(await world.InstancesAsync(journey), i =>
        {
            Assert.Equal(InstanceStatus.Waiting, i.Status);
            Assert.Equal("pause", i.CurrentNodeId);
            Assert.Equal(1, i.Revision);
            Assert.Null(i.ClaimedBy);
        });
        Assert.Equal(5, (await world.OutboxAsync()).Count);
    }
}
