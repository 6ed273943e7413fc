using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Customers;
using CustomerStudio.Web.Features.Segments;
using CustomerStudio.Web.Security;
using Microsoft.AspNetCore.Authorization;

namespace CustomerStudio.Web.Features.Customers;

/// <summary>
/// What POST and PUT <c>/api/accounts</c> take: <c>kind</c> is company or household; <c>ownerId</c> a studio user's id.
/// PUT replaces every field (an omitted industry, size or owner is cleared).
/// </summary>
public sealed record AccountRequest(string? Name, string? Kind, string? Industry, string? Size, string? OwnerId);

/// <summary>What POST <c>/members</c> takes; <c>role</c> is member (the default), registrant, decisionMaker or user.</summary>
public sealed record AccountMemberRequest(long? CustomerId, string? Role);

/// <summary>What PUT <c>/members/{customerId}</c> takes.</summary>
public sealed record AccountRoleRequest(string? Role);

public sealed record AccountBody(long Id, string Name, AccountKind Kind, string? Industry, string? Size, string? OwnerId, int Members, DateTime CreatedAt)
{
    public static AccountBody Of(AccountSummary a) => new(a.Id, a.Name, a.Kind, a.Industry, a.Size, a.OwnerId, a.Members, a.CreatedAt);
}

public sealed record AccountListBody(IReadOnlyList<AccountBody> Items, int Total);

public sealed record AccountMemberBody(long CustomerId, string? Name, string? Phone, string? Email, AccountRole Role, DateTime JoinedAt);

public sealed record AccountMembersBody(IReadOnlyList<AccountMemberBody> Items, int Total, bool Masked);

/// <summary>An account with its first <see cref="Accounts.MaxPageSize"/> members (page on with <c>/members</c>).</summary>
public sealed record AccountDetailsBody(AccountBody Account, AccountMembersBody Members);

