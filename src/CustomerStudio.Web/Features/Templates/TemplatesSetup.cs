using CustomerStudio.Core.Templates;

namespace CustomerStudio.Web.Features.Templates;

public static class TemplatesSetup
{
    /// <summary>The pack service and the bundled packs (templates/, copied beside the app; <c>Templates:Directory</c> overrides).</summary>
    public static void AddTemplates(this IHostApplicationBuilder builder)
    {
        var directory = builder.Configuration["Templates:Directory"];
        var root = builder.Environment.ContentRootPath;
        builder.Services.AddSingleton(_ => BundledPacks.Locate(directory, root));
        builder.Services.AddScoped<TemplatePackService>();
    }
}
