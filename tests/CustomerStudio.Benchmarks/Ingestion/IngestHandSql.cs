using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using CustomerStudio.Core.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Benchmarks.Ingestion;

/// <summary>What the hand-written loop stored and how fast.</summary>
public sealed record IngestHandSqlResult(long Events, long Properties, int CustomersCreated, int Batches, double Seconds, double WallSeconds,
    double[] BatchMs, string Synchronous, long DbBytes)
{
    public double Throughput => Events / Seconds;
}

/// <summary>
/// The baseline of issue #5's ingestion API: the same events (same workload, same seed, same demo phones) into a fresh
/// database migrated by the product (WAL, default synchronous), with plain prepared statements of constant text: per
/// batch one transaction, customers resolved through an in-memory dictionary of external ids and phones (new ones
/// inserted with their identity), one INSERT per event and per property, and an idempotency row as the studio writes.
/// No HTTP, no JSON parsing, no validation: the ceiling of what the studio's storage path could reach on this machine.
/// </summary>
public static class IngestHandSql
{
    private const string InsertCustomer = """
        INSERT INTO "Customers" ("Id", "Phone", "Gender", "LifecycleStage", "LeadScore", "EmailOptOut", "SmsOptOut", "CreatedAt", "UpdatedAt")
        VALUES ($id, $phone, 0, 0, 0, 0, 0, $now, $now)
        """;
    private const string InsertIdentity = """
        INSERT INTO "CustomerIdentities" ("CustomerId", "Kind", "Value", "IsPrimary", "CreatedAt") VALUES ($customer, $kind, $value, 1, $now)
        """;
    private const string InsertEvent = """
        INSERT INTO "Events" ("Id", "CustomerId", "Type", "OccurredAt", "Channel", "PropertiesJson", "ReceivedAt")
        VALUES ($id, $customer, $type, $at, $channel, $json, $now)
        """;
    private const string InsertProperty = """INSERT INTO "EventProperties" ("EventId", "Key", "Value") VALUES ($event, $key, $value)""";
    private const string InsertIdempotency = """
        INSERT INTO "IdempotencyRecords" ("Scope", "Key", "ResponseJson", "CreatedAt") VALUES ('baseline:events', $key, $json, $now)
        """;

    public static async Task<IngestHandSqlResult> RunAsync(IngestWorkload workload, IReadOnlyList<string> demoPhones, string dbPath, CancellationToken ct)
    {
        foreach (var f in new[] { dbPath, dbPath + "-wal", dbPath + "-shm" })
            if (File.Exists(f)) File.Delete(f);
        Directory.CreateDirectory(Path.GetDirectoryName(dbPath)!);
        var cs = new SqliteConnectionStringBuilder { DataSource = dbPath, Pooling = true, DefaultTimeout = 30 }.ToString();
        var options = new DbContextOptionsBuilder<StudioDbContext>();
        StudioDatabase.Configure(options, DatabaseProvider.Sqlite, cs);
        await using (var db = new StudioDbContext(options.Options))
            await StudioDatabase.MigrateAsync(db, DatabaseProvider.Sqlite, ct);

        await using var connection = new SqliteConnection(cs);
        await connection.OpenAsync(ct);
        string synchronous;
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA synchronous";
            synchronous = Convert.ToInt64(await pragma.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) switch
            {
                0 => "OFF", 1 => "NORMAL", 2 => "FULL", 3 => "EXTRA", var v => v.ToString(CultureInfo.InvariantCulture),
            };
        }

        await using var customer = Prepare(connection, InsertCustomer, "$id", "$phone", "$now");
        await using var identity = Prepare(connection, InsertIdentity, "$customer", "$kind", "$value", "$now");
        await using var insertEvent = Prepare(connection, InsertEvent, "$id", "$customer", "$type", "$at", "$channel", "$json", "$now");
        await using var property = Prepare(connection, InsertProperty, "$event", "$key", "$value");
        await using var idempotency = Prepare(connection, InsertIdempotency, "$key", "$json", "$now");

