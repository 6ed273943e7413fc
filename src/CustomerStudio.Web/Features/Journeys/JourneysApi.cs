using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Journeys;
using CustomerStudio.Web.Features.Segments;
using CustomerStudio.Web.Features.Tags;
using CustomerStudio.Web.Security;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Web.Features.Journeys;

public sealed record JourneySummaryBody(
    int Id, string Code, string Name, string? Description,
    [property: JsonConverter(typeof(CamelCaseEnumJson<JourneyStatus>))] JourneyStatus Status,
    int? PublishedVersion, string? OwnerId, DateTime CreatedAt, DateTime UpdatedAt, int ActiveInstances);

/// <summary>A journey with its draft definition and the problems that would stop it from being published (empty when it can be).</summary>
public sealed record JourneyDetails(
    int Id, string Code, string Name, string? Description,
    [property: JsonConverter(typeof(CamelCaseEnumJson<JourneyStatus>))] JourneyStatus Status,
    int? PublishedVersion, JsonElement Definition, string SchemaVersion, string? OwnerId, DateTime CreatedAt, DateTime UpdatedAt,
    IReadOnlyList<ApiError> Problems);

/// <summary>What POST takes: <c>code</c> (lower case, unique), <c>name</c>, optionally a description and a definition (JSON object; empty canvas when left out).</summary>
public sealed record JourneyCreateRequest(string? Code, string? Name, string? Description, JsonElement? Definition);

/// <summary>
/// What PUT takes; a part left out stays as it is. <c>definition</c> is saved even with problems (they are answered in
/// <c>problems</c>). <c>updatedAt</c>: the value read before editing, to refuse overwriting someone else's change (409).
/// </summary>
public sealed record JourneyUpdateRequest(string? Name, string? Description, JsonElement? Definition, DateTime? UpdatedAt);

/// <summary>A definition to check; without one the stored draft is checked.</summary>
public sealed record JourneyValidateRequest(JsonElement? Definition);

public sealed record JourneyValidationBody(bool Ok, IReadOnlyList<ApiError> Errors);

public sealed record JourneyDuplicateRequest(string? Code, string? Name);

public sealed record JourneyVersionBody(int Version, DateTime PublishedAt, string? PublishedBy, string SchemaVersion);

public sealed record JourneyVersionDetails(int Version, DateTime PublishedAt, string? PublishedBy, string SchemaVersion, JsonElement Definition);

public sealed record JourneyPublished(JourneyDetails Journey, JourneyVersionBody Version);

/// <summary>An event the dry run pretends: its type and when, as an ISO 8601 duration after the start (PT2H, P1D).</summary>
public sealed record DryRunEventBody(string? Type, string? After);

/// <summary>
/// What a dry run takes: the customer, events to pretend, how many days to simulate (30 when left out), and optionally a
/// definition to run instead of the stored draft.
/// </summary>
public sealed record DryRunRequest(long? CustomerId, IReadOnlyList<DryRunEventBody>? Events, int? HorizonDays, JsonElement? Definition);

/// <summary>What a sample dry run takes: how many customers (20 when left out, at most 200), events to pretend for each, days to simulate, optionally a definition.</summary>
public sealed record DryRunSampleRequest(int? Size, IReadOnlyList<DryRunEventBody>? Events, int? HorizonDays, JsonElement? Definition);

/// <summary>
/// Journeys over REST: drafts (create, read, save, delete), validation against the workspace, publish into immutable
/// versions, pause / resume / archive, duplicate, versions and per-node figures. Every rule is
/// <see cref="JourneyService"/>'s, so the API refuses what the designer refuses, with the same messages.
/// </summary>
public static class JourneysApi
{
    private static readonly HashSet<string> Conflicts =
        ["DuplicateCode", "JourneyArchived", "JourneyNotPublished", "JourneyNotPaused", "JourneyPublishedNotDeleted", "JourneyChangedMeanwhile"];

    public static void MapJourneysApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/journeys").WithTags("Journeys").RequireAuthorization(Policies.Journeys);

