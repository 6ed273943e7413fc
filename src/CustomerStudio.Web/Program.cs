using CustomerStudio.Web.Components;
using CustomerStudio.Web.Components.Account;
using CustomerStudio.Web.Infrastructure;
using CustomerStudio.Web.Localization;
using CustomerStudio.Web.Security;
using CustomerStudio.Core.Data;

// Template packs from the command line: `dotnet run --project src/CustomerStudio.Web -- templates …` (README).
if (args is ["templates", ..])
    return await CustomerStudio.Web.Features.Templates.TemplatesCommand.RunAsync(args[1..]);

try
{
    var builder = WebApplication.CreateBuilder(args);

    builder.AddStudioLogging();
    builder.AddStudioDatabase();
    builder.AddStudioSecurity();
    builder.AddStudioLocalization();
    builder.AddStudioUi();
    builder.AddStudioApi();
    builder.AddStudioStartup();

    var app = builder.Build();

    app.UseStudioPipeline();
    app.MapStudioHealth();
    app.MapStudioAccount();
    app.MapStudioLocalization();
    app.MapStudioApi();
    app.MapStudioUi();

    await app.RunAsync();
    return 0;
}
catch (StudioConfigurationException ex)
{
    // Bad configuration: one clear line naming the setting, no stack trace.
    Console.Error.WriteLine($"CustomerStudio cannot start: {ex.Message}");
    return 2;
}

public partial class Program;
