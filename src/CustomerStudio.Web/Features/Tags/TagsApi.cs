using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Security;
using CustomerStudio.Core.Tags;
using CustomerStudio.Web.Features.Segments;
using CustomerStudio.Web.Security;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Web.Features.Tags;

/// <summary>An enum as its camelCase name on the wire ("inReview", "realTime"); reading ignores case.</summary>
public sealed class CamelCaseEnumJson<T>() : JsonStringEnumConverter<T>(JsonNamingPolicy.CamelCase) where T : struct, Enum;

// ------------------------------------------------------------------ categories

public sealed record TagBrief(
    int Id, string Code, string NameZh, string NameEn,
    [property: JsonConverter(typeof(CamelCaseEnumJson<TagKind>))] TagKind Kind,
    [property: JsonConverter(typeof(CamelCaseEnumJson<TagStatus>))] TagStatus Status, int Coverage);

/// <summary>A category with its sub-categories and the tags filed directly under it.</summary>
public sealed record CategoryNode(
    int Id, string Code, string NameZh, string NameEn, int? ParentId, int SortOrder, IReadOnlyList<string> EditorRoles,
    IReadOnlyList<string> EffectiveEditorRoles, IReadOnlyList<CategoryNode> Children, IReadOnlyList<TagBrief> Tags);

/// <summary>What POST and PUT take; <c>editorRoles</c> are the roles besides governance that may edit its tags (empty: inherited).</summary>
public sealed record CategoryRequest(int? ParentId, string? Code, string? NameZh, string? NameEn, IReadOnlyList<string>? EditorRoles);

public sealed record CategoryMoveRequest(int? ParentId, int Index);

// ------------------------------------------------------------------ tags

public sealed record TagSummary(
    int Id, string Code, string NameZh, string NameEn, int CategoryId, string CategoryCode,
    [property: JsonConverter(typeof(CamelCaseEnumJson<TagKind>))] TagKind Kind,
    [property: JsonConverter(typeof(CamelCaseEnumJson<TagStatus>))] TagStatus Status,
    [property: JsonConverter(typeof(CamelCaseEnumJson<Sensitivity>))] Sensitivity Sensitivity,
    [property: JsonConverter(typeof(CamelCaseEnumJson<RefreshRule>))] RefreshRule RefreshRule,
    int Version, bool MultiValued, int Coverage, bool PendingReview, DateTime? LastComputedAt, DateTime UpdatedAt);

public sealed record TagValueBody(string? Code, string? NameZh, string? NameEn);

public sealed record CategoryRef(int Id, string Code, string NameZh, string NameEn);

/// <summary>A change of a live tag's rule, values or kind waiting for review (or a submitted draft).</summary>
public sealed record PendingRevision(
    int Version, string? SubmittedBy, DateTime SubmittedAt,
    [property: JsonConverter(typeof(CamelCaseEnumJson<TagKind>))] TagKind Kind, bool MultiValued,
    IReadOnlyList<TagValueBody> Values, JsonElement? Definition);

public sealed record TagDetails(
    int Id, string Code, string NameZh, string NameEn, string? Description, CategoryRef Category,
    [property: JsonConverter(typeof(CamelCaseEnumJson<TagKind>))] TagKind Kind,
    [property: JsonConverter(typeof(CamelCaseEnumJson<TagStatus>))] TagStatus Status,
    [property: JsonConverter(typeof(CamelCaseEnumJson<Sensitivity>))] Sensitivity Sensitivity,
    [property: JsonConverter(typeof(CamelCaseEnumJson<RefreshRule>))] RefreshRule RefreshRule,
    string? DataSource, string? ValueFormat, bool MultiValued, string? OwnerId, int? ExpiryDays, int Version,
    IReadOnlyList<TagValueBody> Values, JsonElement? Definition, string SchemaVersion, int Coverage,
    PendingRevision? PendingRevision, IReadOnlyList<Usage> Usage,
    DateTime CreatedAt, DateTime UpdatedAt, DateTime? ActivatedAt, DateTime? LastComputedAt);

/// <summary>
/// What POST and PUT take. <c>category</c> is a category code (or give <c>categoryId</c>); <c>kind</c> is manual, rule
/// or predictive; <c>refreshRule</c> manual, realTime, hourly or daily; <c>sensitivity</c> public, internal,
/// sensitive or restricted; <c>definition</c> the rule or model settings as a JSON object.
/// </summary>
public sealed record TagRequest(
    int? CategoryId, string? Category, string? Code, string? NameZh, string? NameEn, string? Description, string? Kind,
    string? DataSource, string? RefreshRule, string? ValueFormat, bool? MultiValued, string? OwnerId, string? Sensitivity,
    int? ExpiryDays, IReadOnlyList<TagValueBody>? Values, JsonElement? Definition);

public sealed record TagWarningBody(string Code, string OtherCode, string OtherName, string Message);

public sealed record TagSaved(TagDetails Tag, IReadOnlyList<TagWarningBody> Warnings, bool PendingReview);

public sealed record TagMoveRequest(int? CategoryId, string? Category, int Index);

public sealed record ReviewRequest(string? Comment);

public sealed record RecomputeSummary(int Added, int Removed, int Changed, int Coverage, double ElapsedMs);

