using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Web.Features.Segments;
using CustomerStudio.Web.Security;
using Microsoft.AspNetCore.Authorization;

namespace CustomerStudio.Web.Features.Customers;

/// <summary>What <c>POST /api/customers/{id}/merge</c> takes: the customer merged into <c>{id}</c>, and why.</summary>
public sealed record MergeRequest(long MergedId, string? Reason);

public sealed record MergeSideBody(ProfileCustomerBody Customer, IReadOnlyList<ProfileIdentityBody> Identities, int Events, int Orders, int Tags,
    int JourneyInstances, int Accounts);

public sealed record MergePreviewBody(MergeSideBody Survivor, MergeSideBody Merged, IReadOnlyList<string> FieldsFilled);

/// <summary>A page of the timeline; pass <see cref="NextBefore"/> as <c>before</c> for the next one (null: the last page).</summary>
/// <summary>A timeline page; pass <c>next</c> as <c>?after=</c> for the following one (null on the last page).</summary>
public sealed record TimelineBody(IReadOnlyList<TimelineItem> Items, bool HasMore, string? Next);

/// <summary>A merged-away id: the answer of every profile read is 301 to the survivor's address, with this body.</summary>
public sealed record MergedIntoBody(long Id, long MergedInto, string Location);

/// <summary>
/// What <c>PATCH /api/customers/{id}</c> takes: the attributes to change (left out = unchanged, "" = cleared) and custom
/// values by field code (as text: numbers invariant, dates yyyy-MM-dd, true/false; "" or null clears).
/// </summary>
public sealed record CustomerPatch(string? Name = null, string? Gender = null, DateOnly? BirthDate = null, string? Province = null, string? City = null,
    string? Company = null, string? Industry = null, string? CompanySize = null, string? OwnerId = null, string? Stage = null,
    bool? EmailOptOut = null, bool? SmsOptOut = null, Dictionary<string, string?>? Custom = null);

