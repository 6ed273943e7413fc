using System.Data.Common;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CustomerStudio.Core.Data;

/// <summary>Chooses the provider from <see cref="DatabaseOptions"/>; each provider's migrations live in their own assembly.</summary>
public static class StudioDatabase
{
    /// <summary>Pool threads ready without the pool's slow growth when the embedded SQLite database is used.</summary>
    public const int SqliteMinThreads = 32;

    /// <summary>
    /// Microsoft.Data.Sqlite runs every command synchronously (its async methods complete on the calling thread), and a
    /// command waiting for SQLite's single write lock sleeps in SQLite's busy handler on that thread. With the pool sized
    /// to the cores (two here), a few background jobs queued behind one long write can hold every pool thread, and page
    /// requests then wait while the pool grows by about a thread per half second (the likely cause of a sign-in page
    /// that once took over 15 s in CI right after a 540,000-row import). Letting the pool start up to
    /// <see cref="SqliteMinThreads"/> threads at once keeps requests served while jobs wait; threads are still only
    /// created when work needs them.
    /// </summary>
    public static void PrepareThreadPoolForSqlite(int minThreads = SqliteMinThreads)
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        if (workers < minThreads) ThreadPool.SetMinThreads(minThreads, io);
    }

    public const string SqliteMigrations = "CustomerStudio.Data.Sqlite";
    public const string SqlServerMigrations = "CustomerStudio.Data.SqlServer";
    public const string PostgreSqlMigrations = "CustomerStudio.Data.PostgreSql";

    public static DatabaseProvider ParseProvider(string? value)
    {
        if (Enum.TryParse<DatabaseProvider>(value, ignoreCase: true, out var provider) && Enum.IsDefined(provider))
            return provider;
        throw new StudioConfigurationException(
            $"Database:Provider '{value}' is not supported. Use one of: {string.Join(", ", Enum.GetNames<DatabaseProvider>())}.");
    }

    /// <summary>The effective connection string, checked for syntax; never echoes secrets.</summary>
    public static string ResolveConnectionString(DatabaseOptions options, string contentRoot)
    {
        var provider = ParseProvider(options.Provider);
        var cs = options.ConnectionString;
        if (string.IsNullOrWhiteSpace(cs))
        {
            if (provider != DatabaseProvider.Sqlite)
                throw new StudioConfigurationException($"Database:ConnectionString is required when Database:Provider is {provider}.");
            var dir = Path.GetFullPath(options.DataDirectory, contentRoot);
            Directory.CreateDirectory(dir);
            cs = new SqliteConnectionStringBuilder { DataSource = Path.Combine(dir, "customerstudio.db") }.ToString();
        }
        try
        {
            DbConnectionStringBuilder builder = provider switch
            {
                DatabaseProvider.Sqlite => new SqliteConnectionStringBuilder(cs),
                DatabaseProvider.SqlServer => new SqlConnectionStringBuilder(cs),
                _ => new NpgsqlConnectionStringBuilder(cs),
            };
            if (provider == DatabaseProvider.Sqlite)
            {
                var sqlite = (SqliteConnectionStringBuilder)builder;
                if (string.IsNullOrWhiteSpace(sqlite.DataSource))
                    throw new ArgumentException("Data Source is empty");
                if (sqlite.DataSource != ":memory:" && sqlite.Mode != SqliteOpenMode.Memory)
                {
                    var folder = Path.GetDirectoryName(Path.GetFullPath(sqlite.DataSource, contentRoot));
                    if (folder is not null) Directory.CreateDirectory(folder);
                }
                sqlite.DefaultTimeout = Math.Max(sqlite.DefaultTimeout, 30);
                sqlite.Pooling = true;
            }
            return builder.ConnectionString;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            throw new StudioConfigurationException(
                $"Database:ConnectionString is malformed for {provider}: {ex.Message}", ex);
        }
    }

    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder builder, DatabaseProvider provider, string connectionString) =>
        provider switch
        {
            DatabaseProvider.Sqlite => builder.UseSqlite(connectionString, o => o.MigrationsAssembly(SqliteMigrations)),
            DatabaseProvider.SqlServer => builder.UseSqlServer(connectionString, o => o.MigrationsAssembly(SqlServerMigrations)),
            _ => builder.UseNpgsql(connectionString, o => o.MigrationsAssembly(PostgreSqlMigrations)),
        };

    /// <summary>Applies pending migrations; a database that cannot be reached stops start-up with a message naming the setting.</summary>
    public static async Task MigrateAsync(StudioDbContext db, DatabaseProvider provider, CancellationToken ct = default)
    {
        try
        {
            if (provider == DatabaseProvider.Sqlite)
                await EnableWriteAheadLogAsync(db, ct);
            await db.Database.MigrateAsync(ct);
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or TimeoutException
                                      or System.Net.Sockets.SocketException)
        {
            throw new StudioConfigurationException(
                $"Database:ConnectionString: the {provider} database cannot be reached or migrated ({ex.GetBaseException().Message}).", ex);
        }
    }

    // WAL lets readers (live counts, profiles) run while imports and journeys write; the mode is stored in the file.
    private static async Task EnableWriteAheadLogAsync(StudioDbContext db, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL;";
            await command.ExecuteScalarAsync(ct);
        }
        finally
        {
            await connection.CloseAsync();
        }
    }
}
