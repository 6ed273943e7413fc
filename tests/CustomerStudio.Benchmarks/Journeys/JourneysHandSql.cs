using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerStudio.Core.Journeys;
using CustomerStudio.Core.Journeys.Definition;
using CustomerStudio.Core.Journeys.Runtime;
using CustomerStudio.Core.Segments;
using Microsoft.Data.Sqlite;

namespace CustomerStudio.Benchmarks.Journeys;

/// <summary>
/// The baseline: the same journey run by SQL a developer would write by hand for this one graph, on one connection with
/// prepared commands (constant text, every value a parameter). Enrolment is one <c>INSERT … SELECT</c> from the
/// segment log with the entry rule as <c>NOT EXISTS</c>; advancing reads a batch of due instances with their customers
/// in one query, decides the path in C# (the A/B split with the product's hash, so both pick the same variant), and
/// writes per instance what the engine writes — the instance (revision checked), its step rows, its outbox row — in one
/// transaction per batch. Single writer: no claims, no change tracking, no graph interpreter.
/// </summary>
public sealed class JourneysHandSql : IAsyncDisposable
{
    public const string InitCursor = """
        INSERT INTO "JourneyTriggerStates" ("JourneyId", "NodeId", "Cursor", "LastRunAt")
        VALUES ($journey, $node, COALESCE((SELECT MAX("Id") FROM "SegmentMembershipLog"), 0), $now)
        """;

    public const string ReadCursor = """
        SELECT "Cursor" FROM "JourneyTriggerStates" WHERE "JourneyId" = $journey AND "NodeId" = $node
        """;

    /// <summary>Customers who entered the segment after the cursor, still live, never on this journey (entry rule "once").</summary>
    public const string Enroll = """
        INSERT INTO "JourneyInstances" ("JourneyId", "JourneyVersionId", "CustomerId", "Status", "CurrentNodeId", "WakeAt", "StartedAt", "UpdatedAt", "Revision")
        SELECT $journey, $version, l."CustomerId", $running, $node, $now, $now, $now, 0
        FROM "SegmentMembershipLog" AS l
        JOIN "Customers" AS c ON c."Id" = l."CustomerId"
        WHERE l."Id" > $cursor AND l."SegmentId" = $segment AND l."Change" = $entered
          AND c."MergedIntoId" IS NULL
          AND NOT EXISTS (SELECT 1 FROM "JourneyInstances" AS i WHERE i."JourneyId" = $journey AND i."CustomerId" = l."CustomerId")
        GROUP BY l."CustomerId"
        ORDER BY l."CustomerId"
        """;

    public const string MoveCursor = """
        UPDATE "JourneyTriggerStates"
        SET "Cursor" = COALESCE((SELECT MAX(l."Id") FROM "SegmentMembershipLog" AS l WHERE l."Id" > $cursor AND l."SegmentId" = $segment AND l."Change" = $entered), "Cursor"),
            "LastRunAt" = $now
        WHERE "JourneyId" = $journey AND "NodeId" = $node
        """;

    /// <summary>A batch of due instances of published journeys, oldest wake first, with what the nodes need of the customer.</summary>
    public const string Due = """
        SELECT i."Id", i."CustomerId", i."Status", i."CurrentNodeId", i."Revision", c."Name", c."Email", c."City", c."EmailOptOut", c."MergedIntoId"
        FROM "JourneyInstances" AS i
        JOIN "Journeys" AS j ON j."Id" = i."JourneyId"
        LEFT JOIN "Customers" AS c ON c."Id" = i."CustomerId"
        WHERE i."Status" IN ($running, $waiting) AND i."WakeAt" <= $now
          AND (i."ClaimedUntil" IS NULL OR i."ClaimedUntil" < $now) AND j."Status" = $published
        ORDER BY i."WakeAt"
        LIMIT $batch
        """;

    public const string ToWait = """
        UPDATE "JourneyInstances"
        SET "Status" = $waiting, "CurrentNodeId" = $node, "WakeAt" = $wake, "AwaitedEvent" = NULL, "ResumePort" = NULL,
            "UpdatedAt" = $now, "Revision" = "Revision" + 1, "ClaimedBy" = NULL, "ClaimedUntil" = NULL
        WHERE "Id" = $id AND "Revision" = $revision
        """;

