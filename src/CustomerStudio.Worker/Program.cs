using CustomerStudio.Core.Data;
using CustomerStudio.Core.Journeys.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CustomerStudio.Worker;

// A runtime node beside the web host: the journey engine, triggers and outbox dispatch on the clustered scheduler,
// no UI. Several workers (and web hosts) on one server database share the work; the database must already be
// migrated by the web host (or pass --migrate). Settings as for the web host: Database:*, Scheduler:*, Journeys:*.
public static class WorkerProgram
{
    public static async Task<int> Main(string[] args)
    {
        try
        {
            var builder = Host.CreateApplicationBuilder(args);
            var database = builder.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
            var provider = StudioDatabase.ParseProvider(database.Provider);
            var connectionString = StudioDatabase.ResolveConnectionString(database, builder.Environment.ContentRootPath);
            if (provider == DatabaseProvider.Sqlite)
                throw new StudioConfigurationException("CustomerStudio.Worker needs a server database (Database:Provider PostgreSql or SqlServer): SQLite runs one node, the web host.");

            builder.Services.AddSingleton(TimeProvider.System);
            builder.Services.AddDbContextFactory<StudioDbContext>(o => StudioDatabase.Configure(o, provider, connectionString));
            builder.Services.AddStudioScheduler(provider, connectionString,
                builder.Configuration.GetSection(StudioScheduler.Section).Get<SchedulerOptions>() ?? new SchedulerOptions());
            var journeys = builder.Configuration.GetSection("Journeys");
            var webhooks = journeys.GetSection("Webhooks").Get<WebhookOptions>() ?? new WebhookOptions();
            if (string.IsNullOrEmpty(webhooks.Secret))
                throw new StudioConfigurationException("Journeys:Webhooks:Secret is required on a worker: every node signs webhooks with the same secret.");
            builder.Services.AddJourneyRuntime(journeys.Get<JourneyRuntimeOptions>() ?? new JourneyRuntimeOptions(),
                journeys.GetSection("Email").Get<EmailOptions>() ?? new EmailOptions(), journeys.GetSection("Sms").Get<SmsOptions>() ?? new SmsOptions(),
                webhooks, Path.GetFullPath(database.DataDirectory, builder.Environment.ContentRootPath));

            var host = builder.Build();
            if (args.Contains("--migrate"))
            {
                await using var db = await host.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<StudioDbContext>>().CreateDbContextAsync();
                await StudioDatabase.MigrateAsync(db, provider);
            }
            await host.RunAsync();
            return 0;
        }
        catch (StudioConfigurationException ex)
        {
            Console.Error.WriteLine($"CustomerStudio.Worker cannot start: {ex.Message}");
            return 2;
        }
    }
}
