using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using CustomerStudio.Core.Journeys;
using CustomerStudio.Core.Journeys.Runtime;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Quartz;

namespace CustomerStudio.Benchmarks.Journeys;

/// <summary>
/// Issue #6: the journey runtime on SQLite against a hand-written SQL baseline, each run on two fresh files built
/// alike (<see cref="JourneysWorld"/>): segment-entry enrolment of N customers (<see cref="JourneyTriggers.SweepAsync"/>),
/// durable steps per second (<see cref="JourneyEngine.DrainAsync"/> walking them to a one-day wait), and timer lag
/// (the N waits due over the next minute, swept by <see cref="JourneyTimerJob"/> on the real clock). After every
/// phase the two files must hold the same instances, step rows and outbox rows; anything else is an error.
/// </summary>
public sealed class JourneysBenchmark(JourneysOptions options)
{
    public const string SectionHeading = "## Journey runtime (issue #6)";
    public const double EnrolTargetSeconds = 10;
    public const double StepsTarget = 1_000;
    public const double LagTargetMs = 1_000;
    /// <summary>Time between writing the wake times and the first of them (the sweeping loop is started in between).</summary>
    private static readonly TimeSpan Lead = TimeSpan.FromSeconds(10);

    public sealed record Lags(double P50, double P95, double P99, double Max)
    {
        public static Lags Of(List<double> ms)
        {
            var s = ms.Order().ToArray();
            double Rank(double p) => s.Length == 0 ? double.NaN : s[Math.Clamp((int)Math.Ceiling(p * s.Length) - 1, 0, s.Length - 1)];
            return new Lags(Rank(0.50), Rank(0.95), Rank(0.99), s.Length == 0 ? double.NaN : s[^1]);
        }
    }

    /// <summary>One side (engine or hand SQL) of one phase of one run.</summary>
    public sealed record Measure(double Seconds, long Instances, long Steps, int Batches, double Load, double CpuSeconds, int Sweeps = 0)
    {
        public double StepsPerSecond => Steps / Seconds;
    }

    public sealed record TimerMeasure(Measure Work, Lags Committed, Lags Started, double LastCommitAfterLastWakeMs, double MaxBehindMs, double WakeWriteSeconds);

    public sealed class Run(int number, bool engineFirst)
    {
        public int Number { get; } = number;
        public bool EngineFirst { get; } = engineFirst;
        public Measure? EnrolEngine { get; set; }
        public Measure? EnrolSql { get; set; }
        public Measure? StepsEngine { get; set; }
        public Measure? StepsSql { get; set; }
        public TimerMeasure? TimerEngine { get; set; }
        public TimerMeasure? TimerSql { get; set; }
        public List<(string Node, string? Port, string? Message, long Count)> Paths { get; set; } = [];
        public long Outbox { get; set; }
        public long DbBytes { get; set; }
        public double SetupSeconds { get; set; }
    }

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var repo = RepoRoot();
        var dir = Path.IsPathRooted(options.Dir) ? options.Dir : Path.Combine(repo, options.Dir);
        Directory.CreateDirectory(dir);
        var failures = new List<string>();
        var runs = new List<Run>();
        List<ProfileRow>? profile = null;
        var started = DateTime.UtcNow;
        var source = SourceState(repo);
        var loadStart = LoadAverage();
        try
        {
            if (options.Warmup > 0)
            {
                Console.WriteLine($"==> Warm-up: {options.Warmup:N0} customers through every phase (untimed)");
                await RunOnceAsync(dir, 0, options.Warmup, 3, true, failures, ct);
            }
            for (var r = 1; r <= options.Runs; r++)
            {
                Console.WriteLine($"==> Run {r} of {options.Runs}: {options.Customers:N0} customers, {(r % 2 == 1 ? "engine" : "hand SQL")} first in each phase");
                runs.Add(await RunOnceAsync(dir, r, options.Customers, options.SpreadSeconds, r % 2 == 1, failures, ct));
            }
            if (options.Profile) profile = await ProfileAsync(dir, failures, ct);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            if (!options.Keep)
                foreach (var name in new[] { "engine.db", "hand.db" })
                    JourneysWorld.Delete(Path.Combine(dir, name));
        }
        var loadEnd = LoadAverage();

