using CustomerStudio.Core.Journeys;

namespace CustomerStudio.Web.Features.Journeys;

public static class JourneysSetup
{
    /// <summary>The journey services the designer and the API share (the runtime registers its own).</summary>
    public static void AddJourneys(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<JourneyService>();
        builder.Services.AddScoped<JourneyStats>();
        builder.Services.AddScoped<Designer.DesignerClipboard>();
    }
}