public sealed record TagActionResponse(TagDetails Tag, RecomputeSummary? Recompute);

public sealed record DeprecateRequest(IReadOnlyList<string>? Codes, string? Comment);

/// <summary>One code of a bulk deprecation: "deprecated" or "failed" with the errors.</summary>
public sealed record DeprecateItem(string Code, string Outcome, IReadOnlyList<ApiError> Errors);

public sealed record DeprecateResult(int Deprecated, int Failed, IReadOnlyList<DeprecateItem> Items);

public sealed record AuditRow(DateTime At, string? UserId, string? UserName, string Action, JsonElement? Before, JsonElement? After);

public sealed record CoveragePoint(DateTime At, int Customers);

public sealed record CoverageTrend(int Current, IReadOnlyList<CoveragePoint> Points);

public sealed record StaleTagBody(
    int Id, string Code, string NameZh, string NameEn,
    [property: JsonConverter(typeof(CamelCaseEnumJson<TagStatus>))] TagStatus Status,
    [property: JsonConverter(typeof(CamelCaseEnumJson<TagKind>))] TagKind Kind,
    int Coverage, DateTime? LastComputedAt, DateTime? LastAssignedAt, IReadOnlyList<string> Reasons);

// ------------------------------------------------------------------ assignments

/// <summary>
/// Who to tag: exactly one of <c>customerIds</c> (at most 10,000, answered one by one), <c>segment</c> (a segment code)
/// or <c>condition</c> (a condition as a JSON object). <c>value</c> is the tag value's code for tags with values.
/// </summary>
public sealed record AssignRequest(string? Value, IReadOnlyList<long>? CustomerIds, string? Segment, JsonElement? Condition, DateTimeOffset? ExpiresAt);

public sealed record AssignItemBody(long CustomerId, string Outcome);

public sealed record AssignResponse(int Added, int Changed, int Unchanged, int Removed, IReadOnlyList<AssignItemBody> Items);

public sealed record CustomerTagBody(
    int TagId, string TagCode, string TagName, string CategoryName, string? ValueCode, string? ValueName,
    [property: JsonConverter(typeof(CamelCaseEnumJson<AssignmentSource>))] AssignmentSource Source, string? SourceRef,
    string? AssignedBy, DateTime AssignedAt, DateTime? ExpiresAt, double? Score,
    [property: JsonConverter(typeof(CamelCaseEnumJson<Sensitivity>))] Sensitivity Sensitivity, bool Masked);

/// <summary>
/// The tag system over REST: categories, tag cards and their lifecycle, bulk assignment and a customer's tags. Every
/// rule is the core's (<see cref="TagService"/>, <see cref="TagAssignments"/>), so the API validates as the UI does.
/// Tags are addressed by code (or numeric id); restricted tags do not exist for roles that may not see them.
/// </summary>
public static class TagsApi
{
    public const int MaxCustomerIds = 10_000;

    private static readonly HashSet<string> Forbidden = ["NotAllowed", "ApproveNotAllowed"];

    private static readonly HashSet<string> Conflicts =
    [
        "TagInUse", "WrongStatus", "TagInReview", "NothingInReview", "OnlyDraftsDeleted", "TagArchived", "CategoryNotEmpty",
        "TagNotActive", "TagIsManual", "TagIsComputed",
    ];

