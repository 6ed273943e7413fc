using System.Diagnostics;
using System.Globalization;
using System.Text;
using CustomerStudio.Core.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Benchmarks.Imports;

/// <summary>What the hand-written import did and how long it took.</summary>
public sealed record HandSqlResult(double Seconds, double MigrateSeconds, int Created, int Merged, int Rejected, int Identities, int ErrorRows, long DbBytes,
    long WrittenBytes, string Synchronous, int Batch);

/// <summary>
/// The baseline of issue #5: the same file into a fresh migrated SQLite database with plain C# and constant,
/// prepared SQL. Lines split on commas (the generated file needs no quoting), minimal cleansing (digits-only phones
/// with the 86 / 0086 prefix dropped, lower-cased trimmed e-mails, a dictionary of province names, seven date
/// formats), duplicates found through an in-memory dictionary of identities, one row per INSERT, one transaction
/// per 5,000 rows, rejected rows written to ImportRowErrors as the studio does. No field merging for duplicates.
/// </summary>
public static class ImportsHandSql
{
    /// <summary>Rows per transaction, as the studio's importer.</summary>
    public const int DefaultBatch = 5_000;

    private const string InsertCustomer = """
        INSERT INTO "Customers" ("Id", "Name", "Gender", "BirthDate", "Province", "City", "Phone", "Email", "LifecycleStage", "LeadScore",
                                 "EmailOptOut", "SmsOptOut", "CreatedAt", "UpdatedAt")
        VALUES ($id, $name, $gender, $birth, $province, $city, $phone, $email, 0, 0, 0, 0, $now, $now)
        """;

    private const string InsertIdentity = """
        INSERT INTO "CustomerIdentities" ("CustomerId", "Kind", "Value", "IsPrimary", "CreatedAt") VALUES ($customer, $kind, $value, $primary, $now)
        """;

    private const string InsertError = """
        INSERT INTO "ImportRowErrors" ("ImportJobId", "Line", "Field", "Reason") VALUES ($job, $line, $field, $reason)
        """;

