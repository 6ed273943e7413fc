using System.Globalization;
using CustomerStudio.Core.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;

namespace CustomerStudio.Web.Localization;

/// <summary>Marker type for the shared UI strings (Resources/SharedResource.resx, .zh-CN.resx).</summary>
public sealed class SharedResource;

public static class LocalizationSetup
{
    public const string Chinese = "zh-CN";
    public const string English = "en";
    public static readonly string[] Cultures = [Chinese, English];

    public static void AddStudioLocalization(this IHostApplicationBuilder builder)
    {
        builder.Services.AddLocalization(o => o.ResourcesPath = "Resources");
        builder.Services.AddTransient<MudBlazor.MudLocalizer, StudioMudLocalizer>();
        builder.Services.Configure<RequestLocalizationOptions>(o =>
        {
            var cultures = Cultures.Select(c => new CultureInfo(c)).ToList();
            o.DefaultRequestCulture = new RequestCulture(Chinese);
            o.SupportedCultures = cultures;
            o.SupportedUICultures = cultures;
            o.FallBackToParentCultures = true;
            o.FallBackToParentUICultures = true;
            // Cookie first (the user's choice), then the browser's languages.
            o.RequestCultureProviders = [new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
        });
    }

    public static string Normalize(string? culture) =>
        culture is not null && culture.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? English : Chinese;

    public static void WriteCookie(HttpResponse response, string culture) =>
        response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, SameSite = SameSiteMode.Lax, HttpOnly = false });

    /// <summary>GET /culture/set?culture=en&amp;redirectUri=/tags: remembers the language in a cookie and on the user.</summary>
    public static void MapStudioLocalization(this IEndpointRouteBuilder app)
    {
        app.MapGet("/culture/set", async (string? culture, string? redirectUri, HttpContext http, UserManager<StudioUser> users) =>
        {
            var chosen = Normalize(culture);
            WriteCookie(http.Response, chosen);
            if (http.User.Identity?.IsAuthenticated == true && await users.GetUserAsync(http.User) is { } user && user.Culture != chosen)
            {
                user.Culture = chosen;
                await users.UpdateAsync(user);
            }
            return Results.LocalRedirect(IsLocal(redirectUri) ? redirectUri! : "/");
        }).AllowAnonymous().ExcludeFromDescription();
    }

    private static bool IsLocal(string? uri) =>
        !string.IsNullOrEmpty(uri) && uri.StartsWith('/') && !uri.StartsWith("//") && !uri.StartsWith("/\\");
}
