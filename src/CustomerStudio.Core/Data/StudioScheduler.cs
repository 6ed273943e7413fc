using Microsoft.Extensions.DependencyInjection;
using Microsoft.Data.Sqlite;
using Quartz;

namespace CustomerStudio.Core.Data;

/// <summary>
/// The studio's one Quartz.NET scheduler, on Quartz's ADO.NET job store (docs/decisions/0007): on SQLite a store file of
/// its own beside the data file, one node; on PostgreSQL and SQL Server the studio database itself, clustered, so every
/// scheduled piece of work (refreshes, sweeps, journey timers, outbox dispatch) fires on exactly one node and a dead
/// node's work is recovered by the others. Quartz creates its tables when they are missing.
/// </summary>
public static class StudioScheduler
{
    public const string Section = "Scheduler";

    /// <summary>The scheduler for this database: the web host and <c>CustomerStudio.Worker</c> both call this.</summary>
    public static IServiceCollection AddStudioScheduler(this IServiceCollection services, DatabaseProvider provider, string connectionString,
        SchedulerOptions options)
    {
        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(o =>
            {
                o.InstanceName = "CustomerStudio";
                // Each node of a cluster needs its own id; left out, Quartz generates one (host name + time).
                if (options.InstanceId is { } id) o.InstanceId = id;
            });
            // Scheduled work is database-bound; a few at a time is plenty and leaves connections for requests.
            q.UseDefaultThreadPool(o => o.MaxConcurrency = Math.Clamp(options.Threads, 1, 32));
            var store = StoreFor(provider, connectionString);
            if (store is null)
            {
                q.UseInMemoryStore();
                return;
            }
            q.UsePersistentStore(s =>
            {
                switch (provider)
                {
                    case DatabaseProvider.Sqlite:
                        s.UseSqlite(store);
                        break;
                    case DatabaseProvider.PostgreSql:
                        s.UsePostgres(store);
                        s.UseClustering(c => c.CheckinInterval = TimeSpan.FromSeconds(options.CheckinSeconds));
                        break;
                    default:
                        s.UseSqlServer(store);
                        s.UseClustering(c => c.CheckinInterval = TimeSpan.FromSeconds(options.CheckinSeconds));
                        break;
                }
                s.UseSystemTextJsonSerializer();
                s.ProvisionSchema();
            });
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return services;
    }

    /// <summary>
    /// Where the job store lives: the studio database on a server; on SQLite a file of its own next to the data file
    /// (<c>customerstudio.scheduler.db</c>), so the scheduler's small frequent writes never queue behind an import's
    /// write lock. An in-memory SQLite database has no file beside it: the scheduler is then in memory too.
    /// </summary>
    public static string? StoreFor(DatabaseProvider provider, string connectionString)
    {
        if (provider != DatabaseProvider.Sqlite) return connectionString;
        var data = new SqliteConnectionStringBuilder(connectionString);
        if (data.DataSource == ":memory:" || data.Mode == SqliteOpenMode.Memory) return null;
        var file = Path.GetFullPath(data.DataSource);
        var store = Path.Combine(Path.GetDirectoryName(file)!, Path.GetFileNameWithoutExtension(file) + ".scheduler" + Path.GetExtension(file));
        return new SqliteConnectionStringBuilder { DataSource = store, DefaultTimeout = 30, Pooling = true }.ToString();
    }
}

/// <summary><c>Scheduler:*</c> settings.</summary>
public sealed class SchedulerOptions
{
    /// <summary>Jobs running at once on this node.</summary>
    public int Threads { get; set; } = 4;

    /// <summary>This node's id in a cluster; AUTO (host name + time) when left out.</summary>
    public string? InstanceId { get; set; }

    /// <summary>How often a clustered node says it is alive; a node silent for longer is taken over.</summary>
    public int CheckinSeconds { get; set; } = 7;
}