    /// <summary>Loads the file; <paramref name="synchronous"/> sets <c>PRAGMA synchronous</c> (null: the connection's default) and
    /// <paramref name="batch"/> the rows per transaction, for the profile's what-ifs.</summary>
    public static async Task<HandSqlResult> RunAsync(string csvPath, string dbPath, CancellationToken ct, string? synchronous = null, int batch = DefaultBatch)
    {
        foreach (var f in new[] { dbPath, dbPath + "-wal", dbPath + "-shm" })
            if (File.Exists(f)) File.Delete(f);
        var cs = new SqliteConnectionStringBuilder { DataSource = Path.GetFullPath(dbPath), Pooling = true, DefaultTimeout = 30 }.ToString();
        var migrate = Stopwatch.StartNew();
        var options = new DbContextOptionsBuilder<StudioDbContext>();
        StudioDatabase.Configure(options, DatabaseProvider.Sqlite, cs);
        await using (var db = new StudioDbContext(options.Options))
            await StudioDatabase.MigrateAsync(db, DatabaseProvider.Sqlite, ct);
        var migrateSeconds = migrate.Elapsed.TotalSeconds;

        var written = ProcessIo.WrittenBytes();
        var stopwatch = Stopwatch.StartNew();
        var now = DateTime.UtcNow;
        await using var connection = new SqliteConnection(cs);
        await connection.OpenAsync(ct);
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = synchronous is null ? "PRAGMA synchronous" : $"PRAGMA synchronous = {synchronous}; PRAGMA synchronous";
            synchronous = Convert.ToInt64(await pragma.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) switch
            {
                0 => "OFF", 1 => "NORMAL", 2 => "FULL", 3 => "EXTRA", var n => n.ToString(CultureInfo.InvariantCulture),
            };
        }
        long jobId;
        await using (var job = connection.CreateCommand())
        {
            job.CommandText = """
                INSERT INTO "ImportJobs" ("Kind", "FileName", "Status", "MappingJson", "TotalRows", "ProcessedRows", "Created", "Updated", "Merged",
                                          "Skipped", "Rejected", "CreatedAt") VALUES (0, $file, 1, '{}', 0, 0, 0, 0, 0, 0, 0, $now) RETURNING "Id"
                """;
            job.Parameters.AddWithValue("$file", Path.GetFileName(csvPath));
            job.Parameters.AddWithValue("$now", now);
            jobId = Convert.ToInt64(await job.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        }

        await using var customer = Prepare(connection, InsertCustomer, "$id", "$name", "$gender", "$birth", "$province", "$city", "$phone", "$email", "$now");
        await using var identity = Prepare(connection, InsertIdentity, "$customer", "$kind", "$value", "$primary", "$now");
        await using var error = Prepare(connection, InsertError, "$job", "$line", "$field", "$reason");
        customer.Parameters["$now"].Value = now;
        identity.Parameters["$now"].Value = now;
        error.Parameters["$job"].Value = jobId;

        // (kind, value) → customer id, for every identity written so far.
        var known = new Dictionary<(int Kind, string Value), long>(1 << 20);
        var nextId = 1L;
        int created = 0, merged = 0, rejected = 0, identities = 0, errors = 0, line = 1, inBatch = 0;
        var values = new (int Kind, string Value)[3];
        SqliteTransaction? transaction = null;

        using var reader = new StreamReader(csvPath, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, 1 << 16);
        await reader.ReadLineAsync(ct); // header
        while (await reader.ReadLineAsync(ct) is { } text)
        {
            line++;
            if (text.Length == 0) continue;
            if (transaction is null)
            {
                transaction = connection.BeginTransaction();
                customer.Transaction = identity.Transaction = error.Transaction = transaction;
            }
            var cells = text.Split(',');
            string? Cell(int i) => i < cells.Length && !string.IsNullOrWhiteSpace(cells[i]) ? cells[i].Trim() : null;

            string? field = null, reason = null;
            var phone = Cell(ImportsData.Phone) is { } rawPhone ? Phone(rawPhone) ?? Fail(ImportsData.Header[ImportsData.Phone], $"Not a valid phone number: \"{rawPhone}\"") : null;
            var email = Cell(ImportsData.Email) is { } rawEmail ? Email(rawEmail) ?? Fail(ImportsData.Header[ImportsData.Email], $"Not a valid e-mail address: \"{rawEmail}\"") : null;
            var birth = Cell(ImportsData.Birth) is { } rawBirth ? Date(rawBirth) ?? FailDate(rawBirth) : null;
            var province = Cell(ImportsData.Province) is { } rawProvince ? Province(rawProvince) ?? Fail(ImportsData.Header[ImportsData.Province], $"Unknown province: \"{rawProvince}\"") : null;
            var member = Cell(ImportsData.Member);
            string? Fail(string f, string r)
            {
                field ??= f;
                reason ??= r;
                return null;
            }
            DateOnly? FailDate(string raw)
            {
                Fail(ImportsData.Header[ImportsData.Birth], $"Not a date: \"{raw}\"");
                return null;
            }
            if (reason is null && phone is null && email is null && member is null) Fail("", "No phone, e-mail or other identity");

            if (reason is not null)
            {
                rejected++;
                errors++;
                error.Parameters["$line"].Value = line;
                error.Parameters["$field"].Value = field;
                error.Parameters["$reason"].Value = reason;
                await error.ExecuteNonQueryAsync(ct);
            }
            else
            {
                var n = 0;
                if (phone is not null) values[n++] = (0, phone);
                if (email is not null) values[n++] = (1, email);
                if (member is not null) values[n++] = (4, member);
                long id = 0;
                for (var i = 0; i < n && id == 0; i++) known.TryGetValue(values[i], out id);
                var isNew = id == 0;
                if (isNew)
                {
                    id = nextId++;
                    created++;
                    customer.Parameters["$id"].Value = id;
                    customer.Parameters["$name"].Value = (object?)Cell(ImportsData.Name) ?? DBNull.Value;
                    customer.Parameters["$gender"].Value = Gender(Cell(ImportsData.Gender));
                    customer.Parameters["$birth"].Value = birth is { } b ? b : DBNull.Value;
                    customer.Parameters["$province"].Value = (object?)province ?? DBNull.Value;
                    customer.Parameters["$city"].Value = Cell(ImportsData.City) is { } city ? city.EndsWith('市') && city.Length > 2 ? city[..^1] : city : DBNull.Value;
                    customer.Parameters["$phone"].Value = (object?)phone ?? DBNull.Value;
                    customer.Parameters["$email"].Value = (object?)email ?? DBNull.Value;
                    await customer.ExecuteNonQueryAsync(ct);
                }
                else
                {
                    merged++;
                }
                for (var i = 0; i < n; i++)
                {
                    if (!known.TryAdd(values[i], id)) continue;
                    identities++;
                    identity.Parameters["$customer"].Value = id;
                    identity.Parameters["$kind"].Value = values[i].Kind;
                    identity.Parameters["$value"].Value = values[i].Value;
                    identity.Parameters["$primary"].Value = isNew;
                    await identity.ExecuteNonQueryAsync(ct);
                }
            }
            if (++inBatch == batch)
            {
                await transaction.CommitAsync(ct);
                await transaction.DisposeAsync();
                transaction = null;
                inBatch = 0;
            }
        }
        if (transaction is not null)
        {
            await transaction.CommitAsync(ct);
            await transaction.DisposeAsync();
        }
        await using (var done = connection.CreateCommand())
        {
            done.CommandText = """
                UPDATE "ImportJobs" SET "Status" = 2, "TotalRows" = $rows, "ProcessedRows" = $rows, "Created" = $created, "Merged" = $merged,
                                        "Rejected" = $rejected, "FinishedAt" = $now WHERE "Id" = $id
                """;
            done.Parameters.AddWithValue("$rows", line - 1);
            done.Parameters.AddWithValue("$created", created);
            done.Parameters.AddWithValue("$merged", merged);
            done.Parameters.AddWithValue("$rejected", rejected);
            done.Parameters.AddWithValue("$now", DateTime.UtcNow);
            done.Parameters.AddWithValue("$id", jobId);
            await done.ExecuteNonQueryAsync(ct);
        }
        // Timed up to the last commit, as the studio's job (its connection stays open; no final checkpoint either).
        var seconds = stopwatch.Elapsed.TotalSeconds;
        written = ProcessIo.WrittenBytes() - written;
        await connection.CloseAsync();
        SqliteConnection.ClearAllPools();
        return new HandSqlResult(seconds, migrateSeconds, created, merged, rejected, identities, errors, new FileInfo(dbPath).Length,
            written, synchronous, batch);
    }

