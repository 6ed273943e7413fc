using CustomerStudio.Web.Components;
using CustomerStudio.Web.Components.Shared;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.Extensions.WebEncoders;
using MudBlazor.Services;

namespace CustomerStudio.Web.Infrastructure;

public static class UiSetup
{
    public static void AddStudioUi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        // Chinese text goes out as text, not as &#x...; entities (smaller pages, readable source).
        builder.Services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        builder.Services.AddMudServices();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddMenuProviders(typeof(UiSetup).Assembly);
        builder.Services.AddScoped<WorkspaceClock>();
    }

    public static void MapStudioUi(this WebApplication app)
    {
        app.MapStaticAssets().AllowAnonymous();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
    }
}
