using CustomerStudio.Web.Features.Customers;
using CustomerStudio.Web.Features.Diagnostics;
using CustomerStudio.Web.Features.Home;
using CustomerStudio.Web.Features.Imports;
using CustomerStudio.Web.Features.Ingestion;
using CustomerStudio.Web.Features.Journeys;
using CustomerStudio.Web.Features.Scoring;
using CustomerStudio.Web.Features.Segments;
using CustomerStudio.Web.Features.Settings;
using CustomerStudio.Web.Features.Tags;
using CustomerStudio.Web.Features.Templates;
using Scalar.AspNetCore;

namespace CustomerStudio.Web.Infrastructure;

public static class ApiSetup
{
    public static void AddStudioApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "CustomerStudio API";
            doc.Info.Description = "REST endpoints of CustomerStudio. Every endpoint needs a signed-in user with the role its area requires.";
            return Task.CompletedTask;
        }));
        builder.Services.AddProblemDetails();
        builder.Services.AddStudioDiagnostics();
        builder.AddStudioScheduler();
        builder.AddSegments();
        builder.AddTags();
        builder.AddCustomers();
        builder.AddImports();
        builder.AddIngestion();
        builder.AddScoring();
        builder.AddStudioJourneyRuntime();
        builder.AddJourneys();
        builder.AddTemplates();
    }

    public static void MapStudioApi(this WebApplication app)
    {
        app.MapOpenApi().RequireAuthorization();
        app.MapScalarApiReference("/api/docs", o => o.WithTitle("CustomerStudio API")).RequireAuthorization();
        app.MapIngestApi();
        app.MapUnsubscribe();
        // APIs answer with their own status codes and bodies; the HTML status pages are for browsers.
        var api = app.MapGroup("/api").RequireAuthorization().WithMetadata(new Microsoft.AspNetCore.Mvc.SkipStatusCodePagesAttribute());
        api.MapWorkspaceApi();
        api.MapCustomersApi();
        api.MapAccountsApi();
        api.MapDiagnosticsApi();
        api.MapSegmentsApi();
        api.MapImportsApi();
        api.MapApiKeysApi();
        api.MapTagsApi();
        api.MapJourneysApi();
        api.MapJourneyRuntimeApi();
        // /api/schemas/{kind} (condition, tag, segment, journey, … template-pack) and /api/templates.
        api.MapTemplatesApi();
    }
}
