using Serilog;
using Serilog.Formatting.Compact;

namespace CustomerStudio.Web.Infrastructure;

public static class LoggingSetup
{
    /// <summary>Structured logging with Serilog: readable console by default, JSON lines with <c>Logging:Json=true</c>.</summary>
    public static void AddStudioLogging(this IHostApplicationBuilder builder)
    {
        var json = builder.Configuration.GetValue<bool>("Logging:Json");
        builder.Services.AddSerilog((services, config) =>
        {
            // Quiet defaults first; a "Serilog" configuration section overrides them.
            config.Enrich.FromLogContext()
                .MinimumLevel.Information()
                .MinimumLevel.Override("Microsoft.AspNetCore", Serilog.Events.LogEventLevel.Warning)
                .MinimumLevel.Override("Microsoft.EntityFrameworkCore", Serilog.Events.LogEventLevel.Warning)
                .MinimumLevel.Override("Quartz", Serilog.Events.LogEventLevel.Warning)
                .MinimumLevel.Override("Microsoft.Hosting.Lifetime", Serilog.Events.LogEventLevel.Information)
                .ReadFrom.Configuration(builder.Configuration);
            if (json)
                config.WriteTo.Console(new CompactJsonFormatter());
            else
                config.WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss} {Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}");
        });
    }
}