    public const string ToEnd = """
        UPDATE "JourneyInstances"
        SET "Status" = $completed, "CurrentNodeId" = $node, "WakeAt" = NULL, "AwaitedEvent" = NULL, "ResumePort" = NULL, "EndedAt" = $now,
            "UpdatedAt" = $now, "Revision" = "Revision" + 1, "ClaimedBy" = NULL, "ClaimedUntil" = NULL
        WHERE "Id" = $id AND "Revision" = $revision
        """;

    public const string InsertStep = """
        INSERT INTO "JourneyStepLog" ("InstanceId", "JourneyId", "NodeId", "Port", "At", "Message")
        VALUES ($instance, $journey, $node, $port, $at, $message)
        """;

    public const string InsertOutbox = """
        INSERT INTO "Outbox" ("InstanceId", "NodeId", "IdempotencyKey", "Channel", "CustomerId", "PayloadJson", "Status", "Attempts", "NextAttemptAt", "CreatedAt")
        VALUES ($instance, $node, $key, $channel, $customer, $payload, $pending, 0, $at, $at)
        """;

    /// <summary>What one advancing batch did, and when it became durable.</summary>
    public sealed record BatchResult(int Instances, int Steps, DateTime Started, DateTime Committed, List<long> Ids);

    private readonly JourneysWorld _world;
    private readonly SqliteConnection _connection;
    private readonly IReadOnlyList<SplitVariant> _variants = [new() { Port = "a", Weight = 50 }, new() { Port = "b", Weight = 50 }];
    private SqliteCommand? _due, _toWait, _toEnd, _step, _outbox;
    private string? _subject, _body;

    public JourneysHandSql(JourneysWorld world)
    {
        _world = world;
        _connection = world.Open();
    }

