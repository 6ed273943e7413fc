namespace CustomerStudio.Core.Data;

public enum DatabaseProvider { Sqlite, SqlServer, PostgreSql }

/// <summary>The <c>Database</c> configuration section.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Sqlite (default), SqlServer or PostgreSql, as text so a typo can be reported by name.</summary>
    public string Provider { get; set; } = nameof(DatabaseProvider.Sqlite);

    /// <summary>Empty with Sqlite: a file in <see cref="DataDirectory"/>.</summary>
    public string? ConnectionString { get; set; }

    public string DataDirectory { get; set; } = "data";

    /// <summary>Seed the demo workspace on first start.</summary>
    public bool SeedDemo { get; set; } = true;

    /// <summary>
    /// With Sqlite: how many pool threads may start at once (<see cref="StudioDatabase.PrepareThreadPoolForSqlite"/>);
    /// 0 leaves the runtime's default (one per core).
    /// </summary>
    public int SqliteMinThreads { get; set; } = StudioDatabase.SqliteMinThreads;
}

/// <summary>A configuration error that stops start-up; its message names the setting.</summary>
public sealed class StudioConfigurationException(string message, Exception? inner = null) : Exception(message, inner);
