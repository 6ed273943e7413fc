using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Imports;
using CustomerStudio.Core.Imports.Cleansing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace CustomerStudio.Benchmarks.Imports;

/// <summary>Where an in-process import spends its time.</summary>
public sealed record ImportsProfile
{
    /// <summary>A part timed (and its allocations counted) on its own.</summary>
    public sealed record Part(double Seconds, long Allocated);

    public required Part Parse { get; init; }
    public required Part Clean { get; init; }
    public required IReadOnlyList<(string Cleaner, double Seconds, int Calls)> Cleaners { get; init; }
    public required Part Import { get; init; }
    public required int Gen2Collections { get; init; }
    public required IReadOnlyList<(string Kind, int Commands, double Seconds)> Queries { get; init; }
    public required IReadOnlyDictionary<string, int> MaxParameters { get; init; }
    public required Part BulkCustomers { get; init; }
    public required Part BulkIdentities { get; init; }
    public required int Customers { get; init; }
    public required int Identities { get; init; }
    public required ImportJob Job { get; init; }
    /// <summary>What-if: the same identity lookups (chunks of 2,000 phones) three ways.</summary>
    public required IReadOnlyList<(string Variant, int Commands, double Seconds)> LookupVariants { get; init; }
    /// <summary>What-if: the hand SQL with other synchronous / transaction sizes (the first: the baseline run above).</summary>
    public required IReadOnlyList<HandSqlResult> SqliteVariants { get; init; }

