using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Threading.RateLimiting;
using CustomerStudio.Core.Imports;
using CustomerStudio.Core.Ingestion;
using CustomerStudio.Core.Security;
using CustomerStudio.Core.Tags;
using CustomerStudio.Web.Features.Segments;
using CustomerStudio.Web.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace CustomerStudio.Web.Features.Ingestion;

public static class IngestApi
{
    /// <summary>Most items in one call.</summary>
    public const int MaxItems = 5_000;
    /// <summary>Largest body accepted: 5,000 events with a few properties each fit in well under this.</summary>
    public const long MaxBodyBytes = 8L << 20;
    private const string RateLimitPolicy = "ingest";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>API keys, the ingestion writer (group commit), the event feed with real-time tags, and per-key rate limits.</summary>
    public static void AddIngestion(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddMemoryCache();
        services.AddScoped<ApiKeys>();
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
        services.AddSingleton<EventFeed>();
        services.AddSingleton<IngestionWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<IngestionWriter>());
        services.AddHostedService<RealTimeTags>();

        var perSecond = builder.Configuration.GetValue("Ingestion:RequestsPerSecond", 200);
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // One bucket per caller (API key or user): bursts up to a second's worth, refilled continuously.
            o.AddPolicy(RateLimitPolicy, http => RateLimitPartition.GetTokenBucketLimiter(
                http.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? http.Connection.RemoteIpAddress?.ToString() ?? "anonymous",
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = perSecond, TokensPerPeriod = Math.Max(1, perSecond / 10), ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
                    QueueLimit = 0, AutoReplenishment = true,
                }));
            o.OnRejected = async (context, ct) =>
            {
                var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
                context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                var message = ImportMessages.Format("RateLimited", [perSecond.ToString(CultureInfo.InvariantCulture)]);
                await context.HttpContext.Response.WriteAsJsonAsync(new ApiErrors(message, 429, [new ApiError("", "RateLimited", message)]), ct);
            };
        });
    }

    public static void MapIngestApi(this WebApplication app)
    {
        app.UseRateLimiter();
        // Machines sign in with an API key, people (admins) with the cookie; each endpoint needs its scope.
        var group = app.MapGroup("/api/ingest").WithTags("Ingestion")
            .WithMetadata(new Microsoft.AspNetCore.Mvc.SkipStatusCodePagesAttribute())
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .RequireRateLimiting(RateLimitPolicy)
            .DisableAntiforgery();

        group.MapPost("/events", (HttpContext http, IngestionWriter writer, CancellationToken ct) =>
                HandleAsync<IncomingEvent>(http, "events", (items, scope, key) => writer.EventsAsync(items, scope, key, ct), ct))
            .RequireAuthorization(Scope(ApiScopes.Events))
            .Accepts<IncomingEvent[]>("application/json")
            .Produces<IngestResult>().Produces<ApiErrors>(400).Produces<ApiErrors>(413).Produces<ApiErrors>(429)
            .WithName("IngestEvents")
            .WithSummary("Stores one event or an array of up to 5,000; the answer comes once they are committed. Idempotency-Key makes a retry store nothing twice.");

        group.MapPost("/customers", (HttpContext http, IngestionWriter writer, CancellationToken ct) =>
                HandleAsync<IncomingCustomer>(http, "customers", (items, scope, key) => writer.CustomersAsync(items, scope, key, ct), ct))
            .RequireAuthorization(Scope(ApiScopes.Customers))
            .Accepts<IncomingCustomer[]>("application/json")
            .Produces<IngestResult>().Produces<ApiErrors>(400).Produces<ApiErrors>(413).Produces<ApiErrors>(429)
            .WithName("IngestCustomers")
            .WithSummary("Creates or updates customers by identity (external id, phone, e-mail, WeChat ids), one or up to 5,000 per call.");

        group.MapPost("/orders", (HttpContext http, IngestionWriter writer, CancellationToken ct) =>
                HandleAsync<IncomingOrder>(http, "orders", (items, scope, key) => writer.OrdersAsync(items, scope, key, ct), ct))
            .RequireAuthorization(Scope(ApiScopes.Orders))
            .Accepts<IncomingOrder[]>("application/json")
            .Produces<IngestResult>().Produces<ApiErrors>(400).Produces<ApiErrors>(413).Produces<ApiErrors>(429)
            .WithName("IngestOrders")
            .WithSummary("Stores orders (an order number is stored once), one or up to 5,000 per call.");
    }

    private static AuthorizationPolicy Scope(string scope) =>
        new AuthorizationPolicyBuilder(IdentityConstants.ApplicationScheme, ApiKeyAuthentication.SchemeName)
            .RequireAuthenticatedUser()
            .RequireAssertion(c => c.User.HasClaim(ApiKeyAuthentication.ScopeClaim, scope) || c.User.IsInRole(StudioRoles.Admin))
            .Build();

    private static async Task<IResult> HandleAsync<T>(HttpContext http, string endpoint,
        Func<IReadOnlyList<T>, string?, string?, Task<IngestResult>> store, CancellationToken ct)
    {
        // Kestrel enforces the limit for bodies of unknown length; a declared length is refused before reading.
        if (http.Request.ContentLength > MaxBodyBytes) return TooLarge(ImportMessages.Format("BodyTooLarge", [(MaxBodyBytes >> 20).ToString(CultureInfo.InvariantCulture)]));
        List<T?> items;
        try
        {
            using var document = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: ct);
            var root = document.RootElement;
            items = root.ValueKind == JsonValueKind.Array
                ? root.Deserialize<List<T?>>(Json) ?? []
                : [root.Deserialize<T>(Json)];
        }
        catch (JsonException ex)
        {
            var path = ex.Path is { Length: > 1 } p ? p : "$";
            return Results.BadRequest(new ApiErrors(ex.Message, 400, [new ApiError(path, "InvalidJson", ex.Message)]));
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(ImportMessages.Format("BodyTooLarge", [(MaxBodyBytes >> 20).ToString(CultureInfo.InvariantCulture)]));
        }
        if (items.Count == 0) return Results.BadRequest(new ApiErrors(ImportMessages.Format("NoItems", []), 400, [new ApiError("$", "Required", "items")]));
        if (items.Count > MaxItems)
            return TooLarge(ImportMessages.Format("TooManyItems", [items.Count.ToString(CultureInfo.InvariantCulture), MaxItems.ToString(CultureInfo.InvariantCulture)]));

        var key = http.Request.Headers["Idempotency-Key"].FirstOrDefault();
        if (key is { Length: > 200 }) return Results.BadRequest(new ApiErrors("Idempotency-Key", 400, [new ApiError("Idempotency-Key", "TooLong", "200")]));
        var scope = $"{http.User.FindFirstValue(ClaimTypes.NameIdentifier)}:{endpoint}";
        var result = await store(items!, scope, key);
        if (result.Duplicates == result.Received && key is not null) http.Response.Headers["Idempotent-Replay"] = "true";
        return Results.Ok(result);
    }

    private static IResult TooLarge(string message) =>
        Results.Json(new ApiErrors(message, 413, [new ApiError("$", "TooLarge", message)]), statusCode: StatusCodes.Status413PayloadTooLarge);
}
