using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace CustomerStudio.Benchmarks.Ingestion;

/// <summary>
/// Issue #5, ingestion API: ≥ 10,000 events/s sustained for 10 minutes on loopback, p99 accept → durable ≤ 1 s, nothing
/// lost. Publishes the studio, runs it as its own process on a fresh demo workspace, creates an API key as the admin,
/// warms up, then offers the load open-loop from this process (<see cref="IngestLoad"/>); kills the studio, matches
/// every stored event to the one sent (<see cref="IngestVerify"/>), and stores the same events with hand-written SQL
/// into a fresh database (<see cref="IngestHandSql"/>).
/// </summary>
public sealed partial class IngestBenchmark(IngestOptions options)
{
    public const string SectionHeading = "## Ingestion API (issue #5)";
    public const double RateTarget = 10_000;
    public const double DurationTargetSeconds = 600;
    public const double P99TargetMs = 1_000;

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var repo = RepoRoot();
        var publishDir = Path.Combine(repo, "artifacts", "bench-web-ingest");
        var benchDir = Path.Combine(repo, "artifacts", "bench");
        var dataDir = Path.Combine(benchDir, "ingest-studio");
        var dbPath = Path.Combine(dataDir, "customerstudio.db");
        var loadStart = IngestSampler.LoadAverage();
        var started = DateTime.UtcNow;

        if (options.Publish)
        {
            Step($"dotnet publish src/CustomerStudio.Web -c Release -o {Path.GetRelativePath(repo, publishDir)}");
            await StudioServer.PublishAsync(repo, publishDir, ct);
        }