    public string ToMarkdown(int rows)
    {
        var inv = CultureInfo.InvariantCulture;
        var total = Import.Seconds;
        var b = new StringBuilder();
        b.AppendLine("### Where the import's time goes (in-process profile)");
        b.AppendLine();
        b.AppendLine(inv, $"`--profile`, after the measurements above: `CustomerImporter.RunAsync` run in the benchmark process on a fresh, empty migrated SQLite file (no demo data, no HTTP, no counting pass), with an EF Core command interceptor timing each query from execution until its reader is disposed (building its parameters happens before and is not included). Parsing and cleansing are timed in separate passes over the same file; the bulk inserts (`ModelBulkInsert`, raw commands the interceptor does not see) are replayed alone into another fresh file, with the same rows and transactions. Import: {total:0.0} s for {rows:N0} rows ({Job.Created:N0} created, {Job.Merged:N0} merged, {Job.Rejected:N0} rejected), {Gb(Import.Allocated)} allocated, {Gen2Collections} gen-2 collections.");
        b.AppendLine();
        b.AppendLine("| Part | Time | Share of the import | Per file row | Allocated |");
        b.AppendLine("|---|---:|---:|---:|---:|");
        void Row(string part, double seconds, string allocated = "") =>
            b.AppendLine(inv, $"| {part} | {seconds:0.0} s | {100 * seconds / total:0} % | {seconds * 1e6 / rows:0.0} µs | {allocated} |");
        Row("Parsing (CsvHelper via `ImportRows.Read`; the worker's counting pass costs this once more)", Parse.Seconds, Gb(Parse.Allocated));
        Row("Cleansing (`CustomerRowCleaner.Clean`, all columns)", Clean.Seconds, Gb(Clean.Allocated));
        foreach (var (cleaner, seconds, calls) in Cleaners)
            b.AppendLine(inv, $"| … {cleaner} | {seconds:0.0} s | {100 * seconds / total:0} % | {seconds * 1e6 / Math.Max(calls, 1):0.0} µs per value | |");
        var queries = Queries.Sum(q => q.Seconds);
        Row("EF Core queries (interceptor: execute → reader disposed)", queries);
        foreach (var (kind, commands, seconds) in Queries.OrderByDescending(q => q.Seconds))
            b.AppendLine(inv, $"| … {kind} ({commands:N0} commands, up to {MaxParameters.GetValueOrDefault(kind):N0} parameters) | {seconds:0.0} s | {100 * seconds / total:0} % | {seconds * 1e3 / Math.Max(commands, 1):0.00} ms per command | |");
        Row($"Bulk insert of {Customers:N0} customers, replayed alone ({BulkCustomers.Seconds * 1e6 / Math.Max(Customers, 1):0.0} µs per customer)", BulkCustomers.Seconds, Gb(BulkCustomers.Allocated));
        Row($"Bulk insert of {Identities:N0} identities, replayed alone ({BulkIdentities.Seconds * 1e6 / Math.Max(Identities, 1):0.0} µs per identity)", BulkIdentities.Seconds, Gb(BulkIdentities.Allocated));
        var rest = total - Parse.Seconds - Clean.Seconds - queries - BulkCustomers.Seconds - BulkIdentities.Seconds;
        var restAllocated = Import.Allocated - Parse.Allocated - Clean.Allocated - BulkCustomers.Allocated - BulkIdentities.Allocated;
        Row("The rest: building query parameters, grouping, merging fields, change tracking, report lines, commits, GC", rest, Gb(restAllocated));
        if (LookupVariants.Count > 0)
        {
            b.AppendLine();
            b.AppendLine(inv, $"What-if, identity lookups: {LookupVariants[0].Commands} lookups of 2,000 phone identities each (half of them present) in the profiled file ({Identities:N0} identities), three ways, interleaved; the results are checked equal.");
            b.AppendLine();
            b.AppendLine("| Lookup | Time | Per lookup of 2,000 values |");
            b.AppendLine("|---|---:|---:|");
            foreach (var v in LookupVariants)
                b.AppendLine(inv, $"| {v.Variant} | {v.Seconds:0.00} s | {v.Seconds * 1e3 / Math.Max(v.Commands, 1):0.00} ms |");
        }
        if (SqliteVariants.Count > 0)
        {
            b.AppendLine();
            b.AppendLine("What-if, SQLite settings: the hand-written SQL load again with `PRAGMA synchronous = NORMAL` (WAL stays consistent; a power cut may lose the last commits, not corrupt the file) and with 10× larger transactions; each into a fresh migrated file. Every commit writes each page it dirtied to the WAL (and checkpoints copy them into the file); with keys spread over the whole range of the unique (Kind, Value) identity index and of the Customers indexes on birth date and province / city, a commit rewrites many pages for few new rows.");
            b.AppendLine();
            b.AppendLine("| Hand SQL | synchronous | Rows per transaction | Time | Written |");
            b.AppendLine("|---|---|---:|---:|---:|");
            for (var i = 0; i < SqliteVariants.Count; i++)
            {
                var v = SqliteVariants[i];
                var name = i == 0 ? "as above (after the studio)" : v.Batch != ImportsHandSql.DefaultBatch ? "larger transactions" : "synchronous NORMAL";
                b.AppendLine(inv, $"| {name} | {v.Synchronous} | {v.Batch:N0} | {v.Seconds:0.0} s | {v.WrittenBytes / 1073741824.0:0.0} GB |");
            }
        }
        if (LookupVariants.Count >= 2)
        {
            // FindAsync end to end (parameters built, command prepared, rows read) per command, from the what-if.
            var lookups = Queries.Where(q => q.Kind.StartsWith("identity lookups", StringComparison.Ordinal)).Sum(q => q.Commands);
            var perShipped = LookupVariants[0].Seconds / LookupVariants[0].Commands;
            var perJson = LookupVariants[1].Seconds / LookupVariants[1].Commands;
            b.AppendLine();
            b.AppendLine(inv, $"Estimate: this import ran {lookups:N0} lookups; at the what-if's end-to-end cost ({perShipped * 1e3:0.0} ms as shipped, building the parameters included, against {perJson * 1e3:0.0} ms with `EF.Parameter`) that is ≈ {lookups * perShipped:0} s of its {total:0} s, of which `json_each` would save ≈ {lookups * (perShipped - perJson):0} s (the lookup table grows during the import, so the what-if on the full table is an upper bound per lookup).");
        }
        return b.ToString();
    }

