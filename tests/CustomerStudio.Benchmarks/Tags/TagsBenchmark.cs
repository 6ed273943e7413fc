using System.Diagnostics;
using System.Globalization;
using System.Text;
using CustomerStudio.Benchmarks.Conditions;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Tags;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Benchmarks.Tags;

/// <summary>
/// Issue #4: rule tags recomputed over 1M customers by <see cref="TagRuleEngine.RecomputeAsync"/>, each against a
/// hand-written SQL recompute of a twin tag with the same definition in the same run, on a working copy of the
/// conditions benchmark's file. Three kinds of recompute: the first (every assignment new), one with nothing
/// changed, and one after a simulated day (<see cref="DailyChange"/>). Both tags must end with the same
/// (customer, value) pairs and report the same differences; anything else is an error.
/// </summary>
public sealed class TagsBenchmark(TagsOptions options)
{
    public const string SectionHeading = "## Rule tags at 1M customers (issue #4)";
    public const double TargetMs = 10_000;
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static DateTime DataNow => ConditionsDataGenerator.DataNow;

    public const string SpendingJson = """{"match":"first","rules":[{"value":"high","condition":{"orders":"sum","op":"gte","value":2000}},{"value":"medium","condition":{"orders":"sum","op":"gte","value":500}},{"value":"low","condition":{"orders":"count","op":"gte","value":1}}]}""";
    public const string ActiveJson = """{"rules":[{"condition":{"event":"page_view","within":"P7D"}}]}""";
    public const string InterestsJson = """{"match":"all","rules":[{"value":"hot_lead","condition":{"all":[{"attr":"lead_score","op":"gte","value":80},{"attr":"lifecycle_stage","op":"in","value":["mql","sql"]}]}},{"value":"pricing_viewer","condition":{"event":"page_view","where":[{"prop":"path","op":"eq","value":"/pricing"}],"within":"P30D"}},{"value":"app_user","condition":{"event":"app_open","within":"P30D"}}]}""";

    private sealed record TagSpec(string Code, string Title, bool MultiValued, string[] Values, string Json, string WantedSql,
        Action<Action<string, object>, DateTime, IReadOnlyDictionary<string, int>> BindWanted);

    private static readonly TagSpec[] Specs =
    [
        new("spending_power", "(a) Spending power: 3 values, first match, paid-order sums", false, ["high", "medium", "low"], SpendingJson, TagsHandSql.WantedSpending,
            (set, _, v) =>
            {
                set("$high_min", 2000.0);
                set("$medium_min", 500.0);
                set("$high", v["high"]);
                set("$medium", v["medium"]);
                set("$low", v["low"]);
                set("$paid", (int)OrderStatus.Paid);
            }),
        new("active_7d", "(b) Active in 7 days: a page view in a moving window", false, [], ActiveJson, TagsHandSql.WantedActive,
            (set, now, _) =>
            {
                set("$type", "page_view");
                set("$since", DaysBefore(now, 7));
            }),
        new("interests", "(c) Interests: 3 values, every match, attributes and events", true, ["hot_lead", "pricing_viewer", "app_user"], InterestsJson, TagsHandSql.WantedInterests,
            (set, now, v) =>
            {
                set("$hot_lead", v["hot_lead"]);
                set("$pricing_viewer", v["pricing_viewer"]);
                set("$app_user", v["app_user"]);
                set("$score", 80);
                set("$mql", (int)LifecycleStage.Mql);
                set("$sql", (int)LifecycleStage.Sql);
                set("$page_view", "page_view");
                set("$app_open", "app_open");
                set("$key", "path");
                set("$value", "/pricing");
                set("$since", DaysBefore(now, 30));
            }),
    ];

    private enum Phase { First, NoChange, Daily }

    private static readonly string[] PhaseShort = ["first", "no change", "a day later"];

    private static readonly string[] PhaseTitles =
    [
        "First computation (every assignment new)",
        "Recompute, nothing changed",
        "Recompute after a day (window moved, new events and orders, refunds, lead scores)",
    ];

    private sealed class Pair(TagSpec spec)
    {
        public TagSpec Spec { get; } = spec;
        public int EngineTag { get; set; }
        public int SqlTag { get; set; }
        public Dictionary<string, int> SqlValues { get; set; } = [];
        public Dictionary<Phase, List<Sample>> Samples { get; } = new() { [Phase.First] = [], [Phase.NoChange] = [], [Phase.Daily] = [] };
    }

