using CustomerStudio.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Web.Infrastructure;

public static class DatabaseSetup
{
    /// <summary>Registers the studio database for the configured provider; bad settings stop start-up here, naming the setting.</summary>
    public static void AddStudioDatabase(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var provider = StudioDatabase.ParseProvider(options.Provider);
        var connectionString = StudioDatabase.ResolveConnectionString(options, builder.Environment.ContentRootPath);

        if (provider == DatabaseProvider.Sqlite) StudioDatabase.PrepareThreadPoolForSqlite(options.SqliteMinThreads);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(new ResolvedDatabase(provider, connectionString));
        builder.Services.AddDbContextFactory<StudioDbContext>(o => StudioDatabase.Configure(o, provider, connectionString));
        builder.Services.AddDbContext<StudioDbContext>(
            o => StudioDatabase.Configure(o, provider, connectionString), optionsLifetime: ServiceLifetime.Singleton);
    }
}

/// <summary>The provider and connection string in effect after configuration was checked.</summary>
public sealed record ResolvedDatabase(DatabaseProvider Provider, string ConnectionString);
