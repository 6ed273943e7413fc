using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CustomerStudio.Core.Demo;

/// <summary>
/// Inserts many rows of one entity type through a single prepared, parameterized command. Table, columns, converters and
/// parameter types all come from the EF model, so the columns never drift from it and values are stored exactly as
/// SaveChanges would store them. Used on SQLite (demo seed, segment refresh), where one round trip per row is cheap but
/// EF's change tracking is not. Key values must be set by the caller unless <c>generateKeys</c> is true.
/// </summary>
public static class ModelBulkInsert
{
    private sealed record Column(DbParameter Parameter, IClrPropertyGetter Getter, ValueConverter? Converter);

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

        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var names = new List<string>();
        var columns = new List<Column>();
        foreach (var property in entityType.GetProperties())
        {
            var column = property.GetColumnName(store);
            if (column is null || property.GetComputedColumnSql(store) is not null) continue;
            // With generateKeys the database numbers the rows (identity / autoincrement keys are left out).
            if (generateKeys && property.IsPrimaryKey() && property.ValueGenerated == ValueGenerated.OnAdd) continue;
            if (property.IsShadowProperty())
                throw new NotSupportedException($"{typeof(T).Name}.{property.Name} is a shadow property; bulk insert needs CLR properties.");
            var mapping = property.GetRelationalTypeMapping();
            var parameter = mapping.CreateParameter(command, "@p" + columns.Count, null, property.IsNullable);
            command.Parameters.Add(parameter);
            names.Add(sql.DelimitIdentifier(column));
            columns.Add(new Column(parameter, property.GetGetter(), mapping.Converter));
        }
        command.CommandText =
            $"INSERT INTO {sql.DelimitIdentifier(table, schema)} ({string.Join(", ", names)}) " +
            $"VALUES ({string.Join(", ", columns.Select(c => c.Parameter.ParameterName))})";
        command.Prepare();

        for (var i = 0; i < rows.Count; i++)
        {
            if ((i & 4095) == 0) ct.ThrowIfCancellationRequested();
            var row = rows[i];
            foreach (var c in columns)
            {
                var value = c.Getter.GetClrValueUsingContainingEntity(row);
                if (value is not null && c.Converter is not null) value = c.Converter.ConvertToProvider(value);
                else if (value is Enum e) value = Convert.ChangeType(e, Enum.GetUnderlyingType(e.GetType()), System.Globalization.CultureInfo.InvariantCulture);
                c.Parameter.Value = value ?? DBNull.Value;
            }
            command.ExecuteNonQuery();
            if ((i + 1) % progressEvery == 0 || i + 1 == rows.Count) progress?.Invoke(i + 1);
        }
    }
}