        // The demo customers the events name by phone exist before the clock starts, as in the studio.
        var byPhone = new Dictionary<string, long>(demoPhones.Count);
        var byExternalId = new Dictionary<string, long>(workload.Spec.Customers);
        var nextCustomer = 1L;
        var setup = DateTime.UtcNow;
        await using (var transaction = connection.BeginTransaction())
        {
            foreach (var phone in demoPhones)
            {
                var id = nextCustomer++;
                Insert(customer, transaction, id, phone, setup);
                Insert(identity, transaction, id, 0, phone, setup);
                byPhone[phone] = id;
            }
            await transaction.CommitAsync(ct);
        }

        var json = new ArrayBufferWriter<byte>(256);
        var batchMs = new List<double>(workload.Batches);
        long events = 0, properties = 0, nextEvent = 1;
        var created = 0;
        var timed = TimeSpan.Zero;
        var wall = Stopwatch.StartNew();
        while (workload.Next(json: false) is { } batch)
        {
            ct.ThrowIfCancellationRequested();
            var started = Stopwatch.GetTimestamp();
            var now = DateTime.UtcNow;
            var batchCreated = 0;
            await using (var transaction = connection.BeginTransaction())
            {
                foreach (var e in batch.Events)
                {
                    long customerId;
                    if (e.Customer < 0)
                    {
                        customerId = byPhone[workload.DemoPhone(e.Customer)];
                    }
                    else
                    {
                        var externalId = workload.ExternalId(e.Customer);
                        if (!byExternalId.TryGetValue(externalId, out customerId))
                        {
                            customerId = nextCustomer++;
                            Insert(customer, transaction, customerId, null, now);
                            Insert(identity, transaction, customerId, 4, externalId, now);
                            byExternalId[externalId] = customerId;
                            batchCreated++;
                        }
                    }
                    var eventId = nextEvent++;
                    Insert(insertEvent, transaction, eventId, customerId, IngestWorkload.TypeNames[(int)e.Kind], workload.OccurredAt(e.Seq),
                        e.Channel, IngestWorkload.PropertiesJson(e, json), now);
                    Insert(property, transaction, eventId, e.Key1, e.Value1);
                    properties++;
                    if (e.Key2 is not null)
                    {
                        Insert(property, transaction, eventId, e.Key2, e.Value2);
                        properties++;
                    }
                }
                Insert(idempotency, transaction, batch.IdempotencyKey,
                    $$"""{"received":{{batch.Events.Length}},"accepted":{{batch.Events.Length}},"customersCreated":{{batchCreated}},"customersUpdated":0,"duplicates":0,"errors":[]}""",
                    now);
                await transaction.CommitAsync(ct);
            }
            var elapsed = Stopwatch.GetElapsedTime(started);
            timed += elapsed;
            batchMs.Add(elapsed.TotalMilliseconds);
            events += batch.Events.Length;
            created += batchCreated;
        }
        var wallSeconds = wall.Elapsed.TotalSeconds;
        await connection.CloseAsync();
        batchMs.Sort();
        return new IngestHandSqlResult(events, properties, created, batchMs.Count, timed.TotalSeconds, wallSeconds, [.. batchMs], synchronous,
            new FileInfo(dbPath).Length + (File.Exists(dbPath + "-wal") ? new FileInfo(dbPath + "-wal").Length : 0));
    }

    private static SqliteCommand Prepare(SqliteConnection connection, string sql, params string[] names)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in names) command.Parameters.Add(new SqliteParameter { ParameterName = name });
        return command;
    }

    private static void Insert(SqliteCommand command, SqliteTransaction transaction, params object?[] values)
    {
        command.Transaction = transaction;
        for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i] ?? DBNull.Value;
        command.ExecuteNonQuery();
    }
}