        var section = Markdown(runs, profile, failures, started, loadStart, loadEnd, source);
        Console.WriteLine();
        Console.WriteLine(section);
        if (options.WriteDocs)
        {
            var docs = Path.Combine(repo, "docs", "benchmarks.md");
            BenchmarkDocs.WriteSection(docs, SectionHeading, section);
            Console.WriteLine($"Written to {Path.GetRelativePath(repo, docs)}");
        }
        foreach (var f in failures) Console.Error.WriteLine($"MISMATCH: {f}");
        return failures.Count == 0 ? 0 : 1;
    }

    // ------------------------------------------------------------------ one run: two files, three phases

    private async Task<Run> RunOnceAsync(string dir, int number, int customers, int spreadSeconds, bool engineFirst, List<string> failures, CancellationToken ct)
    {
        var run = new Run(number, engineFirst);
        var label = number == 0 ? "warm-up" : $"run {number}";
        SqliteConnection.ClearAllPools();
        var setup = Stopwatch.StartNew();
        var now = DateTime.UtcNow;
        var engineWorld = await JourneysWorld.CreateAsync(Path.Combine(dir, "engine.db"), customers, now, ct);
        var handWorld = await JourneysWorld.CreateAsync(Path.Combine(dir, "hand.db"), customers, now, ct);
        var log = new BenchLoggers(failures, label);
        var runtime = new JourneyRuntimeOptions { BatchSize = options.Batch };
        var engine = new JourneyEngine(engineWorld, TimeProvider.System, log.For<JourneyEngine>(), runtime);
        var triggers = new JourneyTriggers(engineWorld, TimeProvider.System, log.For<JourneyTriggers>());
        await using var hand = new JourneysHandSql(handWorld);

        // A trigger's first sweep starts at the end of the log (publishing does not enrol the past); then the entries arrive.
        await triggers.SweepAsync(ct);
        await hand.InitCursorAsync(DateTime.UtcNow, ct);
        var entered = DateTime.UtcNow;
        await engineWorld.EnterSegmentAsync(entered, ct);
        await handWorld.EnterSegmentAsync(entered, ct);
        run.SetupSeconds = setup.Elapsed.TotalSeconds;
        Console.WriteLine($"  two files with {customers:N0} customers and {customers:N0} segment entries each ({run.SetupSeconds:0.0} s)");

        // 1. Enrolment.
        async Task EnrolEngine()
        {
            var (load, cpu, sw) = Begin();
            var sweeps = 0;
            long instances;
            do
            {
                await triggers.SweepAsync(ct);
                sweeps++;
                instances = await engineWorld.ScalarAsync("""SELECT COUNT(*) FROM "JourneyInstances" """, ct);
            } while (instances < customers && sweeps < 20);
            run.EnrolEngine = new Measure(sw.Elapsed.TotalSeconds, instances, 0, 0, load, Cpu() - cpu, sweeps);
            Console.WriteLine($"  enrolment, engine: {instances:N0} instances in {run.EnrolEngine.Seconds:0.00} s ({sweeps} sweeps)");
        }
        async Task EnrolSql()
        {
            var (load, cpu, sw) = Begin();
            var inserted = await hand.EnrollAsync(DateTime.UtcNow, ct);
            run.EnrolSql = new Measure(sw.Elapsed.TotalSeconds, inserted, 0, 0, load, Cpu() - cpu, 1);
            Console.WriteLine($"  enrolment, hand SQL: {inserted:N0} instances in {run.EnrolSql.Seconds:0.00} s");
        }
        await Both(engineFirst, EnrolEngine, EnrolSql);
        if (run.EnrolEngine!.Instances != customers || run.EnrolSql!.Instances != customers)
            failures.Add($"{label}, enrolment: {run.EnrolEngine.Instances:N0} instances by the engine, {run.EnrolSql!.Instances:N0} by the hand SQL, {customers:N0} customers entered");
        await CompareAsync(engineWorld, handWorld, $"{label}, after enrolment", failures, ct);

        // 2. Durable steps: every instance from the trigger to the one-day wait.
        async Task StepsEngine()
        {
            var before = await engineWorld.ScalarAsync("""SELECT COUNT(*) FROM "JourneyStepLog" """, ct);
            engineWorld.Commits.Clear();
            var (load, cpu, sw) = Begin();
            var taken = await engine.DrainAsync(TimeSpan.FromHours(2), options.Batch, ct);
            var seconds = sw.Elapsed.TotalSeconds;
            var cpuUsed = Cpu() - cpu;
            var steps = await engineWorld.ScalarAsync("""SELECT COUNT(*) FROM "JourneyStepLog" """, ct) - before;
            var waiting = await engineWorld.ScalarAsync($"""SELECT COUNT(*) FROM "JourneyInstances" WHERE "Status" = {(int)InstanceStatus.Waiting}""", ct);
            if (taken != steps) failures.Add($"{label}, steps: DrainAsync reported {taken:N0} steps, {steps:N0} step rows were written");
            run.StepsEngine = new Measure(seconds, waiting, steps, engineWorld.Commits.Snapshot().Count, load, cpuUsed);
            Console.WriteLine($"  steps, engine: {steps:N0} steps ({waiting:N0} instances now waiting) in {seconds:0.00} s = {run.StepsEngine.StepsPerSecond:N0} steps/s");
        }
        async Task StepsSql()
        {
            var (load, cpu, sw) = Begin();
            long steps = 0, instances = 0;
            var batches = 0;
            while (true)
            {
                var b = await hand.AdvanceDueAsync(options.Batch, ct);
                steps += b.Steps;
                instances += b.Instances;
                if (b.Instances > 0) batches++;
                if (b.Instances < options.Batch) break;
            }
            run.StepsSql = new Measure(sw.Elapsed.TotalSeconds, instances, steps, batches, load, Cpu() - cpu);
            Console.WriteLine($"  steps, hand SQL: {steps:N0} steps ({instances:N0} instances) in {run.StepsSql.Seconds:0.00} s = {run.StepsSql.StepsPerSecond:N0} steps/s");
        }
        await Both(engineFirst, StepsEngine, StepsSql);
        if (run.StepsEngine!.Steps != run.StepsSql!.Steps || run.StepsEngine.Instances != customers)
            failures.Add($"{label}, steps: engine {run.StepsEngine.Steps:N0} steps ({run.StepsEngine.Instances:N0} waiting), hand SQL {run.StepsSql.Steps:N0} steps ({run.StepsSql.Instances:N0} instances)");
        await CompareAsync(engineWorld, handWorld, $"{label}, after the steps", failures, ct);
        run.Paths = await PathsAsync(engineWorld, ct);
        run.Outbox = await engineWorld.ScalarAsync("""SELECT COUNT(*) FROM "Outbox" """, ct);

        // 3. Timer lag: every wait due within the next spreadSeconds, swept on the real clock.
        var order = Permutation(customers, 20261124 + number);
        async Task TimerEngine()
        {
            var (wakes, writeSeconds) = await WriteWakesAsync(engineWorld, order, spreadSeconds, ct);
            var job = new JourneyTimerJob(engine, runtime, TimeProvider.System, log.For<JourneyTimerJob>());
            var context = DispatchProxy.Create<IJobExecutionContext, NoJobContext>();
            var before = await engineWorld.ScalarAsync("""SELECT COUNT(*) FROM "JourneyStepLog" """, ct);
            engineWorld.Commits.Clear();
            var (load, cpu, sw) = Begin();
            var deadline = wakes.Values.Max() + TimeSpan.FromSeconds(300);
            long waiting;
            do
            {
                // As the scheduler fires it: each Execute sweeps for LoopSeconds, polling every PollMilliseconds when idle.
                await job.Execute(context, ct);
                waiting = await engineWorld.ScalarAsync($"""SELECT COUNT(*) FROM "JourneyInstances" WHERE "Status" = {(int)InstanceStatus.Waiting}""", ct);
            } while (waiting > 0 && DateTime.UtcNow < deadline);
            var cpuUsed = Cpu() - cpu;
            var commits = engineWorld.Commits.Snapshot();
            var steps = await engineWorld.ScalarAsync("""SELECT COUNT(*) FROM "JourneyStepLog" """, ct) - before;
            // Each instance's wake was handled by the batch that started at its "leave the wait" row's time and became
            // durable at that batch's commit: the first commit after the batch started (batches run one after another).
            var processed = new List<(long Id, DateTime Started, DateTime Committed)>();
            await using (var c = engineWorld.Open())
            await using (var cmd = c.CreateCommand())
            {
                cmd.CommandText = $"""SELECT "InstanceId", "At" FROM "JourneyStepLog" WHERE "NodeId" = '{JourneysWorld.WaitNode}' AND "Port" = 'next'""";
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    var at = DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc);
                    var k = commits.BinarySearch(at);
                    if (k < 0) k = ~k;
                    processed.Add((reader.GetInt64(0), at, k < commits.Count ? commits[k] : DateTime.MaxValue));
                }
            }
            if (waiting > 0) failures.Add($"{label}, timer, engine: {waiting:N0} instances still waiting 300 s after the last wake");
            run.TimerEngine = Timer(processed, wakes, commits.Count, steps, sw.Elapsed.TotalSeconds, load, cpuUsed, writeSeconds);
            Report("engine", run.TimerEngine);
        }
        async Task TimerSql()
        {
            var (wakes, writeSeconds) = await WriteWakesAsync(handWorld, order, spreadSeconds, ct);
            var (load, cpu, sw) = Begin();
            var deadline = wakes.Values.Max() + TimeSpan.FromSeconds(300);
            var processed = new List<(long Id, DateTime Started, DateTime Committed)>();
            long steps = 0;
            var batches = 0;
            // The same loop as the timer job: a batch when something is due, a 100 ms pause when nothing is.
            while (processed.Count < customers && DateTime.UtcNow < deadline)
            {
                var b = await hand.AdvanceDueAsync(options.Batch, ct);
                if (b.Instances == 0)
                {
                    await Task.Delay(runtime.PollMilliseconds, ct);
                    continue;
                }
                batches++;
                steps += b.Steps;
                processed.AddRange(b.Ids.Select(id => (id, b.Started, b.Committed)));
            }
            var cpuUsed = Cpu() - cpu;
            if (processed.Count < customers) failures.Add($"{label}, timer, hand SQL: {customers - processed.Count:N0} instances still waiting 300 s after the last wake");
            run.TimerSql = Timer(processed, wakes, batches, steps, sw.Elapsed.TotalSeconds, load, cpuUsed, writeSeconds);
            Report("hand SQL", run.TimerSql);
        }
        await Both(engineFirst, TimerEngine, TimerSql);
        await CompareAsync(engineWorld, handWorld, $"{label}, after the timers", failures, ct);
        run.DbBytes = new FileInfo(engineWorld.Path).Length + (File.Exists(engineWorld.Path + "-wal") ? new FileInfo(engineWorld.Path + "-wal").Length : 0);
        SqliteConnection.ClearAllPools();
        return run;

        static void Report(string who, TimerMeasure t) =>
            Console.WriteLine($"  timers, {who}: {t.Work.Instances:N0} wakes, lag to commit p50 {t.Committed.P50:0} / p95 {t.Committed.P95:0} / p99 {t.Committed.P99:0} / max {t.Committed.Max:0} ms; {t.Work.Batches:N0} batches");
    }

    private static TimerMeasure Timer(List<(long Id, DateTime Started, DateTime Committed)> processed, Dictionary<long, DateTime> wakes, int batches, long steps,
        double seconds, double load, double cpu, double writeSeconds)
    {
        var committed = new List<double>(processed.Count);
        var startedLag = new List<double>(processed.Count);
        foreach (var p in processed)
        {
            var wake = wakes[p.Id];
            committed.Add((p.Committed - wake).TotalMilliseconds);
            startedLag.Add((p.Started - wake).TotalMilliseconds);
        }
        var lastWake = wakes.Values.Max();
        var lastCommit = processed.Count == 0 ? lastWake : processed.Max(p => p.Committed);
        return new TimerMeasure(new Measure(seconds, processed.Count, steps, batches, load, cpu), Lags.Of(committed), Lags.Of(startedLag),
            (lastCommit - lastWake).TotalMilliseconds, committed.DefaultIfEmpty(0).Max(), writeSeconds);
    }

    private static async Task Both(bool engineFirst, Func<Task> engine, Func<Task> sql)
    {
        foreach (var step in engineFirst ? new[] { engine, sql } : [sql, engine])
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            await step();
        }
    }

    private static (double Load, double Cpu, Stopwatch Clock) Begin() => (LoadAverage(), Cpu(), Stopwatch.StartNew());

    private static double Cpu() => Environment.CpuUsage.TotalTime.TotalSeconds;

    /// <summary>A seeded shuffle: instance <c>order[k]</c> wakes k-th.</summary>
    private static long[] Permutation(int n, int seed)
    {
        var ids = Enumerable.Range(1, n).Select(i => (long)i).ToArray();
        new Random(seed).Shuffle(ids);
        return ids;
    }

    /// <summary>Wake times spread uniformly over the next <paramref name="spreadSeconds"/> (after <see cref="Lead"/>), written in one transaction.</summary>
    private static async Task<(Dictionary<long, DateTime> Wakes, double Seconds)> WriteWakesAsync(JourneysWorld world, long[] order, int spreadSeconds, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        var first = DateTime.UtcNow + Lead;
        var wakes = new Dictionary<long, DateTime>(order.Length);
        for (var k = 0; k < order.Length; k++)
            wakes[order[k]] = first + TimeSpan.FromTicks(TimeSpan.FromSeconds(spreadSeconds).Ticks * k / order.Length);
        await using var c = world.Open();
        await using var tx = (SqliteTransaction)await c.BeginTransactionAsync(ct);
        await using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """UPDATE "JourneyInstances" SET "WakeAt" = $wake WHERE "Id" = $id AND "Status" = 1""";
        var wake = cmd.Parameters.Add("$wake", SqliteType.Text);
        var id = cmd.Parameters.Add("$id", SqliteType.Integer);
        cmd.Prepare();
        var written = 0;
        foreach (var (key, value) in wakes)
        {
            id.Value = key;
            wake.Value = value;
            written += cmd.ExecuteNonQuery();
        }
        await tx.CommitAsync(ct);
        if (written != order.Length) throw new BenchmarkException($"{written:N0} of {order.Length:N0} instances were waiting when the timer phase began");
        var seconds = sw.Elapsed.TotalSeconds;
        if (DateTime.UtcNow > first) Console.WriteLine($"  (writing the wake times took {seconds:0.0} s, longer than the {Lead.TotalSeconds:0} s lead: the first wakes were already due)");
        return (wakes, seconds);
    }

    // ------------------------------------------------------------------ profile

    public sealed record ProfileRow(string Title, double[] Ms, int[] Count, double Total, int Batches, long Instances, long Steps);

    private async Task<List<ProfileRow>> ProfileAsync(string dir, List<string> failures, CancellationToken ct)
    {
        Console.WriteLine($"==> Profile: {options.Customers:N0} instances advanced by the engine with its commands timed");
        SqliteConnection.ClearAllPools();
        var profiler = new JourneysProfiler();
        var world = await JourneysWorld.CreateAsync(Path.Combine(dir, "engine.db"), options.Customers, DateTime.UtcNow, ct, profiler);
        var log = new BenchLoggers(failures, "profile");
        var engine = new JourneyEngine(world, TimeProvider.System, log.For<JourneyEngine>(), new JourneyRuntimeOptions { BatchSize = options.Batch });
        var triggers = new JourneyTriggers(world, TimeProvider.System, log.For<JourneyTriggers>());
        await triggers.SweepAsync(ct);
        await world.EnterSegmentAsync(DateTime.UtcNow, ct);
        while (await world.ScalarAsync("""SELECT COUNT(*) FROM "JourneyInstances" """, ct) < options.Customers) await triggers.SweepAsync(ct);
        var rows = new List<ProfileRow>();
        foreach (var title in new[] { "trigger → wait (5 steps each)", "wake → exit (2 steps each)" })
        {
            if (rows.Count == 1)
            {
                await using var c = world.Open();
                await using var cmd = c.CreateCommand();
                cmd.CommandText = """UPDATE "JourneyInstances" SET "WakeAt" = $now WHERE "Status" = 1""";
                cmd.Parameters.AddWithValue("$now", DateTime.UtcNow);
                await cmd.ExecuteNonQueryAsync(ct);
            }
            GC.Collect();
            profiler.Start();
            var steps = await engine.DrainAsync(TimeSpan.FromHours(2), options.Batch, ct);
            var (ms, count, total) = profiler.Stop();
            rows.Add(new ProfileRow(title, ms, count, total, profiler.Batches, options.Customers, steps));
            Console.WriteLine($"  {title}: {steps:N0} steps in {total / 1000:0.0} s ({profiler.Batches} batches)");
            for (var k = 0; k < ms.Length; k++) Console.WriteLine($"    {JourneysProfiler.Titles[k],-70} {ms[k],9:0} ms  {count[k],7:N0}×");
        }
        foreach (var (part, sql) in profiler.FirstSql)
            Console.WriteLine($"  -- {part}: {(sql.Length > 600 ? sql[..600] + " …" : sql)}");
        SqliteConnection.ClearAllPools();
        return rows;
    }

    // ------------------------------------------------------------------ checks

    private static readonly (string Table, string Columns)[] Compared =
    [
        ("JourneyInstances", "\"Id\", \"CustomerId\", \"JourneyVersionId\", \"Status\", \"CurrentNodeId\", \"Revision\", \"WakeAt\" IS NULL, \"EndedAt\" IS NULL, \"ClaimedBy\" IS NULL, \"LastError\""),
        ("JourneyStepLog", "\"InstanceId\", \"NodeId\", \"Port\", \"Message\""),
        ("Outbox", "\"InstanceId\", \"NodeId\", \"CustomerId\", \"Channel\", \"IdempotencyKey\", \"Status\", CASE WHEN \"Channel\" = 'email' THEN \"PayloadJson\" END"),
    ];

    /// <summary>The two files must hold the same instances, step rows and outbox rows (times aside).</summary>
    private static async Task CompareAsync(JourneysWorld engine, JourneysWorld hand, string label, List<string> failures, CancellationToken ct)
    {
        await using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = engine.Path, Pooling = false }.ToString());
        await c.OpenAsync(ct);
        await using (var attach = c.CreateCommand())
        {
            attach.CommandText = "ATTACH DATABASE $path AS hand";
            attach.Parameters.AddWithValue("$path", hand.Path);
            await attach.ExecuteNonQueryAsync(ct);
        }
        foreach (var (table, columns) in Compared)
        {
            async Task<long> Count(string sql)
            {
                await using var cmd = c.CreateCommand();
                cmd.CommandText = sql;
                cmd.CommandTimeout = 0;
                return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
            }
            var inEngine = await Count($"""SELECT COUNT(*) FROM main."{table}" """);
            var inHand = await Count($"""SELECT COUNT(*) FROM hand."{table}" """);
            var engineOnly = await Count($"""SELECT COUNT(*) FROM (SELECT {columns} FROM main."{table}" EXCEPT SELECT {columns} FROM hand."{table}")""");
            var handOnly = await Count($"""SELECT COUNT(*) FROM (SELECT {columns} FROM hand."{table}" EXCEPT SELECT {columns} FROM main."{table}")""");
            if (inEngine != inHand || engineOnly != 0 || handOnly != 0)
                failures.Add($"{label}: {table} holds {inEngine:N0} rows in the engine's file and {inHand:N0} in the hand SQL's; {engineOnly:N0} only in the engine's, {handOnly:N0} only in the hand SQL's");
            else Console.WriteLine($"  check {label}: {table} equal ({inEngine:N0} rows)");
        }
    }

    private static async Task<List<(string, string?, string?, long)>> PathsAsync(JourneysWorld world, CancellationToken ct)
    {
        var rows = new List<(string, string?, string?, long)>();
        await using var c = world.Open();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = """SELECT "NodeId", "Port", "Message", COUNT(*) FROM "JourneyStepLog" GROUP BY "NodeId", "Port", "Message" ORDER BY MIN("Id")""";
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rows.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetInt64(3)));
        return rows;
    }

    // ------------------------------------------------------------------ the docs section

    private string Markdown(List<Run> runs, List<ProfileRow>? profile, List<string> failures, DateTime started, double loadStart, double loadEnd, string source)
    {
        var inv = CultureInfo.InvariantCulture;
        var s = new StringBuilder();
        var n = options.Customers;
        var cores = Environment.ProcessorCount;
        var loads = runs.SelectMany(r => new[] { r.EnrolEngine, r.EnrolSql, r.StepsEngine, r.StepsSql, r.TimerEngine?.Work, r.TimerSql?.Work }).OfType<Measure>().Select(m => m.Load).ToList();
        var busy = loads.Count(l => l > cores);
        s.AppendLine(SectionHeading);
        s.AppendLine();
        s.AppendLine(inv, $"Measured {started:yyyy-MM-dd HH:mm} UTC on {MachineInfo.Describe()}.");
        s.AppendLine(inv, $"1-minute load average when the measurements started / ended: {loadStart:0.00} / {loadEnd:0.00}; at the start of the measured phases {loads.DefaultIfEmpty().Min():0.00}–{loads.DefaultIfEmpty().Max():0.00} (on {cores} cores shared with other engineers' builds and tests{(busy > 0 ? $"; **the load exceeded the core count at the start of {busy} of the {loads.Count} measurements** (per measurement in the table below): engine and baseline ran one after the other under about the same load, but those figures are slower and noisier than on a quiet machine" : "")}).");
        s.AppendLine(inv, $"Source when the run started: {source}.");
        s.AppendLine();
        s.AppendLine("```");
        s.AppendLine(options.Command);
        s.AppendLine("```");
        s.AppendLine();
        s.AppendLine(inv, $"Each run builds two fresh SQLite files alike (`tests/CustomerStudio.Benchmarks/Journeys/JourneysWorld.cs`), migrated by the product (`StudioDatabase.MigrateAsync`: WAL, the shipped indexes) and opened as the studio opens its file (pooled, 30 s busy timeout, `synchronous` left at FULL): {n:N0} customers (bulk insert; every 40th unsubscribed from e-mail, every 50th without an address), the segment 高意向 (`{JourneysWorld.SegmentCode}`), the e-mail template `{JourneysWorld.TemplateCode}` and one published journey (entry rule \"once\", workspace limits off):");
        s.AppendLine();
        s.AppendLine("```");
        s.AppendLine("segment_entered(高意向) → ab_split 50/50 → a: send_email(welcome) ┐");
        s.AppendLine("                                          b: webhook(CRM)      ┴→ join → wait P1D → exit");
        s.AppendLine("```");
        s.AppendLine();
        s.AppendLine(inv, $"The engine works on one file, the hand SQL (`Journeys/JourneysHandSql.cs`) on the other; in each phase both run one after the other (engine first in odd runs, hand SQL first in even ones), and after each phase the two files must hold the same instances (id, customer, status, node, revision), step rows (instance, node, port, message) and outbox rows (instance, node, channel, idempotency key, e-mail payload). {options.Runs} measured run{(options.Runs == 1 ? "" : "s")}{(options.Warmup > 0 ? $" after an untimed warm-up run of {options.Warmup:N0} customers" : "")}; batches of {options.Batch} instances on both sides; nothing dispatches the outbox during the measurements.");
        s.AppendLine();
        s.AppendLine("- **Enrolment**: the trigger has been swept once (its cursor is at the end of the segment log), then every customer enters the segment (a membership and an `entered` log row each, untimed). Engine: `JourneyTriggers.SweepAsync` called back to back until all instances exist (it takes at most 50,000 log rows a sweep; the trigger job would rest 250 ms between sweeps). Hand SQL: one `INSERT INTO \"JourneyInstances\" … SELECT … FROM \"SegmentMembershipLog\" … AND NOT EXISTS (an instance of this journey)` and the cursor update, one transaction.");
        s.AppendLine("- **Durable steps**: those instances, all due, advanced from the trigger to the wait: 5 steps each (trigger, split, e-mail or webhook, join, wait), 5 step rows, an outbox row for each e-mail queued and each webhook. Engine: `JourneyEngine.DrainAsync` (claim a batch, walk it, one transaction); steps counted from the step rows written. Hand SQL: one query reads a batch of due instances with their customers, then per instance a revision-checked `UPDATE`, its step-row `INSERT`s and its outbox `INSERT`, prepared once, one transaction per batch; no claims (a single writer).");
        s.AppendLine(inv, $"- **Timer lag**: the {n:N0} waiting instances get wake times spread uniformly over the next {options.SpreadSeconds} s of the real clock (seeded shuffle, written in one transaction by primary key; the first wake {Lead.TotalSeconds:0} s after the write began, which took {runs.SelectMany(r => new[] { r.TimerEngine!.WakeWriteSeconds, r.TimerSql!.WakeWriteSeconds }).DefaultIfEmpty().Max():0.0} s at most; {n / (double)options.SpreadSeconds:N0} wakes/s, each 2 steps: leave the wait, exit). Engine: `JourneyTimerJob.Execute` called back to back as the scheduler fires it ({new JourneyRuntimeOptions().LoopSeconds} s of sweeping each, `AdvanceDueAsync` of {options.Batch}, a {new JourneyRuntimeOptions().PollMilliseconds} ms pause when nothing is due, {new JourneyRuntimeOptions().TrickleMilliseconds} ms after a batch under a tenth of a full one), `TimeProvider.System`. Hand SQL: the same loop (the {new JourneyRuntimeOptions().PollMilliseconds} ms pause when nothing is due). **Lag** = when the batch that handled the wake committed − the wake time (the commit is when the instance has durably moved on; for the engine taken by a transaction interceptor, each wake matched to its batch by the step row's time); \"to batch start\" = the step row's `At` (the time the engine writes) − the wake time.");
        s.AppendLine();

        // Summary.
        static (double P50, double P95) Runs(IEnumerable<double> xs)
        {
            var st = Conditions.ConditionsBenchmark.Stats.Of(xs.ToList());
            return (st.P50, st.P95);
        }
        static (double P50, double Worst) RunsLow(IEnumerable<double> xs)
        {
            var a = xs.Order().ToArray();
            return (a[(a.Length - 1) / 2], a[0]);
        }
        var enrolE = Runs(runs.Select(r => r.EnrolEngine!.Seconds));
        var enrolS = Runs(runs.Select(r => r.EnrolSql!.Seconds));
        var stepsE = RunsLow(runs.Select(r => r.StepsEngine!.StepsPerSecond));
        var stepsS = RunsLow(runs.Select(r => r.StepsSql!.StepsPerSecond));
        var lagE = Runs(runs.Select(r => r.TimerEngine!.Committed.P99));
        var lagS = Runs(runs.Select(r => r.TimerSql!.Committed.P99));
        string Met(bool ok) => ok ? "yes" : "**no**";
        s.AppendLine(inv, $"| Figure | Engine: p50 / {(runs.Count > 1 ? "p95" : "only")} of {runs.Count} runs | Hand SQL: p50 / {(runs.Count > 1 ? "p95" : "only")} | Engine ÷ hand SQL (p50) | Target | Met? |");
        s.AppendLine("|---|---:|---:|---:|---|---|");
        s.AppendLine(inv, $"| **Enrolment**: {n:N0} customers entering the segment, until every instance exists | {enrolE.P50:0.00} / {enrolE.P95:0.00} s | {enrolS.P50:0.00} / {enrolS.P95:0.00} s | {enrolE.P50 / enrolS.P50:0.00} | ≤ {EnrolTargetSeconds:0} s | {Met(enrolE.P95 <= EnrolTargetSeconds)} |");
        s.AppendLine(inv, $"| **Durable steps per second**, {runs[0].StepsEngine!.Steps:N0} steps (p50 / slowest run) | {stepsE.P50:N0} / {stepsE.Worst:N0} | {stepsS.P50:N0} / {stepsS.Worst:N0} | {stepsE.P50 / stepsS.P50:0.00} | ≥ {StepsTarget:N0} steps/s | {Met(stepsE.Worst >= StepsTarget)} |");
        s.AppendLine(inv, $"| **Timer lag p99** (wake → committed), {n:N0} instances waiting, all due within {options.SpreadSeconds} s | {lagE.P50:N0} / {lagE.P95:N0} ms | {lagS.P50:N0} / {lagS.P95:N0} ms | {lagE.P50 / lagS.P50:0.00} | ≤ {LagTargetMs:N0} ms p99 | {Met(lagE.P95 <= LagTargetMs)} |");
        s.AppendLine();
        s.AppendLine("\"Met?\" is judged on the p95 across runs (for steps per second: the slowest run).");
        s.AppendLine();

        // Per run.
        s.AppendLine("Every run (load = 1-minute load average when the measurement began; CPU = seconds of CPU the benchmark process used during it, all threads; with CPU close to the wall time the process had a core to itself, far below it it was waiting for the disk or for the CPU):");
        s.AppendLine();
        s.AppendLine("| Run | Side | Enrolment | Steps: time | Steps/s | Steps: batches | Timers: from the first wake to the last commit | Load at enrolment / steps / timers | CPU s during enrolment / steps / timers |");
        s.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in runs)
            foreach (var (side, first, enrol, steps, timer) in r.EngineFirst
                         ? new[] { ("engine", true, r.EnrolEngine!, r.StepsEngine!, r.TimerEngine!), ("hand SQL", false, r.EnrolSql!, r.StepsSql!, r.TimerSql!) }
                         : [("hand SQL", true, r.EnrolSql!, r.StepsSql!, r.TimerSql!), ("engine", false, r.EnrolEngine!, r.StepsEngine!, r.TimerEngine!)])
                s.AppendLine(inv, $"| {r.Number} | {side}{(first ? " (first)" : "")} | {enrol.Seconds:0.00} s | {steps.Seconds:0.0} s | {steps.StepsPerSecond:N0} | {steps.Batches:N0} | {options.SpreadSeconds + timer.LastCommitAfterLastWakeMs / 1000:0.0} s | {enrol.Load:0.00} / {steps.Load:0.00} / {timer.Work.Load:0.00} | {enrol.CpuSeconds:0.0} / {steps.CpuSeconds:0.0} / {timer.Work.CpuSeconds:0.0} |");
        s.AppendLine();
        s.AppendLine("Timer lag per run (ms; wake → committed unless said otherwise; CPU = seconds of CPU the process used over the phase's ≈ 70 s):");
        s.AppendLine();
        s.AppendLine("| Run | Side | p50 | p95 | p99 | max | p99 to batch start | Last commit after the last wake | Batches (instances each, mean) | CPU |");
        s.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in runs)
            foreach (var (side, t) in new[] { ("engine", r.TimerEngine!), ("hand SQL", r.TimerSql!) })
                s.AppendLine(inv, $"| {r.Number} | {side} | {t.Committed.P50:N0} | {t.Committed.P95:N0} | {t.Committed.P99:N0} | {t.Committed.Max:N0} | {t.Started.P99:N0} | {t.LastCommitAfterLastWakeMs:N0} | {t.Work.Batches:N0} ({t.Work.Instances / (double)Math.Max(1, t.Work.Batches):0}) | {t.Work.CpuSeconds:0.0} s |");
        s.AppendLine();
        static double Mid(IEnumerable<double> xs) { var a = xs.Order().ToArray(); return a[(a.Length - 1) / 2]; }
        var perBatchE = Mid(runs.Select(r => r.TimerEngine!.Work.Instances / (double)Math.Max(1, r.TimerEngine.Work.Batches)));
        var perBatchS = Mid(runs.Select(r => r.TimerSql!.Work.Instances / (double)Math.Max(1, r.TimerSql.Work.Batches)));
        var cpuE = Mid(runs.Select(r => r.TimerEngine!.Work.CpuSeconds));
        var cpuS = Mid(runs.Select(r => r.TimerSql!.Work.CpuSeconds));
        s.AppendLine(inv, $"Reading the timer figures: both loops sleep {new JourneyRuntimeOptions().PollMilliseconds} ms only when nothing is due. A loop whose batch takes less than the {1000.0 * options.SpreadSeconds / n:0.00} ms between two wakes empties the queue, finds nothing due and sleeps, so its lag spreads over the poll interval; a loop whose batch takes longer rarely finds nothing due, works in batches of a few instances, and its lag stays near one batch's duration — at the price of keeping a core busy. In this run the engine took {perBatchE:0} instances a batch and {cpuE:0.0} s of CPU (p50 of the runs), the hand SQL {perBatchS:0} instances a batch and {cpuS:0.0} s: the difference in lag between the two is mostly this, not the SQL; the CPU needed to keep up with {n / (double)options.SpreadSeconds:N0} wakes/s is the fairer comparison, and it decides who falls behind on a busy machine.");
        s.AppendLine();

        if (profile is { Count: > 0 })
        {
            s.AppendLine(inv, $"Where the engine's time goes (`--profile`: a separate pass after the runs on a fresh file, {n:N0} instances; the commands it sends through EF are timed by an interceptor, a read until its rows are materialized; ms per batch of {options.Batch}, then per instance):");
            s.AppendLine();
            s.AppendLine("| Part | " + string.Join(" | ", profile.Select(p => p.Title)) + " |");
            s.AppendLine("|---|" + string.Concat(profile.Select(_ => "---:|")));
            for (var k = 0; k < JourneysProfiler.Titles.Length; k++)
            {
                var part = k;
                if (profile.All(p => p.Ms[part] == 0)) continue;
                s.AppendLine($"| {JourneysProfiler.Titles[k]} | " + string.Join(" | ", profile.Select(p => string.Create(inv, $"{p.Ms[part] / p.Batches:0.0} ms ({1000 * p.Ms[part] / p.Instances:0} µs)"))) + " |");
            }
            s.AppendLine($"| EF and the engine between commands (the rest) | " + string.Join(" | ", profile.Select(p => string.Create(inv, $"{(p.Total - p.Ms.Sum()) / p.Batches:0.0} ms ({1000 * (p.Total - p.Ms.Sum()) / p.Instances:0} µs)"))) + " |");
            s.AppendLine($"| **Total** | " + string.Join(" | ", profile.Select(p => string.Create(inv, $"**{p.Total / p.Batches:0.0} ms ({1000 * p.Total / p.Instances:0} µs)**; {p.Steps / (p.Total / 1000):N0} steps/s"))) + " |");
            s.AppendLine();
        }

        var last = runs[^1];
        if (last.Paths.Count > 0)
        {
            var paths = string.Join("; ", last.Paths.Select(p => string.Create(inv, $"{p.Node}{(p.Port is null ? "" : ":" + p.Port)}{(p.Message is null ? "" : $" \"{p.Message}\"")} {p.Count:N0}")));
            s.AppendLine(inv, $"What the instances did (run {last.Number}, engine's file; the hand SQL's holds the same rows): {paths}; {last.Outbox:N0} outbox messages. Setup per run (two files, untimed) {last.SetupSeconds:0} s; the engine's file ends at {last.DbBytes / 1048576.0:0} MB with its WAL.");
            s.AppendLine();
        }
        var all = runs.Count * 3;
        s.AppendLine(inv, $"Results equal to the hand SQL's after {(failures.Count == 0 ? $"all {all} measured phases" : "every phase except those listed below")}.");
        if (failures.Count > 0)
        {
            s.AppendLine();
            s.AppendLine("**Mismatches and errors in this run:**");
            foreach (var f in failures) s.AppendLine(inv, $"- {f}");
        }
        s.AppendLine();
        s.Append(JourneysNotes.Text);
        return s.ToString();
    }

    // ------------------------------------------------------------------ plumbing

    private static double LoadAverage() =>
        File.Exists("/proc/loadavg") ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture) : double.NaN;

    private static string SourceState(string repo)
    {
        try
        {
            string Git(string args)
            {
                using var p = Process.Start(new ProcessStartInfo("git", args) { WorkingDirectory = repo, RedirectStandardOutput = true, RedirectStandardError = true })!;
                var output = p.StandardOutput.ReadToEnd().Trim();
                p.WaitForExit();
                return output;
            }
            var commit = Git("rev-parse --short HEAD");
            var dirty = Git("status --porcelain -- src") is { Length: > 0 } ? "src/ with uncommitted changes" : "src/ clean";
            return $"commit {commit}, {dirty}";
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return "unknown (git not available)";
        }
    }

    private static string RepoRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "CustomerStudio.sln"))) return dir.FullName;
        throw new BenchmarkException("CustomerStudio.sln not found above the current directory.");
    }
}

/// <summary>The job never looks at its context: any use would be a change in <see cref="SweepingJob"/> this benchmark should hear about.</summary>
public class NoJobContext : DispatchProxy
{
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
        throw new NotSupportedException($"the benchmark's job context does not provide {targetMethod?.Name}");
}

/// <summary>Loggers for the runtime: warnings and errors are printed, and errors count as failures of the run.</summary>
public sealed class BenchLoggers(List<string> failures, string label)
{
    public ILogger<T> For<T>() => new Logger<T>(failures, label);

    private sealed class Logger<T>(List<string> failures, string label) : ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel < LogLevel.Warning) return;
            var text = $"{typeof(T).Name}: {formatter(state, exception)}{(exception is null ? "" : " — " + exception.GetBaseException().Message)}";
            Console.Error.WriteLine($"  [{logLevel}] {text}");
            if (logLevel >= LogLevel.Error)
                lock (failures) failures.Add($"{label}: {text}");
        }
    }
}
