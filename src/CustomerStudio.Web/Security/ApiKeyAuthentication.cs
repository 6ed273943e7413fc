using System.Security.Claims;
using System.Text.Encodings.Web;
using CustomerStudio.Core.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace CustomerStudio.Web.Security;

/// <summary>
/// Authenticates machines by API key: <c>Authorization: Bearer csk_…</c> or <c>X-Api-Key: csk_…</c>. The principal
/// carries the key's scopes as <c>scope</c> claims. A validated key is remembered for 30 seconds, so a steady
/// ingestion stream does not look its key up per request (a revoked key stops within that time).
/// </summary>
public sealed class ApiKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IMemoryCache cache)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string ScopeClaim = "scope";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var secret = Request.Headers["X-Api-Key"].FirstOrDefault();
        if (secret is null && Request.Headers.Authorization.FirstOrDefault() is { } header && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            secret = header[7..].Trim();
        if (string.IsNullOrEmpty(secret)) return AuthenticateResult.NoResult();

        var cacheKey = "apikey:" + ApiKeys.Hash(secret);
        if (!cache.TryGetValue(cacheKey, out ApiKey? key))
        {
            key = await Context.RequestServices.GetRequiredService<ApiKeys>().FindAsync(secret, Context.RequestAborted);
            cache.Set(cacheKey, key, TimeSpan.FromSeconds(30));
        }
        if (key is null) return AuthenticateResult.Fail("Unknown, revoked or expired API key.");

        var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, "apikey:" + key.Id), new(ClaimTypes.Name, "API key " + key.Name) };
        claims.AddRange(key.Scopes.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => new Claim(ScopeClaim, s)));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }
}
