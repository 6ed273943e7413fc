using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Segments;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CustomerStudio.Benchmarks.Conditions;

/// <summary>
/// Issue #3: condition counts and segment refresh at 1M customers, each measured against a hand-written SQL
/// baseline in the same run, on the product's SQLite schema. Nothing is asserted; a count that differs from the
/// baseline's is an error.
/// </summary>
public sealed class ConditionsBenchmark(ConditionsOptions options)
{
    public const string SectionHeading = "## Conditions and segments at 1M customers (issue #3)";

    private static DateTime Now => ConditionsDataGenerator.DataNow;
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <summary>UTC instant of "local now minus days" in the workspace zone, as the compiler computes windows.</summary>
    private static DateTime DaysAgo(int days) =>
        TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(TimeZoneInfo.ConvertTimeFromUtc(Now, Shanghai).AddDays(-days), DateTimeKind.Unspecified), Shanghai);

    public const string Segment3Json = """{"all":[{"attr":"province","op":"in","value":["上海","江苏","浙江"]},{"event":"page_view","where":[{"prop":"path","op":"eq","value":"/pricing"}],"count":{"op":"gte","value":3},"within":"P7D"},{"not":{"tag":"purchased"}}]}""";
    public const int RefreshScore = 50;
    public const string RefreshJson = """{"any":[{"tag":"purchased"},{"all":[{"attr":"lead_score","op":"gte","value":50},{"event":"page_view","within":"P90D"}]}]}""";
    private const string RefreshCode = "bench_refresh";
    private const string RefreshSqlCode = "bench_refresh_sql";

    private enum Kind { Count, RoundTrip, OneCustomer, OneCustomerCountingShape }

    private sealed record Case(string Title, string Json, string Sql, Action<SqliteCommand> Bind, double? TargetMs, double? MaxRatio, Kind Kind = Kind.Count, long? CustomerId = null);

    public sealed record Stats(double P50, double P95, double Min, double Max)
    {
        public static Stats Of(List<double> samples)
        {
            var s = samples.Order().ToArray();
            double Rank(double p) => s[Math.Clamp((int)Math.Ceiling(p * s.Length) - 1, 0, s.Length - 1)];
            return new Stats(Rank(0.50), Rank(0.95), s[0], s[^1]);
        }
    }

    public sealed record CaseResult(string Title, string Json, int AudienceCount, int SqlCount, Stats Audience, Stats Sql, double? TargetMs, double? MaxRatio)
    {
        public double Ratio => Audience.P95 / Sql.P95;
        public bool TimeMet => TargetMs is not { } target || Audience.P95 <= target;
        public bool RatioMet => MaxRatio is not { } max || Ratio <= max;
    }

    public sealed record RefreshResultRow(string Title, Stats Service, Stats Sql, int Members, int Entered, int Exited, double TargetMs);

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var repo = RepoRoot();
        var dbPath = Path.IsPathRooted(options.DbPath) ? options.DbPath : Path.Combine(repo, options.DbPath);
        var o = options with { DbPath = dbPath };
        var data = await new ConditionsDataGenerator(o).EnsureAsync(ct);
        var loadBefore = LoadAverage();
        var cs = ConditionsDataGenerator.ConnectionString(dbPath);

        int purchasedTag;
        await using (var connection = new SqliteConnection(cs))
        {
            await connection.OpenAsync(ct);
            purchasedTag = Convert.ToInt32(await Scalar(connection, "SELECT \"Id\" FROM \"Tags\" WHERE \"Code\" = $code", c => c.Parameters.AddWithValue("$code", "purchased"), ct), CultureInfo.InvariantCulture);
        }

        var since7 = DaysAgo(7);
        void BindSegment3(SqliteCommand c)
        {
            c.Parameters.AddWithValue("$p0", "上海");
            c.Parameters.AddWithValue("$p1", "江苏");
            c.Parameters.AddWithValue("$p2", "浙江");
            c.Parameters.AddWithValue("$key", "path");
            c.Parameters.AddWithValue("$value", "/pricing");
            c.Parameters.AddWithValue("$type", "page_view");
            c.Parameters.AddWithValue("$since", since7);
            c.Parameters.AddWithValue("$n", 3);
            c.Parameters.AddWithValue("$tag", purchasedTag);
            c.Parameters.AddWithValue("$now", Now);
        }
        // A customer the segment selects (any customer when none does), for the one-customer checks.
        long oneId;
        await using (var db = CreateContext(dbPath, null))
            oneId = await Audience.Query(db, (await Audience.CompileAsync(db, Segment3Json, Now, ct)).Require())
                .OrderBy(c => c.Id).Select(c => (long?)c.Id).FirstOrDefaultAsync(ct) ?? 1;
        void BindOne(SqliteCommand c)
        {
            BindSegment3(c);
            c.Parameters.AddWithValue("$id", oneId);
        }
        var cases = new List<Case>
        {
            new("3-condition segment (华东 + ≥3 /pricing views in 7 days + not tagged purchased), count", Segment3Json, HandSql.Segment3, BindSegment3, 250, 1.3),
            new("Broad, unindexed: name contains 明", """{"attr":"name","op":"contains","value":"明"}""", HandSql.NameContains,
                c => c.Parameters.AddWithValue("$text", "明"), 2000, null),
            new("Broad: paid orders in 365 days sum ≥ 5000", """{"orders":"sum","op":"gte","value":5000,"within":"P365D"}""", HandSql.OrdersSum, c =>
            {
                c.Parameters.AddWithValue("$status", 0);
                c.Parameters.AddWithValue("$since", DaysAgo(365));
                c.Parameters.AddWithValue("$min", 5000.0);
            }, 2000, null),
            new("Broad: a page view in the last 90 days", """{"event":"page_view","within":"P90D"}""", HandSql.EventInWindow, c =>
            {
                c.Parameters.AddWithValue("$type", "page_view");
                c.Parameters.AddWithValue("$since", DaysAgo(90));
            }, 2000, null),
            new("Broad: ≥ 3 page views ever", """{"event":"page_view","count":{"op":"gte","value":3}}""", HandSql.EventCountEver, c =>
            {
                c.Parameters.AddWithValue("$type", "page_view");
                c.Parameters.AddWithValue("$n", 3);
            }, 2000, null),
            new("Builder round trip for the 3-condition segment: fresh DbContext, load catalog, compile, count", Segment3Json, HandSql.Segment3, BindSegment3, 1000, null, Kind.RoundTrip),
            new($"One customer (#{oneId}) checked against the 3-condition segment, compiled with `OneCustomer` (journey branch); 1 = matches", Segment3Json, HandSql.Segment3One, BindOne, null, null, Kind.OneCustomer, oneId),
            new($"The same check with the counting shape (sets), for comparison", Segment3Json, HandSql.Segment3One, BindOne, null, null, Kind.OneCustomerCountingShape, oneId),
        };

        var failures = new List<string>();
        var results = new List<CaseResult>();
        foreach (var c in cases)
        {
            ct.ThrowIfCancellationRequested();
            var r = await MeasureAsync(dbPath, cs, c, ct);
            results.Add(r);
            if (r.AudienceCount != r.SqlCount) failures.Add($"{c.Title}: Audience counted {r.AudienceCount:N0}, hand SQL {r.SqlCount:N0}");
        }

        var refresh = options.RefreshRuns > 0 ? await MeasureRefreshAsync(dbPath, cs, purchasedTag, failures, ct) : [];

        var section = Markdown(data, results, refresh, failures, $"{loadBefore} / {LoadAverage()}");
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

    // ------------------------------------------------------------------ counts

    private async Task<CaseResult> MeasureAsync(string dbPath, string cs, Case c, CancellationToken ct)
    {
        Console.WriteLine($"==> {c.Title}");
        Console.WriteLine($"    {c.Json}");
        var capture = new CaptureSql();
        await using var db = CreateContext(dbPath, capture);
        var compiled = c.Kind == Kind.OneCustomer
            ? new ConditionCompiler(db, await ConditionCatalog.LoadAsync(db, ct), await ConditionContext.ForWorkspaceAsync(db, Now, ct)) { OneCustomer = true }
                .Compile(c.Json).Require()
            : (await Audience.CompileAsync(db, c.Json, Now, ct)).Require();

        await using var connection = new SqliteConnection(cs);
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = c.Sql;
        c.Bind(command);
        command.CommandTimeout = 0;
        command.Prepare();

        async Task<int> AudienceOnce()
        {
            if (c.CustomerId is { } id) return await Audience.ContainsAsync(db, compiled, id, ct) ? 1 : 0;
            if (c.Kind != Kind.RoundTrip) return await Audience.CountAsync(db, compiled, ct);
            await using var fresh = CreateContext(dbPath, null);
            var predicate = (await Audience.CompileAsync(fresh, c.Json, Now, ct)).Require();
            return await Audience.CountAsync(fresh, predicate, ct);
        }
        async Task<int> SqlOnce()
        {
            if (c.Kind != Kind.RoundTrip) return Convert.ToInt32(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
            await using var fresh = new SqliteConnection(cs);
            await fresh.OpenAsync(ct);
            await using var cmd = fresh.CreateCommand();
            cmd.CommandText = c.Sql;
            c.Bind(cmd);
            return Convert.ToInt32(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        }

        int audienceCount = 0, sqlCount = 0;
        for (var i = 0; i < options.Warmup; i++)
        {
            audienceCount = await AudienceOnce();
            sqlCount = await SqlOnce();
        }
        if (options.Plans && capture.Sql is not null)
        {
            Console.WriteLine("    -- generated SQL:");
            Console.WriteLine(Indent(capture.Sql, "       "));
            Console.WriteLine("    -- plan (generated):");
            await PrintPlanAsync(connection, capture.Sql, capture.Parameters, ct);
            Console.WriteLine("    -- plan (hand SQL):");
            await PrintPlanAsync(connection, c.Sql, command.Parameters.Cast<SqliteParameter>().Select(p => (p.ParameterName, p.Value)).ToList(), ct);
        }

        var audience = new List<double>();
        var sql = new List<double>();
        for (var i = 0; i < options.Runs; i++)
        {
            // Alternate which goes first, so neither always runs on a cache the other warmed.
            var audienceFirst = i % 2 == 0;
            for (var k = 0; k < 2; k++)
            {
                var start = Stopwatch.GetTimestamp();
                if ((k == 0) == audienceFirst)
                {
                    audienceCount = await AudienceOnce();
                    audience.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
                else
                {
                    sqlCount = await SqlOnce();
                    sql.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
            }
        }
        var result = new CaseResult(c.Title, c.Json, audienceCount, sqlCount, Stats.Of(audience), Stats.Of(sql), c.TargetMs, c.MaxRatio);
        Console.WriteLine($"    Audience {audienceCount:N0}, p50 {Ms(result.Audience.P50)} ms, p95 {Ms(result.Audience.P95)} ms | hand SQL {sqlCount:N0}, p50 {Ms(result.Sql.P50)} ms, p95 {Ms(result.Sql.P95)} ms | ratio {result.Ratio:0.00}");
        return result;
    }

    // ------------------------------------------------------------------ segment refresh

    private sealed class FixedClock(DateTime utcNow) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(utcNow);
    }

    private async Task<List<RefreshResultRow>> MeasureRefreshAsync(string dbPath, string cs, int purchasedTag, List<string> failures, CancellationToken ct)
    {
        Console.WriteLine("==> Dynamic segment refresh (SegmentService.RefreshAsync) vs hand SQL");
        Console.WriteLine($"    {RefreshJson}");
        await using var connection = new SqliteConnection(cs);
        await connection.OpenAsync(ct);

        // The two segments (service and hand SQL) and the 5 % of customers whose lead score the diff run changes.
        int serviceSegment, sqlSegment;
        await using (var db = CreateContext(dbPath, null))
        {
            foreach (var code in new[] { RefreshCode, RefreshSqlCode })
            {
                var s = await db.Segments.FirstOrDefaultAsync(x => x.Code == code, ct);
                if (s is null) db.Segments.Add(s = new Segment { Code = code, CreatedAt = Now });
                s.Name = code;
                s.Kind = SegmentKind.Dynamic;
                s.DefinitionJson = RefreshJson;
                s.UpdatedAt = Now;
            }
            await db.SaveChangesAsync(ct);
            serviceSegment = await db.Segments.Where(x => x.Code == RefreshCode).Select(x => x.Id).SingleAsync(ct);
            sqlSegment = await db.Segments.Where(x => x.Code == RefreshSqlCode).Select(x => x.Id).SingleAsync(ct);
        }
        await Exec(connection, "CREATE TABLE IF NOT EXISTS bench_changed (id INTEGER PRIMARY KEY, lead_score INTEGER NOT NULL)", null, ct);
        if (Convert.ToInt64(await Scalar(connection, "SELECT COUNT(*) FROM bench_changed", null, ct), CultureInfo.InvariantCulture) == 0)
            await Exec(connection, "INSERT INTO bench_changed (id, lead_score) SELECT \"Id\", \"LeadScore\" FROM \"Customers\" WHERE \"Id\" % 20 = 0", null, ct);
        const string restore = "UPDATE \"Customers\" SET \"LeadScore\" = (SELECT b.lead_score FROM bench_changed AS b WHERE b.id = \"Customers\".\"Id\") WHERE \"Id\" IN (SELECT id FROM bench_changed)";
        const string change = "UPDATE \"Customers\" SET \"LeadScore\" = 99 - (SELECT b.lead_score FROM bench_changed AS b WHERE b.id = \"Customers\".\"Id\") WHERE \"Id\" IN (SELECT id FROM bench_changed)";
        void BindSegments(SqliteCommand c)
        {
            c.Parameters.AddWithValue("$a", serviceSegment);
            c.Parameters.AddWithValue("$b", sqlSegment);
        }
        void BindMatching(SqliteCommand c)
        {
            c.Parameters.AddWithValue("$tag", purchasedTag);
            c.Parameters.AddWithValue("$now", Now);
            c.Parameters.AddWithValue("$score", RefreshScore);
            c.Parameters.AddWithValue("$type", "page_view");
            c.Parameters.AddWithValue("$since", DaysAgo(90));
        }

        var read = (Service: new List<double>(), Sql: new List<double>());
        var first = (Service: new List<double>(), Sql: new List<double>());
        var diff = (Service: new List<double>(), Sql: new List<double>());
        RefreshResult? firstResult = null, diffResult = null;
        for (var run = 0; run < options.RefreshRuns; run++)
        {
            await Exec(connection, "DELETE FROM \"SegmentMemberships\" WHERE \"SegmentId\" IN ($a, $b)", BindSegments, ct);
            await Exec(connection, "DELETE FROM \"SegmentMembershipLog\" WHERE \"SegmentId\" IN ($a, $b)", BindSegments, ct);
            await Exec(connection, "DELETE FROM \"SegmentSizeSnapshots\" WHERE \"SegmentId\" IN ($a, $b)", BindSegments, ct);
            await Exec(connection, restore, null, ct);
            await Exec(connection, "PRAGMA wal_checkpoint(TRUNCATE)", null, ct);

            for (var phase = 0; phase < 2; phase++)
            {
                if (phase == 1) await Exec(connection, change, null, ct);
                var expected = Convert.ToInt32(await Scalar(connection, HandSql.RefreshCount, BindMatching, ct), CultureInfo.InvariantCulture);

                // The read a refresh starts with: the ids of every matching customer, compiled on a fresh DbContext.
                var start = Stopwatch.GetTimestamp();
                int readCount;
                await using (var db = CreateContext(dbPath, null))
                {
                    var predicate = (await Audience.CompileAsync(db, RefreshJson, Now, ct)).Require();
                    readCount = (await Audience.Query(db, predicate).Select(c => c.Id).ToListAsync(ct)).Count;
                }
                read.Service.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                start = Stopwatch.GetTimestamp();
                var sqlRead = 0;
                await using (var command = connection.CreateCommand())
                {
                    command.CommandText = HandSql.RefreshMatching;
                    BindMatching(command);
                    await using var reader = await command.ExecuteReaderAsync(ct);
                    while (await reader.ReadAsync(ct)) sqlRead++;
                }
                read.Sql.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if (readCount != expected || sqlRead != expected)
                    failures.Add($"refresh run {run + 1} phase {phase + 1}: matching ids {readCount:N0} (Audience) / {sqlRead:N0} (hand SQL), count {expected:N0}");

                start = Stopwatch.GetTimestamp();
                RefreshResult r;
                await using (var db = CreateContext(dbPath, null))
                    r = await new SegmentService(db, new FixedClock(Now)).RefreshAsync(serviceSegment, ct);
                var serviceMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;

                start = Stopwatch.GetTimestamp();
                await using (var tx = connection.BeginTransaction())
                {
                    foreach (var step in HandSql.RefreshSteps)
                        await Exec(connection, step, c =>
                        {
                            c.Transaction = tx;
                            if (step.Contains("$segment", StringComparison.Ordinal)) c.Parameters.AddWithValue("$segment", sqlSegment);
                            if (step.Contains("$at", StringComparison.Ordinal)) c.Parameters.AddWithValue("$at", Now);
                            if (step.Contains("$tag", StringComparison.Ordinal)) BindMatching(c);
                        }, ct);
                    await tx.CommitAsync(ct);
                }
                var sqlMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;

                // Both ways must leave the same members, and as many as the condition selects.
                var members = Convert.ToInt32(await Scalar(connection, "SELECT COUNT(*) FROM \"SegmentMemberships\" WHERE \"SegmentId\" = $a", BindSegments, ct), CultureInfo.InvariantCulture);
                var sqlMembers = Convert.ToInt32(await Scalar(connection, "SELECT COUNT(*) FROM \"SegmentMemberships\" WHERE \"SegmentId\" = $b", BindSegments, ct), CultureInfo.InvariantCulture);
                var different = Convert.ToInt32(await Scalar(connection, """
                    SELECT COUNT(*) FROM (
                        SELECT "CustomerId" FROM "SegmentMemberships" WHERE "SegmentId" = $a
                        EXCEPT SELECT "CustomerId" FROM "SegmentMemberships" WHERE "SegmentId" = $b)
                    """, BindSegments, ct), CultureInfo.InvariantCulture);
                if (members != expected || sqlMembers != expected || different != 0 || r.Members != expected)
                    failures.Add($"refresh run {run + 1} phase {phase + 1}: service {members:N0} members (reported {r.Members:N0}), hand SQL {sqlMembers:N0}, condition {expected:N0}, {different:N0} differ");

                (phase == 0 ? first.Service : diff.Service).Add(serviceMs);
                (phase == 0 ? first.Sql : diff.Sql).Add(sqlMs);
                if (phase == 0) firstResult = r; else diffResult = r;
                Console.WriteLine($"    run {run + 1} {(phase == 0 ? "first" : "diff ")}: read {read.Service[^1]:0} ms (hand SQL {read.Sql[^1]:0} ms); refresh: service {serviceMs:0} ms ({r.Members:N0} members, +{r.Entered:N0} −{r.Exited:N0}), hand SQL {sqlMs:0} ms");
            }
        }
        await Exec(connection, restore, null, ct);
        if (firstResult is null || diffResult is null) return [];
        return
        [
            new("The refresh's read alone: ids of every matching customer", Stats.Of(read.Service), Stats.Of(read.Sql), firstResult.Members, 0, 0, double.NaN),
            new("First refresh of the dynamic segment (every member enters)", Stats.Of(first.Service), Stats.Of(first.Sql), firstResult.Members, firstResult.Entered, firstResult.Exited, 3000),
            new("Refresh after 5 % of customers changed lead score (differences only)", Stats.Of(diff.Service), Stats.Of(diff.Sql), diffResult.Members, diffResult.Entered, diffResult.Exited, 3000),
        ];
    }

    // ------------------------------------------------------------------ report

    private string Markdown(GeneratedData data, List<CaseResult> results, List<RefreshResultRow> refresh, List<string> failures, string load)
    {
        var s = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        s.AppendLine(SectionHeading).AppendLine();
        s.AppendLine(inv, $"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {MachineInfo.Describe()}.");
        s.AppendLine(inv, $"1-minute load average when the measurements started / ended: {load} (on {Environment.ProcessorCount} cores; other work on the machine shows up as slower and noisier runs, mostly in p95).");
        s.AppendLine(inv, $"SQLite file migrated by the product (`StudioDatabase.MigrateAsync`, so schema and indexes are the shipped ones), default connection settings (WAL, no extra pragmas), no `ANALYZE`.");
        s.AppendLine();
        s.AppendLine("```");
        s.AppendLine(options.Command);
        s.AppendLine("```");
        s.AppendLine();
        s.AppendLine(inv, $"Data (deterministic, seed {ConditionsDataGenerator.Seed}, \"now\" = {Now:yyyy-MM-dd HH:mm} UTC): {data.Customers:N0} customers, {data.Events:N0} events with {data.EventProperties:N0} event properties, {data.Orders:N0} orders, {data.TagAssignments:N0} tag assignments; {data.FileBytes / 1024.0 / 1024 / 1024:0.0} GB file; generated in {data.GenerationSeconds:0} s{(data.Reused ? " (file reused by this run)" : "")}.");
        s.AppendLine("Provinces weighted (上海 10 %, 江苏 11 %, 浙江 9 %: 华东 ≈ 30 %; 3 % unknown); activity Pareto (α 1.16, 15 % dormant, capped at 200× the least active); events over 18 months skewed to recent, half of them `page_view` with a `path` property (`/pricing` for 4 % of views, 30 % for the 12 % of customers evaluating) and `utm_source` on a quarter; orders for ≈ 40 % of customers (more likely when active), per-buyer Pareto counts, log-normal amounts (median ≈ 330 CNY), 85 % paid; tag `purchased` on every customer with an order.");
        s.AppendLine();
        s.AppendLine(inv, $"Each condition: {options.Warmup} warm-up runs, then {options.Runs} measured runs alternating Audience and hand SQL. Audience = `Audience.CountAsync` with the condition compiled once (the round-trip row compiles on a fresh `DbContext` every run, catalog and workspace loaded, as the builder does); hand SQL = a plain prepared `SqliteCommand` with constant text and parameters (see `tests/CustomerStudio.Benchmarks/Conditions/HandSql.cs`). Counts are checked equal.");
        s.AppendLine();
        s.AppendLine("| Condition | Customers | Audience p50 / p95 | Hand SQL p50 / p95 | Ratio (p95) | Target | Met? |");
        s.AppendLine("|---|---:|---:|---:|---:|---|---|");
        foreach (var r in results)
        {
            var target = r.TargetMs is null ? "(none)" : r.MaxRatio is { } max ? $"≤ {r.TargetMs:0} ms p95, ≤ {max:0.0#}× hand SQL" : $"≤ {r.TargetMs:0} ms p95";
            var met = r.TargetMs is null ? "" : r.TimeMet && r.RatioMet ? "yes" : "**no**";
            var count = r.AudienceCount == r.SqlCount ? $"{r.AudienceCount:N0}" : $"**{r.AudienceCount:N0} ≠ {r.SqlCount:N0}**";
            s.AppendLine(inv, $"| {r.Title}<br>`{r.Json}` | {count} | {Ms(r.Audience.P50)} / {Ms(r.Audience.P95)} ms | {Ms(r.Sql.P50)} / {Ms(r.Sql.P95)} ms | {r.Ratio:0.00} | {target} | {met} |");
        }
        if (refresh.Count > 0)
        {
            s.AppendLine();
            s.AppendLine(inv, $"Segment refresh: `SegmentService.RefreshAsync` (fresh `DbContext`) against a hand-written SQL refresh (temp table of matching ids, then `INSERT … SELECT` / `DELETE` of the differences with the entered/exited log), each on its own segment with the same definition, {options.RefreshRuns} cycles (memberships cleared, then the first refresh, then 5 % of customers' lead scores changed and refreshed again). Members of both segments are checked identical.");
            s.AppendLine();
            s.AppendLine(inv, $"Definition: `{RefreshJson}`");
            s.AppendLine();
            s.AppendLine("| Refresh | Members | Entered / exited | Service p50 / p95 | Hand SQL p50 / p95 | Ratio (p95) | Target | Met? |");
            s.AppendLine("|---|---:|---:|---:|---:|---:|---|---|");
            foreach (var r in refresh)
                s.AppendLine(double.IsNaN(r.TargetMs)
                    ? string.Create(inv, $"| {r.Title} | ≈ {r.Members:N0} | | {r.Service.P50:0} / {r.Service.P95:0} ms | {r.Sql.P50:0} / {r.Sql.P95:0} ms | {r.Service.P95 / r.Sql.P95:0.00} | (part of the refresh) | |")
                    : string.Create(inv, $"| {r.Title} | {r.Members:N0} | {r.Entered:N0} / {r.Exited:N0} | {r.Service.P50:0} / {r.Service.P95:0} ms | {r.Sql.P50:0} / {r.Sql.P95:0} ms | {r.Service.P95 / r.Sql.P95:0.00} | ≤ {r.TargetMs:0} ms p95 | {(r.Service.P95 <= r.TargetMs ? "yes" : "**no**")} |"));
        }
        if (refresh.Count == 3)
        {
            var (read, first, diff) = (refresh[0], refresh[1], refresh[2]);
            s.AppendLine();
            s.AppendLine(inv, $"Where a refresh spends its time (p50): reading the matching ids takes {read.Service.P50:0} ms, so the first refresh spends ≈ {first.Service.P50 - read.Service.P50:0} ms on the rest (loading the current members, computing the differences, writing {first.Entered:N0} memberships and as many log rows with one prepared INSERT per row); the hand SQL writes the same rows with `INSERT … SELECT` in ≈ {first.Sql.P50 - read.Sql.P50:0} ms. The diff refresh spends ≈ {diff.Service.P50 - read.Service.P50:0} ms besides the read.");
        }
        if (failures.Count > 0)
        {
            s.AppendLine();
            s.AppendLine("**Mismatches in this run:**");
            foreach (var f in failures) s.AppendLine(inv, $"- {f}");
        }
        s.AppendLine();
        s.Append(ConditionsNotes.Text);
        return s.ToString();
    }

    // ------------------------------------------------------------------ plumbing

    private static StudioDbContext CreateContext(string path, CaptureSql? capture)
    {
        var builder = new DbContextOptionsBuilder<StudioDbContext>();
        StudioDatabase.Configure(builder, DatabaseProvider.Sqlite, ConditionsDataGenerator.ConnectionString(path));
        if (capture is not null) builder.AddInterceptors(capture);
        return new StudioDbContext(builder.Options);
    }

    /// <summary>Keeps the last command EF sent, so its plan can be shown.</summary>
    private sealed class CaptureSql : DbCommandInterceptor
    {
        public string? Sql { get; private set; }
        public List<(string Name, object? Value)> Parameters { get; private set; } = [];

        private void Keep(DbCommand command)
        {
            Sql = command.CommandText;
            Parameters = command.Parameters.Cast<DbParameter>().Select(p => (p.ParameterName, (object?)p.Value)).ToList();
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Keep(command);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
        {
            Keep(command);
            return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
        }
    }

    private static async Task PrintPlanAsync(SqliteConnection connection, string sql, List<(string Name, object? Value)> parameters, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        var depth = new Dictionary<long, int> { [0] = 0 };
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetInt64(0);
            var parent = reader.GetInt64(1);
            var d = depth.GetValueOrDefault(parent) + 1;
            depth[id] = d;
            Console.WriteLine($"       {new string(' ', 2 * d)}{reader.GetString(3)}");
        }
    }

    private static async Task<object?> Scalar(SqliteConnection connection, string sql, Action<SqliteCommand>? bind, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 0;
        bind?.Invoke(command);
        return await command.ExecuteScalarAsync(ct);
    }

    private static async Task Exec(SqliteConnection connection, string sql, Action<SqliteCommand>? bind, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 0;
        bind?.Invoke(command);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static string Indent(string text, string prefix) =>
        string.Join('\n', text.ReplaceLineEndings("\n").Split('\n').Select(l => prefix + l));

    /// <summary>Milliseconds with one decimal, or three below 1 ms (one-customer checks).</summary>
    private static string Ms(double ms) => ms.ToString(ms < 1 ? "0.000" : "0.0", CultureInfo.InvariantCulture);

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

    private static string RepoRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "CustomerStudio.sln"))) return dir.FullName;
        throw new BenchmarkException("CustomerStudio.sln not found above the current directory.");
    }
}