    private static readonly JsonSerializerOptions ProposalJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static void MapTagsApi(this RouteGroupBuilder api)
    {
        MapCategories(api.MapGroup("/tag-categories").WithTags("Tag categories").RequireAuthorization(Policies.Tags));
        var tags = api.MapGroup("/tags").WithTags("Tags").RequireAuthorization(Policies.Tags);
        MapTags(tags);
        MapLifecycle(tags);
        MapAssignments(tags);
        // Sales reads customer profiles, so a customer's tags follow the customers policy, not the tags one.
        api.MapGroup("/customers").WithTags("Customers").RequireAuthorization(Policies.Customers)
            .MapGet("/{id:long}/tags", async (long id, TagAssignments assignments, StudioDbContext db, ClaimsPrincipal user, CancellationToken ct) =>
            {
                if (!await db.Customers.AnyAsync(c => c.Id == id, ct))
                    return Fail([new ConditionError("id", "UnknownCustomer", id.ToString(CultureInfo.InvariantCulture))], 404);
                var zh = CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase);
                var tags = await assignments.OfCustomerAsync(id, user.ToActor(), zh, ct);
                return Results.Ok(tags.Select(t => new CustomerTagBody(t.TagId, t.TagCode, t.TagName, t.CategoryName, t.ValueCode, t.ValueName,
                    t.Source, t.SourceRef, t.AssignedBy, t.AssignedAt, t.ExpiresAt, t.Score, t.Sensitivity, t.Masked)).ToList());
            })
            .Produces<List<CustomerTagBody>>().ProducesErrors()
            .WithName("GetCustomerTags")
            .WithSummary("The customer's current tags with where each came from (source, by whom, when, expiry, score). Restricted tags are left out and sensitive values masked for roles without the right.");
    }

    // ------------------------------------------------------------------ categories

    private static void MapCategories(RouteGroupBuilder group)
    {
        group.MapGet("/", async (StudioDbContext db, TimeProvider clock, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var actor = user.ToActor();
                var categories = await db.TagCategories.AsNoTracking().OrderBy(c => c.SortOrder).ThenBy(c => c.Id).ToListAsync(ct);
                var tags = await VisibleTags(db, actor).OrderBy(t => t.SortOrder).ThenBy(t => t.Code)
                    .Select(t => new { t.Id, t.CategoryId, t.Code, t.NameZh, t.NameEn, t.Kind, t.Status }).ToListAsync(ct);
                var coverage = await CoverageAsync(db, clock, ct);
                var permissions = new TagPermissions(categories);
                List<CategoryNode> Build(int? parentId) => categories.Where(c => c.ParentId == parentId)
                    .Select(c => new CategoryNode(c.Id, c.Code, c.NameZh, c.NameEn, c.ParentId, c.SortOrder, Roles(c.EditorRoles),
                        permissions.EditorsOf(c.Id), Build(c.Id),
                        tags.Where(t => t.CategoryId == c.Id)
                            .Select(t => new TagBrief(t.Id, t.Code, t.NameZh, t.NameEn, t.Kind, t.Status, coverage.GetValueOrDefault(t.Id))).ToList()))
                    .ToList();
                return Build(null);
            })
            .WithName("ListTagCategories")
            .WithSummary("The tag taxonomy as a tree: each category with its sub-categories, who may edit it, and its tags with their coverage.");

        group.MapPost("/", async (CategoryRequest request, TagService service, StudioDbContext db, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var (category, errors) = await service.SaveCategoryAsync(null, CategoryDraft(request), user.ToActor(), ct);
                if (category is null) return Fail(errors);
                return Results.Created($"/api/tag-categories/{category.Id}", await CategoryAsync(db, category.Id, ct));
            })
            .Produces<CategoryNode>(StatusCodes.Status201Created).ProducesErrors()
            .WithName("CreateTagCategory")
            .WithSummary("Creates a category (governance only), at the end of its parent's sub-categories.");

        group.MapPut("/{category}", async (string category, CategoryRequest request, TagService service, StudioDbContext db,
                ClaimsPrincipal user, CancellationToken ct) =>
            {
                if (await FindCategoryAsync(db, category, ct) is not { } id) return UnknownCategory(category);
                var (saved, errors) = await service.SaveCategoryAsync(id, CategoryDraft(request), user.ToActor(), ct);
                return saved is null ? Fail(errors) : Results.Ok(await CategoryAsync(db, id, ct));
            })
            .Produces<CategoryNode>().ProducesErrors()
            .WithName("UpdateTagCategory")
            .WithSummary("Renames a category, changes its parent (no cycles) or its editor roles (governance only). The category is addressed by id or code.");

        group.MapPost("/{category}/move", async (string category, CategoryMoveRequest request, TagService service, StudioDbContext db,
                ClaimsPrincipal user, CancellationToken ct) =>
            {
                if (await FindCategoryAsync(db, category, ct) is not { } id) return UnknownCategory(category);
                var errors = await service.MoveCategoryAsync(id, request.ParentId, request.Index, user.ToActor(), ct);
                return errors.Count > 0 ? Fail(errors) : Results.Ok(await CategoryAsync(db, id, ct));
            })
            .Produces<CategoryNode>().ProducesErrors()
            .WithName("MoveTagCategory")
            .WithSummary("Moves a category under another (parentId null: to the top) at a position (index from 0) among its new siblings.");

        group.MapDelete("/{category}", async (string category, TagService service, StudioDbContext db, ClaimsPrincipal user, CancellationToken ct) =>
            {
                if (await FindCategoryAsync(db, category, ct) is not { } id) return UnknownCategory(category);
                var errors = await service.DeleteCategoryAsync(id, user.ToActor(), ct);
                return errors.Count > 0 ? Fail(errors) : Results.NoContent();
            })
            .Produces(StatusCodes.Status204NoContent).ProducesErrors()
            .WithName("DeleteTagCategory")
            .WithSummary("Deletes an empty category (no sub-categories, no tags); 409 otherwise.");
    }

    // ------------------------------------------------------------------ tag cards

    private static void MapTags(RouteGroupBuilder group)
    {
        group.MapGet("/", async (string? status, string? kind, string? category, StudioDbContext db, TimeProvider clock,
                ClaimsPrincipal user, CancellationToken ct) =>
            {
                var errors = new List<ConditionError>();
                var statusFilter = ParseEnum<TagStatus>(status, "status", errors);
                var kindFilter = ParseEnum<TagKind>(kind, "kind", errors);
                var query = VisibleTags(db, user.ToActor());
                if (!string.IsNullOrWhiteSpace(category))
                {
                    if (await FindCategoryAsync(db, category, ct) is { } categoryId)
                    {
                        var under = Descendants(await db.TagCategories.AsNoTracking().ToListAsync(ct), categoryId);
                        query = query.Where(t => under.Contains(t.CategoryId));
                    }
                    else errors.Add(new ConditionError("category", "UnknownCategory", category));
                }
                if (errors.Count > 0) return Fail(errors);
                if (statusFilter is { } s) query = query.Where(t => t.Status == s);
                if (kindFilter is { } k) query = query.Where(t => t.Kind == k);

                var rows = await query.OrderBy(t => t.Code)
                    .Select(t => new { Tag = t, CategoryCode = db.TagCategories.Where(c => c.Id == t.CategoryId).Select(c => c.Code).First() })
                    .ToListAsync(ct);
                var coverage = await CoverageAsync(db, clock, ct);
                var pending = (await db.TagRevisions.Where(r => r.Status == RevisionStatus.Pending).Select(r => r.TagId).ToListAsync(ct)).ToHashSet();
                return Results.Ok(rows.Select(r => new TagSummary(r.Tag.Id, r.Tag.Code, r.Tag.NameZh, r.Tag.NameEn, r.Tag.CategoryId, r.CategoryCode,
                    r.Tag.Kind, r.Tag.Status, r.Tag.Sensitivity, r.Tag.RefreshRule, r.Tag.Version, r.Tag.MultiValued,
                    coverage.GetValueOrDefault(r.Tag.Id), pending.Contains(r.Tag.Id), r.Tag.LastComputedAt, r.Tag.UpdatedAt)).ToList());
            })
            .Produces<List<TagSummary>>().ProducesErrors()
            .WithName("ListTags")
            .WithSummary("Tags by code with kind, status, version and coverage; filter by status (draft, inReview, active, deprecated, archived), kind (manual, rule, predictive) and category (code or id, sub-categories included).");

        group.MapGet("/stale", async (StudioDbContext db, TimeProvider clock, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var visible = (await VisibleTags(db, user.ToActor()).Select(t => t.Id).ToListAsync(ct)).ToHashSet();
                var stale = await TagUsage.StaleAsync(db, clock.GetUtcNow().UtcDateTime, ct);
                return stale.Where(t => visible.Contains(t.TagId))
                    .Select(t => new StaleTagBody(t.TagId, t.Code, t.NameZh, t.NameEn, t.Status, t.Kind, t.Coverage, t.LastComputedAt,
                        t.LastAssignedAt, t.Reasons.Select(r => JsonNamingPolicy.CamelCase.ConvertName(r.ToString())).ToList()))
                    .ToList();
            })
            .WithName("ListStaleTags")
            .WithSummary("Active and deprecated tags that nothing uses (unused), no customer carries (zeroCoverage), or whose computation is overdue.");

        group.MapGet("/{code}", async (string code, StudioDbContext db, TimeProvider clock, ClaimsPrincipal user, CancellationToken ct) =>
                await FindTagAsync(db, code, user.ToActor(), ct) is { } id ? Results.Ok(await DetailsAsync(db, clock, id, ct)) : UnknownTag(code))
            .Produces<TagDetails>().ProducesErrors()
            .WithName("GetTag")
            .WithSummary("The tag's card: values, definition (JSON), the change waiting for review if any, coverage, and where it is used.");

        group.MapPost("/", async (TagRequest request, TagService service, StudioDbContext db, TimeProvider clock,
                ClaimsPrincipal user, CancellationToken ct) =>
            {
                var (draft, errors) = await DraftAsync(db, request, null, ct);
                if (errors.Count > 0) return Fail(await WithCoreErrorsAsync(service, errors, null, draft, ct));
                var saved = await service.SaveAsync(null, draft, user.ToActor(), ct);
                if (!saved.Ok) return Fail(saved.Errors);
                var details = await DetailsAsync(db, clock, saved.Tag!.Id, ct);
                return Results.Created($"/api/tags/{details.Code}", new TagSaved(details, Warnings(saved.Warnings), saved.PendingReview));
            })
            .Produces<TagSaved>(StatusCodes.Status201Created).ProducesErrors()
            .WithName("CreateTag")
            .WithSummary("Creates a tag as a draft, validated field by field as in the studio; similar names, codes or identical rules come back as warnings.");

        group.MapPut("/{code}", async (string code, TagRequest request, TagService service, StudioDbContext db, TimeProvider clock,
                ClaimsPrincipal user, CancellationToken ct) =>
            {
                var actor = user.ToActor();
                if (await FindTagAsync(db, code, actor, ct) is not { } id) return UnknownTag(code);
                var current = await db.Tags.AsNoTracking().FirstAsync(t => t.Id == id, ct);
                var (draft, errors) = await DraftAsync(db, request, current, ct);
                if (errors.Count > 0) return Fail(await WithCoreErrorsAsync(service, errors, id, draft, ct));
                var saved = await service.SaveAsync(id, draft, actor, ct);
                if (!saved.Ok) return Fail(saved.Errors);
                return Results.Ok(new TagSaved(await DetailsAsync(db, clock, id, ct), Warnings(saved.Warnings), saved.PendingReview));
            })
            .Produces<TagSaved>().ProducesErrors()
            .WithName("UpdateTag")
            .WithSummary("Saves the whole card (code and category default to the current ones). A draft changes at once; a change to a live tag's rule, values or kind becomes a revision for review (pendingReview) while the current version keeps computing.");

        group.MapDelete("/{code}", async (string code, TagService service, StudioDbContext db, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var actor = user.ToActor();
                if (await FindTagAsync(db, code, actor, ct) is not { } id) return UnknownTag(code);
                var result = await service.DeleteDraftAsync(id, actor, ct);
                return result.Ok ? Results.NoContent() : Fail(result.Errors);
            })
            .Produces(StatusCodes.Status204NoContent).ProducesErrors()
            .WithName("DeleteTag")
            .WithSummary("Deletes a draft that never went live and nothing uses; anything that has been live is deprecated and archived instead (409).");

        group.MapPost("/{code}/move", async (string code, TagMoveRequest request, TagService service, StudioDbContext db, TimeProvider clock,
                ClaimsPrincipal user, CancellationToken ct) =>
            {
                var actor = user.ToActor();
                if (await FindTagAsync(db, code, actor, ct) is not { } id) return UnknownTag(code);
                var errors = new List<ConditionError>();
                var categoryId = await CategoryIdAsync(db, request.CategoryId, request.Category, errors, ct);
                if (categoryId is null && errors.Count == 0) errors.Add(new ConditionError("categoryId", "Required", "categoryId"));
                if (errors.Count > 0) return Fail(errors);
                var moved = await service.MoveTagAsync(id, categoryId!.Value, request.Index, actor, ct);
                return moved.Count > 0 ? Fail(moved) : Results.Ok(await DetailsAsync(db, clock, id, ct));
            })
            .Produces<TagDetails>().ProducesErrors()
            .WithName("MoveTag")
            .WithSummary("Files the tag in a category (categoryId or category code) at a position (index from 0); the user must be allowed to edit both categories.");

        group.MapGet("/{code}/audit", async (string code, StudioDbContext db, ClaimsPrincipal user, CancellationToken ct) =>
            {
                if (await FindTagAsync(db, code, user.ToActor(), ct) is not { } id) return UnknownTag(code);
                var entityId = id.ToString(CultureInfo.InvariantCulture);
                var rows = await db.AuditEntries.AsNoTracking().Where(a => a.EntityType == nameof(Tag) && a.EntityId == entityId)
                    .OrderByDescending(a => a.At).ThenByDescending(a => a.Id).ToListAsync(ct);
                return Results.Ok(rows.Select(a => new AuditRow(a.At, a.UserId, a.UserName, a.Action, Element(a.BeforeJson), Element(a.AfterJson))).ToList());
            })
            .Produces<List<AuditRow>>().ProducesErrors()
            .WithName("GetTagAudit")
            .WithSummary("Every change of the tag, newest first, with who made it and the card before and after.");

        group.MapGet("/{code}/coverage", async (string code, StudioDbContext db, TagAssignments assignments, ClaimsPrincipal user, CancellationToken ct) =>
            {
                if (await FindTagAsync(db, code, user.ToActor(), ct) is not { } id) return UnknownTag(code);
                var points = await db.TagCoverageSnapshots.AsNoTracking().Where(s => s.TagId == id).OrderBy(s => s.At)
                    .Select(s => new CoveragePoint(s.At, s.Customers)).ToListAsync(ct);
                return Results.Ok(new CoverageTrend(await assignments.CoverageAsync(id, ct), points));
            })
            .Produces<CoverageTrend>().ProducesErrors()
            .WithName("GetTagCoverage")
            .WithSummary("How many customers carry the tag now, and its daily coverage trend.");
    }

    // ------------------------------------------------------------------ lifecycle

    private static void MapLifecycle(RouteGroupBuilder group)
    {
        void Action(string action, string summary, Func<TagService, int, string?, Actor, CancellationToken, Task<TagActionResult>> run) =>
            group.MapPost($"/{{code}}/{action}", async (string code, ReviewRequest? body, TagService service, StudioDbContext db,
                    TimeProvider clock, ClaimsPrincipal user, CancellationToken ct) =>
                {
                    var actor = user.ToActor();
                    if (await FindTagAsync(db, code, actor, ct) is not { } id) return UnknownTag(code);
                    var result = await run(service, id, body?.Comment, actor, ct);
                    if (!result.Ok) return Fail(result.Errors);
                    var recompute = result.Recompute is { } r ? new RecomputeSummary(r.Added, r.Removed, r.Changed, r.Coverage, r.Elapsed.TotalMilliseconds) : null;
                    return Results.Ok(new TagActionResponse(await DetailsAsync(db, clock, id, ct), recompute));
                })
                .Produces<TagActionResponse>().ProducesErrors()
                .WithName(char.ToUpperInvariant(action[0]) + action[1..] + "Tag")
                .WithSummary(summary);

        Action("submit", "Puts a draft up for review (the card is checked again and frozen as the revision under review).",
            (s, id, _, actor, ct) => s.SubmitAsync(id, actor, ct));
        Action("withdraw", "Takes a submission back to draft, or drops a live tag's pending change.",
            (s, id, _, actor, ct) => s.WithdrawAsync(id, actor, ct));
        Action("approve", "Governance approves what is under review ({comment} optional): a draft goes live or a pending change becomes the new version; a rule tag is computed at once.",
            (s, id, comment, actor, ct) => s.ApproveAsync(id, comment, actor, ct));
        Action("reject", "Governance turns down what is under review with a {comment} saying why.",
            (s, id, comment, actor, ct) => s.RejectAsync(id, comment, actor, ct));
        Action("reinstate", "Governance makes a deprecated tag active again.",
            (s, id, _, actor, ct) => s.ReinstateAsync(id, actor, ct));
        Action("archive", "Governance archives a deprecated tag, ending its assignments (history kept); refused while live definitions use it.",
            (s, id, _, actor, ct) => s.ArchiveAsync(id, actor, ct));
        Action("recompute", "Recomputes a live rule or predictive tag now.",
            (s, id, _, actor, ct) => s.RecomputeAsync(id, actor, ct));

        group.MapPost("/deprecate", async (DeprecateRequest request, TagService service, StudioDbContext db, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var actor = user.ToActor();
                var codes = request.Codes ?? [];
                if (codes.Count == 0) return Fail([new ConditionError("codes", "Required", "codes")]);
                if (!TagPermissions.CanApprove(actor)) return Fail([new ConditionError("codes", "ApproveNotAllowed", string.Join(", ", codes))]);
                var ids = new Dictionary<int, int>();
                for (var i = 0; i < codes.Count; i++)
                    if (await FindTagAsync(db, codes[i], actor, ct) is { } id) ids[i] = id;
                var results = await service.DeprecateAsync(ids.Values.ToList(), request.Comment, actor, ct);
                var items = codes.Select((code, i) =>
                {
                    IReadOnlyList<ConditionError> errors = ids.TryGetValue(i, out var id)
                        ? results[id].Errors
                        : [new ConditionError($"codes[{i}]", "UnknownTag", code)];
                    return new DeprecateItem(code, errors.Count == 0 ? "deprecated" : "failed", Localize(errors));
                }).ToList();
                return Results.Ok(new DeprecateResult(items.Count(i => i.Errors.Count == 0), items.Count(i => i.Errors.Count > 0), items));
            })
            .Produces<DeprecateResult>().ProducesErrors()
            .WithName("DeprecateTags")
            .WithSummary("Governance deprecates several active tags at once ({codes, comment}); each code gets its own outcome (deprecated or failed with the errors).");
    }

    // ------------------------------------------------------------------ assignments

    private static void MapAssignments(RouteGroupBuilder group)
    {
        group.MapPost("/{code}/assignments", (string code, AssignRequest request, TagAssignments assignments, StudioDbContext db,
                ClaimsPrincipal user, CancellationToken ct) =>
                ChangeAsync(code, request, db, user.ToActor(), ct, (id, target, actor) =>
                    assignments.AssignAsync(id, request.Value, target, actor, request.ExpiresAt?.UtcDateTime, ct: ct)))
            .Produces<AssignResponse>().ProducesErrors()
            .WithName("AssignTag")
            .WithSummary("Tags customers by hand: listed customerIds (at most 10,000; each answered added, changed, unchanged or unknown_customer), a segment's members or a condition's matches. Computed tags cannot be assigned.");

        group.MapPost("/{code}/assignments/remove", (string code, AssignRequest request, TagAssignments assignments, StudioDbContext db,
                ClaimsPrincipal user, CancellationToken ct) =>
                ChangeAsync(code, request, db, user.ToActor(), ct, (id, target, actor) =>
                    assignments.RemoveAsync(id, request.Value, target, actor, ct: ct)))
            .Produces<AssignResponse>().ProducesErrors()
            .WithName("RemoveTagAssignments")
            .WithSummary("Removes the tag (or only one value) from listed customerIds (each answered removed, absent or unknown_customer), a segment's members or a condition's matches.");
    }

    private static async Task<IResult> ChangeAsync(string code, AssignRequest request, StudioDbContext db, Actor actor, CancellationToken ct,
        Func<int, AssignTarget, Actor, Task<AssignResult>> run)
    {
        if (await FindTagAsync(db, code, actor, ct) is not { } id) return UnknownTag(code);
        var targets = (request.CustomerIds is not null ? 1 : 0) + (request.Segment is not null ? 1 : 0) + (Given(request.Condition) ? 1 : 0);
        if (targets == 0) return Fail([new ConditionError("customerIds", "Required", "customerIds | segment | condition")]);
        if (targets > 1)
            return Fail([new ConditionError("customerIds", "OneTarget")], 400);
        AssignTarget target;
        if (request.CustomerIds is { } list)
        {
            if (list.Count > MaxCustomerIds)
                return Fail([new ConditionError("customerIds", "TooManyCustomers", list.Count.ToString(CultureInfo.InvariantCulture),
                    MaxCustomerIds.ToString(CultureInfo.InvariantCulture))], 400);
            target = new AssignTarget.Customers(list);
        }
        else if (request.Segment is { } segment)
        {
            var segmentId = await db.Segments.Where(s => s.Code == segment).Select(s => (int?)s.Id).FirstOrDefaultAsync(ct);
            if (segmentId is null) return Fail([new ConditionError("segment", "UnknownSegment", segment)]);
            target = new AssignTarget.Segment(segmentId.Value);
        }
        else target = new AssignTarget.Condition(request.Condition!.Value.GetRawText());

        var result = await run(id, target, actor);
        if (!result.Ok) return Fail(result.Errors);
        return Results.Ok(new AssignResponse(result.Added, result.Changed, result.Unchanged, result.Removed,
            result.Items.Select(i => new AssignItemBody(i.CustomerId, i.Outcome)).ToList()));
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>Tags the actor may see at all: restricted ones are left out for roles below them.</summary>
    private static IQueryable<Tag> VisibleTags(StudioDbContext db, Actor actor) =>
        TagPermissions.IsHidden(Sensitivity.Restricted, actor)
            ? db.Tags.AsNoTracking().Where(t => t.Sensitivity != Sensitivity.Restricted)
            : db.Tags.AsNoTracking();

    /// <summary>A tag by code, or by numeric id (codes start with a letter, so the two never collide).</summary>
    private static async Task<int?> FindTagAsync(StudioDbContext db, string codeOrId, Actor actor, CancellationToken ct)
    {
        var query = VisibleTags(db, actor);
        query = int.TryParse(codeOrId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? query.Where(t => t.Id == id)
            : query.Where(t => t.Code == codeOrId);
        return await query.Select(t => (int?)t.Id).FirstOrDefaultAsync(ct);
    }

    private static async Task<int?> FindCategoryAsync(StudioDbContext db, string codeOrId, CancellationToken ct)
    {
        var query = db.TagCategories.AsNoTracking();
        query = int.TryParse(codeOrId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? query.Where(c => c.Id == id)
            : query.Where(c => c.Code == codeOrId);
        return await query.Select(c => (int?)c.Id).FirstOrDefaultAsync(ct);
    }

    /// <summary>The category a request names by id or code; an unknown code is an error at <c>category</c>.</summary>
    private static async Task<int?> CategoryIdAsync(StudioDbContext db, int? categoryId, string? category, List<ConditionError> errors, CancellationToken ct)
    {
        if (categoryId is not null || string.IsNullOrWhiteSpace(category)) return categoryId;
        var id = await FindCategoryAsync(db, category, ct);
        if (id is null) errors.Add(new ConditionError("category", "UnknownCategory", category));
        return id;
    }

    private static HashSet<int> Descendants(List<TagCategory> categories, int root)
    {
        var found = new HashSet<int> { root };
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var c in categories)
                if (c.ParentId is { } p && found.Contains(p) && found.Add(c.Id)) grew = true;
        }
        return found;
    }

    private static async Task<Dictionary<int, int>> CoverageAsync(StudioDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.TagAssignments.Where(a => a.ExpiresAt == null || a.ExpiresAt > now)
            .GroupBy(a => a.TagId).Select(g => new { g.Key, Count = g.Select(a => a.CustomerId).Distinct().Count() })
            .ToDictionaryAsync(x => x.Key, x => x.Count, ct);
    }

    /// <summary>The card from the request, with the enum names parsed; a PUT keeps the current code and category when left out.</summary>
    private static async Task<(TagDraft Draft, List<ConditionError> Errors)> DraftAsync(StudioDbContext db, TagRequest r, Tag? current, CancellationToken ct)
    {
        var errors = new List<ConditionError>();
        var categoryId = await CategoryIdAsync(db, r.CategoryId, r.Category, errors, ct) ?? current?.CategoryId;
        if (categoryId is null && errors.Count == 0) errors.Add(new ConditionError("categoryId", "Required", "categoryId"));
        var draft = new TagDraft(
            categoryId ?? 0, r.Code ?? current?.Code ?? "", r.NameZh ?? "", r.NameEn ?? "", r.Description,
            ParseEnum<TagKind>(r.Kind, "kind", errors) ?? TagKind.Manual, r.DataSource,
            ParseEnum<RefreshRule>(r.RefreshRule, "refreshRule", errors) ?? RefreshRule.Manual, r.ValueFormat, r.MultiValued ?? false,
            r.OwnerId, ParseEnum<Sensitivity>(r.Sensitivity, "sensitivity", errors) ?? Sensitivity.Internal, r.ExpiryDays,
            (r.Values ?? []).Select(v => new TagValueDraft(v.Code ?? "", v.NameZh ?? "", v.NameEn ?? "")).ToList(),
            Given(r.Definition) ? r.Definition!.Value.GetRawText() : null);
        return (draft, errors);
    }

    /// <summary>The request's own errors and the card's, so one answer lists them all (an unknown category is reported once).</summary>
    private static async Task<List<ConditionError>> WithCoreErrorsAsync(TagService service, List<ConditionError> errors, int? id, TagDraft draft, CancellationToken ct)
    {
        var core = await service.ValidateAsync(id, draft, ct);
        var categoryReported = errors.Any(e => e.Path is "category" or "categoryId");
        return [.. errors, .. core.Where(e => !(categoryReported && e.Path == "categoryId"))];
    }

    /// <summary>An enum by its name (any case); numbers are not names.</summary>
    private static T? ParseEnum<T>(string? text, string path, List<ConditionError> errors) where T : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (!text.Any(char.IsDigit) && Enum.TryParse<T>(text, true, out var value)) return value;
        errors.Add(new ConditionError(path, "ValueNotAllowed", text,
            string.Join(", ", Enum.GetNames<T>().Select(JsonNamingPolicy.CamelCase.ConvertName))));
        return null;
    }

    private static bool Given(JsonElement? element) => element is { ValueKind: not (JsonValueKind.Undefined or JsonValueKind.Null) };

    private static CategoryDraft CategoryDraft(CategoryRequest r) =>
        new(r.ParentId, r.Code ?? "", r.NameZh ?? "", r.NameEn ?? "", r.EditorRoles is null ? null : string.Join(",", r.EditorRoles));

    private static List<string> Roles(string? roles) =>
        [.. (roles ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static async Task<CategoryNode> CategoryAsync(StudioDbContext db, int id, CancellationToken ct)
    {
        var categories = await db.TagCategories.AsNoTracking().ToListAsync(ct);
        var c = categories.First(x => x.Id == id);
        return new CategoryNode(c.Id, c.Code, c.NameZh, c.NameEn, c.ParentId, c.SortOrder, Roles(c.EditorRoles),
            new TagPermissions(categories).EditorsOf(c.Id), [], []);
    }

    private static async Task<TagDetails> DetailsAsync(StudioDbContext db, TimeProvider clock, int id, CancellationToken ct)
    {
        var t = await db.Tags.AsNoTracking().Include(x => x.Values).FirstAsync(x => x.Id == id, ct);
        var category = await db.TagCategories.AsNoTracking().Where(c => c.Id == t.CategoryId)
            .Select(c => new CategoryRef(c.Id, c.Code, c.NameZh, c.NameEn)).FirstAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var coverage = await db.TagAssignments.Where(a => a.TagId == id && (a.ExpiresAt == null || a.ExpiresAt > now))
            .Select(a => a.CustomerId).Distinct().CountAsync(ct);
        var revision = await db.TagRevisions.AsNoTracking().Where(r => r.TagId == id && r.Status == RevisionStatus.Pending)
            .OrderByDescending(r => r.Id).FirstOrDefaultAsync(ct);
        PendingRevision? pending = null;
        if (revision is not null && JsonSerializer.Deserialize<TagProposal>(revision.DefinitionJson, ProposalJson) is { } p)
            pending = new PendingRevision(revision.Version, revision.SubmittedBy, revision.SubmittedAt, p.Kind, p.MultiValued,
                p.Values.Select(v => new TagValueBody(v.Code, v.NameZh, v.NameEn)).ToList(), Element(p.DefinitionJson));
        var usage = (await DefinitionUsage.OfTagAsync(db, t.Code, ct)).Where(u => !(u.Kind == "tag" && u.Code == t.Code)).ToList();
        return new TagDetails(t.Id, t.Code, t.NameZh, t.NameEn, t.Description, category, t.Kind, t.Status, t.Sensitivity, t.RefreshRule,
            t.DataSource, t.ValueFormat, t.MultiValued, t.OwnerId, t.ExpiryDays, t.Version,
            t.Values.OrderBy(v => v.SortOrder).Select(v => new TagValueBody(v.Code, v.NameZh, v.NameEn)).ToList(),
            Element(t.DefinitionJson), t.SchemaVersion, coverage, pending, usage, t.CreatedAt, t.UpdatedAt, t.ActivatedAt, t.LastComputedAt);
    }

    private static JsonElement? Element(string? json) =>
        string.IsNullOrWhiteSpace(json) ? null : JsonSerializer.Deserialize<JsonElement>(json);

    private static List<TagWarningBody> Warnings(IEnumerable<TagWarning> warnings) =>
        warnings.Select(w => new TagWarningBody(w.Code, w.OtherCode, w.OtherName, w.Message())).ToList();

    private static List<ApiError> Localize(IEnumerable<ConditionError> errors) =>
        errors.Select(e => new ApiError(e.Path, e.Code, e.Message())).ToList();

    /// <summary>
    /// Every error in one body; the status says what kind of refusal it is: 403 the role or category forbids, 404 the
    /// addressed tag or category does not exist, 409 the tag's state or its users stand in the way, 400 otherwise.
    /// </summary>
    private static IResult Fail(IReadOnlyList<ConditionError> errors, int? status = null)
    {
        status ??= errors.Any(e => Forbidden.Contains(e.Code)) ? StatusCodes.Status403Forbidden
            : errors.Any(e => e.Path == "id" && e.Code is "UnknownTag" or "UnknownCategory") ? StatusCodes.Status404NotFound
            : errors.Any(e => Conflicts.Contains(e.Code)) ? StatusCodes.Status409Conflict
            : StatusCodes.Status400BadRequest;
        var list = Localize(errors);
        return Results.Json(new ApiErrors(list[0].Message, status.Value, list), statusCode: status.Value);
    }

    private static IResult UnknownTag(string code) => Fail([new ConditionError("id", "UnknownTag", code)]);

    private static IResult UnknownCategory(string code) => Fail([new ConditionError("id", "UnknownCategory", code)]);

    private static RouteHandlerBuilder ProducesErrors(this RouteHandlerBuilder builder) => builder
        .Produces<ApiErrors>(StatusCodes.Status400BadRequest)
        .Produces<ApiErrors>(StatusCodes.Status403Forbidden)
        .Produces<ApiErrors>(StatusCodes.Status404NotFound)
        .Produces<ApiErrors>(StatusCodes.Status409Conflict);
}