        group.MapGet("/", async (string? status, JourneyService journeys, CancellationToken ct) =>
            {
                JourneyStatus? filter = null;
                if (!string.IsNullOrWhiteSpace(status))
                {
                    if (status.Any(char.IsDigit) || !Enum.TryParse<JourneyStatus>(status, true, out var s))
                        return Fail([new ConditionError("status", "ValueNotAllowed", status,
                            string.Join(", ", Enum.GetNames<JourneyStatus>().Select(JsonNamingPolicy.CamelCase.ConvertName)))]);
                    filter = s;
                }
                var list = await journeys.ListAsync(filter, ct);
                return Results.Ok(list.Select(j => new JourneySummaryBody(j.Id, j.Code, j.Name, j.Description, j.Status, j.PublishedVersion,
                    j.OwnerId, j.CreatedAt, j.UpdatedAt, j.ActiveInstances)).ToList());
            })
            .Produces<List<JourneySummaryBody>>().ProducesErrors()
            .WithName("ListJourneys")
            .WithSummary("Every journey (or those with ?status=draft|published|paused|archived) with its published version and how many customers are in it now.");

        group.MapGet("/{id:int}", async (int id, JourneyService journeys, CancellationToken ct) =>
                await journeys.GetAsync(id, ct) is { } journey
                    ? Results.Ok(Details(journey, await journeys.ValidateAsync(journey.DraftJson, ct)))
                    : UnknownJourney(id))
            .Produces<JourneyDetails>().ProducesErrors()
            .WithName("GetJourney")
            .WithSummary("One journey with its draft definition and the problems that would stop it from being published.");

        group.MapPost("/", async (JourneyCreateRequest request, JourneyService journeys, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var result = await journeys.CreateAsync(new JourneyDraft(request.Code, request.Name, request.Description, Raw(request.Definition)), user.ToActor(), ct);
                if (!result.Ok) return Fail(result.Errors);
                return Results.Created($"/api/journeys/{result.Journey!.Id}", Details(result.Journey, result.DraftErrors));
            })
            .Produces<JourneyDetails>(StatusCodes.Status201Created).ProducesErrors()
            .WithName("CreateJourney")
            .WithSummary("Creates a draft journey (audited); the code is unique and fixed.");

        group.MapPut("/{id:int}", async (int id, JourneyUpdateRequest request, JourneyService journeys, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var result = await journeys.SaveDraftAsync(id, new JourneyEdit(request.Name, request.Description, Raw(request.Definition)), user.ToActor(),
                    request.UpdatedAt, ct);
                return result.Ok ? Results.Ok(Details(result.Journey!, result.DraftErrors)) : Fail(result.Errors);
            })
            .Produces<JourneyDetails>().ProducesErrors()
            .WithName("SaveJourneyDraft")
            .WithSummary("Saves the draft (audited), even with problems: they come back in problems and block publishing. Published versions are not touched.");

        group.MapDelete("/{id:int}", async (int id, JourneyService journeys, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var result = await journeys.DeleteAsync(id, user.ToActor(), ct);
                return result.Ok ? Results.NoContent() : Fail(result.Errors);
            })
            .Produces(StatusCodes.Status204NoContent).ProducesErrors()
            .WithName("DeleteJourney")
            .WithSummary("Deletes a journey that was never published; a published one is archived instead (409).");

        group.MapPost("/{id:int}/validate", async (int id, JourneyValidateRequest? request, JourneyService journeys, CancellationToken ct) =>
            {
                if (await journeys.GetAsync(id, ct) is not { } journey) return UnknownJourney(id);
                var errors = await journeys.ValidateAsync(Raw(request?.Definition) ?? journey.DraftJson, ct);
                return Results.Ok(new JourneyValidationBody(errors.Count == 0, Localize(errors)));
            })
            .Produces<JourneyValidationBody>().ProducesErrors()
            .WithName("ValidateJourney")
            .WithSummary("Checks the draft (or the definition sent) as publishing would: shape, settings, graph, conditions and the segments, tags, templates and fields it names; every error with its JSON path.");

