using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CustomerStudio.Core.Data;

/// <summary>
/// Inserts many rows of one entity type through a single prepared, parameterized command. Table, columns, converters and
/// parameter types all come from the EF model, so the columns never drift from it and values are stored exactly as
/// SaveChanges would store them. Used on SQLite (demo seed, segment refresh), where one round trip per row is cheap but
/// EF's change tracking is not. Key values must be set by the caller unless <c>generateKeys</c> is true.
/// </summary>
public static class ModelBulkInsert
{
    private sealed record Column(DbParameter Parameter, IClrPropertyGetter Getter, ValueConverter? Converter);

    private const int RowsPerStatement = 64;
    private const int MaxParameters = 999;

    public static void Insert<T>(
        DbContext db, DbConnection connection, DbTransaction transaction, IReadOnlyList<T> rows,
        Action<int>? progress, CancellationToken ct, int progressEvery = 50_000, bool generateKeys = false)
        where T : class
    {
        var entityType = db.Model.FindEntityType(typeof(T))
                         ?? throw new InvalidOperationException($"{typeof(T).Name} is not part of the model.");
        var table = entityType.GetTableName()
                    ?? throw new InvalidOperationException($"{typeof(T).Name} is not mapped to a table.");
        var schema = entityType.GetSchema();
        var store = StoreObjectIdentifier.Table(table, schema);
        var sql = db.GetService<ISqlGenerationHelper>();

        var properties = new List<(IProperty Property, RelationalTypeMapping Mapping, string Column)>();
        foreach (var property in entityType.GetProperties())
        {
            var column = property.GetColumnName(store);
            if (column is null || property.GetComputedColumnSql(store) is not null) continue;
            // With generateKeys the database numbers the rows (identity / autoincrement keys are left out).
            if (generateKeys && property.IsPrimaryKey() && property.ValueGenerated == ValueGenerated.OnAdd) continue;
            if (property.IsShadowProperty())
                throw new NotSupportedException($"{typeof(T).Name}.{property.Name} is a shadow property; bulk insert needs CLR properties.");
            properties.Add((property, property.GetRelationalTypeMapping(), sql.DelimitIdentifier(column)));
        }

        // One prepared statement inserting a batch of rows (fewer statements: about twice as fast on SQLite),
        // and a one-row statement for the tail. The text holds only identifiers from the model and placeholders.
        var batchRows = Math.Max(1, Math.Min(RowsPerStatement, MaxParameters / Math.Max(properties.Count, 1)));
        var insert = $"INSERT INTO {sql.DelimitIdentifier(table, schema)} ({string.Join(", ", properties.Select(p => p.Column))}) VALUES ";
        (DbCommand Command, List<Column> Columns) Prepare(int rowCount)
        {
            var command = connection.CreateCommand();
            command.Transaction = transaction;
            var columns = new List<Column>();
            var values = new List<string>();
            for (var r = 0; r < rowCount; r++)
            {
                var names = new List<string>();
                foreach (var (property, mapping, _) in properties)
                {
                    var parameter = mapping.CreateParameter(command, "@p" + columns.Count, null, property.IsNullable);
                    command.Parameters.Add(parameter);
                    names.Add(parameter.ParameterName);
                    columns.Add(new Column(parameter, property.GetGetter(), mapping.Converter));
                }
                values.Add("(" + string.Join(", ", names) + ")");
            }
            command.CommandText = insert + string.Join(", ", values);
            command.Prepare();
            return (command, columns);
        }

        var (batch, batchColumns) = rows.Count >= batchRows ? Prepare(batchRows) : (null, []);
        var (single, singleColumns) = Prepare(1);
        using (batch)
        using (single)
        {
            var i = 0;
            var reported = 0;
            while (i < rows.Count)
            {
                ct.ThrowIfCancellationRequested();
                var (command, columns, count) = batch is not null && rows.Count - i >= batchRows
                    ? (batch, batchColumns, batchRows)
                    : (single, singleColumns, 1);
                for (var r = 0; r < count; r++)
                {
                    var row = rows[i + r];
                    for (var c = 0; c < properties.Count; c++)
                    {
                        var column = columns[r * properties.Count + c];
                        var value = column.Getter.GetClrValueUsingContainingEntity(row);
                        if (value is not null && column.Converter is not null) value = column.Converter.ConvertToProvider(value);
                        else if (value is Enum e) value = Convert.ChangeType(e, Enum.GetUnderlyingType(e.GetType()), System.Globalization.CultureInfo.InvariantCulture);
                        column.Parameter.Value = value ?? DBNull.Value;
                    }
                }
                command.ExecuteNonQuery();
                i += count;
                if (i - reported >= progressEvery || i == rows.Count)
                {
                    reported = i;
                    progress?.Invoke(i);
                }
            }
        }
    }
}
