using CustomerStudio.Core.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CustomerStudio.Tests.Infrastructure;

/// <summary>A real, migrated database for one test class: a SQLite file, or a fresh database on the test PostgreSQL server.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "CUSTOMERSTUDIO_TEST_POSTGRES";

    private readonly string? _sqliteFile;
    private readonly string? _pgAdmin;
    private readonly string? _pgName;

    public DatabaseProvider Provider { get; }
    public string ConnectionString { get; }

    private TestDatabase(DatabaseProvider provider, string connectionString, string? sqliteFile, string? pgAdmin, string? pgName)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _sqliteFile = sqliteFile;
        _pgAdmin = pgAdmin;
        _pgName = pgName;
    }

    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider, bool migrate = true)
    {
        TestDatabase db;
        if (provider == DatabaseProvider.Sqlite)
        {
            var file = Path.Combine(Path.GetTempPath(), $"cs-test-{Guid.NewGuid():N}.db");
            db = new TestDatabase(provider, $"Data Source={file}", file, null, null);
        }
        else if (provider == DatabaseProvider.PostgreSql)
        {
            var admin = PostgresServer;
            var name = $"cs_test_{Guid.NewGuid():N}";
            await using (var conn = new NpgsqlConnection(admin))
            {
                await conn.OpenAsync();
                await using var cmd = conn.CreateCommand();
                // The name is a generated GUID, never user input.
                cmd.CommandText = $"CREATE DATABASE \"{name}\"";
                await cmd.ExecuteNonQueryAsync();
            }
            var cs = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
            db = new TestDatabase(provider, cs, null, admin, name);
        }
        else
        {
            throw new NotSupportedException("No SQL Server runs here: its migrations are checked through the generated script.");
        }

        if (migrate)
        {
            await using var context = db.CreateContext();
            await StudioDatabase.MigrateAsync(context, provider);
        }
        return db;
    }

    /// <summary>The test PostgreSQL server started by tests/run.sh.</summary>
    public static string PostgresServer =>
        Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException(
                $"{PostgresVariable} is not set: run the tests with tests/run.sh, which starts a PostgreSQL server on loopback.");

    public StudioDbContext CreateContext()
    {
        var builder = new DbContextOptionsBuilder<StudioDbContext>();
        StudioDatabase.Configure(builder, Provider, ConnectionString);
        return new StudioDbContext(builder.Options);
    }

    public async ValueTask DisposeAsync()
    {
        if (_sqliteFile is not null)
        {
            SqliteConnection.ClearAllPools();
            foreach (var f in new[] { _sqliteFile, _sqliteFile + "-wal", _sqliteFile + "-shm" })
                if (File.Exists(f)) File.Delete(f);
        }
        if (_pgAdmin is not null && _pgName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var conn = new NpgsqlConnection(_pgAdmin);
            await conn.OpenAsync();
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = $"DROP DATABASE IF EXISTS \"{_pgName}\" WITH (FORCE)";
            await cmd.ExecuteNonQueryAsync();
        }
    }
}
