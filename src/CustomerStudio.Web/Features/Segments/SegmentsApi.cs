using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Security;
using CustomerStudio.Core.Segments;
using CustomerStudio.Web.Features.Customers;
using CustomerStudio.Web.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Web.Features.Segments;

/// <summary>A condition to check or count, as JSON (an object, not a string).</summary>
public sealed record ConditionRequest(JsonElement? Condition);

/// <summary>One problem, at a JSON path or a field name, with its message in the request's language.</summary>
public sealed record ApiError(string Path, string Code, string Message);

public sealed record ConditionValidation(bool Ok, IReadOnlyList<ApiError> Errors);

/// <summary>The body of every 400 / 404 of these endpoints (shaped like ProblemDetails, with the errors listed).</summary>
public sealed record ApiErrors(string Title, int Status, IReadOnlyList<ApiError> Errors);

public sealed record AudienceCount(int Count, int Total, double Share);

public sealed record SegmentSummary(
    int Id, string Code, string Name, [property: JsonConverter(typeof(SegmentKindJson))] SegmentKind Kind,
    int MemberCount, DateTime? LastRefreshedAt, string? OwnerId, string? RefreshCron);

public sealed record SegmentDetails(
    int Id, string Code, string Name, string? Description, [property: JsonConverter(typeof(SegmentKindJson))] SegmentKind Kind,
    JsonElement Definition, string SchemaVersion, string? RefreshCron, DateTimeOffset? NextRefreshAt,
    int MemberCount, DateTime? LastRefreshedAt, string? OwnerId, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>What POST and PUT take: <c>definition</c> is the condition as a JSON object.</summary>
public sealed record SegmentRequest(
    string? Code, string? Name, string? Description, [property: JsonConverter(typeof(SegmentKindJson))] SegmentKind Kind,
    JsonElement? Definition, string? RefreshCron);

/// <summary>"dynamic" / "static" on the wire; reading ignores case and also takes 0 / 1.</summary>
public sealed class SegmentKindJson() : JsonStringEnumConverter<SegmentKind>(JsonNamingPolicy.CamelCase);

public static class SegmentsApi
{
    public static void MapSegmentsApi(this RouteGroupBuilder api)
    {
        // The /api group skips the HTML status-code pages (ApiSetup), so 403 / 404 reach clients as they are.
        MapConditions(api.MapGroup("/conditions").WithTags("Conditions").RequireAuthorization(Policies.Segments));
        MapSegments(api.MapGroup("/segments").WithTags("Segments").RequireAuthorization(Policies.Segments));
    }

    private static void MapConditions(RouteGroupBuilder group)
    {
        group.MapPost("/validate", async (ConditionRequest request, SegmentService segments, CancellationToken ct) =>
            {
                var compiled = await segments.ValidateAsync(Json(request.Condition), ct);
                return new ConditionValidation(compiled.Ok, Errors(compiled.Errors));
            })
            .WithName("ValidateCondition")
            .WithSummary("Checks a condition against the workspace's fields, tags and segments; every error has its JSON path and a message in the request's language.");

        group.MapPost("/count", async Task<Results<Ok<AudienceCount>, BadRequest<ApiErrors>>> (
                ConditionRequest request, SegmentService segments, StudioDbContext db, CancellationToken ct) =>
            {
                var compiled = await segments.ValidateAsync(Json(request.Condition), ct);
                if (!compiled.Ok)
                    return TypedResults.BadRequest(new ApiErrors(SegmentMessages.Get("InvalidCondition"), 400, Errors(compiled.Errors)));
                var count = await Audience.CountAsync(db, compiled.Require(), ct);
                var total = await db.Customers.CountAsync(c => c.MergedIntoId == null, ct);
                return TypedResults.Ok(new AudienceCount(count, total, total == 0 ? 0 : (double)count / total));
            })
            .WithName("CountAudience")
            .WithSummary("How many live customers the condition selects, out of how many.");
    }

    private static void MapSegments(RouteGroupBuilder group)
    {
        group.MapGet("/", async (StudioDbContext db, CancellationToken ct) =>
                await db.Segments.AsNoTracking().OrderBy(s => s.Id)
                    .Select(s => new SegmentSummary(s.Id, s.Code, s.Name, s.Kind, s.MemberCount, s.LastRefreshedAt, s.OwnerId, s.RefreshCron))
                    .ToListAsync(ct))
            .WithName("ListSegments")
            .WithSummary("Every segment with its size and last refresh.");

        group.MapGet("/{id:int}", async Task<Results<Ok<SegmentDetails>, NotFound<ApiErrors>>> (
                int id, StudioDbContext db, SegmentSchedule schedule, CancellationToken ct) =>
                await DetailsAsync(db, schedule, id, ct) is { } details ? TypedResults.Ok(details) : NotFound(id))
            .WithName("GetSegment")
            .WithSummary("One segment with its definition and next scheduled refresh.");

        group.MapPost("/", async Task<Results<Created<SegmentDetails>, BadRequest<ApiErrors>>> (
                SegmentRequest request, SegmentService segments, SegmentSchedule schedule, StudioDbContext db,
                ClaimsPrincipal user, CancellationToken ct) =>
            {
                var saved = await segments.SaveAsync(null, Draft(request), user.ToActor(), ct);
                if (!saved.Ok) return TypedResults.BadRequest(Invalid(saved.Errors));
                var id = saved.Segment!.Id;
                await schedule.SyncAsync(id, ct);
                return TypedResults.Created($"/api/segments/{id}", await DetailsAsync(db, schedule, id, ct));
            })
            .WithName("CreateSegment")
            .WithSummary("Creates a segment (validated and audited) and computes its members.");

        group.MapPut("/{id:int}", async Task<Results<Ok<SegmentDetails>, BadRequest<ApiErrors>, NotFound<ApiErrors>>> (
                int id, SegmentRequest request, SegmentService segments, SegmentSchedule schedule, StudioDbContext db,
                ClaimsPrincipal user, CancellationToken ct) =>
            {
                if (!await db.Segments.AnyAsync(s => s.Id == id, ct)) return NotFound(id);
                var saved = await segments.SaveAsync(id, Draft(request), user.ToActor(), ct);
                if (!saved.Ok) return TypedResults.BadRequest(Invalid(saved.Errors));
                await schedule.SyncAsync(id, ct);
                return TypedResults.Ok((await DetailsAsync(db, schedule, id, ct))!);
            })
            .WithName("UpdateSegment")
            .WithSummary("Updates a segment (validated and audited); a dynamic one is refreshed right away.");

        group.MapPost("/{id:int}/refresh", async Task<Results<Ok<RefreshResult>, NotFound<ApiErrors>>> (
                int id, SegmentService segments, StudioDbContext db, CancellationToken ct) =>
            {
                if (!await db.Segments.AnyAsync(s => s.Id == id, ct)) return NotFound(id);
                return TypedResults.Ok(await segments.RefreshAsync(id, ct));
            })
            .WithName("RefreshSegment")
            .WithSummary("Re-evaluates the segment now; returns its size and who entered and left.");

        group.MapGet("/{id:int}/members", async Task<Results<Ok<CustomerPage>, NotFound<ApiErrors>>> (
                int id, int? page, int? pageSize, SegmentService segments, StudioDbContext db,
                HttpContext http, IAuthorizationService authz, CancellationToken ct) =>
            {
                if (!await db.Segments.AnyAsync(s => s.Id == id, ct)) return NotFound(id);
                var size = Math.Clamp(pageSize ?? 50, 1, CustomerDirectory.MaxPageSize);
                var skip = Math.Max(page ?? 0, 0) * size;
                var members = segments.Members(id);
                var total = await members.CountAsync(ct);
                var items = await members.OrderByDescending(c => c.Id).Skip(skip).Take(size)
                    .Select(c => new CustomerRow(c.Id, c.Name, c.Gender, c.Phone, c.Email, c.Province, c.City,
                        c.LifecycleStage, c.SourceChannel, c.CreatedAt))
                    .ToListAsync(ct);
                var canSee = await CanSeePersonalDataAsync(http, authz);
                return TypedResults.Ok(new CustomerPage(items.Select(c => CustomersApi.Mask(c, canSee)).ToList(), total));
            })
            .WithName("ListSegmentMembers")
            .WithSummary("The segment's members, newest first, paged (page from 0). Personal data is masked without the personal-data right.");

        group.MapGet("/overlap", async Task<Results<Ok<OverlapResult>, NotFound<ApiErrors>>> (
                int first, int second, SegmentService segments, StudioDbContext db, CancellationToken ct) =>
            {
                foreach (var id in new[] { first, second })
                    if (!await db.Segments.AnyAsync(s => s.Id == id, ct)) return NotFound(id);
                return TypedResults.Ok(await segments.OverlapAsync(first, second, ct));
            })
            .WithName("SegmentOverlap")
            .WithSummary("How many customers are in the first segment, the second, both, and either.");

        group.MapGet("/{id:int}/export", async Task<Results<PushStreamHttpResult, BadRequest<ApiErrors>, NotFound<ApiErrors>>> (
                int id, string? format, string? columns, SegmentService segments, StudioDbContext db,
                TimeProvider clock, HttpContext http, IAuthorizationService authz, CancellationToken ct) =>
            {
                var segment = await db.Segments.AsNoTracking().Where(s => s.Id == id).Select(s => new { s.Code }).FirstOrDefaultAsync(ct);
                if (segment is null) return NotFound(id);
                var errors = new List<ApiError>();
                if (!SegmentExport.TryParseFormat(format, out var parsedFormat))
                    errors.Add(new ApiError("format", "UnknownFormat", SegmentMessages.Get("UnknownFormat", null, format ?? "")));
                var unknown = SegmentExport.ParseColumns(columns, out var parsedColumns);
                errors.AddRange(unknown.Select(c => new ApiError("columns", "UnknownColumn",
                    SegmentMessages.Get("UnknownColumn", null, c, string.Join(",", SegmentExport.Columns)))));
                if (errors.Count > 0) return TypedResults.BadRequest(new ApiErrors(errors[0].Message, 400, errors));

                var canSee = await CanSeePersonalDataAsync(http, authz);
                var zone = (await ConditionContext.ForWorkspaceAsync(db, clock.GetUtcNow().UtcDateTime, ct)).Zone;
                var options = new SegmentExportOptions(parsedFormat, parsedColumns, c => CustomersApi.Mask(c, canSee), zone);
                var fileName = $"{segment.Code}-{clock.GetUtcNow():yyyyMMdd}.{SegmentExport.Extension(parsedFormat)}";
                return TypedResults.Stream(
                    stream => SegmentExport.WriteAsync(segments.Members(id), stream, options, null, http.RequestAborted),
                    SegmentExport.ContentType(parsedFormat), fileName);
            })
            .WithName("ExportSegment")
            .WithSummary("Downloads the segment's members as CSV (UTF-8 with BOM) or XLSX, with the columns asked for. Personal data is masked without the personal-data right.");
    }

    private static string Json(JsonElement? element) => element?.GetRawText() ?? "null";

    private static List<ApiError> Errors(IEnumerable<ConditionError> errors) =>
        errors.Select(e => new ApiError(e.Path, e.Code, e.Message())).ToList();

    private static ApiErrors Invalid(IReadOnlyList<ConditionError> errors) => new(SegmentMessages.Get("InvalidSegment"), 400, Errors(errors));

    private static NotFound<ApiErrors> NotFound(int id)
    {
        var message = SegmentMessages.Get("UnknownSegment", null, id.ToString());
        return TypedResults.NotFound(new ApiErrors(message, 404, [new ApiError("id", "UnknownSegment", message)]));
    }

    private static SegmentDraft Draft(SegmentRequest r) =>
        new(r.Code ?? "", r.Name ?? "", r.Description, r.Kind, r.Definition is { } d ? d.GetRawText() : "", r.RefreshCron);

    private static async Task<bool> CanSeePersonalDataAsync(HttpContext http, IAuthorizationService authz) =>
        (await authz.AuthorizeAsync(http.User, Policies.PersonalData)).Succeeded;

    private static async Task<SegmentDetails?> DetailsAsync(StudioDbContext db, SegmentSchedule schedule, int id, CancellationToken ct)
    {
        var s = await db.Segments.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (s is null) return null;
        return new SegmentDetails(s.Id, s.Code, s.Name, s.Description, s.Kind, JsonSerializer.Deserialize<JsonElement>(s.DefinitionJson),
            s.SchemaVersion, s.RefreshCron, await schedule.NextRefreshAsync(s.Id, ct), s.MemberCount, s.LastRefreshedAt, s.OwnerId,
            s.CreatedAt, s.UpdatedAt);
    }
}
