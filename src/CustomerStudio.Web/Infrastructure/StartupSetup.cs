using CustomerStudio.Core.Data;
using CustomerStudio.Core.Demo;
using CustomerStudio.Core.Journeys.Runtime;
using CustomerStudio.Web.Security;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace CustomerStudio.Web.Infrastructure;

public static class StartupSetup
{
    public static void AddStudioStartup(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddScoped<DemoWorkspaceSeeder>();
        builder.Services.AddHostedService<StudioStartup>();
        builder.Services.AddHealthChecks().AddDbContextCheck<StudioDbContext>("database");
    }

    public static void UseStudioPipeline(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseRequestLocalization();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
    }

    public static void MapStudioHealth(this WebApplication app) =>
        // Anonymous on purpose: load balancers probe it; it answers only Healthy / Unhealthy.
        app.MapHealthChecks("/healthz").AllowAnonymous();
}

/// <summary>
/// Before the server listens: migrate, create the admin account, seed the demo workspace.
/// Once it listens: print where, and how to sign in.
/// </summary>
internal sealed class StudioStartup(
    IServiceProvider services, ResolvedDatabase database, DatabaseOptions options,
    IServer server, IConfiguration configuration, ILogger<StudioStartup> log) : IHostedLifecycleService
{
    private string? _createdPassword;

    public async Task StartingAsync(CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StudioDbContext>();
        log.LogInformation("Database: {Provider}; applying migrations", database.Provider);
        await StudioDatabase.MigrateAsync(db, database.Provider, ct);
        _createdPassword = await scope.ServiceProvider.GetRequiredService<AdminBootstrap>().EnsureAsync(ct);
        if (options.SeedDemo)
            await scope.ServiceProvider.GetRequiredService<DemoWorkspaceSeeder>().SeedAsync(
                configuration.GetSection("Demo").Get<DemoSeedOptions>() ?? new DemoSeedOptions(), ct);
    }

    public Task StartedAsync(CancellationToken ct)
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        DefaultPublicBaseUrl(addresses);
        var admin = configuration[$"{AdminBootstrapOptions.Section}:Email"] ?? new AdminBootstrapOptions().Email;
        Console.WriteLine();
        Console.WriteLine($"  CustomerStudio is running at {string.Join(", ", addresses)}");
        if (_createdPassword is not null)
        {
            Console.WriteLine($"  Sign in as {admin} with password {_createdPassword}  (shown once: note it now)");
            if (configuration.GetValue($"{AdminBootstrapOptions.Section}:CreateRoleUsers", true))
                Console.WriteLine($"  Same password for the role accounts: {string.Join(", ", AdminBootstrap.RoleUsers.Select(u => u.Email))}");
        }
        else
        {
            Console.WriteLine($"  Sign in as {admin} with the password printed on first start (or Studio:Admin:Password)");
        }
        Console.WriteLine();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Without <c>Journeys:PublicBaseUrl</c> the one-command studio links unsubscribes to where it listens (loopback
    /// addresses become localhost), so the demo's e-mails carry a working link; a deployment sets its public address.
    /// </summary>
    private void DefaultPublicBaseUrl(ICollection<string> addresses)
    {
        var journeys = services.GetService<JourneyRuntimeOptions>();
        if (journeys is null || !string.IsNullOrWhiteSpace(journeys.PublicBaseUrl) || addresses.Count == 0) return;
        var address = addresses.FirstOrDefault(a => a.StartsWith("https:", StringComparison.OrdinalIgnoreCase)) ?? addresses.First();
        if (!Uri.TryCreate(address.Replace("://+", "://localhost").Replace("://*", "://localhost"), UriKind.Absolute, out var uri)) return;
        var host = uri.Host is "0.0.0.0" or "[::]" or "::" or "127.0.0.1" or "[::1]" ? "localhost" : uri.Host;
        journeys.PublicBaseUrl = new UriBuilder(uri.Scheme, host, uri.Port).Uri.ToString().TrimEnd('/');
        log.LogWarning("Journeys:PublicBaseUrl is not set: unsubscribe links in journey e-mails point to {Url}; set it to the studio's public address", journeys.PublicBaseUrl);
    }

    public Task StartAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken ct) => Task.CompletedTask;
}