    private static string Gb(long bytes) => (bytes / 1073741824.0).ToString("0.00", CultureInfo.InvariantCulture) + " GB";
}

/// <summary>Runs <see cref="CustomerImporter"/> in-process and breaks its time down (issue #5, where the time goes).</summary>
public static class ImportsProfiler
{
    public static async Task<ImportsProfile> RunAsync(string csvPath, string dbPath, HandSqlResult? baseline, CancellationToken ct)
    {
        var plan = ImportPlan.FromJson(ImportsData.PlanJson()) with { Format = "csv" };
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

        Console.WriteLine("==> Profile: parsing pass");
        var parse = await MeasureAsync(async () =>
        {
            await using var stream = File.OpenRead(csvPath);
            _ = ImportRows.Read(stream, plan).Rows.Count();
        });

        Console.WriteLine("==> Profile: cleansing pass (CustomerRowCleaner)");
        var catalog = new ImportCatalog(new Dictionary<string, CustomFieldDefinition>(), new Dictionary<string, (CustomerStudio.Core.Tags.Tag, IReadOnlyList<CustomerStudio.Core.Tags.TagValue>)>(), zone);
        var cleaner = new CustomerRowCleaner(plan, catalog);
        long cleanTicks = 0;
        var cleanPass = await MeasureAsync(async () =>
        {
            await using var stream = File.OpenRead(csvPath);
            foreach (var row in ImportRows.Read(stream, plan).Rows)
            {
                var t0 = Stopwatch.GetTimestamp();
                cleaner.Clean(row);
                cleanTicks += Stopwatch.GetTimestamp() - t0;
            }
        });
        var clean = new ImportsProfile.Part(Seconds(cleanTicks), Math.Max(0, cleanPass.Allocated - parse.Allocated));

        Console.WriteLine("==> Profile: each cleaner alone");
        var phones = new PhoneCleaner(plan.DefaultRegion);
        var each = new (string Name, int Column, Func<string, bool> Clean)[]
        {
            ("phones (`PhoneCleaner`, libphonenumber)", ImportsData.Phone, v => phones.Normalize(v).Ok),
            ("e-mails (`EmailCleaner`)", ImportsData.Email, v => EmailCleaner.Normalize(v).Ok),
            ("birthdays (`DateCleaner`)", ImportsData.Birth, v => DateCleaner.ParseDate(v).Ok),
            ("provinces (`RegionCleaner.Province`)", ImportsData.Province, v => RegionCleaner.Province(v).Ok),
            ("cities (`RegionCleaner.City`)", ImportsData.City, v => RegionCleaner.City(v).Ok),
            ("genders (`GenderCleaner`)", ImportsData.Gender, v => GenderCleaner.Normalize(v).Ok),
        };
        var ticks = new long[each.Length];
        var calls = new int[each.Length];
        await using (var stream = File.OpenRead(csvPath))
        {
            foreach (var row in ImportRows.Read(stream, plan).Rows)
                for (var i = 0; i < each.Length; i++)
                {
                    var value = row.Cells[each[i].Column];
                    if (string.IsNullOrWhiteSpace(value)) continue;
                    var t1 = Stopwatch.GetTimestamp();
                    each[i].Clean(value);
                    ticks[i] += Stopwatch.GetTimestamp() - t1;
                    calls[i]++;
                }
        }

        Console.WriteLine("==> Profile: CustomerImporter on a fresh database");
        var cs = await FreshMigratedAsync(dbPath, ct);
        var timing = new QueryTiming();
        long jobId;
        await using (var db = Context(cs, null))
        {
            var job = new ImportJob
            {
                Kind = ImportKind.Customers, FileName = Path.GetFileName(csvPath), Status = ImportStatus.Pending, MappingJson = plan.ToJson(),
                DedupePolicy = plan.Policy.ToString(), CreatedAt = DateTime.UtcNow,
            };
            db.ImportJobs.Add(job);
            await db.SaveChangesAsync(ct);
            jobId = job.Id;
        }
        ImportJob? done = null;
        var gen2 = GC.CollectionCount(2);
        var import = await MeasureAsync(async () =>
        {
            var stopwatch = Stopwatch.StartNew();
            await using var db = Context(cs, timing);
            await using var stream = File.OpenRead(csvPath);
            var progress = new Progress<ImportJob>(j =>
            {
                if (j.ProcessedRows % 100_000 < 5_000) Console.WriteLine($"  {stopwatch.Elapsed.TotalSeconds,6:0.0} s  {j.ProcessedRows,9:N0} rows");
            });
            done = await new CustomerImporter(db, TimeProvider.System).RunAsync(jobId, ImportRows.Read(stream, plan).Rows, progress, ct);
        });
        gen2 = GC.CollectionCount(2) - gen2;
        Console.WriteLine($"  {import.Seconds:0.0} s: created {done!.Created:N0}, merged {done.Merged:N0}, rejected {done.Rejected:N0}");

        // The importer's bulk inserts, alone: the same customers and identities, as many per transaction as a 5,000-row batch wrote.
        Console.WriteLine("==> Profile: the bulk inserts replayed alone");
        List<Customer> customers;
        List<CustomerIdentity> identities;
        await using (var db = Context(cs, null))
        {
            customers = await db.Customers.AsNoTracking().OrderBy(c => c.Id).ToListAsync(ct);
            identities = await db.CustomerIdentities.AsNoTracking().OrderBy(i => i.Id).ToListAsync(ct);
        }
        var batches = Math.Max(1, (done.TotalRows + 4_999) / 5_000);
        var customersPerBatch = (int)Math.Ceiling((double)customers.Count / batches);
        var identitiesPerBatch = (int)Math.Ceiling((double)identities.Count / batches);
        var replayPath = dbPath + ".replay.db";
        var replay = await FreshMigratedAsync(replayPath, ct);
        var bulkCustomers = await MeasureAsync(() => ReplayAsync(replay, customers, customersPerBatch, ct));
        var bulkIdentities = await MeasureAsync(() => ReplayAsync(replay, identities, identitiesPerBatch, ct));
        Delete(replayPath);

        Console.WriteLine("==> Profile: what-if, identity lookups");
        var lookups = await LookupVariantsAsync(cs, identities, ct);
        Delete(dbPath);

        // The same hand SQL with other SQLite settings: how much of a load is waiting for the disk.
        var sqlite = new List<HandSqlResult>();
        if (baseline is not null) sqlite.Add(baseline);
        foreach (var (synchronous, batch) in new[] { ("NORMAL", ImportsHandSql.DefaultBatch), ((string?)null, 50_000) })
        {
            Console.WriteLine($"==> Profile: what-if, hand SQL with synchronous {synchronous ?? "default"}, {batch:N0} rows per transaction");
            var r = await ImportsHandSql.RunAsync(csvPath, dbPath, ct, synchronous, batch);
            Console.WriteLine($"  {r.Seconds:0.0} s, {r.WrittenBytes / 1073741824.0:0.0} GB written");
            sqlite.Add(r);
        }
        Delete(dbPath);

        return new ImportsProfile
        {
            Parse = parse,
            Clean = clean,
            Cleaners = each.Select((e, i) => (e.Name, Seconds(ticks[i]), calls[i])).ToList(),
            Import = import,
            Gen2Collections = gen2,
            Queries = timing.Totals(),
            MaxParameters = timing.MaxParameters(),
            BulkCustomers = bulkCustomers,
            BulkIdentities = bulkIdentities,
            Customers = customers.Count,
            Identities = identities.Count,
            Job = done,
            LookupVariants = lookups,
            SqliteVariants = sqlite,
        };
    }