        if (Directory.Exists(dataDir)) Directory.Delete(dataDir, recursive: true);
        Directory.CreateDirectory(dataDir);
        Step($"Starting the published studio (Production, fresh SQLite demo workspace in {Path.GetRelativePath(repo, dataDir)})");
        var clock = Stopwatch.StartNew();
        var server = await StudioServer.StartAsync(publishDir, [.. options.AppEnvironment, new("Database__DataDirectory", dataDir)], ct);
        var healthy = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"  healthy after {healthy:0.0} s at {server.BaseUrl} (pid {server.Pid})");
        StudioRun run;
        try
        {
            run = await RunStudioAsync(server, dbPath, healthy, ct);
        }
        catch (BenchmarkException ex)
        {
            throw new BenchmarkException($"{ex.Message}\n--- studio log (tail) ---\n{server.LogTail()}");
        }
        finally
        {
            Step("Stopping the studio (SIGKILL: what was acknowledged must already be on disk)");
            await server.DisposeAsync();
        }
        var loadAfterStudio = IngestSampler.LoadAverage();

        Step("Reading the studio's SQLite file: every event sent must be stored once, on its customer");
        var verify = await IngestVerify.RunAsync(dbPath, run.Workload, run.MeasuredFrom, run.MeasuredTo, ct);
        Console.WriteLine($"  {verify.Stored:N0} stored, {verify.Distinct:N0} of {verify.Sent:N0} sent found, missing {verify.Missing:N0}, duplicates {verify.Duplicates:N0}, " +
                          $"wrong customer {verify.WrongCustomer:N0}, wrong type {verify.WrongType:N0}, properties {verify.PropertiesStored:N0} of {verify.PropertiesSent:N0} ({verify.Seconds:0.0} s)");
        SqliteConnection.ClearAllPools();
        if (!options.KeepDb) Directory.Delete(dataDir, recursive: true);

        IngestHandSqlResult? hand = null;
        if (options.Baseline)
        {
            Step("Hand-written SQL baseline: the same events into a fresh migrated SQLite database");
            hand = await IngestHandSql.RunAsync(new IngestWorkload(run.Workload.Spec, run.DemoPhones, track: false), run.DemoPhones,
                Path.Combine(benchDir, "ingest-baseline.db"), ct);
            Console.WriteLine($"  {hand.Events:N0} events in {hand.Seconds:0.0} s of transactions ({hand.WallSeconds:0.0} s with generating them): {hand.Throughput:N0} events/s; " +
                              $"batch p50 {LoadResult.Percentile(hand.BatchMs, 50):0.0} ms, p99 {LoadResult.Percentile(hand.BatchMs, 99):0.0} ms (synchronous={hand.Synchronous})");
            SqliteConnection.ClearAllPools();
            foreach (var f in new[] { "", "-wal", "-shm" }.Select(s => Path.Combine(benchDir, "ingest-baseline.db" + s)))
                if (File.Exists(f)) File.Delete(f);
        }
        var loadEnd = IngestSampler.LoadAverage();

        var section = Markdown(run, verify, hand, started, loadStart, loadAfterStudio, loadEnd);
        Console.WriteLine();
        Console.WriteLine(section);
        var verdict = Verdict(run.Load, verify);
        if (options.WriteDocs)
        {
            var docs = Path.Combine(repo, "docs", "benchmarks.md");
            BenchmarkDocs.WriteSection(docs, SectionHeading, section);
            Console.WriteLine($"Written to {Path.GetRelativePath(repo, docs)}");
        }
        return verdict.All ? 0 : 1;
    }

    private sealed record StudioRun(double HealthySeconds, int DemoCustomers, IReadOnlyList<string> DemoPhones, bool ServerGc, RssReading Idle,
        LoadResult Warmup, LoadResult Load, IngestWorkload Workload, DateTime MeasuredFrom, DateTime MeasuredTo, RssReading End, LoadResult? Capacity, double[] FsyncMs,
        IReadOnlyList<(double Seconds, string Job, string Text)> Jobs, int ApiKeyId);

    private async Task<StudioRun> RunStudioAsync(StudioServer server, string dbPath, double healthy, CancellationToken ct)
    {
        var (demoCustomers, demoPhones) = await DemoPhonesAsync(dbPath, ct);
        Console.WriteLine($"  demo workspace: {demoCustomers:N0} customers, {demoPhones.Count:N0} primary phones");
        var serverGc = (await server.DiagnosticsAsync(collect: false, ct)).ServerGc;
        var idle = server.ReadRss();

        Step("Creating an API key (scope ingest:events) as the admin");
        using var admin = await SignInAsync(server.BaseUrl, ct);
        using var created = await admin.PostAsJsonAsync("/api/settings/api-keys", new { name = "bench", scopes = new[] { "ingest:events" } }, ct);
        if (created.StatusCode != HttpStatusCode.Created)
            throw new BenchmarkException($"POST /api/settings/api-keys answered {(int)created.StatusCode}: {await created.Content.ReadAsStringAsync(ct)}");
        var key = JsonNode.Parse(await created.Content.ReadAsStringAsync(ct))!;
        var secret = key["secret"]!.GetValue<string>();
        var keyId = key["key"]!["id"]!.GetValue<int>();

        await using var fsync = new FsyncProbe(Path.GetDirectoryName(dbPath)!);
        var sampler = new IngestSampler(server, dbPath, fsync);
        var load = new IngestLoad(server.BaseUrl, secret, options.Clients, TimeSpan.FromSeconds(options.TimeoutSeconds), sampler.Read);
        var measuredBase = DateTime.SpecifyKind(DateTime.UtcNow.AddTicks(-(DateTime.UtcNow.Ticks % TimeSpan.TicksPerSecond)).AddSeconds(1), DateTimeKind.Utc);
        var step = (long)Math.Round(TimeSpan.TicksPerSecond / (double)options.Rate);
        if (step < 1) throw new BenchmarkException("--rate above 10,000,000 events/s cannot give each event its own occurredAt tick.");

        LoadResult warmup;
        var warmupEvents = (long)options.Rate * options.WarmupSeconds;
        if (warmupEvents > 0)
        {
            Step($"Warm-up: {options.WarmupSeconds} s at {options.Rate:N0} events/s (not counted)");
            var warm = new IngestWorkload(new WorkloadSpec(options.Seed + 1, "warm-", Math.Min(options.Customers, 5_000), options.DemoShare, warmupEvents,
                options.Batch, measuredBase.AddHours(-1), step, "bench-warmup-"), demoPhones, track: false);
            warmup = await load.RunAsync("warm-up", warm, options.Rate, progress: true, ct);
            Console.WriteLine($"  {warmup.EventsAcked:N0} events durable, p99 {LoadResult.Percentile(warmup.Latencies(), 99):0} ms, retries {warmup.Retries}");
            if (warmup.FailedBatches > 0) throw new BenchmarkException($"{warmup.FailedBatches} warm-up batches failed: {string.Join("; ", warmup.Problems.Take(5))}");
        }
        else
        {
            warmup = new LoadResult
            {
                Name = "warm-up", OfferedRate = 0, DurationSeconds = 0, Batches = [], EventsSent = 0, Samples = [], Ok = 0, TooMany = 0, ServerErrors = 0,
                OtherStatus = 0, Timeouts = 0, ConnectionErrors = 0, Retries = 0, MaxInFlight = 0, Problems = [],
            };
        }

        var workload = new IngestWorkload(new WorkloadSpec(options.Seed, "ext-", options.Customers, options.DemoShare, options.TotalEvents,
            options.Batch, measuredBase, step, "bench-m-"), demoPhones, track: true);
        Step($"Measurement: {options.Rate:N0} events/s for {options.Seconds} s ({options.TotalEvents:N0} events in batches of {options.Batch}, {options.Clients} senders)");
        var measuredFrom = DateTime.UtcNow;
        fsync.Restart();
        var result = await load.RunAsync("load", workload, options.Rate, progress: true, ct);
        var fsyncMs = fsync.Readings.Select(r => r.Ms).Order().ToArray();
        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        var measuredTo = DateTime.UtcNow;
        var end = server.ReadRss();
        var background = server.LogTail(1_000_000).Split('\n')
            .Where(l => l.Contains(" WRN ", StringComparison.Ordinal) || l.Contains(" ERR ", StringComparison.Ordinal) || l.Contains("Tags.", StringComparison.Ordinal)
                        || l.Contains("Segment", StringComparison.Ordinal) || l.Contains("Scoring", StringComparison.Ordinal))
            .ToList();
        Console.WriteLine($"  studio log, background work and warnings ({background.Count} lines; measurement {measuredFrom:HH:mm:ss}–{measuredTo:HH:mm:ss} UTC):");
        foreach (var line in background.TakeLast(60)) Console.WriteLine("    " + line);
        var jobs = BackgroundJobs(background, measuredFrom, measuredTo);

        LoadResult? capacity = null;
        if (options.CapacitySeconds > 0)
        {
            // Same mix, other customers and an occurredAt range before the warm-up's, so the measurement's check ignores them.
            var bound = 200_000L * options.CapacitySeconds;
            var named = options.TotalEvents * (1 - options.DemoShare);
            var customers = (int)Math.Clamp(Math.Min(1, options.Customers / Math.Max(1, named)) * bound * (1 - options.DemoShare), 1, int.MaxValue);
            var probe = new IngestWorkload(new WorkloadSpec(options.Seed + 2, "cap-", customers, options.DemoShare, bound, options.Batch,
                measuredBase.AddHours(-2), 1, "bench-capacity-"), demoPhones, track: false);
            Step($"Capacity: {options.Clients} senders back to back for {options.CapacitySeconds} s (closed loop)");
            capacity = await load.RunClosedAsync("capacity", probe, options.CapacitySeconds, ct);
            Console.WriteLine($"  {capacity.EventsAcked:N0} events durable in {capacity.DurationSeconds:0.0} s: {capacity.EventsAcked / capacity.DurationSeconds:N0} events/s, " +
                              $"p50 {LoadResult.Percentile(capacity.Latencies(), 50):0} ms, p99 {LoadResult.Percentile(capacity.Latencies(), 99):0} ms, retries {capacity.Retries}");
        }
        return new StudioRun(healthy, demoCustomers, demoPhones, serverGc, idle, warmup, result, workload, measuredFrom, measuredTo, end, capacity, fsyncMs, jobs, keyId);
    }

    /// <summary>
    /// The studio's own jobs that logged a duration while the load ran (tag sweeps, lead scoring, RFM …), with their
    /// offset from the start of the measurement: each one is a write transaction the ingestion writer may wait for.
    /// The log's timestamps are the studio's local time to the second (UTC here).
    /// </summary>
    private static List<(double Seconds, string Job, string Text)> BackgroundJobs(IEnumerable<string> lines, DateTime from, DateTime to)
    {
        var jobs = new List<(double, string, string)>();
        foreach (var line in lines)
        {
            var m = JobLine().Match(line);
            if (!m.Success) continue;
            var at = from.Date + TimeSpan.ParseExact(m.Groups[1].Value, @"hh\:mm\:ss", CultureInfo.InvariantCulture);
            if (at < from.AddSeconds(-1) || at > to) continue;
            jobs.Add(((at - from).TotalSeconds, m.Groups[2].Value, m.Groups[3].Value));
        }
        return jobs;
    }

    [GeneratedRegex(@"^(\d\d:\d\d:\d\d) INF CustomerStudio\.Core\.[A-Za-z.]*\.(\w+Job): (.* in \d+ ms.*)$")]
    private static partial Regex JobLine();

    /// <summary>The demo customers' primary phones, read from the studio's file while it runs (WAL: readers do not block it).</summary>
    private static async Task<(int Customers, IReadOnlyList<string> Phones)> DemoPhonesAsync(string dbPath, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = dbPath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = """SELECT "Value" FROM "CustomerIdentities" WHERE "Kind" = 0 AND "IsPrimary" = 1 ORDER BY "CustomerId" """;
        var phones = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) phones.Add(reader.GetString(0));
        command.CommandText = """SELECT COUNT(*) FROM "Customers" """;
        var customers = Convert.ToInt32(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        return (customers, phones);
    }

    private sealed record Verdicts(bool Record, bool Throughput, bool Latency, bool Lost)
    {
        public bool All => Throughput && Latency && Lost;
    }

    /// <summary>
    /// Kept pace: every batch acknowledged, and the last acknowledgement within 1 s (the latency bound) of the last
    /// batch's due time, so no backlog built up; at an offered ≥ 10,000 events/s for ≥ 10 minutes that is the target.
    /// </summary>
    private Verdicts Verdict(LoadResult load, VerifyResult verify)
    {
        var record = options.Rate >= RateTarget && options.Seconds >= DurationTargetSeconds;
        var keptPace = load.FailedBatches == 0 && load.LastAckSeconds - load.LastDueSeconds <= P99TargetMs / 1000;
        var p99 = LoadResult.Percentile(load.Latencies(), 99);
        return new Verdicts(record, record && keptPace, p99 <= P99TargetMs && load.FailedBatches == 0, verify.Exact);
    }

    private string Markdown(StudioRun run, VerifyResult v, IngestHandSqlResult? hand, DateTime started, double loadStart, double loadAfterStudio, double loadEnd)
    {
        var inv = CultureInfo.InvariantCulture;
        var load = run.Load;
        var verdict = Verdict(load, v);
        var latencies = load.Latencies();
        var fromDue = load.FromDue();
        var lags = load.Lags();
        var windows = load.Windows(10);
        var samples = load.Samples;
        string Met(bool met) => !verdict.Record ? "(short run)" : met ? "yes" : "**no**";
        string Ms(double ms) => ms >= 100 ? ms.ToString("N0", inv) : ms.ToString("0.0", inv);
        string Pct(double[] sorted) => $"{Ms(LoadResult.Percentile(sorted, 50))} / {Ms(LoadResult.Percentile(sorted, 95))} / {Ms(LoadResult.Percentile(sorted, 99))} / {Ms(sorted.DefaultIfEmpty(double.NaN).Max())} ms";
        double Avg(Func<LoadSample, double> f) => samples.Count == 0 ? double.NaN : samples.Average(f);
        double Max(Func<LoadSample, double> f) => samples.Count == 0 ? double.NaN : samples.Max(f);

        var b = new StringBuilder();
        b.AppendLine(SectionHeading);
        b.AppendLine();
        b.AppendLine(inv, $"Measured {started:yyyy-MM-dd HH:mm} UTC on {MachineInfo.Describe()}.");
        b.AppendLine(inv, $"1-minute load average at the start / after the studio run / at the end: {loadStart:0.00} / {loadAfterStudio:0.00} / {loadEnd:0.00} (on {Environment.ProcessorCount} cores shared with other builds and tests; the load generator, the studio and the baseline run on the same machine, the baseline after the studio has stopped).");
        var env = options.AppEnvironment.Count == 0 ? "none" : string.Join(", ", options.AppEnvironment.Select(kv => $"`{kv.Key}={kv.Value}`"));
        b.AppendLine(inv, $"Studio published in Release, run as its own process with `ASPNETCORE_ENVIRONMENT=Production` on a fresh SQLite demo workspace ({run.DemoCustomers:N0} customers; healthy {run.HealthySeconds:0.0} s after start, seeding included; the file on the same ext4 disk as the repository, default connection settings: WAL, synchronous={hand?.Synchronous ?? "default"}); {(run.ServerGc ? "Server" : "Workstation")} GC; default `Ingestion:RequestsPerSecond` (200 per key); extra environment for the studio: {env}.");
        b.AppendLine();
        b.AppendLine("```");
        b.AppendLine(options.Command);
        b.AppendLine("```");
        b.AppendLine();
        b.AppendLine(inv, $"Load (`tests/CustomerStudio.Benchmarks/Ingestion`): {options.Clients} senders in the benchmark process, each an `HttpClient` with its own connections, post batches of {options.Batch} events to `POST /api/ingest/events` over loopback HTTP/1.1 with `Authorization: Bearer csk_…` (a key with scope `ingest:events`, created by the admin through `POST /api/settings/api-keys`) and a unique `Idempotency-Key` per batch. Open loop: batch k is due at k × {options.Batch} ÷ {options.Rate:N0} s and goes out then whatever the earlier ones are doing, so a slow studio shows up as latency and requests in flight, not as less load. A 429, a 5xx, a timeout ({options.TimeoutSeconds} s) or a broken connection is retried with the same body and key. Accept → durable is first send → 200 of a batch (the API answers after the commit), retries included. {options.WarmupSeconds} s of warm-up at the same rate (other customers, not counted) before the measurement.");
        b.AppendLine(inv, $"Events (deterministic, seed {options.Seed}): {run.Workload.DemoEvents:N0} ({100.0 * run.Workload.DemoEvents / v.Sent:0.0} %) name one of the {run.DemoPhones.Count:N0} demo customers by phone (`+86…`), the rest {run.Workload.Issued:N0} external ids, new ones appearing all through the run at a constant rate (so every batch mixes existing customers with new ones; {load.CustomersCreated:N0} customers created according to the responses) and known ones skewed towards the earliest; page_view 55 % (`path`, a quarter with `utm_source`), app_open 15 % (`app_version`), add_to_cart 13 % (`sku`, numeric `price`), search 12 % (`query`), demo_request 5 % (`plan`); {v.PropertiesSent:N0} properties in all. Each event's `occurredAt` is unique (the measurement's start + its number × {TimeSpan.FromTicks(run.Workload.Spec.StepTicks).TotalMicroseconds:0} µs), so after the run the studio is killed (SIGKILL) and every row of its SQLite file is matched to the event sent.");
        b.AppendLine();
        b.AppendLine("| Figure | Value | Target | Met? |");
        b.AppendLine("|---|---:|---|---|");
        b.AppendLine(inv, $"| Offered load | {load.OfferedRate:N0} events/s for {load.DurationSeconds:0} s: {load.EventsSent:N0} events in {load.Batches.Length:N0} batches |  |  |");
        b.AppendLine(inv, $"| **Durable throughput**: events acknowledged ÷ (last 200 − first send) | {load.Throughput:N0} events/s over {load.LastAckSeconds - load.FirstSendSeconds:0.0} s | ≥ 10,000 events/s sustained for 10 minutes | {Met(verdict.Throughput)} |");
        b.AppendLine(inv, $"| … last 200 after the last batch was due (backlog at the end) | {(load.LastAckSeconds - load.LastDueSeconds) * 1000:N0} ms | ≤ 1 s: kept pace |  |");
        b.AppendLine(inv, $"| … worst / median / best 10-second window (events acknowledged in it ÷ 10 s) | {windows.DefaultIfEmpty().Min():N0} / {LoadResult.Percentile([.. windows.Order()], 50):N0} / {windows.DefaultIfEmpty().Max():N0} events/s |  |  |");
        b.AppendLine(inv, $"| **Accept → durable** per batch, p50 / p95 / p99 / max | {Pct(latencies)} | p99 ≤ 1 s | {Met(verdict.Latency)} |");
        b.AppendLine(inv, $"| … from the batch's due time (adds this client's lag) | {Pct(fromDue)} |  |  |");
        b.AppendLine(inv, $"| … client lag in sending, p99 / max | {Ms(LoadResult.Percentile(lags, 99))} / {Ms(lags.DefaultIfEmpty().Max())} ms |  |  |");
        b.AppendLine(inv, $"| **Lost**: events sent − distinct events stored | {v.Missing:N0} ({v.Distinct:N0} of {v.Sent:N0} stored) | 0 | {Met(verdict.Lost)} |");
        b.AppendLine(inv, $"| Stored twice / stored on the wrong customer / wrong type / not sent | {v.Duplicates:N0} / {v.WrongCustomer:N0} / {v.WrongType:N0} / {v.OffGrid:N0} | 0 |  |");
        b.AppendLine(inv, $"| Properties stored / sent | {v.PropertiesStored:N0} / {v.PropertiesSent:N0} |  |  |");
        b.AppendLine(inv, $"| New external ids sent / with a customer / customers carrying them / customers created in the file during the measurement | {v.ExternalIdsSent:N0} / {v.ExternalIdsFound:N0} / {v.ExternalIdCustomers:N0} / {v.CustomersCreated:N0} |  |  |");
        b.AppendLine(inv, $"| Customers created according to the 200s (`customersCreated` summed) | {load.CustomersCreated:N0} |  |  |");
        b.AppendLine(inv, $"| Accepted according to the 200s / item errors / idempotent replays / idempotency records stored | {load.EventsAccepted:N0} / {load.ItemErrors:N0} / {load.Replays:N0} / {v.IdempotencyRecords:N0} |  |  |");
        b.AppendLine(inv, $"| Responses: 200 / 429 / 5xx / other; timeouts / broken connections; retries (batches retried) | {load.Ok:N0} / {load.TooMany:N0} / {load.ServerErrors:N0} / {load.OtherStatus:N0}; {load.Timeouts:N0} / {load.ConnectionErrors:N0}; {load.Retries:N0} ({load.RetriedBatches:N0}) |  |  |");
        b.AppendLine(inv, $"| Requests in flight, max | {load.MaxInFlight:N0} |  |  |");
        b.AppendLine(inv, $"| Studio CPU, mean / max of 1-s samples (100 % = one core) | {Avg(s => s.ServerCpuPercent):0} / {Max(s => s.ServerCpuPercent):0} % |  |  |");
        b.AppendLine(inv, $"| Machine CPU (all {Environment.ProcessorCount} cores, everything running) / load generator CPU, mean | {Avg(s => s.MachineCpuPercent):0} % / {Avg(s => s.ClientCpuPercent):0} % of a core |  |  |");
        b.AppendLine(inv, $"| Studio RSS idle before the key / max during the load / at the end | {Mb(run.Idle.Rss):0} / {Mb((long)Max(s => s.ServerRss)):0} / {Mb(run.End.Rss):0} MB |  |  |");
        b.AppendLine(inv, $"| The disk alone: 4 KB write + fsync every 200 ms next to the file, p50 / p99 / max ({run.FsyncMs.Length:N0} probes during the measurement) | {Ms(LoadResult.Percentile(run.FsyncMs, 50))} / {Ms(LoadResult.Percentile(run.FsyncMs, 99))} / {Ms(run.FsyncMs.DefaultIfEmpty(double.NaN).Max())} ms |  |  |");
        b.AppendLine(inv, $"| SQLite file at the end / write-ahead log, max | {Mb(v.DbBytes):N0} / {Mb((long)Max(s => s.WalBytes)):N0} MB |  |  |");
        var cap = run.Capacity;
        var capRate = cap is null ? double.NaN : cap.EventsAcked / cap.DurationSeconds;
        if (cap is not null)
            b.AppendLine(inv, $"| Capacity: {options.Clients} senders back to back (closed loop) for {cap.DurationSeconds:0} s after the measurement | {capRate:N0} events/s (accept → durable p50 {Ms(LoadResult.Percentile(cap.Latencies(), 50))} ms, p99 {Ms(LoadResult.Percentile(cap.Latencies(), 99))} ms; {cap.Retries:N0} retries) |  |  |");
        if (hand is not null)
        {
            b.AppendLine(inv, $"| **Hand-written SQL baseline**, flat out: the same {hand.Events:N0} events, one transaction per {options.Batch}-event batch | {hand.Throughput:N0} events/s (batch p50 {LoadResult.Percentile(hand.BatchMs, 50):0.0} ms, p99 {LoadResult.Percentile(hand.BatchMs, 99):0.0} ms) |  |  |");
            if (cap is not null) b.AppendLine(inv, $"| Studio capacity ÷ baseline | {capRate / hand.Throughput:0.00} |  |  |");
        }
        b.AppendLine();

        var interval = load.DurationSeconds >= 300 ? 60 : 10;
        b.AppendLine(inv, $"Over time ({interval}-second intervals; latency by due time, throughput by acknowledgement time; CPU and RSS are means of the 1-s samples, requests in flight and the disk probe maxima):");
        b.AppendLine();
        b.AppendLine("| From | Durable events/s | Accept → durable p50 / p99 / max | In flight, max | Studio CPU | Machine CPU | Studio RSS | Disk fsync, max |");
        b.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        var freq = Stopwatch.Frequency;
        for (var from = 0; from < load.DurationSeconds; from += interval)
        {
            var to = from + interval;
            var due = load.Acked.Where(x => x.Due >= from * freq && x.Due < to * freq).Select(x => LoadResult.Ms(x.Done - x.FirstSend)).Order().ToArray();
            var acked = load.Acked.Where(x => x.Done >= from * freq && x.Done < to * freq).Sum(x => (long)x.Events);
            var inside = samples.Where(s => s.Seconds >= from && s.Seconds < to).ToList();
            b.AppendLine(inv, $"| {from} s | {acked / (double)interval:N0} | {Ms(LoadResult.Percentile(due, 50))} / {Ms(LoadResult.Percentile(due, 99))} / {Ms(due.DefaultIfEmpty(double.NaN).Max())} ms | {(inside.Count == 0 ? 0 : inside.Max(s => s.InFlight))} | {(inside.Count == 0 ? double.NaN : inside.Average(s => s.ServerCpuPercent)):0} % | {(inside.Count == 0 ? double.NaN : inside.Average(s => s.MachineCpuPercent)):0} % | {Mb(inside.Count == 0 ? 0 : (long)inside.Average(s => s.ServerRss)):0} MB | {Ms(inside.Count == 0 ? double.NaN : inside.Max(s => s.FsyncMaxMs))} ms |");
        }
        b.AppendLine();
        if (run.Jobs.Count > 0)
        {
            b.AppendLine("The studio's own jobs that ran during the measurement and logged their duration (each writes in one transaction; meanwhile the ingestion writer waits for SQLite's write lock):");
            b.AppendLine();
            foreach (var (at, job, text) in run.Jobs)
                b.AppendLine(inv, $"- at {at:0} s, `{job}`: {text}");
            b.AppendLine();
        }
        var targets = verdict.Record
            ? (verdict.All ? "**met**" : "**not met**") + $" (throughput {(verdict.Throughput ? "yes" : "no")}, p99 {(verdict.Latency ? "yes" : "no")}, nothing lost {(verdict.Lost ? "yes" : "no")})"
            : $"not judged: a short run ({options.Rate:N0} events/s for {options.Seconds} s); the record needs ≥ 10,000 events/s for ≥ 10 minutes";
        b.AppendLine(inv, $"Targets (issue #5): ≥ 10,000 events/s sustained for 10 minutes, p99 accept → durable ≤ 1 s, 0 lost — {targets}. \"Sustained\" is judged as keeping pace with the offered load: every batch acknowledged and the last one within 1 s of its due time.");
        var notes = IngestNotes.Markdown;
        if (notes.Length > 0)
        {
            b.AppendLine();
            b.Append(notes);
        }
        return b.ToString();
    }

    /// <summary>An admin client signed in through the real form (cookie), as Settings → API keys is used.</summary>
    private static async Task<HttpClient> SignInAsync(string baseUrl, CancellationToken ct)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = new Uri(baseUrl),
            Timeout = TimeSpan.FromMinutes(2),
        };
        var form = await client.GetStringAsync("/account/login", ct);
        var token = AntiforgeryField().Match(form);
        if (!token.Success) throw new BenchmarkException("No __RequestVerificationToken on /account/login.");
        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
            ["Model.Email"] = StudioServer.AdminEmail,
            ["Model.Password"] = StudioServer.Password,
        }), ct);
        if (response.StatusCode != HttpStatusCode.Redirect)
            throw new BenchmarkException($"Admin sign-in failed: {(int)response.StatusCode}");
        return client;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    private static void Step(string text) => Console.WriteLine($"==> {text}");

    private static double Mb(long bytes) => bytes / 1024.0 / 1024.0;
    private static double Mb(double bytes) => bytes / 1024.0 / 1024.0;

    private static string RepoRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "CustomerStudio.sln"))) return dir.FullName;
        throw new BenchmarkException("CustomerStudio.sln not found above the current directory.");
    }
}