public static class CustomersApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static void MapCustomersApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/customers").WithTags("Customers").RequireAuthorization(Policies.Customers);

        group.MapGet("/", async (string? search, int? page, int? pageSize, StudioDbContext db,
                HttpContext http, IAuthorizationService authz, CancellationToken ct) =>
            {
                var result = await CustomerDirectory.SearchAsync(db, search, page ?? 0, pageSize ?? 50, ct);
                var canSee = (await authz.AuthorizeAsync(http.User, Policies.PersonalData)).Succeeded;
                return new CustomerPage(result.Items.Select(c => Mask(c, canSee)).ToList(), result.Total);
            })
            .WithName("SearchCustomers")
            .WithSummary("Customers, newest first, searched by name, phone or email. Personal data is masked without the personal-data right.");

        // A merged-away id answers 301 Moved Permanently with Location set to the survivor's address (query kept) and a
        // small body naming it: clients that follow redirects read the survivor; merges are never undone.
        group.MapGet("/{id:long}", async (long id, CustomerProfile profile, HttpContext http, IAuthorizationService authz, CancellationToken ct) =>
            {
                var summary = await profile.SummaryAsync(id, http.User.ToActor(), IsZh, ct);
                if (summary is null) return Unknown(id);
                if (summary.Customer.Id != id) return Moved(http, id, summary.Customer.Id);
                var canSee = (await authz.AuthorizeAsync(http.User, Policies.PersonalData)).Succeeded;
                return Results.Json(ProfileBody.Of(summary, canSee, IsZh), Json);
            })
            .Produces<ProfileBody>().Produces<MergedIntoBody>(StatusCodes.Status301MovedPermanently).Produces<ApiErrors>(StatusCodes.Status404NotFound)
            .WithName("GetCustomerProfile")
            .WithSummary("The 360° profile: identities, attributes, custom fields, RFM, scores, lead score and lifecycle history, tags with provenance, " +
                         "segments, journeys, household and sales tasks. Personal data is masked without the personal-data right. " +
                         "A merged-away id answers 301 with Location set to the survivor's profile.");

        group.MapGet("/{id:long}/timeline", async (long id, string[]? types, bool? orders, string? after, int? pageSize, CustomerMerge merge,
                CustomerProfile profile, HttpContext http, CancellationToken ct) =>
            {
                var resolved = await merge.ResolveAsync(id, ct);
                if (resolved is not { } customerId) return Unknown(id);
                if (customerId != id) return Moved(http, id, customerId, "/timeline");
                var typeList = (types ?? []).SelectMany(t => t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    .Distinct().ToList();
                TimelineCursor? cursor = null;
                if (after is not null)
                {
                    if (!TimelineCursor.TryParse(after, out var parsed)) return Fail([new ConditionError("after", "InvalidCursor", after)]);
                    cursor = parsed;
                }
                var page = await profile.TimelineAsync(customerId, typeList, orders, pageSize: pageSize ?? 50, ct: ct, after: cursor);
                return Results.Json(new TimelineBody(page.Items, page.HasMore, page.Next?.ToString()), Json);
            })
            .Produces<TimelineBody>().Produces<MergedIntoBody>(StatusCodes.Status301MovedPermanently).Produces<ApiErrors>(StatusCodes.Status404NotFound)
            .WithName("GetCustomerTimeline")
            .WithSummary("Events and orders, newest first. types=page_view,email_open keeps those event types (no orders); orders=true keeps only " +
                         "orders, orders=false only events; after=<next of the previous page> pages on (items sharing one moment are never skipped); pageSize 1–200 (50).");

        var editors = group.MapGroup("/").RequireAuthorization(p => p.RequireRole(CustomerAccess.EditorRoles));

        editors.MapGet("/{id:long}/merge-preview", async (long id, long with, CustomerMerge merge, CancellationToken ct) =>
            {
                var (preview, errors) = await merge.PreviewAsync(id, with, ct);
                return preview is null ? Fail(errors) : Results.Json(new MergePreviewBody(Side(preview.Survivor), Side(preview.Merged), preview.FieldsFilled), Json);
            })
            .Produces<MergePreviewBody>().Produces<ApiErrors>(StatusCodes.Status400BadRequest)
            .WithName("PreviewCustomerMerge")
            .WithSummary("Both records side by side (fields, identities, counts) and the fields the survivor {id} would take over from ?with= (Admin, Sales).");

        editors.MapPatch("/{id:long}", async (long id, CustomerPatch patch, CustomerProfile profile, CustomerEditor editor, HttpContext http,
                IAuthorizationService authz, CancellationToken ct) =>
            {
                var actor = http.User.ToActor();
                var summary = await profile.SummaryAsync(id, actor, IsZh, ct);
                if (summary is null) return Unknown(id);
                if (summary.Customer.Id != id) return Moved(http, id, summary.Customer.Id);
                var edit = CustomerEdit.Of(summary);
                var errors = new List<ConditionError>();
                if (patch.Name is not null) edit.Name = patch.Name;
                if (patch.Gender is not null)
                {
                    var gender = Core.Imports.Cleansing.GenderCleaner.Normalize(patch.Gender);
                    if (gender.Ok) edit.Gender = gender.Value ?? Gender.Unknown;
                    else errors.Add(new ConditionError("gender", "WrongValueType", "gender", "男/女/male/female"));
                }
                if (patch.BirthDate is { } birth) edit.BirthDate = birth.ToDateTime(TimeOnly.MinValue);
                if (patch.Province is not null) edit.Province = patch.Province;
                if (patch.City is not null) edit.City = patch.City;
                if (patch.Company is not null) edit.Company = patch.Company;
                if (patch.Industry is not null) edit.Industry = patch.Industry;
                if (patch.CompanySize is not null) edit.CompanySize = patch.CompanySize;
                if (patch.OwnerId is not null) edit.OwnerId = patch.OwnerId;
                if (patch.Stage is not null)
                {
                    if (Enum.TryParse<LifecycleStage>(patch.Stage, ignoreCase: true, out var stage) && Enum.IsDefined(stage)) edit.Stage = stage;
                    else errors.Add(new ConditionError("stage", "ValueNotAllowed", patch.Stage, string.Join(", ", Enum.GetNames<LifecycleStage>())));
                }
                if (patch.EmailOptOut is { } email) edit.EmailOptOut = email;
                if (patch.SmsOptOut is { } sms) edit.SmsOptOut = sms;
                foreach (var (code, value) in patch.Custom ?? [])
                    if (!edit.Custom.ContainsKey(code) && !await editor.IsFieldAsync(code, ct)) errors.Add(new ConditionError("custom." + code, "UnknownField", code));
                    else edit.Custom[code] = value;
                if (errors.Count > 0) return Fail(errors);
                var (saved, saveErrors) = await editor.SaveAsync(id, edit, actor, ct);
                if (!saved) return Fail(saveErrors);
                var canSee = (await authz.AuthorizeAsync(http.User, Policies.PersonalData)).Succeeded;
                return Results.Json(ProfileBody.Of((await profile.SummaryAsync(id, actor, IsZh, ct))!, canSee, IsZh), Json);
            })
            .Produces<ProfileBody>().Produces<ApiErrors>(StatusCodes.Status400BadRequest).Produces<ApiErrors>(StatusCodes.Status404NotFound)
            .WithName("UpdateCustomer")
            .WithSummary("Changes a customer's attributes and custom values (Admin, Sales): fields left out stay, \"\" clears; a stage change is " +
                         "logged; audited with before and after. Answers the profile as GET does.");

        editors.MapPost("/{id:long}/merge", async (long id, MergeRequest request, CustomerMerge merge, HttpContext http, CancellationToken ct) =>
            {
                var (result, errors) = await merge.MergeAsync(id, request.MergedId, http.User.ToActor(), request.Reason?.Trim() ?? "", ct);
                return result is null ? Fail(errors) : Results.Json(result, Json);
            })
            .Produces<MergeResult>().Produces<ApiErrors>(StatusCodes.Status400BadRequest).Produces<ApiErrors>(StatusCodes.Status409Conflict)
            .WithName("MergeCustomers")
            .WithSummary("Merges mergedId into {id}: identities, events, orders, tags, journeys and history move to {id}; the merged id then redirects " +
                         "(Admin, Sales; audited with both records' snapshots).");
    }

    internal static CustomerRow Mask(CustomerRow c, bool canSee) => canSee ? c : c with
    {
        Name = PersonalDataMask.Name(c.Name, false),
        Phone = PersonalDataMask.Phone(c.Phone, false),
        Email = PersonalDataMask.Email(c.Email, false),
    };

    private static bool IsZh => CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase);

    private static MergeSideBody Side(MergeSide side)
    {
        var c = side.Customer;
        return new MergeSideBody(
            new ProfileCustomerBody(c.Id, c.Name, c.Gender, c.BirthDate, c.Province, c.City, c.Phone, c.Email, c.Company, c.Industry, c.CompanySize,
                c.SourceChannel, c.OwnerId, c.LifecycleStage, c.LeadScore, c.EmailOptOut, c.SmsOptOut, c.CreatedAt, c.UpdatedAt),
            side.Identities.Select(i => new ProfileIdentityBody(i.Kind, i.Value, i.IsPrimary)).ToList(),
            side.Events, side.Orders, side.Tags, side.JourneyInstances, side.Accounts);
    }

    private static IResult Moved(HttpContext http, long id, long survivor, string suffix = "")
    {
        var location = $"/api/customers/{survivor}{suffix}{http.Request.QueryString}";
        http.Response.Headers.Location = location;
        return Results.Json(new MergedIntoBody(id, survivor, location), Json, statusCode: StatusCodes.Status301MovedPermanently);
    }

    private static IResult Unknown(long id) => Fail([new ConditionError("id", "UnknownCustomer", id.ToString(CultureInfo.InvariantCulture))]);

    /// <summary>Unknown customers are 404, an already merged one 409, anything else 400.</summary>
    private static IResult Fail(IReadOnlyList<ConditionError> errors)
    {
        var list = errors.Select(e => new ApiError(e.Path, e.Code, e.Message())).ToList();
        var status = errors.Any(e => e.Code == "UnknownCustomer") ? 404 : errors.Any(e => e.Code == "AlreadyMerged") ? 409 : 400;
        return Results.Json(new ApiErrors(list[0].Message, status, list), statusCode: status);
    }
}
