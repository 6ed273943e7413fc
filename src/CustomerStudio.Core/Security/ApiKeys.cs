using System.Security.Cryptography;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Core.Security;

/// <summary>What an API key may do. A key carries one or more.</summary>
public static class ApiScopes
{
    public const string Customers = "ingest:customers";
    public const string Events = "ingest:events";
    public const string Orders = "ingest:orders";

    public static readonly string[] All = [Customers, Events, Orders];
}

/// <summary>A key as created: <see cref="Secret"/> is shown once and never stored (only its SHA-256).</summary>
public sealed record NewApiKey(ApiKey Key, string Secret);

/// <summary>
/// API keys for machines (ingestion): created by admins in Settings with scopes and an optional expiry, shown once,
/// stored as a SHA-256 hash, revocable. Keys look like <c>csk_</c> + 43 URL-safe characters.
/// </summary>
public sealed class ApiKeys(StudioDbContext db, TimeProvider clock)
{
    public const string Prefix = "csk_";

    public async Task<(NewApiKey? Key, IReadOnlyList<ConditionError> Errors)> CreateAsync(string name, IReadOnlyCollection<string> scopes,
        DateTime? expiresAt, Actor actor, CancellationToken ct = default)
    {
        var errors = new List<ConditionError>();
        if (string.IsNullOrWhiteSpace(name)) errors.Add(new ConditionError("name", "Required", "name"));
        if (scopes.Count == 0) errors.Add(new ConditionError("scopes", "Required", "scopes"));
        foreach (var scope in scopes.Where(s => !ApiScopes.All.Contains(s)))
            errors.Add(new ConditionError("scopes", "ValueNotAllowed", scope, string.Join(", ", ApiScopes.All)));
        var now = clock.GetUtcNow().UtcDateTime;
        if (expiresAt is { } e && e <= now) errors.Add(new ConditionError("expiresAt", "ExpiryInPast"));
        if (errors.Count > 0) return (null, errors);

        var secret = Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var key = new ApiKey
        {
            Name = name.Trim(), Prefix = secret[..12], KeyHash = Hash(secret), Scopes = string.Join(",", scopes.Distinct()),
            CreatedBy = actor.UserId ?? actor.UserName, CreatedAt = now, ExpiresAt = expiresAt,
        };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(ct);
        AuditLog.Record(db, actor, nameof(ApiKey), key.Id.ToString(), "created", null, new { key.Name, key.Prefix, key.Scopes, key.ExpiresAt }, now);
        await db.SaveChangesAsync(ct);
        return (new NewApiKey(key, secret), []);
    }

    public async Task<bool> RevokeAsync(int id, Actor actor, CancellationToken ct = default)
    {
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, ct);
        if (key is null || key.RevokedAt is not null) return false;
        key.RevokedAt = clock.GetUtcNow().UtcDateTime;
        AuditLog.Record(db, actor, nameof(ApiKey), id.ToString(), "revoked", new { key.Name, key.Prefix }, new { key.RevokedAt }, key.RevokedAt.Value);
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>The live key for a presented secret (not revoked, not expired), or null.</summary>
    public async Task<ApiKey?> FindAsync(string? secret, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(secret) || !secret.StartsWith(Prefix, StringComparison.Ordinal) || secret.Length > 100) return null;
        var hash = Hash(secret);
        var now = clock.GetUtcNow().UtcDateTime;
        var key = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.KeyHash == hash, ct);
        if (key is null || key.RevokedAt is not null || key.ExpiresAt <= now) return null;
        // Last use is kept to the minute: a write per request would cost more than it tells.
        if (key.LastUsedAt is null || key.LastUsedAt < now.AddMinutes(-1))
            await db.ApiKeys.Where(k => k.Id == key.Id).ExecuteUpdateAsync(u => u.SetProperty(k => k.LastUsedAt, now), ct);
        return key;
    }

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