    private static SqliteCommand Prepare(SqliteConnection connection, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var p in parameters) command.Parameters.Add(new SqliteParameter(p, DBNull.Value));
        command.Prepare();
        return command;
    }

    /// <summary>Digits only (full-width too); 86 / 0086 in front dropped; a mainland mobile is 11 digits, 13x–19x.</summary>
    private static string? Phone(string raw)
    {
        Span<char> digits = stackalloc char[raw.Length];
        var n = 0;
        foreach (var ch in raw)
            if (ch is >= '0' and <= '9') digits[n++] = ch;
            else if (ch is >= '０' and <= '９') digits[n++] = (char)('0' + (ch - '０'));
        var d = digits[..n];
        if (d.StartsWith("0086")) d = d[4..];
        else if (d.Length == 13 && d.StartsWith("86")) d = d[2..];
        return d.Length == 11 && d[0] == '1' && d[1] is >= '3' and <= '9' ? "+86" + d.ToString() : null;
    }

    /// <summary>Trimmed, lower-cased; one @, no spaces, a dot in the domain, no empty labels.</summary>
    private static string? Email(string raw)
    {
        var e = raw.Trim().ToLowerInvariant();
        var at = e.IndexOf('@');
        if (at <= 0 || at != e.LastIndexOf('@') || e.Contains(' ') || e.Contains("..", StringComparison.Ordinal)) return null;
        var domain = e.AsSpan(at + 1);
        return domain.IndexOf('.') > 0 && !domain.EndsWith(".") ? e : null;
    }

    private static readonly string[] DateFormats = ["yyyy-M-d", "yyyy/M/d", "yyyyMMdd", "yyyy年M月d日", "yyyy.M.d", "d/M/yyyy", "yyyy-M-d H:m:s"];

    private static DateOnly? Date(string raw) =>
        DateTime.TryParseExact(raw, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) && d.Year is >= 1900 and <= 2100
            ? DateOnly.FromDateTime(d) : null;

    private static readonly Dictionary<string, string> Provinces = BuildProvinces();

    private static Dictionary<string, string> BuildProvinces()
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var p in ImportsData.Provinces)
        {
            map[p.Short] = p.Short;
            map[p.Full] = p.Short;
            map[p.Latin] = p.Short;
        }
        return map;
    }

    private static string? Province(string raw) => Provinces.GetValueOrDefault(raw);

    private static int Gender(string? raw) => raw?.ToLowerInvariant() switch
    {
        "男" or "m" or "1" or "male" or "先生" => 1,
        "女" or "f" or "0" or "female" or "女士" => 2,
        _ => 0,
    };
}

/// <summary>Bytes a process caused to be written to storage (<c>write_bytes</c> of /proc/&lt;pid&gt;/io; 0 where unavailable).</summary>
public static class ProcessIo
{
    public static long WrittenBytes(int? pid = null)
    {
        var path = $"/proc/{(pid is { } p ? p.ToString(CultureInfo.InvariantCulture) : "self")}/io";
        try
        {
            foreach (var line in File.ReadLines(path))
                if (line.StartsWith("write_bytes:", StringComparison.Ordinal))
                    return long.Parse(line["write_bytes:".Length..].Trim(), CultureInfo.InvariantCulture);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return 0;
    }
}