        group.MapPost("/{id:int}/publish", async (int id, JourneyService journeys, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var result = await journeys.PublishAsync(id, user.ToActor(), ct);
                if (!result.Ok)
                {
                    if (result.DraftErrors.Count == 0) return Fail(result.Errors);
                    var journey = await journeys.GetAsync(id, ct);
                    var title = new ConditionError("$", "JourneyInvalid", journey?.Code ?? id.ToString(CultureInfo.InvariantCulture),
                        result.Errors.Count.ToString(CultureInfo.InvariantCulture)).Message();
                    return Results.Json(new ApiErrors(title, 400, Localize(result.Errors)), statusCode: 400);
                }
                var v = result.Version!;
                return Results.Ok(new JourneyPublished(Details(result.Journey!, []), new JourneyVersionBody(v.Version, v.PublishedAt, v.PublishedBy, v.SchemaVersion)));
            })
            .Produces<JourneyPublished>().ProducesErrors()
            .WithName("PublishJourney")
            .WithSummary("Publishes the draft as the next immutable version (refused with every problem and its path when it has any). Running customers stay on their version.");

        group.MapPost("/{id:int}/pause", (int id, JourneyService journeys, ClaimsPrincipal user, CancellationToken ct) =>
                StatusAsync(journeys.PauseAsync(id, user.ToActor(), ct), journeys, ct))
            .Produces<JourneyDetails>().ProducesErrors()
            .WithName("PauseJourney")
            .WithSummary("Stops enrolling and advancing customers; they keep their place until resumed.");

        group.MapPost("/{id:int}/resume", (int id, JourneyService journeys, ClaimsPrincipal user, CancellationToken ct) =>
                StatusAsync(journeys.ResumeAsync(id, user.ToActor(), ct), journeys, ct))
            .Produces<JourneyDetails>().ProducesErrors()
            .WithName("ResumeJourney")
            .WithSummary("Resumes a paused journey on its latest published version.");

        group.MapPost("/{id:int}/archive", (int id, JourneyService journeys, ClaimsPrincipal user, CancellationToken ct) =>
                StatusAsync(journeys.ArchiveAsync(id, user.ToActor(), ct), journeys, ct))
            .Produces<JourneyDetails>().ProducesErrors()
            .WithName("ArchiveJourney")
            .WithSummary("Ends the journey for good: no new customers and no more edits (duplicate it to start again).");

        group.MapPost("/{id:int}/duplicate", async (int id, JourneyDuplicateRequest? request, JourneyService journeys, ClaimsPrincipal user, CancellationToken ct) =>
            {
                if (await journeys.GetAsync(id, ct) is not { } source) return UnknownJourney(id);
                var code = string.IsNullOrWhiteSpace(request?.Code) ? await journeys.FreeCodeAsync(source.Code + "_copy", ct) : request.Code;
                var name = string.IsNullOrWhiteSpace(request?.Name) ? source.Name + " (2)" : request.Name;
                var result = await journeys.DuplicateAsync(id, code, name, user.ToActor(), ct);
                if (!result.Ok) return Fail(result.Errors);
                return Results.Created($"/api/journeys/{result.Journey!.Id}", Details(result.Journey, result.DraftErrors));
            })
            .Produces<JourneyDetails>(StatusCodes.Status201Created).ProducesErrors()
            .WithName("DuplicateJourney")
            .WithSummary("A new draft journey with a copy of this one's draft; code and name are proposed when left out.");

        group.MapGet("/{id:int}/versions", async (int id, JourneyService journeys, CancellationToken ct) =>
            {
                if (await journeys.GetAsync(id, ct) is null) return UnknownJourney(id);
                var versions = await journeys.VersionsAsync(id, ct);
                return Results.Ok(versions.Select(v => new JourneyVersionBody(v.Version, v.PublishedAt, v.PublishedBy, v.SchemaVersion)).ToList());
            })
            .Produces<List<JourneyVersionBody>>().ProducesErrors()
            .WithName("ListJourneyVersions")
            .WithSummary("The published versions, newest first.");

