using System.Collections;
using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace CustomerStudio.Benchmarks.Ingestion;

/// <summary>What the studio's SQLite file holds of the measured events, read after the studio was killed.</summary>
public sealed record VerifyResult
{
    public required long Sent { get; init; }
    /// <summary>Rows in Events with an occurredAt of the measurement (≥ its base time).</summary>
    public required long Stored { get; init; }
    /// <summary>Distinct sent events found among them (matched by occurredAt).</summary>
    public required long Distinct { get; init; }
    /// <summary>Rows matching an event already matched: stored twice.</summary>
    public long Duplicates => Stored - Distinct - OffGrid;
    /// <summary>Rows whose occurredAt is no event that was sent.</summary>
    public required long OffGrid { get; init; }
    public long Missing => Sent - Distinct;
    public required long WrongCustomer { get; init; }
    public required long WrongType { get; init; }
    public required long PropertiesStored { get; init; }
    public required long PropertiesSent { get; init; }
    public required int ExternalIdsSent { get; init; }
    public required int ExternalIdsFound { get; init; }
    /// <summary>Customers carrying one of the measurement's external ids; equal to <see cref="ExternalIdsFound"/> unless one got two.</summary>
    public required int ExternalIdCustomers { get; init; }
    /// <summary>Customers in the file created since the measurement started (by the studio's clock).</summary>
    public required long CustomersCreated { get; init; }
    public required long IdempotencyRecords { get; init; }
    public required long DbBytes { get; init; }
    public required double Seconds { get; init; }
    public bool Exact => Missing == 0 && Duplicates == 0 && OffGrid == 0 && WrongCustomer == 0 && WrongType == 0
                         && PropertiesStored == PropertiesSent && ExternalIdsFound == ExternalIdsSent && ExternalIdCustomers == ExternalIdsFound
                         && CustomersCreated == ExternalIdsSent;
}

/// <summary>
/// Matches every stored event of the measurement to the event sent with that occurredAt (unique per event): each sent
/// event must be stored exactly once, on the customer its external id or phone names, with its type and properties.
/// </summary>
public static class IngestVerify
{
    public static async Task<VerifyResult> RunAsync(string dbPath, IngestWorkload sent, DateTime measuredFrom, DateTime measuredTo, CancellationToken ct)
    {
        var stopwatch = Stopwatch.StartNew();
        var spec = sent.Spec;
        // Read-write: opening the file replays the write-ahead log of the killed process, as a restarted studio would.
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = dbPath, Pooling = false }.ToString());
        await connection.OpenAsync(ct);

        var external = new Dictionary<string, long>(spec.Customers);
        var phones = new Dictionary<string, long>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = """SELECT "Kind", "Value", "CustomerId" FROM "CustomerIdentities" WHERE "Kind" = 0 OR ("Kind" = 4 AND "Value" >= $from AND "Value" < $to)""";
            command.Parameters.AddWithValue("$from", spec.Prefix);
            command.Parameters.AddWithValue("$to", spec.Prefix + "\uffff");
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                (reader.GetInt32(0) == 0 ? phones : external)[reader.GetString(1)] = reader.GetInt64(2);
        }
        var expectedOf = new long[sent.Issued];
        var found = 0;
        for (var i = 0; i < sent.Issued; i++)
            if (external.TryGetValue(sent.ExternalId(i), out var id)) { expectedOf[i] = id; found++; }
            else expectedOf[i] = -1;
        var demoIds = new Dictionary<int, long>();
        long Expected(int customer)
        {
            if (customer >= 0) return expectedOf[customer];
            if (!demoIds.TryGetValue(customer, out var id))
                demoIds[customer] = id = phones.TryGetValue(sent.DemoPhone(customer), out var p) ? p : -1;
            return id;
        }

        var seen = new BitArray(checked((int)spec.TotalEvents));
        long stored = 0, distinct = 0, offGrid = 0, wrongCustomer = 0, wrongType = 0;
        var baseTicks = spec.BaseTime.Ticks;
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = """SELECT "CustomerId", "Type", "OccurredAt" FROM "Events" WHERE "OccurredAt" >= $base""";
            command.Parameters.AddWithValue("$base", spec.BaseTime);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                stored++;
                var offset = reader.GetDateTime(2).Ticks - baseTicks;
                var seq = offset / spec.StepTicks;
                if (offset % spec.StepTicks != 0 || seq < 0 || seq >= spec.TotalEvents) { offGrid++; continue; }
                if (seen[(int)seq]) continue;
                seen[(int)seq] = true;
                distinct++;
                if (reader.GetInt64(0) != Expected(sent.CustomerOf![seq])) wrongCustomer++;
                if (reader.GetString(1) != IngestWorkload.TypeNames[sent.KindOf![seq]]) wrongType++;
            }
        }

        return new VerifyResult
        {
            Sent = spec.TotalEvents, Stored = stored, Distinct = distinct, OffGrid = offGrid, WrongCustomer = wrongCustomer, WrongType = wrongType,
            PropertiesStored = await ScalarAsync(connection,
                """SELECT COUNT(*) FROM "EventProperties" WHERE "EventId" IN (SELECT "Id" FROM "Events" WHERE "OccurredAt" >= $base)""", ct,
                ("$base", spec.BaseTime)),
            PropertiesSent = sent.Properties,
            ExternalIdsSent = sent.Issued, ExternalIdsFound = found, ExternalIdCustomers = external.Values.Distinct().Count(),
            CustomersCreated = await ScalarAsync(connection, """SELECT COUNT(*) FROM "Customers" WHERE "CreatedAt" >= $base AND "CreatedAt" < $end""", ct,
                ("$base", measuredFrom), ("$end", measuredTo)),
            IdempotencyRecords = await ScalarAsync(connection, """SELECT COUNT(*) FROM "IdempotencyRecords" WHERE "Key" >= $p AND "Key" < $p || char(65535)""", ct,
                ("$p", spec.KeyPrefix)),
            DbBytes = new FileInfo(dbPath).Length,
            Seconds = stopwatch.Elapsed.TotalSeconds,
        };
    }

    private static async Task<long> ScalarAsync(SqliteConnection connection, string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }
}
