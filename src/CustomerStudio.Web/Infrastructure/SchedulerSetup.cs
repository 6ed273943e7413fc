using CustomerStudio.Core.Data;

namespace CustomerStudio.Web.Infrastructure;

/// <summary>The studio's Quartz scheduler from <c>Scheduler:*</c> and <c>Database:*</c> (see <see cref="StudioScheduler"/>, decision 0007).</summary>
public static class SchedulerSetup
{
    public static void AddStudioScheduler(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(StudioScheduler.Section).Get<SchedulerOptions>() ?? new SchedulerOptions();
        var database = builder.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var provider = StudioDatabase.ParseProvider(database.Provider);
        var connectionString = StudioDatabase.ResolveConnectionString(database, builder.Environment.ContentRootPath);
        builder.Services.AddStudioScheduler(provider, connectionString, options);
    }
}