        group.MapGet("/{id:int}/versions/{version:int}", async (int id, int version, JourneyService journeys, CancellationToken ct) =>
                await journeys.VersionAsync(id, version, ct) is { } v
                    ? Results.Ok(new JourneyVersionDetails(v.Version, v.PublishedAt, v.PublishedBy, v.SchemaVersion, JsonSerializer.Deserialize<JsonElement>(v.DefinitionJson)))
                    : Fail([new ConditionError("id", "UnknownJourney", $"{id} v{version}")]))
            .Produces<JourneyVersionDetails>().ProducesErrors()
            .WithName("GetJourneyVersion")
            .WithSummary("One published version with its definition, as it runs.");

        group.MapPost("/{id:int}/dry-run", async (int id, DryRunRequest request, JourneyService journeys, Core.Journeys.Runtime.JourneyDryRun dryRun,
                StudioDbContext db, CancellationToken ct) =>
            {
                if (await journeys.GetAsync(id, ct) is not { } journey) return UnknownJourney(id);
                var errors = new List<ConditionError>();
                if (request.CustomerId is not { } customerId || !await db.Customers.AnyAsync(c => c.Id == customerId && c.MergedIntoId == null, ct))
                    errors.Add(new ConditionError("customerId", "UnknownCustomer", request.CustomerId?.ToString(CultureInfo.InvariantCulture) ?? ""));
                var (definition, options) = DryRunInput(journey, request.Events, request.HorizonDays, request.Definition, errors);
                if (errors.Count > 0) return Fail(errors);
                return Results.Ok(await dryRun.RunAsync(definition!, request.CustomerId!.Value, options, ct));
            })
            .Produces<Core.Journeys.Runtime.DryRunResult>().ProducesErrors()
            .WithName("DryRunJourney")
            .WithSummary("Runs the draft (or the definition sent) for one customer with simulated time and events: the path, what each message would be, notes. Nothing is written or sent. The definition must be valid as far as its shape and graph go.");

        group.MapPost("/{id:int}/dry-run/sample", async (int id, DryRunSampleRequest request, JourneyService journeys,
                Core.Journeys.Runtime.JourneyDryRun dryRun, CancellationToken ct) =>
            {
                if (await journeys.GetAsync(id, ct) is not { } journey) return UnknownJourney(id);
                var errors = new List<ConditionError>();
                if (request.Size is < 1 or > Core.Journeys.Runtime.JourneyDryRun.MaxSample)
                    errors.Add(new ConditionError("size", "ValueNotAllowed", request.Size.Value.ToString(CultureInfo.InvariantCulture),
                        $"1–{Core.Journeys.Runtime.JourneyDryRun.MaxSample}"));
                var (definition, options) = DryRunInput(journey, request.Events, request.HorizonDays, request.Definition, errors);
                if (errors.Count > 0) return Fail(errors);
                return Results.Ok(await dryRun.RunSampleAsync(definition!, request.Size ?? 20, options, ct));
            })
            .Produces<Core.Journeys.Runtime.DryRunSample>().ProducesErrors()
            .WithName("DryRunJourneySample")
            .WithSummary("Runs the draft (or the definition sent) for a random sample of its first trigger's audience (segment members, tag carriers, customers with the event; all customers otherwise) with the same simulated time and events: each run's outcome, how many reached each node and left by each port, what each node would send. Nothing is written or sent.");

