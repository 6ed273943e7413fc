using System.Data.Common;
using System.Diagnostics;
using CustomerStudio.Benchmarks.Conditions;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Tags;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace CustomerStudio.Benchmarks.Tags;

/// <summary>One way of writing a first computation's rows, timed over a few rolled-back runs.</summary>
public sealed record WriteProbeRow(string Title, double P50, double Min);

/// <summary>
/// Where a first computation's write time goes: the same N new assignments and their N "added" history rows written
/// (inside a transaction that is rolled back; the variants take turns) by the product's <see cref="ModelBulkInsert"/>, by
/// the same technique with other rows per statement, and set-based — the (customer, value) pairs into a
/// temporary table, then <c>INSERT … SELECT</c> into both tables, as the hand SQL does.
/// </summary>
public static class WriteProbe
{
    public static async Task<List<WriteProbeRow>> RunAsync(string path, int tagId, int rows, int runs, CancellationToken ct)
    {
        await using var db = ConditionsDataGenerator.CreateContext(path);
        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();
        var now = ConditionsDataGenerator.DataNow;
        // Customers that exist, with value id 0: free in the unique (customer, tag, value) index of a tag with values.
        var ids = new List<long>(rows);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT \"Id\" FROM \"Customers\" ORDER BY \"Id\" LIMIT $n";
            var n = command.CreateParameter();
            n.ParameterName = "$n";
            n.Value = rows;
            command.Parameters.Add(n);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) ids.Add(reader.GetInt64(0));
        }
        List<TagAssignment> Assignments() => ids.Select(id => new TagAssignment
        {
            CustomerId = id, TagId = tagId, TagValueId = 0, Source = AssignmentSource.Rule, SourceRef = "v1", AssignedBy = "system", AssignedAt = now,
        }).ToList();
        List<TagAssignmentHistory> History() => ids.Select(id => new TagAssignmentHistory
        {
            CustomerId = id, TagId = tagId, TagValueId = 0, Action = AssignmentAction.Added, Source = AssignmentSource.Rule, SourceRef = "v1", By = "system", At = now,
        }).ToList();
        Exec(connection, null, "CREATE TEMP TABLE IF NOT EXISTS probe_pairs (\"CustomerId\" INTEGER NOT NULL, \"ValueId\" INTEGER NOT NULL)");

        var shipped = ShippedRowsPerStatement();
        var variants = new List<(string Title, Action<DbTransaction> Write)>
        {
            ($"`ModelBulkInsert` as it is now{(shipped is { } rowsNow ? $" ({Rows(rowsNow)} per prepared statement, {rowsNow * 9} named parameters)" : "")} — what `ApplyComputedAsync` calls", tx =>
            {
                ModelBulkInsert.Insert(db, connection, tx, Assignments(), null, ct, generateKeys: true);
                ModelBulkInsert.Insert(db, connection, tx, History(), null, ct, generateKeys: true);
            }),
        };
        foreach (var perStatement in new[] { 64, 16, 4, 1 }.Where(n => n != shipped))
            variants.Add(($"its technique with {Rows(perStatement)} per statement ({perStatement * 9} parameters){(perStatement == 64 ? ", as it was before commit 9945575" : "")}", tx =>
            {
                Insert(db, connection, tx, Assignments(), perStatement);
                Insert(db, connection, tx, History(), perStatement);
            }));
        variants.Add(("set-based: the pairs into a temp table (one 2-parameter statement per row), then `INSERT … SELECT` into assignments and history", tx =>
        {
            Exec(connection, tx, "DELETE FROM temp.probe_pairs");
            using (var command = connection.CreateCommand())
            {
                command.Transaction = tx;
                command.CommandText = "INSERT INTO temp.probe_pairs (\"CustomerId\", \"ValueId\") VALUES ($c, $v)";
                var c = Parameter(command, "$c");
                var v = Parameter(command, "$v");
                command.Prepare();
                foreach (var id in ids)
                {
                    c.Value = id;
                    v.Value = 0;
                    command.ExecuteNonQuery();
                }
            }
            Exec(connection, tx, $"""
                INSERT INTO "TagAssignments" ("CustomerId", "TagId", "TagValueId", "Source", "SourceRef", "AssignedBy", "AssignedAt", "ExpiresAt", "Score")
                SELECT p."CustomerId", {tagId}, p."ValueId", 1, 'v1', 'system', '{now:yyyy-MM-dd HH:mm:ss}', NULL, NULL FROM temp.probe_pairs AS p
                """);
            Exec(connection, tx, $"""
                INSERT INTO "TagAssignmentHistory" ("CustomerId", "TagId", "TagValueId", "Action", "Source", "SourceRef", "By", "At")
                SELECT p."CustomerId", {tagId}, p."ValueId", 0, 1, 'v1', 'system', '{now:yyyy-MM-dd HH:mm:ss}' FROM temp.probe_pairs AS p
                """);
        }));

        // Round robin, so that other work on the machine falls on every variant alike.
        var samples = variants.Select(_ => new List<double>()).ToList();
        for (var run = 0; run < runs; run++)
            for (var v = 0; v < variants.Count; v++)
            {
                ct.ThrowIfCancellationRequested();
                using var tx = connection.BeginTransaction();
                var start = Stopwatch.GetTimestamp();
                variants[v].Write(tx);
                samples[v].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                tx.Rollback();
                Console.WriteLine($"    write probe run {run + 1}: {variants[v].Title}: {samples[v][^1]:0} ms");
            }
        return variants.Select((x, v) => ConditionsBenchmark.Stats.Of(samples[v]) is var stats ? new WriteProbeRow(x.Title, stats.P50, stats.Min) : null!).ToList();
    }

    private static string Rows(int n) => n == 1 ? "1 row" : $"{n} rows";

    /// <summary>The rows per statement <see cref="ModelBulkInsert"/> binds (a private constant, read for the record).</summary>
    private static int? ShippedRowsPerStatement() =>
        typeof(ModelBulkInsert).GetField("RowsPerStatement", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)
            ?.GetRawConstantValue() is int n ? n : null;

    /// <summary><see cref="ModelBulkInsert"/>'s technique (model columns, converters, one prepared multi-row INSERT) with a chosen rows-per-statement.</summary>
    private static void Insert<T>(StudioDbContext db, DbConnection connection, DbTransaction transaction, IReadOnlyList<T> rows, int perStatement) where T : class
    {
        var entityType = db.Model.FindEntityType(typeof(T))!;
        var table = entityType.GetTableName()!;
        var store = StoreObjectIdentifier.Table(table, null);
        var properties = entityType.GetProperties()
            .Where(p => !(p.IsPrimaryKey() && p.ValueGenerated == ValueGenerated.OnAdd))
            .Select(p => (Property: p, Mapping: p.GetRelationalTypeMapping(), Column: "\"" + p.GetColumnName(store) + "\""))
            .ToList();
        DbCommand Prepare(int count, List<(DbParameter Parameter, IProperty Property, RelationalTypeMapping Mapping)> columns)
        {
            var command = connection.CreateCommand();
            command.Transaction = transaction;
            var values = new List<string>();
            for (var r = 0; r < count; r++)
            {
                var names = new List<string>();
                foreach (var (property, mapping, _) in properties)
                {
                    var parameter = mapping.CreateParameter(command, "@p" + columns.Count, null, property.IsNullable);
                    command.Parameters.Add(parameter);
                    names.Add(parameter.ParameterName);
                    columns.Add((parameter, property, mapping));
                }
                values.Add("(" + string.Join(", ", names) + ")");
            }
            command.CommandText = $"INSERT INTO \"{table}\" ({string.Join(", ", properties.Select(p => p.Column))}) VALUES {string.Join(", ", values)}";
            command.Prepare();
            return command;
        }
        var batchColumns = new List<(DbParameter Parameter, IProperty Property, RelationalTypeMapping Mapping)>();
        var singleColumns = new List<(DbParameter Parameter, IProperty Property, RelationalTypeMapping Mapping)>();
        using var batch = Prepare(perStatement, batchColumns);
        using var single = Prepare(1, singleColumns);
        var getters = properties.Select(p => p.Property.GetGetter()).ToArray();
        for (var i = 0; i < rows.Count;)
        {
            var (command, columns, count) = rows.Count - i >= perStatement ? (batch, batchColumns, perStatement) : (single, singleColumns, 1);
            for (var r = 0; r < count; r++)
                for (var c = 0; c < properties.Count; c++)
                {
                    var column = columns[r * properties.Count + c];
                    var value = getters[c].GetClrValueUsingContainingEntity(rows[i + r]);
                    if (value is not null && column.Mapping.Converter is { } converter) value = converter.ConvertToProvider(value);
                    else if (value is Enum e) value = Convert.ChangeType(e, Enum.GetUnderlyingType(e.GetType()), System.Globalization.CultureInfo.InvariantCulture);
                    column.Parameter.Value = value ?? DBNull.Value;
                }
            command.ExecuteNonQuery();
            i += count;
        }
    }

    private static DbParameter Parameter(DbCommand command, string name)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        command.Parameters.Add(p);
        return p;
    }

    private static void Exec(DbConnection connection, DbTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.CommandTimeout = 0;
        command.ExecuteNonQuery();
    }
}