/// <summary>
/// B2B accounts and households over REST. Everyone who reads customers reads them (member names, phones and emails
/// masked without the personal-data right); admins and sales, who edit customers, change them. Every rule and audit
/// entry is the core's (<see cref="Accounts"/>), so the API validates as the studio's pages do.
/// </summary>
public static class AccountsApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private static readonly HashSet<string> Conflicts = ["AccountHasMembers", "AlreadyMember", "DuplicateAccountName", "AlreadyMerged"];

    public static void MapAccountsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/accounts").WithTags("Accounts").RequireAuthorization(Policies.Customers);
        var editors = group.MapGroup("/").RequireAuthorization(p => p.RequireRole(CustomerAccess.EditorRoles));

        group.MapGet("/", async (string? search, string? kind, int? page, int? pageSize, Accounts accounts, CancellationToken ct) =>
            {
                var errors = new List<ConditionError>();
                var kindFilter = ParseKind(kind, errors);
                if (errors.Count > 0) return Fail(errors);
                var result = await accounts.SearchAsync(search, kindFilter, page ?? 0, pageSize ?? 50, ct);
                return Results.Json(new AccountListBody(result.Items.Select(AccountBody.Of).ToList(), result.Total), Json);
            })
            .Produces<AccountListBody>().ProducesErrors()
            .WithName("SearchAccounts")
            .WithSummary("Accounts and households by name (any part, any case) and kind (company, household), by name; page from 0, pageSize 1–200 (50).");

        group.MapGet("/{id:long}", async (long id, Accounts accounts, ClaimsPrincipal user, IAuthorizationService authz, CancellationToken ct) =>
            {
                if (await accounts.GetAsync(id, ct) is not { } account) return Fail([Unknown(id)]);
                var members = await accounts.MembersAsync(id, 0, Accounts.MaxPageSize, ct);
                return Results.Json(new AccountDetailsBody(AccountBody.Of(account), await MembersBodyAsync(members, user, authz)), Json);
            })
            .Produces<AccountDetailsBody>().ProducesErrors()
            .WithName("GetAccount")
            .WithSummary("An account with its members and their roles (registrant, decision maker, user, then members). Personal data is masked without the personal-data right.");

        group.MapGet("/{id:long}/members", async (long id, int? page, int? pageSize, Accounts accounts, ClaimsPrincipal user, IAuthorizationService authz,
                CancellationToken ct) =>
            {
                if (await accounts.GetAsync(id, ct) is null) return Fail([Unknown(id)]);
                var members = await accounts.MembersAsync(id, page ?? 0, pageSize ?? 50, ct);
                return Results.Json(await MembersBodyAsync(members, user, authz), Json);
            })
            .Produces<AccountMembersBody>().ProducesErrors()
            .WithName("ListAccountMembers")
            .WithSummary("An account's members, paged (page from 0, pageSize 1–200, 50).");

        editors.MapPost("/", async (AccountRequest request, Accounts accounts, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var (draft, errors) = await DraftAsync(request, null, accounts, ct);
                if (draft is null) return Fail(errors);
                var result = await accounts.CreateAsync(draft, user.ToActor(), ct);
                return result.Ok
                    ? Results.Json(AccountBody.Of(result.Account!), Json, statusCode: StatusCodes.Status201Created)
                    : Fail(result.Errors);
            })
            .Produces<AccountBody>(StatusCodes.Status201Created).ProducesErrors()
            .WithName("CreateAccount")
            .WithSummary("Creates a company or household (Admin, Sales; audited). A second company of the same name is refused (409); households may share names.");

        editors.MapPut("/{id:long}", async (long id, AccountRequest request, Accounts accounts, ClaimsPrincipal user, CancellationToken ct) =>
            {
                if (await accounts.GetAsync(id, ct) is null) return Fail([Unknown(id)]);
                var (draft, errors) = await DraftAsync(request, id, accounts, ct);
                if (draft is null) return Fail(errors);
                var result = await accounts.UpdateAsync(id, draft, user.ToActor(), ct);
                return result.Ok ? Results.Json(AccountBody.Of(result.Account!), Json) : Fail(result.Errors);
            })
            .Produces<AccountBody>().ProducesErrors()
            .WithName("UpdateAccount")
            .WithSummary("Changes name, kind, industry, size and owner (Admin, Sales; audited when something changed).");

        editors.MapDelete("/{id:long}", async (long id, bool? force, Accounts accounts, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var errors = await accounts.DeleteAsync(id, force ?? false, user.ToActor(), ct);
                return errors.Count > 0 ? Fail(errors) : Results.NoContent();
            })
            .Produces(StatusCodes.Status204NoContent).ProducesErrors()
            .WithName("DeleteAccount")
            .WithSummary("Deletes an account (Admin, Sales). With members it answers 409 unless force=true, which removes the memberships too; " +
                         "the customers stay and the audit entry lists every member and role.");

        editors.MapPost("/{id:long}/members", async (long id, AccountMemberRequest request, Accounts accounts, ClaimsPrincipal user,
                IAuthorizationService authz, CancellationToken ct) =>
            {
                var errors = new List<ConditionError>();
                if (request.CustomerId is null) errors.Add(new ConditionError("customerId", "Required", "customerId"));
                var role = ParseRole(request.Role, errors) ?? AccountRole.Member;
                if (errors.Count > 0) return await accounts.GetAsync(id, ct) is null ? Fail([Unknown(id)]) : Fail(errors);
                var added = await accounts.AddMemberAsync(id, request.CustomerId!.Value, role, user.ToActor(), ct);
                if (added.Count > 0) return Fail(added);
                var member = await MemberAsync(accounts, id, request.CustomerId.Value, user, authz, ct);
                return Results.Json(member, Json, statusCode: StatusCodes.Status201Created);
            })
            .Produces<AccountMemberBody>(StatusCodes.Status201Created).ProducesErrors()
            .WithName("AddAccountMember")
            .WithSummary("Adds a customer to the account with a role (Admin, Sales; audited). A customer already in it answers 409: change the role instead.");

        editors.MapPut("/{id:long}/members/{customerId:long}", async (long id, long customerId, AccountRoleRequest request, Accounts accounts,
                ClaimsPrincipal user, IAuthorizationService authz, CancellationToken ct) =>
            {
                var errors = new List<ConditionError>();
                var role = ParseRole(request.Role, errors);
                if (role is null && errors.Count == 0) errors.Add(new ConditionError("role", "Required", "role"));
                if (errors.Count > 0) return await accounts.GetAsync(id, ct) is null ? Fail([Unknown(id)]) : Fail(errors);
                var changed = await accounts.ChangeRoleAsync(id, customerId, role!.Value, user.ToActor(), ct);
                return changed.Count > 0 ? Fail(changed) : Results.Json(await MemberAsync(accounts, id, customerId, user, authz, ct), Json);
            })
            .Produces<AccountMemberBody>().ProducesErrors()
            .WithName("ChangeAccountMemberRole")
            .WithSummary("Gives a member another role (Admin, Sales; audited).");

        editors.MapDelete("/{id:long}/members/{customerId:long}", async (long id, long customerId, Accounts accounts, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var errors = await accounts.RemoveMemberAsync(id, customerId, user.ToActor(), ct);
                return errors.Count > 0 ? Fail(errors) : Results.NoContent();
            })
            .Produces(StatusCodes.Status204NoContent).ProducesErrors()
            .WithName("RemoveAccountMember")
            .WithSummary("Removes a customer from the account (Admin, Sales; audited); the customer stays.");
    }

    /// <summary>A role by name, any case, with or without underscores (decisionMaker, decision_maker); null when not given.</summary>
    internal static AccountRole? ParseRole(string? text, List<ConditionError> errors)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (!text.Any(char.IsDigit) && Enum.TryParse<AccountRole>(text.Replace("_", ""), true, out var role)) return role;
        errors.Add(new ConditionError("role", "UnknownRole", text, string.Join(", ", Enum.GetNames<AccountRole>().Select(JsonNamingPolicy.CamelCase.ConvertName))));
        return null;
    }

    private static AccountKind? ParseKind(string? text, List<ConditionError> errors)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (!text.Any(char.IsDigit) && Enum.TryParse<AccountKind>(text, true, out var kind)) return kind;
        errors.Add(new ConditionError("kind", "UnknownAccountKind", text, string.Join(", ", Enum.GetNames<AccountKind>().Select(JsonNamingPolicy.CamelCase.ConvertName))));
        return null;
    }

    /// <summary>
    /// The request as a draft; with a missing or unknown kind, that error and the core's about the other fields, so one
    /// answer names them all (checked as a household, which raises no kind-specific error).
    /// </summary>
    private static async Task<(AccountDraft? Draft, List<ConditionError> Errors)> DraftAsync(AccountRequest r, long? id, Accounts accounts, CancellationToken ct)
    {
        var errors = new List<ConditionError>();
        var kind = ParseKind(r.Kind, errors);
        if (kind is null && errors.Count == 0) errors.Add(new ConditionError("kind", "Required", "kind"));
        var draft = new AccountDraft(r.Name, kind ?? AccountKind.Household, r.Industry, r.Size, r.OwnerId);
        if (errors.Count == 0) return (draft, errors);
        errors.AddRange(await accounts.ValidateAsync(id, draft, ct));
        return (null, errors);
    }

    private static async Task<AccountMembersBody> MembersBodyAsync(AccountMemberPage page, ClaimsPrincipal user, IAuthorizationService authz)
    {
        var canSee = (await authz.AuthorizeAsync(user, Policies.PersonalData)).Succeeded;
        return new AccountMembersBody(page.Items.Select(m => MemberBody(m, canSee)).ToList(), page.Total, !canSee);
    }

    private static async Task<AccountMemberBody?> MemberAsync(Accounts accounts, long id, long customerId, ClaimsPrincipal user, IAuthorizationService authz,
        CancellationToken ct)
    {
        var canSee = (await authz.AuthorizeAsync(user, Policies.PersonalData)).Succeeded;
        return await accounts.MemberAsync(id, customerId, ct) is { } member ? MemberBody(member, canSee) : null;
    }

    private static AccountMemberBody MemberBody(AccountMemberRow m, bool canSee) => new(m.CustomerId, PersonalDataMask.Name(m.Name, canSee),
        PersonalDataMask.Phone(m.Phone, canSee), PersonalDataMask.Email(m.Email, canSee), m.Role, m.JoinedAt);

    private static ConditionError Unknown(long id) => new("id", "UnknownAccount", id.ToString(CultureInfo.InvariantCulture));

    /// <summary>An unknown account, or a customer who is not a member of it, is 404; duplicates and deleting a non-empty account 409; the rest 400.</summary>
    private static IResult Fail(IReadOnlyList<ConditionError> errors)
    {
        var status = errors.Any(e => e.Code is "UnknownAccount" && e.Path == "id" || e.Code is "NotAMember") ? StatusCodes.Status404NotFound
            : errors.Any(e => Conflicts.Contains(e.Code)) ? StatusCodes.Status409Conflict
            : StatusCodes.Status400BadRequest;
        var list = errors.Select(e => new ApiError(e.Path, e.Code, e.Message())).ToList();
        return Results.Json(new ApiErrors(list[0].Message, status, list), statusCode: status);
    }

    private static RouteHandlerBuilder ProducesErrors(this RouteHandlerBuilder builder) => builder
        .Produces<ApiErrors>(StatusCodes.Status400BadRequest)
        .Produces<ApiErrors>(StatusCodes.Status404NotFound)
        .Produces<ApiErrors>(StatusCodes.Status409Conflict);
}