        group.MapGet("/{id:int}/stats", async (int id, int? version, JourneyStats stats, CancellationToken ct) =>
                await stats.ForAsync(id, version, ct) is { } result
                    ? Results.Ok(result)
                    : Fail([new ConditionError("id", "UnknownJourney", version is null ? id.ToString(CultureInfo.InvariantCulture) : $"{id} v{version}")]))
            .Produces<JourneyStatsResult>().ProducesErrors()
            .WithName("GetJourneyStats")
            .WithSummary("Per node: customers who entered, wait there now, left through each port, converted or failed there; per A/B split the conversion rate of each variant and the difference to the first with its 95% interval. ?version= limits it to one version.");
    }

    /// <summary>The definition to dry-run (sent, or the stored draft) and the simulation's events and horizon; problems go to <paramref name="errors"/>.</summary>
    private static (Core.Journeys.Definition.JourneyDefinition? Definition, Core.Journeys.Runtime.DryRunOptions Options) DryRunInput(
        Journey journey, IReadOnlyList<DryRunEventBody>? bodies, int? horizonDays, JsonElement? sent, List<ConditionError> errors)
    {
        var events = new List<Core.Journeys.Runtime.SimulatedEvent>();
        for (var i = 0; i < (bodies?.Count ?? 0); i++)
        {
            var e = bodies![i];
            if (string.IsNullOrWhiteSpace(e.Type)) errors.Add(new ConditionError($"events[{i}].type", "Required", "type"));
            if (Window.TryParse(e.After) is not { } after) errors.Add(new ConditionError($"events[{i}].after", "InvalidDuration", e.After ?? ""));
            else if (!string.IsNullOrWhiteSpace(e.Type)) events.Add(new(e.Type.Trim(), TimeSpan.FromDays(after.Years * 365 + after.Months * 30 + after.Days) + after.Time));
        }
        if (horizonDays is < 1 or > 365) errors.Add(new ConditionError("horizonDays", "ValueNotAllowed", horizonDays.Value.ToString(CultureInfo.InvariantCulture), "1–365"));
        var parsed = Core.Journeys.Definition.JourneyDefinitionJson.Parse(Raw(sent) ?? journey.DraftJson);
        if (!parsed.Ok) errors.AddRange(parsed.Errors);
        return (parsed.Definition, new Core.Journeys.Runtime.DryRunOptions(Horizon: TimeSpan.FromDays(horizonDays ?? 30), Events: events));
    }

    private static async Task<IResult> StatusAsync(Task<JourneyResult> change, JourneyService journeys, CancellationToken ct)
    {
        var result = await change;
        return result.Ok ? Results.Ok(Details(result.Journey!, [])) : Fail(result.Errors);
    }

    private static string? Raw(JsonElement? element) =>
        element is { ValueKind: not (JsonValueKind.Undefined or JsonValueKind.Null) } e ? e.GetRawText() : null;

    private static JourneyDetails Details(Journey j, IReadOnlyList<ConditionError> problems) =>
        new(j.Id, j.Code, j.Name, j.Description, j.Status, j.PublishedVersion, JsonSerializer.Deserialize<JsonElement>(j.DraftJson), j.SchemaVersion,
            j.OwnerId, j.CreatedAt, j.UpdatedAt, Localize(problems));

    private static List<ApiError> Localize(IEnumerable<ConditionError> errors) =>
        errors.Select(e => new ApiError(e.Path, e.Code, e.Message())).ToList();

    private static IResult UnknownJourney(int id) => Fail([new ConditionError("id", "UnknownJourney", id.ToString(CultureInfo.InvariantCulture))]);

    /// <summary>
    /// Every error in one body; the status says what kind of refusal it is: 403 the role may not change journeys, 404 the
    /// journey does not exist, 409 its state (or a taken code, or someone else's change) stands in the way, 400 otherwise.
    /// </summary>
    private static IResult Fail(IReadOnlyList<ConditionError> errors)
    {
        var status = errors.Any(e => e.Code == "JourneyNotAllowed") ? StatusCodes.Status403Forbidden
            : errors.Any(e => e.Path == "id" && e.Code == "UnknownJourney") ? StatusCodes.Status404NotFound
            : errors.Any(e => Conflicts.Contains(e.Code)) ? StatusCodes.Status409Conflict
            : StatusCodes.Status400BadRequest;
        var list = Localize(errors);
        return Results.Json(new ApiErrors(list[0].Message, status, list), statusCode: status);
    }

    private static RouteHandlerBuilder ProducesErrors(this RouteHandlerBuilder builder) => builder
        .Produces<ApiErrors>(StatusCodes.Status400BadRequest)
        .Produces<ApiErrors>(StatusCodes.Status403Forbidden)
        .Produces<ApiErrors>(StatusCodes.Status404NotFound)
        .Produces<ApiErrors>(StatusCodes.Status409Conflict);
}
