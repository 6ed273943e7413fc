using CustomerStudio.Core.Data;
using CustomerStudio.Core.Imports;
using Microsoft.AspNetCore.Http.Features;

namespace CustomerStudio.Web.Features.Imports;

public static class ImportsSetup
{
    /// <summary>Largest upload accepted (the 1M-row benchmark file is ~120 MB).</summary>
    public const long MaxUploadBytes = 1L << 30;

    /// <summary>Imports run one at a time in the background; uploads wait in {data directory}/imports until done.</summary>
    public static void AddImports(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var directory = Path.Combine(Path.GetFullPath(options.DataDirectory, builder.Environment.ContentRootPath), "imports");
        builder.Services.AddSingleton(new ImportFiles(directory));
        builder.Services.AddSingleton<ImportQueue>();
        builder.Services.AddScoped<ImportService>();
        builder.Services.AddScoped<CustomFieldsLookup>();
        builder.Services.AddHostedService<ImportWorker>();
        builder.Services.Configure<FormOptions>(o => o.MultipartBodyLengthLimit = MaxUploadBytes);
    }
}
