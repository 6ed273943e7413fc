using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Journeys;
using CustomerStudio.Core.Journeys.Runtime;
using CustomerStudio.Web.Features.Segments;
using CustomerStudio.Web.Security;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Web.Features.Journeys;

/// <summary>What <c>POST /api/journeys/{id}/enroll</c> takes: customers to start at the manual trigger.</summary>
public sealed record EnrollRequest(IReadOnlyList<long>? CustomerIds);

/// <summary>What the retry endpoints take: the ids to retry (none: every failed instance of the journey).</summary>
public sealed record RetryRequest(IReadOnlyList<long>? Ids);

/// <summary>
/// Running journeys for operators (marketers and admins, like the journeys area): instances with their state and error,
/// retry of failed instances, removing a customer, manual enrolment, and the outbox (parked messages and their retry).
/// Every change is audited by <see cref="JourneyOperations"/>.
/// </summary>
public static class JourneyRuntimeApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static void MapJourneyRuntimeApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/journeys").WithTags("Journey runtime").RequireAuthorization(Policies.Journeys);

        group.MapGet("/{id:int}/instances", async (int id, string? status, long? customerId, int? page, int? pageSize, JourneyOperations ops,
                StudioDbContext db, CancellationToken ct) =>
            {
                if (!await db.Journeys.AnyAsync(j => j.Id == id, ct)) return Unknown(id);
                InstanceStatus? filter = null;
                if (status is not null)
                {
                    if (!Enum.TryParse<InstanceStatus>(status, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
                        return Fail(400, new ConditionError("status", "ValueNotAllowed", status, string.Join(", ", Enum.GetNames<InstanceStatus>())));
                    filter = parsed;
                }
                return Results.Json(await ops.InstancesAsync(id, filter, customerId, page ?? 0, pageSize ?? 50, ct), Json);
            })
            .Produces<InstancePage>().Produces<ApiErrors>(StatusCodes.Status404NotFound)
            .WithName("ListJourneyInstances")
            .WithSummary("Instances of a journey, newest change first; status=failed shows the failed ones with their error.");

        group.MapGet("/{id:int}/instances/{instanceId:long}/steps", async (int id, long instanceId, JourneyOperations ops, CancellationToken ct) =>
                await ops.StepsAsync(id, instanceId, ct) is { } steps
                    ? Results.Json(steps, Json)
                    : Fail(404, new ConditionError("instanceId", "UnknownInstance", instanceId.ToString(CultureInfo.InvariantCulture), id.ToString(CultureInfo.InvariantCulture))))
            .Produces<IReadOnlyList<InstanceStep>>().Produces<ApiErrors>(StatusCodes.Status404NotFound)
            .WithName("ListJourneyInstanceSteps")
            .WithSummary("One instance's path so far, oldest step first: node, port taken, time and what happened (the latest 500 steps).");

        group.MapPost("/{id:int}/instances/retry", async (int id, RetryRequest? request, JourneyOperations ops, StudioDbContext db, HttpContext http,
                CancellationToken ct) =>
            {
                if (!await db.Journeys.AnyAsync(j => j.Id == id, ct)) return Unknown(id);
                return Results.Json(new { retried = await ops.RetryFailedAsync(id, request?.Ids, http.User.ToActor(), ct) }, Json);
            })
            .WithName("RetryJourneyInstances")
            .WithSummary("Failed instances (those listed, or all) run again from the node that failed.");

        group.MapDelete("/{id:int}/customers/{customerId:long}", async (int id, long customerId, JourneyOperations ops, StudioDbContext db, HttpContext http,
                CancellationToken ct) =>
            {
                if (!await db.Journeys.AnyAsync(j => j.Id == id, ct)) return Unknown(id);
                return Results.Json(new { removed = await ops.RemoveCustomerAsync(id, customerId, http.User.ToActor(), ct) }, Json);
            })
            .WithName("RemoveCustomerFromJourney")
            .WithSummary("Takes a customer out of the journey: running and waiting instances end as removed; their unsent messages are dropped.");

        group.MapPost("/{id:int}/enroll", async (int id, EnrollRequest request, JourneyOperations ops, HttpContext http, CancellationToken ct) =>
            {
                var result = await ops.EnrollAsync(id, request.CustomerIds ?? [], http.User.ToActor(), ct);
                if (result.Errors.Count > 0)
                    return Fail(result.Errors.Any(e => e.Code == "UnknownJourney") ? 404 : result.Errors.Any(e => e.Code == "JourneyNotRunning") ? 409 : 400, [.. result.Errors]);
                return Results.Json(result, Json);
            })
            .Produces<EnrollResult>().Produces<ApiErrors>(StatusCodes.Status400BadRequest).Produces<ApiErrors>(StatusCodes.Status409Conflict)
            .WithName("EnrollInJourney")
            .WithSummary("Starts customers at the journey's manual trigger (entry rules apply: once, cool-down, concurrent); up to 100,000 per call.");

        var outbox = api.MapGroup("/outbox").WithTags("Journey runtime").RequireAuthorization(Policies.Journeys);
        outbox.MapGet("/", async (string? status, int? journeyId, int? take, JourneyOperations ops, CancellationToken ct) =>
            {
                OutboxStatus? filter = null;
                if (status is not null)
                {
                    if (!Enum.TryParse<OutboxStatus>(status, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
                        return Fail(400, new ConditionError("status", "ValueNotAllowed", status, string.Join(", ", Enum.GetNames<OutboxStatus>())));
                    filter = parsed;
                }
                return Results.Json(await ops.OutboxAsync(filter, journeyId, take ?? 100, ct), Json);
            })
            .Produces<IReadOnlyList<OutboxRow>>()
            .WithName("ListOutbox")
            .WithSummary("Messages of the outbox, newest first (status=parked: those that failed for good, with the error); payloads are not shown.");
        outbox.MapPost("/retry", async (RetryRequest request, JourneyOperations ops, HttpContext http, CancellationToken ct) =>
                Results.Json(new { retried = await ops.RetryParkedAsync(request.Ids ?? [], http.User.ToActor(), ct) }, Json))
            .WithName("RetryOutbox")
            .WithSummary("Parked messages go back in the queue.");
    }

    /// <summary>
    /// The unsubscribe link of journey e-mails: anonymous by nature (the customer is not a studio user), trusted only
    /// through its signature. Opening the link (GET) only asks for confirmation, so mail scanners that follow links do
    /// not unsubscribe anyone; the confirmation button, and mail clients' one-click unsubscribe (RFC 8058, a POST of
    /// <c>List-Unsubscribe=One-Click</c>), set the customer's e-mail opt-out, audited. Pages in both languages.
    /// </summary>
    public static void MapUnsubscribe(this WebApplication app)
    {
        app.MapGet("/unsubscribe/{token}", async (string token, JourneyRuntimeOptions options, StudioDbContext db, CancellationToken ct) =>
                await FindAsync(token, options, db, ct) is not { } customer ? Invalid()
                : customer.EmailOptOut ? Done()
                : Html(Page("退订邮件 · Unsubscribe",
                    "确定不再接收我们的营销邮件吗？Stop receiving our marketing e-mail?",
                    $"<form method=\"post\" action=\"/unsubscribe/{WebUtility.HtmlEncode(token)}\"><button type=\"submit\" data-testid=\"unsubscribe-confirm\" style=\"font-size:1em;padding:.5em 1.5em\">退订 · Unsubscribe</button></form>")))
            .AllowAnonymous()
            .ExcludeFromDescription();
        app.MapPost("/unsubscribe/{token}", async (string token, JourneyRuntimeOptions options, StudioDbContext db, TimeProvider clock, CancellationToken ct) =>
            {
                if (await FindAsync(token, options, db, ct) is not { } customer) return Invalid();
                if (!customer.EmailOptOut)
                {
                    var now = clock.GetUtcNow().UtcDateTime;
                    customer.EmailOptOut = true;
                    customer.UpdatedAt = now;
                    Core.Security.AuditLog.Record(db, new Core.Security.Actor(null, "unsubscribe link"), nameof(Core.Customers.Customer),
                        customer.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "unsubscribed", new { EmailOptOut = false }, new { EmailOptOut = true }, now);
                    await db.SaveChangesAsync(ct);
                }
                return Done();
            })
            .AllowAnonymous()
            // The signed token is the credential: there is no session to forge a request for, and mail clients post here.
            .DisableAntiforgery()
            .ExcludeFromDescription();

        // A link mailed before a merge names the merged-away customer: the opt-out belongs to the survivor.
        static async Task<Core.Customers.Customer?> FindAsync(string token, JourneyRuntimeOptions options, StudioDbContext db, CancellationToken ct) =>
            Unsubscribe.TryRead(token, options.UnsubscribeSecret, out var customerId)
            && await new Core.Customers.CustomerMerge(db, TimeProvider.System).ResolveAsync(customerId, ct) is { } live
                ? await db.Customers.FirstOrDefaultAsync(c => c.Id == live, ct)
                : null;

        static IResult Invalid() => Html(Page("链接无效 · Invalid link", "这个退订链接无效或已过期。This unsubscribe link is not valid."), 404);
        static IResult Done() => Html(Page("已退订 · Unsubscribed", "您将不再收到我们的营销邮件。You will no longer receive our marketing e-mail."));
    }

    private static IResult Html(string page, int status = 200) => Results.Content(page, "text/html; charset=utf-8", statusCode: status);

    private static string Page(string title, string text, string extra = "") =>
        $"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title}</title></head><body style=\"font-family:sans-serif;margin:4em auto;max-width:32em\"><h1 data-testid=\"unsubscribe-title\">{title}</h1><p>{text}</p>{extra}</body></html>";

    private static IResult Unknown(int id) => Fail(404, new ConditionError("id", "UnknownJourney", id.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private static IResult Fail(int status, params ConditionError[] errors)
    {
        var list = errors.Select(e => new ApiError(e.Path, e.Code, e.Message())).ToList();
        return Results.Json(new ApiErrors(list[0].Message, status, list), statusCode: status);
    }
}
