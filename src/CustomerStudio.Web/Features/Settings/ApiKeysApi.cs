using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Security;
using CustomerStudio.Web.Features.Segments;
using CustomerStudio.Web.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace CustomerStudio.Web.Features.Settings;

public sealed record ApiKeyRequest(string? Name, IReadOnlyList<string>? Scopes, DateTime? ExpiresAt);

public sealed record ApiKeyBody(int Id, string Name, string Prefix, IReadOnlyList<string> Scopes, DateTime CreatedAt, DateTime? ExpiresAt,
    DateTime? RevokedAt, DateTime? LastUsedAt, string? CreatedBy)
{
    public static ApiKeyBody Of(ApiKey k) => new(k.Id, k.Name, k.Prefix, k.Scopes.Split(',', StringSplitOptions.RemoveEmptyEntries), k.CreatedAt,
        k.ExpiresAt, k.RevokedAt, k.LastUsedAt, k.CreatedBy);
}

/// <summary>The key as created: <see cref="Secret"/> appears in this answer only.</summary>
public sealed record CreatedApiKey(ApiKeyBody Key, string Secret);

public static class ApiKeysApi
{
    public static void MapApiKeysApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/settings/api-keys").WithTags("Settings").RequireAuthorization(Policies.Settings);

        group.MapGet("/", async (StudioDbContext db, CancellationToken ct) =>
                (await db.ApiKeys.AsNoTracking().OrderByDescending(k => k.Id).ToListAsync(ct)).Select(ApiKeyBody.Of).ToList())
            .WithName("ListApiKeys").WithSummary("Every API key with its prefix, scopes and last use; never the key itself.");

        group.MapPost("/", async (ApiKeyRequest request, ApiKeys keys, HttpContext http, CancellationToken ct) =>
            {
                var (created, errors) = await keys.CreateAsync(request.Name ?? "", request.Scopes ?? [], request.ExpiresAt, http.User.ToActor(), ct);
                if (created is null)
                {
                    var list = errors.Select(e => new ApiError(e.Path, e.Code, e.Message())).ToList();
                    return Results.BadRequest(new ApiErrors(list[0].Message, 400, list));
                }
                return Results.Created($"/api/settings/api-keys/{created.Key.Id}", new CreatedApiKey(ApiKeyBody.Of(created.Key), created.Secret));
            })
            .WithName("CreateApiKey")
            .WithSummary("Creates a key with scopes (ingest:customers, ingest:events, ingest:orders) and an optional expiry; the answer is the only time the key is shown.");

        group.MapDelete("/{id:int}", async (int id, ApiKeys keys, StudioDbContext db, IMemoryCache cache, HttpContext http, CancellationToken ct) =>
            {
                var hash = await db.ApiKeys.Where(k => k.Id == id).Select(k => k.KeyHash).FirstOrDefaultAsync(ct);
                if (hash is null || !await keys.RevokeAsync(id, http.User.ToActor(), ct)) return Results.NotFound();
                // The key stops working now, not when its cached validation runs out.
                cache.Remove("apikey:" + hash);
                return Results.NoContent();
            })
            .WithName("RevokeApiKey").WithSummary("Revokes a key at once; it stays listed with its revocation time.");
    }
}