    private SqliteCommand Prepare(string sql, params string[] names)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in names) command.Parameters.Add(new SqliteParameter(name, null));
        command.Prepare();
        return command;
    }

    private static SqliteCommand Set(SqliteCommand command, string name, object? value)
    {
        command.Parameters[name].Value = value ?? DBNull.Value;
        return command;
    }

    /// <summary>As a trigger's first sweep does: the cursor starts at the end of the log.</summary>
    public async Task InitCursorAsync(DateTime now, CancellationToken ct)
    {
        await using var command = _connection.CreateCommand();
        command.CommandText = InitCursor;
        command.Parameters.AddWithValue("$journey", _world.JourneyId);
        command.Parameters.AddWithValue("$node", JourneysWorld.TriggerNode);
        command.Parameters.AddWithValue("$now", now);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Enrols everyone who entered the segment since the cursor, and moves the cursor, in one transaction; returns the instances created.</summary>
    public async Task<int> EnrollAsync(DateTime now, CancellationToken ct)
    {
        await using var tx = (SqliteTransaction)await _connection.BeginTransactionAsync(ct);
        long cursor;
        await using (var read = _connection.CreateCommand())
        {
            read.Transaction = tx;
            read.CommandText = ReadCursor;
            read.Parameters.AddWithValue("$journey", _world.JourneyId);
            read.Parameters.AddWithValue("$node", JourneysWorld.TriggerNode);
            cursor = Convert.ToInt64(await read.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        }
        int inserted;
        await using (var insert = _connection.CreateCommand())
        {
            insert.Transaction = tx;
            insert.CommandText = Enroll;
            insert.Parameters.AddWithValue("$journey", _world.JourneyId);
            insert.Parameters.AddWithValue("$version", _world.VersionId);
            insert.Parameters.AddWithValue("$running", (int)InstanceStatus.Running);
            insert.Parameters.AddWithValue("$node", JourneysWorld.TriggerNode);
            insert.Parameters.AddWithValue("$now", now);
            insert.Parameters.AddWithValue("$cursor", cursor);
            insert.Parameters.AddWithValue("$segment", _world.SegmentId);
            insert.Parameters.AddWithValue("$entered", (int)MembershipChange.Entered);
            inserted = await insert.ExecuteNonQueryAsync(ct);
        }
        await using (var move = _connection.CreateCommand())
        {
            move.Transaction = tx;
            move.CommandText = MoveCursor;
            move.Parameters.AddWithValue("$journey", _world.JourneyId);
            move.Parameters.AddWithValue("$node", JourneysWorld.TriggerNode);
            move.Parameters.AddWithValue("$now", now);
            move.Parameters.AddWithValue("$cursor", cursor);
            move.Parameters.AddWithValue("$segment", _world.SegmentId);
            move.Parameters.AddWithValue("$entered", (int)MembershipChange.Entered);
            await move.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return inserted;
    }

    private sealed record Row(long Id, long CustomerId, InstanceStatus Status, string? Node, int Revision, string? Name, string? Email, string? City, bool OptedOut, bool Merged);

    /// <summary>Advances one batch of due instances (or none); the commit time is taken right after COMMIT returns.</summary>
    public async Task<BatchResult> AdvanceDueAsync(int batchSize, CancellationToken ct)
    {
        if (_due is null)
        {
            _due = Prepare(Due, "$running", "$waiting", "$now", "$published", "$batch");
            _toWait = Prepare(ToWait, "$waiting", "$node", "$wake", "$now", "$id", "$revision");
            _toEnd = Prepare(ToEnd, "$completed", "$node", "$now", "$id", "$revision");
            _step = Prepare(InsertStep, "$instance", "$journey", "$node", "$port", "$at", "$message");
            _outbox = Prepare(InsertOutbox, "$instance", "$node", "$key", "$channel", "$customer", "$payload", "$pending", "$at");
            await using var template = _connection.CreateCommand();
            template.CommandText = """SELECT "Subject", "BodyHtml" FROM "EmailTemplates" WHERE "Code" = $code""";
            template.Parameters.AddWithValue("$code", JourneysWorld.TemplateCode);
            await using var reader = await template.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct)) throw new BenchmarkException("the e-mail template is missing");
            _subject = reader.GetString(0);
            _body = reader.GetString(1);
        }
        var now = DateTime.UtcNow;
        var rows = new List<Row>(batchSize);
        Set(_due, "$running", (int)InstanceStatus.Running);
        Set(_due, "$waiting", (int)InstanceStatus.Waiting);
        Set(_due, "$now", now);
        Set(_due, "$published", (int)JourneyStatus.Published);
        Set(_due, "$batch", batchSize);
        _due.Transaction = null;
        await using (var reader = await _due.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                rows.Add(new Row(reader.GetInt64(0), reader.GetInt64(1), (InstanceStatus)reader.GetInt32(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6),
                    reader.IsDBNull(7) ? null : reader.GetString(7), !reader.IsDBNull(8) && reader.GetBoolean(8), !reader.IsDBNull(9)));
        if (rows.Count == 0) return new BatchResult(0, 0, now, now, []);

        var journey = _world.JourneyId;
        var steps = 0;
        await using var tx = (SqliteTransaction)await _connection.BeginTransactionAsync(ct);
        foreach (var c in new[] { _toWait!, _toEnd!, _step!, _outbox! }) c.Transaction = tx;
        void Step(Row r, string node, string? port, string? message)
        {
            Set(_step!, "$instance", r.Id);
            Set(_step!, "$journey", journey);
            Set(_step!, "$node", node);
            Set(_step!, "$port", port);
            Set(_step!, "$at", now);
            Set(_step!, "$message", message);
            _step!.ExecuteNonQuery();
            steps++;
        }
        void Outbox(Row r, string node, string channel, object payload)
        {
            Set(_outbox!, "$instance", r.Id);
            Set(_outbox!, "$node", node);
            Set(_outbox!, "$key", $"j{journey}:i{r.Id}:{node}:r{r.Revision}");
            Set(_outbox!, "$channel", channel);
            Set(_outbox!, "$customer", r.CustomerId);
            Set(_outbox!, "$payload", JsonSerializer.Serialize(payload, payload.GetType(), JsonSerializerOptions.Web));
            Set(_outbox!, "$pending", (int)OutboxStatus.Pending);
            Set(_outbox!, "$at", now);
            _outbox!.ExecuteNonQuery();
        }
        void Written(SqliteCommand update, Row r)
        {
            if (update.ExecuteNonQuery() != 1) throw new BenchmarkException($"hand SQL: instance {r.Id} changed during the batch");
        }

        foreach (var r in rows)
        {
            if (r.Merged || r.Name is null && r.Email is null && r.City is null)
                throw new BenchmarkException($"hand SQL: instance {r.Id} has no live customer (the benchmark's data has none)");
            if (r.Status == InstanceStatus.Running && r.Node == JourneysWorld.TriggerNode)
            {
                // entered → split → welcome e-mail (a) or webhook (b) → join → wait a day.
                Step(r, JourneysWorld.TriggerNode, JourneyPorts.Next, null);
                var variant = JourneyTime.Variant(r.Id, "split", _variants);
                Step(r, "split", variant, null);
                if (variant == "a")
                {
                    if (r.OptedOut) Step(r, "welcome", JourneyPorts.Next, "skipped: unsubscribed");
                    else if (string.IsNullOrWhiteSpace(r.Email)) Step(r, "welcome", JourneyPorts.Next, "skipped: no e-mail address");
                    else
                    {
                        Outbox(r, "welcome", OutboxChannelNames.Email, new EmailPayload(r.Email, r.Name, Fill(_subject!, r, html: false), Fill(_body!, r, html: true)));
                        Step(r, "welcome", JourneyPorts.Next, "queued");
                    }
                }
                else
                {
                    var body = new JsonObject
                    {
                        ["event"] = "journey.step", ["journey"] = JourneysWorld.JourneyCode, ["node"] = "hook", ["instanceId"] = r.Id,
                        ["customerId"] = r.CustomerId, ["at"] = now.ToString("O", System.Globalization.CultureInfo.InvariantCulture), ["source"] = "bench",
                    };
                    Outbox(r, "hook", OutboxChannelNames.Webhook, new WebhookPayload(JourneysWorld.WebhookUrl, "POST", body));
                    Step(r, "hook", JourneyPorts.Next, null);
                }
                Step(r, "join", JourneyPorts.Next, null);
                Step(r, JourneysWorld.WaitNode, null, "waiting");
                Set(_toWait!, "$waiting", (int)InstanceStatus.Waiting);
                Set(_toWait!, "$node", JourneysWorld.WaitNode);
                Set(_toWait!, "$wake", now.AddDays(1));
                Set(_toWait!, "$now", now);
                Set(_toWait!, "$id", r.Id);
                Set(_toWait!, "$revision", r.Revision);
                Written(_toWait!, r);
            }
            else if (r.Status == InstanceStatus.Waiting && r.Node == JourneysWorld.WaitNode)
            {
                // The day is over: leave the wait, exit.
                Step(r, JourneysWorld.WaitNode, JourneyPorts.Next, null);
                Step(r, "done", null, null);
                Set(_toEnd!, "$completed", (int)InstanceStatus.Completed);
                Set(_toEnd!, "$node", "done");
                Set(_toEnd!, "$now", now);
                Set(_toEnd!, "$id", r.Id);
                Set(_toEnd!, "$revision", r.Revision);
                Written(_toEnd!, r);
            }
            else throw new BenchmarkException($"hand SQL: instance {r.Id} is {r.Status} at '{r.Node}', which this graph never leaves it at");
        }
        await tx.CommitAsync(ct);
        var committed = DateTime.UtcNow;
        foreach (var c in new[] { _toWait!, _toEnd!, _step!, _outbox! }) c.Transaction = null;
        return new BatchResult(rows.Count, steps, now, committed, rows.Select(r => r.Id).ToList());
    }

    private static string Fill(string text, Row r, bool html)
    {
        string V(string? v) => html ? WebUtility.HtmlEncode(v ?? "") : v ?? "";
        return text.Replace("{{name}}", V(r.Name), StringComparison.Ordinal).Replace("{{city}}", V(r.City), StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var c in new[] { _due, _toWait, _toEnd, _step, _outbox })
            if (c is not null) await c.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