    private sealed record Sample(double EngineMs, double SqlMs, RecomputeResult Engine, HandResult Sql, RecomputePhases Profile, int Assignments);

    public sealed record HandResult(int Added, int Removed, int Changed, int Coverage, double WantedMs, double DiffMs, double WriteMs, double BookkeepingMs, double TotalMs);

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var repo = RepoRoot();
        var source = Full(options.DbPath);
        var work = Full(options.WorkPath);
        if (Path.GetFullPath(source) == Path.GetFullPath(work)) throw new BenchmarkException("--work must differ from --db: the runs write to the working copy.");

        // Generated as the conditions benchmark does when missing; otherwise left untouched: the copy is the one
        // checked (and migrated, should the product have added migrations since the file was made).
        if (!File.Exists(source)) await new ConditionsDataGenerator(new ConditionsOptions { DbPath = source }).EnsureAsync(ct);
        var copySeconds = CopyDatabase(source, work);
        var data = await new ConditionsDataGenerator(new ConditionsOptions { DbPath = work }).EnsureAsync(ct);
        if (!data.Reused) Console.WriteLine($"  {source} held older data: the working copy was generated afresh (same seed, same data); run the conditions benchmark to refresh the file.");
        var failures = new List<string>();
        try
        {
            var loadBefore = LoadAverage();
            var pairs = await CreateTagsAsync(work, ct);
            await using var hand = new HandRunner(ConditionsDataGenerator.ConnectionString(work));
            await hand.OpenAsync(ct);

            // Warm-up: first computations, untimed (JIT, page cache, prepared statements), checked like the others.
            for (var i = 0; i < options.Warmup; i++)
                foreach (var pair in pairs)
                    await RunPairAsync(pair, Phase.First, DataNow, hand, i % 2 == 0, failures, record: false, ct);

            if (options.Plans)
                foreach (var pair in pairs)
                    await PrintPlansAsync(pair, work, hand, ct);

            for (var i = 0; i < options.Runs; i++)
                foreach (var pair in pairs)
                    await RunPairAsync(pair, Phase.First, DataNow, hand, i % 2 == 0, failures, record: true, ct);
            for (var i = 0; i < options.Runs; i++)
                foreach (var pair in pairs)
                    await RunPairAsync(pair, Phase.NoChange, DataNow, hand, i % 2 == 0, failures, record: true, ct);
            var days = new List<DayChange>();
            var customers = data.Customers;
            for (var d = 1; d <= options.Runs; d++)
            {
                var start = Stopwatch.GetTimestamp();
                var change = await new DailyChange(work, customers).ApplyAsync(d, ct);
                days.Add(change);
                Console.WriteLine($"==> Day {d} ({change.Now:yyyy-MM-dd HH:mm} UTC): {change.Describe()} ({Stopwatch.GetElapsedTime(start).TotalSeconds:0.0} s)");
                foreach (var pair in pairs)
                    await RunPairAsync(pair, Phase.Daily, change.Now, hand, d % 2 == 1, failures, record: true, ct);
            }

            var probe = new List<WriteProbeRow>();
            var largest = pairs.SelectMany(p => p.Samples[Phase.First]).Select(x => x.Engine.Added).DefaultIfEmpty(0).Max();
            if (options.ProbeRuns > 0 && largest > 0)
            {
                Console.WriteLine($"==> Writing {largest:N0} new assignments and their history, rolled back ({options.ProbeRuns} runs each)");
                probe = await WriteProbe.RunAsync(work, pairs[0].EngineTag, largest, options.ProbeRuns, ct);
            }
            var loadAfter = LoadAverage();

            var section = Markdown(data, copySeconds, pairs, days, probe, largest, failures, $"{loadBefore} / {loadAfter}");
            Console.WriteLine();
            Console.WriteLine(section);
            if (options.WriteDocs)
            {
                var docs = Path.Combine(repo, "docs", "benchmarks.md");
                BenchmarkDocs.WriteSection(docs, SectionHeading, section);
                Console.WriteLine($"Written to {Path.GetRelativePath(repo, docs)}");
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            if (!options.Keep)
                foreach (var f in new[] { work, work + "-wal", work + "-shm" })
                    if (File.Exists(f)) File.Delete(f);
        }
        foreach (var f in failures) Console.Error.WriteLine($"MISMATCH: {f}");
        return failures.Count == 0 ? 0 : 1;
    }

    // ------------------------------------------------------------------ setup