    private static double Seconds(long ticks) => (double)ticks / Stopwatch.Frequency;

    private static async Task<ImportsProfile.Part> MeasureAsync(Func<Task> part)
    {
        GC.Collect();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var stopwatch = Stopwatch.StartNew();
        await part();
        return new ImportsProfile.Part(stopwatch.Elapsed.TotalSeconds, GC.GetTotalAllocatedBytes(precise: true) - allocated);
    }

    /// <summary>Inserts the rows again with the product's <see cref="ModelBulkInsert"/>, <paramref name="perTransaction"/> per transaction.</summary>
    private static async Task ReplayAsync<T>(string cs, List<T> rows, int perTransaction, CancellationToken ct)
        where T : class
    {
        // Customers keep the ids the importer gave them (it sets them too); identities are numbered by the database.
        var generateKeys = typeof(T) != typeof(Customer);
        await using var db = Context(cs, null);
        foreach (var chunk in rows.Chunk(Math.Max(1, perTransaction)))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            ModelBulkInsert.Insert(db, db.Database.GetDbConnection(), transaction.GetDbTransaction(), chunk, null, ct, generateKeys: generateKeys);
            await transaction.CommitAsync(ct);
        }
    }

    private static void Delete(string path)
    {
        SqliteConnection.ClearAllPools();
        foreach (var f in new[] { path, path + "-wal", path + "-shm" })
            if (File.Exists(f)) File.Delete(f);
    }

    private static async Task<string> FreshMigratedAsync(string path, CancellationToken ct)
    {
        Delete(path);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var cs = new SqliteConnectionStringBuilder { DataSource = Path.GetFullPath(path), Pooling = true, DefaultTimeout = 30 }.ToString();
        await using var db = Context(cs, null);
        await StudioDatabase.MigrateAsync(db, DatabaseProvider.Sqlite, ct);
        return cs;
    }

    private static async Task<List<(string, int, double)>> LookupVariantsAsync(string cs, List<CustomerIdentity> identities, CancellationToken ct)
    {
        var phones = identities.Where(i => i.Kind == IdentityKind.Phone).Select(i => i.Value).ToList();
        var rng = new Random(5);
        const int Lookups = 100;
        var chunks = Enumerable.Range(0, Lookups).Select(n => Enumerable.Range(0, 2_000)
            .Select(k => k % 2 == 0 ? phones[rng.Next(phones.Count)] : $"+861000{n:D3}{k:D4}").Distinct().ToList()).ToList();
        await using var db = Context(cs, null);
        await using var connection = new SqliteConnection(cs);
        await connection.OpenAsync(ct);
        await using var hand = connection.CreateCommand();
        hand.CommandText = "SELECT \"Value\", \"CustomerId\" FROM \"CustomerIdentities\" WHERE \"Kind\" = $kind AND \"Value\" IN (SELECT value FROM json_each($values))";
        hand.Parameters.AddWithValue("$kind", (int)IdentityKind.Phone);
        var values = hand.Parameters.Add("$values", SqliteType.Text);
        hand.Prepare();
        long product = 0, single = 0, json = 0;
        foreach (var chunk in chunks)
        {
            var t0 = Stopwatch.GetTimestamp();
            var a = await IdentityLookup.FindAsync(db, chunk.Select(v => (IdentityKind.Phone, v)), ct);
            var t1 = Stopwatch.GetTimestamp();
            var kind = IdentityKind.Phone;
            var b = await db.CustomerIdentities.AsNoTracking().Where(i => i.Kind == kind && EF.Parameter(chunk).Contains(i.Value))
                .Select(i => new { i.Value, i.CustomerId }).ToListAsync(ct);
            var t2 = Stopwatch.GetTimestamp();
            values.Value = System.Text.Json.JsonSerializer.Serialize(chunk);
            var c = 0;
            await using (var reader = await hand.ExecuteReaderAsync(ct))
                while (await reader.ReadAsync(ct)) c++;
            var t3 = Stopwatch.GetTimestamp();
            if (a.Count != b.Count || a.Count != c) throw new BenchmarkException($"Identity lookups differ: {a.Count} / {b.Count} / {c}");
            product += t1 - t0;
            single += t2 - t1;
            json += t3 - t2;
        }
        double S(long t) => (double)t / Stopwatch.Frequency;
        return
        [
            ("`IdentityLookup.FindAsync` as shipped: `chunk.Contains(i.Value)`, EF 10's default `IN (@p1, …, @p2000)`", Lookups, S(product)),
            ("the same LINQ with `EF.Parameter(chunk).Contains(i.Value)`: one JSON parameter, `IN (SELECT value FROM json_each(@chunk))`", Lookups, S(single)),
            ("hand SQL, prepared once: `… \"Value\" IN (SELECT value FROM json_each($values))`", Lookups, S(json)),
        ];
    }

    private static StudioDbContext Context(string cs, IInterceptor? interceptor)
    {
        var builder = new DbContextOptionsBuilder<StudioDbContext>();
        StudioDatabase.Configure(builder, DatabaseProvider.Sqlite, cs);
        if (interceptor is not null) builder.AddInterceptors(interceptor);
        return new StudioDbContext(builder.Options);
    }

    /// <summary>Time of each EF command from execution until its reader is disposed (or the non-query returns), by kind.</summary>
    private sealed class QueryTiming : DbCommandInterceptor
    {
        private readonly Dictionary<string, (int Commands, long Ticks)> _totals = [];
        private readonly Dictionary<DbCommand, long> _started = [];
        private readonly Dictionary<string, int> _maxParameters = [];

        public IReadOnlyDictionary<string, int> MaxParameters()
        {
            lock (_started) return new Dictionary<string, int>(_maxParameters);
        }

        public IReadOnlyList<(string Kind, int Commands, double Seconds)> Totals() =>
            _totals.Select(kv => (kv.Key, kv.Value.Commands, (double)kv.Value.Ticks / Stopwatch.Frequency)).ToList();

        private static string Kind(string sql)
        {
            var text = sql.TrimStart();
            if (text.StartsWith("UPDATE \"ImportJobs\"", StringComparison.Ordinal)) return "job updates (`ExecuteUpdate`: lock, progress, status)";
            if (text.Contains("FROM \"CustomerIdentities\"", StringComparison.Ordinal)) return "identity lookups (`IdentityLookup.FindAsync`)";
            if (text.Contains("MAX(", StringComparison.Ordinal)) return "next customer id (`MAX(Id)`)";
            if (text.Contains("FROM \"ImportJobs\"", StringComparison.Ordinal)) return "job reads";
            if (text.Contains("FROM \"Customers\"", StringComparison.Ordinal)) return "loading customers matched in earlier batches";
            if (text.Contains("UPDATE \"Customers\"", StringComparison.Ordinal)) return "fill-empty updates (`SaveChanges`)";
            return "other";
        }

        private void Start(DbCommand command)
        {
            lock (_started) _started[command] = Stopwatch.GetTimestamp();
        }

        private void Stop(DbCommand command)
        {
            lock (_started)
            {
                if (!_started.Remove(command, out var start)) return;
                var kind = Kind(command.CommandText);
                _maxParameters[kind] = Math.Max(_maxParameters.GetValueOrDefault(kind), command.Parameters.Count);
                var (n, t) = _totals.GetValueOrDefault(kind);
                _totals[kind] = (n + 1, t + Stopwatch.GetTimestamp() - start);
            }
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Start(command);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            Start(command);
            return base.ReaderExecuting(command, eventData, result);
        }

        public override InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
        {
            Stop(command);
            return base.DataReaderDisposing(command, eventData, result);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Start(command);
            return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
        {
            Stop(command);
            return base.NonQueryExecutedAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
        {
            Start(command);
            return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
        {
            Stop(command);
            return base.ScalarExecutedAsync(command, eventData, result, cancellationToken);
        }
    }
}