    /// <summary>A fresh working copy of the 1M file (its WAL too, when the file has one), so the source stays as it was.</summary>
    private static double CopyDatabase(string source, string work)
    {
        var start = Stopwatch.GetTimestamp();
        SqliteConnection.ClearAllPools();
        Directory.CreateDirectory(Path.GetDirectoryName(work)!);
        foreach (var f in new[] { work, work + "-wal", work + "-shm" })
            if (File.Exists(f)) File.Delete(f);
        Console.WriteLine($"Copying {source} to {work} …");
        File.Copy(source, work);
        if (File.Exists(source + "-wal")) File.Copy(source + "-wal", work + "-wal");
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        Console.WriteLine($"  copied in {seconds:0.0} s");
        return seconds;
    }

    /// <summary>Each rule tag twice, active: one recomputed by the engine, its twin (code <c>…_sql</c>) by the hand SQL.</summary>
    private static async Task<List<Pair>> CreateTagsAsync(string work, CancellationToken ct)
    {
        await using var db = ConditionsDataGenerator.CreateContext(work);
        var category = await db.TagCategories.FirstAsync(c => c.Code == "bench", ct);
        var pairs = new List<Pair>();
        foreach (var spec in Specs)
        {
            var pair = new Pair(spec);
            foreach (var code in new[] { "bench_" + spec.Code, "bench_" + spec.Code + "_sql" })
            {
                var tag = new Tag
                {
                    CategoryId = category.Id, Code = code, NameZh = code, NameEn = code, Kind = TagKind.Rule, Status = TagStatus.Active,
                    RefreshRule = RefreshRule.Daily, MultiValued = spec.MultiValued, DefinitionJson = spec.Json,
                    CreatedAt = DataNow, UpdatedAt = DataNow, ActivatedAt = DataNow,
                    Values = [.. spec.Values.Select((v, i) => new TagValue { Code = v, NameZh = v, NameEn = v, SortOrder = i })],
                };
                db.Tags.Add(tag);
                await db.SaveChangesAsync(ct);
                if (code.EndsWith("_sql", StringComparison.Ordinal))
                {
                    pair.SqlTag = tag.Id;
                    pair.SqlValues = tag.Values.ToDictionary(v => v.Code, v => v.Id);
                }
                else pair.EngineTag = tag.Id;
            }
            pairs.Add(pair);
        }
        return pairs;
    }

    // ------------------------------------------------------------------ one measured recompute of both tags

    private sealed class FixedClock(DateTime utcNow) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(utcNow);
    }

    private async Task RunPairAsync(Pair pair, Phase phase, DateTime now, HandRunner hand, bool engineFirst, List<string> failures, bool record, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var work = ConditionsDataGenerator.ConnectionString(Full(options.WorkPath));
        await using var check = new SqliteConnection(work);
        await check.OpenAsync(ct);
        if (phase == Phase.First)
            foreach (var reset in new[] { "DELETE FROM \"TagAssignments\" WHERE \"TagId\" IN ($a, $b)", "DELETE FROM \"TagAssignmentHistory\" WHERE \"TagId\" IN ($a, $b)", "DELETE FROM \"TagCoverageSnapshots\" WHERE \"TagId\" IN ($a, $b)" })
                await Exec(check, reset, pair, ct);
        var historyBefore = await Long(check, "SELECT COUNT(*) FROM \"TagAssignmentHistory\" WHERE \"TagId\" = $a", pair, ct);
        var maxIdBefore = await Long(check, "SELECT COALESCE(MAX(\"Id\"), 0) FROM \"TagAssignments\" WHERE \"TagId\" = $a", pair, ct);

        RecomputeResult engine = null!;
        RecomputePhases profile = null!;
        HandResult sql = null!;
        double engineMs = 0, sqlMs = 0;
        for (var k = 0; k < 2; k++)
        {
            var start = Stopwatch.GetTimestamp();
            if ((k == 0) == engineFirst)
            {
                (engine, profile) = await EngineOnceAsync(pair.EngineTag, now, null, ct);
                engineMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
            else
            {
                sql = await hand.RecomputeAsync(pair, now, ct);
                sqlMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }

        // Same pairs (by value code), same differences, history rows only for the differences.
        var engineOnly = await Long(check, Except, pair, ct, swap: false);
        var sqlOnly = await Long(check, Except, pair, ct, swap: true);
        var assignments = (int)await Long(check, "SELECT COUNT(*) FROM \"TagAssignments\" WHERE \"TagId\" = $a", pair, ct);
        var historyWritten = await Long(check, "SELECT COUNT(*) FROM \"TagAssignmentHistory\" WHERE \"TagId\" = $a", pair, ct) - historyBefore;
        var maxIdAfter = await Long(check, "SELECT COALESCE(MAX(\"Id\"), 0) FROM \"TagAssignments\" WHERE \"TagId\" = $a", pair, ct);
        var label = $"{pair.Spec.Code} {phase}";
        if (engineOnly != 0 || sqlOnly != 0)
            failures.Add($"{label}: {engineOnly:N0} (customer, value) pairs only the engine assigned, {sqlOnly:N0} only the hand SQL assigned");
        if (engine.Added != sql.Added || engine.Removed != sql.Removed || engine.Changed != sql.Changed || engine.Coverage != sql.Coverage)
            failures.Add($"{label}: engine +{engine.Added:N0} −{engine.Removed:N0} ~{engine.Changed:N0} ({engine.Coverage:N0} customers), hand SQL +{sql.Added:N0} −{sql.Removed:N0} ~{sql.Changed:N0} ({sql.Coverage:N0})");
        if (historyWritten != engine.Added + engine.Removed + engine.Changed)
            failures.Add($"{label}: engine wrote {historyWritten:N0} history rows for {engine.Added + engine.Removed + engine.Changed:N0} differences");
        if (phase == Phase.NoChange && (engine.Added + engine.Removed + engine.Changed != 0 || maxIdAfter != maxIdBefore))
            failures.Add($"{label}: a recompute with nothing changed wrote assignments");

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"    {label,-28} engine {engineMs,8:0} ms (+{engine.Added:N0} −{engine.Removed:N0} ~{engine.Changed:N0}, {engine.Coverage:N0} customers; rules {profile.Rules:0}, current {profile.LoadCurrent:0}, memory {profile.InMemory:0}, delete {profile.Delete:0}, insert {profile.Insert:0}, coverage {profile.Coverage:0}, other {profile.OtherSql:0}) | hand SQL {sqlMs,7:0} ms (wanted {sql.WantedMs:0}, diff {sql.DiffMs:0}, write {sql.WriteMs:0}, bookkeeping {sql.BookkeepingMs:0}){(record ? "" : "  [warm-up]")}"));
        if (record) pair.Samples[phase].Add(new Sample(engineMs, sqlMs, engine, sql, profile, assignments));
    }

    /// <summary>Pairs of one tag that the other lacks, by customer and value code ($a minus $b, or swapped).</summary>
    private const string Except = """
        SELECT COUNT(*) FROM (
            SELECT a."CustomerId", COALESCE(v."Code", '') FROM "TagAssignments" AS a LEFT JOIN "TagValues" AS v ON v."Id" = a."TagValueId"
            WHERE a."TagId" = $a
            EXCEPT
            SELECT a."CustomerId", COALESCE(v."Code", '') FROM "TagAssignments" AS a LEFT JOIN "TagValues" AS v ON v."Id" = a."TagValueId"
            WHERE a."TagId" = $b)
        """;

    private async Task<(RecomputeResult, RecomputePhases)> EngineOnceAsync(int tagId, DateTime now, RecomputeProfiler? keep, CancellationToken ct)
    {
        var profiler = keep ?? new RecomputeProfiler();
        var builder = new DbContextOptionsBuilder<StudioDbContext>();
        StudioDatabase.Configure(builder, DatabaseProvider.Sqlite, ConditionsDataGenerator.ConnectionString(Full(options.WorkPath)));
        builder.AddInterceptors(profiler);
        profiler.Start();
        await using var db = new StudioDbContext(builder.Options);
        var clock = new FixedClock(now);
        var result = await new TagRuleEngine(db, new TagAssignments(db, clock), clock).RecomputeAsync(tagId, ct);
        return (result, profiler.Stop());
    }

    // ------------------------------------------------------------------ the hand-written recompute

    private sealed class HandRunner(string connectionString) : IAsyncDisposable
    {
        private readonly SqliteConnection _connection = new(connectionString);
        private readonly Dictionary<string, SqliteCommand> _commands = [];

        public async Task OpenAsync(CancellationToken ct)
        {
            await _connection.OpenAsync(ct);
            await using var create = _connection.CreateCommand();
            create.CommandText = TagsHandSql.CreateTemp;
            await create.ExecuteNonQueryAsync(ct);
        }

        /// <summary>The statement for a text, prepared once and reused with new parameter values.</summary>
        private SqliteCommand Command(string text, SqliteTransaction? transaction, Dictionary<string, object> values)
        {
            if (!_commands.TryGetValue(text, out var command))
            {
                command = _connection.CreateCommand();
                command.CommandText = text;
                command.CommandTimeout = 0;
                foreach (var name in values.Keys.Where(n => ContainsParameter(text, n)))
                    command.Parameters.Add(new SqliteParameter(name, values[name]));
                command.Transaction = transaction;
                command.Prepare();
                _commands[text] = command;
            }
            command.Transaction = transaction;
            foreach (SqliteParameter p in command.Parameters) p.Value = values[p.ParameterName];
            return command;
        }

        private static bool ContainsParameter(string text, string name)
        {
            for (var i = text.IndexOf(name, StringComparison.Ordinal); i >= 0; i = text.IndexOf(name, i + 1, StringComparison.Ordinal))
            {
                var end = i + name.Length;
                if (end == text.Length || !(char.IsLetterOrDigit(text[end]) || text[end] == '_')) return true;
            }
            return false;
        }

        public async Task<HandResult> RecomputeAsync(Pair pair, DateTime now, CancellationToken ct)
        {
            var values = new Dictionary<string, object>
            {
                ["$tag"] = pair.SqlTag, ["$source"] = (int)AssignmentSource.Rule, ["$ref"] = "v1", ["$by"] = "system", ["$at"] = now,
                ["$day"] = now.Date, ["$single"] = pair.Spec.MultiValued ? 0 : 1,
                ["$added"] = (int)AssignmentAction.Added, ["$removed"] = (int)AssignmentAction.Removed, ["$changed"] = (int)AssignmentAction.Changed,
            };
            pair.Spec.BindWanted((name, value) => values[name] = value, now, pair.SqlValues);

            var total = Stopwatch.GetTimestamp();
            await using var tx = (SqliteTransaction)await _connection.BeginTransactionAsync(ct);
            async Task<int> Run(string text) => await Command(text, tx, values).ExecuteNonQueryAsync(ct);
            double Lap(ref long t)
            {
                var ms = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                t = Stopwatch.GetTimestamp();
                return ms;
            }
            var t = Stopwatch.GetTimestamp();
            foreach (var clear in TagsHandSql.Clear) await Run(clear);
            await Run(pair.Spec.WantedSql);
            var wanted = Lap(ref t);
            await Run(TagsHandSql.Added);
            await Run(TagsHandSql.Stale);
            var diff = Lap(ref t);
            await Run(TagsHandSql.HistoryAdded);
            await Run(TagsHandSql.HistoryRemoved);
            await Run(TagsHandSql.DeleteStale);
            await Run(TagsHandSql.InsertAdded);
            await tx.CommitAsync(ct);
            var write = Lap(ref t);
            await Run2(TagsHandSql.TouchTag);
            await Run2(TagsHandSql.CoverageUpdate);
            await Run2(TagsHandSql.CoverageInsert);
            var bookkeeping = Lap(ref t);
            var totalMs = Stopwatch.GetElapsedTime(total).TotalMilliseconds;

            // Counted afterwards, outside the timing: how the differences split (the temp tables still hold them).
            var added = await Scalar("SELECT COUNT(*) FROM temp.bench_added");
            var stale = await Scalar("SELECT COUNT(*) FROM temp.bench_stale");
            var changed = pair.Spec.MultiValued ? 0 : await Scalar("SELECT COUNT(*) FROM temp.bench_added AS d WHERE EXISTS (SELECT 1 FROM temp.bench_stale AS s WHERE s.\"CustomerId\" = d.\"CustomerId\")");
            var coverage = await Scalar($"SELECT \"Customers\" FROM \"TagCoverageSnapshots\" WHERE \"TagId\" = {pair.SqlTag} ORDER BY \"At\" DESC LIMIT 1");
            return new HandResult(added - changed, stale - changed, changed, coverage, wanted, diff, write, bookkeeping, totalMs);

            async Task Run2(string text) => await Command(text, null, values).ExecuteNonQueryAsync(ct);
        }

        private async Task<int> Scalar(string sql)
        {
            await using var command = _connection.CreateCommand();
            command.CommandText = sql;
            return Convert.ToInt32(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }

        /// <summary>EXPLAIN QUERY PLAN of a tag's wanted query, bound as a run at <paramref name="now"/> would bind it.</summary>
        public async Task PrintPlanAsync(Pair pair, DateTime now, CancellationToken ct)
        {
            var values = new Dictionary<string, object>();
            pair.Spec.BindWanted((name, value) => values[name] = value, now, pair.SqlValues);
            await using var command = _connection.CreateCommand();
            command.CommandText = "EXPLAIN QUERY PLAN " + pair.Spec.WantedSql;
            foreach (var (name, value) in values.Where(v => ContainsParameter(pair.Spec.WantedSql, v.Key))) command.Parameters.AddWithValue(name, value);
            await PrintPlanRowsAsync(command, ct);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var c in _commands.Values) await c.DisposeAsync();
            await _connection.DisposeAsync();
        }
    }

    private async Task PrintPlansAsync(Pair pair, string work, HandRunner hand, CancellationToken ct)
    {
        Console.WriteLine($"==> Plans: {pair.Spec.Title}");
        Console.WriteLine($"    {pair.Spec.Json}");
        var profiler = new RecomputeProfiler();
        await EngineOnceAsync(pair.EngineTag, DataNow, profiler, ct);
        await using var connection = new SqliteConnection(ConditionsDataGenerator.ConnectionString(work));
        await connection.OpenAsync(ct);
        foreach (var (sql, parameters) in profiler.RuleCommands)
        {
            Console.WriteLine("    -- rule query (engine):");
            Console.WriteLine(string.Join('\n', sql.ReplaceLineEndings("\n").Split('\n').Select(l => "       " + l)));
            await using var command = connection.CreateCommand();
            command.CommandText = "EXPLAIN QUERY PLAN " + sql;
            foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
            await PrintPlanRowsAsync(command, ct);
        }
        Console.WriteLine("    -- wanted pairs (hand SQL):");
        await hand.PrintPlanAsync(pair, DataNow, ct);
    }

    private static async Task PrintPlanRowsAsync(SqliteCommand command, CancellationToken ct)
    {
        var depth = new Dictionary<long, int> { [0] = 0 };
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetInt64(0);
            var d = depth.GetValueOrDefault(reader.GetInt64(1)) + 1;
            depth[id] = d;
            Console.WriteLine($"       {new string(' ', 2 * d)}{reader.GetString(3)}");
        }
    }

    // ------------------------------------------------------------------ report

    private string Markdown(GeneratedData data, double copySeconds, List<Pair> pairs, List<DayChange> days, List<WriteProbeRow> probe, int probeRows, List<string> failures, string load)
    {
        var s = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        s.AppendLine(SectionHeading).AppendLine();
        s.AppendLine(inv, $"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {MachineInfo.Describe()}.");
        s.AppendLine(inv, $"1-minute load average when the measurements started / ended: {load} (on {Environment.ProcessorCount} cores; other work on the machine shows up as slower and noisier runs, mostly in p95).");
        s.AppendLine(inv, $"A fresh working copy of the conditions benchmark's SQLite file (copied in {copySeconds:0} s at the start, deleted at the end; the original is not written to), schema and indexes as the product's migrations made them, default connection settings (WAL, no extra pragmas), no `ANALYZE`.");
        s.AppendLine();
        s.AppendLine("```");
        s.AppendLine(options.Command);
        s.AppendLine("```");
        s.AppendLine();
        s.AppendLine(inv, $"Data: the file of \"Conditions and segments at 1M customers\" (seed {ConditionsDataGenerator.Seed}, \"now\" = {DataNow:yyyy-MM-dd HH:mm} UTC): {data.Customers:N0} customers, {data.Events:N0} events, {data.Orders:N0} orders, {data.TagAssignments:N0} tag assignments of other tags; {data.FileBytes / 1024.0 / 1024 / 1024:0.0} GB.");
        s.AppendLine();
        s.AppendLine("Tags, created in the working copy as active rule tags (each twice: one for the engine, one for the hand SQL):");
        s.AppendLine();
        foreach (var p in pairs)
            s.AppendLine(inv, $"- {p.Spec.Title}{(p.Spec.MultiValued ? " (multi-valued)" : "")}: `{p.Spec.Json}`");
        s.AppendLine();
        s.Append(inv, $"Each tag: {options.Warmup} untimed first computation(s), then {options.Runs} measured runs of each kind of recompute, alternating which of engine and hand SQL goes first. ");
        s.AppendLine("Engine = `TagRuleEngine.RecomputeAsync` on a fresh `DbContext` with a fixed clock (compile the rules, run one query per rule, decide values in memory, `TagAssignments.ApplyComputedAsync` writes the differences and their history, coverage point); " +
            "hand SQL = prepared `SqliteCommand`s with constant text on the twin tag (`tests/CustomerStudio.Benchmarks/Tags/TagsHandSql.cs`: one query fills a temp table with the wanted (customer, value) pairs, then `INSERT … SELECT … WHERE NOT EXISTS` / `DELETE` of the differences and their history rows, coverage point). " +
            "After every run both tags must hold the same (customer, value) pairs and report the same added / removed / changed counts, and the engine must have written one history row per difference (none, and no assignment, when nothing changed). " +
            "First computations start from no assignments and no history for the tag (deleted before each run, untimed).");
        if (days.Count > 0)
        {
            s.AppendLine();
            var mean = (Func<DayChange, int> f) => days.Average(d => (double)f(d));
            s.AppendLine(inv, $"A day (`DailyChange`, deterministic): \"now\" moves on one day, so the 7- and 30-day windows move, and the day's activity arrives, on average {mean(d => d.PageViews):N0} page views ({mean(d => d.PricingViews):N0} of /pricing) from ≈ {DailyChange.PageViewCustomers:N0} customers (85 % active in the last 30 days), {mean(d => d.AppOpens):N0} app opens, {mean(d => d.Orders):N0} orders ({mean(d => d.PaidOrders):N0} paid; 65 % from earlier buyers), {DailyChange.RefundsPerDay:N0} recent paid orders refunded and {DailyChange.LeadScoresPerDay:N0} lead scores changed; {days.Count} days in a row, one recompute of each tag per day.");
        }
        s.AppendLine();
        s.AppendLine("| Tag | Recompute | Customers carrying / assignments | Added / removed / changed | Engine p50 / p95 | Hand SQL p50 / p95 | Ratio (p95) | Target | Met? |");
        s.AppendLine("|---|---|---:|---:|---:|---:|---:|---|---|");
        foreach (var p in pairs)
            foreach (var phase in new[] { Phase.First, Phase.NoChange, Phase.Daily })
            {
                var runs = p.Samples[phase];
                if (runs.Count == 0) continue;
                var e = ConditionsBenchmark.Stats.Of(runs.Select(r => r.EngineMs).ToList());
                var h = ConditionsBenchmark.Stats.Of(runs.Select(r => r.SqlMs).ToList());
                var last = runs[^1];
                var counts = phase == Phase.Daily
                    ? string.Create(inv, $"{Median(runs, r => r.Engine.Added):N0} / {Median(runs, r => r.Engine.Removed):N0} / {Median(runs, r => r.Engine.Changed):N0} (median day)")
                    : string.Create(inv, $"{last.Engine.Added:N0} / {last.Engine.Removed:N0} / {last.Engine.Changed:N0}");
                s.AppendLine(inv, $"| {p.Spec.Title} | {PhaseTitles[(int)phase]} | {last.Engine.Coverage:N0} / {last.Assignments:N0} | {counts} | {e.P50:0} / {e.P95:0} ms | {h.P50:0} / {h.P95:0} ms | {e.P95 / h.P95:0.00} | ≤ {TargetMs:0} ms p95 | {(e.P95 <= TargetMs ? "yes" : "**no**")} |");
            }

        s.AppendLine();
        s.AppendLine("Where the engine's time goes (p50 of each part; the parts' medians need not add up to the total's): the commands it sends through EF are timed by an interceptor (a read until its rows are materialized); " +
            "the bulk insert of assignments and history runs on the raw connection inside the write transaction, so it is the transaction's time less the deletes, commit included; " +
            "\"in memory\" is the rest: compiling the rules, collecting the ids, the diff, and EF between commands. The hand SQL's parts are its statements: the wanted pairs, the differences, the writes (commit included) and the coverage point.");
        s.AppendLine();
        s.AppendLine("| Tag | Recompute | Rule queries | Load current assignments | In memory | Delete stale | Insert rows + history | Coverage | Other SQL | Engine total | Hand SQL: wanted / diff / write / coverage |");
        s.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var p in pairs)
            foreach (var phase in new[] { Phase.First, Phase.NoChange, Phase.Daily })
            {
                var runs = p.Samples[phase];
                if (runs.Count == 0) continue;
                var m = RecomputePhases.Median(runs.Select(r => r.Profile).ToList());
                s.AppendLine(inv, $"| {p.Spec.Code} | {PhaseShort[(int)phase]} | {m.Rules:0} ms | {m.LoadCurrent:0} ms | {m.InMemory:0} ms | {m.Delete:0} ms | {m.Insert:0} ms | {m.Coverage:0} ms | {m.OtherSql:0} ms | {m.Total:0} ms | {Median(runs, r => r.Sql.WantedMs):0} / {Median(runs, r => r.Sql.DiffMs):0} / {Median(runs, r => r.Sql.WriteMs):0} / {Median(runs, r => r.Sql.BookkeepingMs):0} ms |");
            }

        if (probe.Count > 0)
        {
            s.AppendLine();
            s.AppendLine(inv, $"Writing a first computation's rows — {probeRows:N0} new assignments and as many history rows, in a transaction rolled back, {options.ProbeRuns} runs each (the engine's \"insert rows + history\" part above, without the rest):");
            s.AppendLine();
            s.AppendLine("| Written with | p50 | min |");
            s.AppendLine("|---|---:|---:|");
            foreach (var r in probe) s.AppendLine(inv, $"| {r.Title} | {r.P50:0} ms | {r.Min:0} ms |");
        }

        // The largest first computation: how much of it is the write.
        var biggest = pairs.Where(p => p.Samples[Phase.First].Count > 0).MaxBy(p => p.Samples[Phase.First][^1].Engine.Added);
        if (biggest is not null)
        {
            var runs = biggest.Samples[Phase.First];
            var m = RecomputePhases.Median(runs.Select(r => r.Profile).ToList());
            s.AppendLine();
            s.AppendLine(inv, $"In the largest first computation ({biggest.Spec.Code}, {runs[^1].Engine.Added:N0} assignments) writing the rows and their history is {m.Insert:0} of {m.Total:0} ms ({100 * m.Insert / m.Total:0} %, p50), the rule queries {m.Rules:0} ms; the hand SQL writes the same rows in {Median(runs, r => r.Sql.WriteMs):0} ms and finds the wanted pairs in {Median(runs, r => r.Sql.WantedMs):0} ms.");
        }

        var all = pairs.SelectMany(p => p.Samples.Values.SelectMany(x => x)).ToList();
        var missed = pairs.SelectMany(p => p.Samples.Where(kv => kv.Value.Count > 0)
                .Select(kv => (Pair: p, Phase: kv.Key, Stats: ConditionsBenchmark.Stats.Of(kv.Value.Select(r => r.EngineMs).ToList()))))
            .Where(x => x.Stats.P95 > TargetMs)
            .Select(x => string.Create(inv, $"{x.Pair.Spec.Title.Split(':')[0]}, {PhaseShort[(int)x.Phase]}: p50 {x.Stats.P50:0} ms, p95 {x.Stats.P95:0} ms"))
            .ToList();
        s.AppendLine();
        s.AppendLine(inv, $"Target (issue #4): ≤ {TargetMs / 1000:0} s per tag over 1M customers, p95 — {(missed.Count == 0 ? "met by every tag and kind of recompute" : "**not met** by " + string.Join("; ", missed))}; results equal to the hand SQL's in all {all.Count} measured runs{(failures.Count > 0 ? " except those listed below" : "")}.");
        if (failures.Count > 0)
        {
            s.AppendLine();
            s.AppendLine("**Mismatches in this run:**");
            foreach (var f in failures) s.AppendLine(inv, $"- {f}");
        }
        s.AppendLine();
        s.Append(TagsNotes.Text);
        return s.ToString();
    }

    private static double Median<T>(List<T> items, Func<T, double> f)
    {
        var s = items.Select(f).Order().ToArray();
        return s.Length == 0 ? double.NaN : s[(s.Length - 1) / 2];
    }

    // ------------------------------------------------------------------ plumbing

    private string Full(string p) => Path.IsPathRooted(p) ? p : Path.Combine(RepoRoot(), p);

    /// <summary>UTC instant of "local now minus days" in the workspace zone, as the compiler computes windows.</summary>
    private static DateTime DaysBefore(DateTime now, int days) =>
        TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(TimeZoneInfo.ConvertTimeFromUtc(now, Shanghai).AddDays(-days), DateTimeKind.Unspecified), Shanghai);

    private static async Task<long> Long(SqliteConnection connection, string sql, Pair pair, CancellationToken ct, bool swap = false)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 0;
        command.Parameters.AddWithValue("$a", swap ? pair.SqlTag : pair.EngineTag);
        if (sql.Contains("$b", StringComparison.Ordinal)) command.Parameters.AddWithValue("$b", swap ? pair.EngineTag : pair.SqlTag);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    private static async Task Exec(SqliteConnection connection, string sql, Pair pair, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 0;
        command.Parameters.AddWithValue("$a", pair.EngineTag);
        command.Parameters.AddWithValue("$b", pair.SqlTag);
        await command.ExecuteNonQueryAsync(ct);
    }

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
