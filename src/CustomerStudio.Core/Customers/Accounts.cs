using System.Globalization;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Core.Customers;

/// <summary>What a user submits for an account or household.</summary>
public sealed record AccountDraft(string? Name, AccountKind Kind, string? Industry = null, string? Size = null, string? OwnerId = null);

/// <summary>One account of a list, with how many customers belong to it.</summary>
public sealed record AccountSummary(long Id, string Name, AccountKind Kind, string? Industry, string? Size, string? OwnerId, int Members, DateTime CreatedAt);

public sealed record AccountPage(IReadOnlyList<AccountSummary> Items, int Total);

/// <summary>A member with the customer's name and contact details (the caller masks them for roles without the right).</summary>
public sealed record AccountMemberRow(long CustomerId, string? Name, string? Phone, string? Email, AccountRole Role, DateTime JoinedAt);

public sealed record AccountMemberPage(IReadOnlyList<AccountMemberRow> Items, int Total);

/// <summary>The outcome of a change: the account as it is now, or why nothing changed.</summary>
public sealed record AccountResult(AccountSummary? Account, IReadOnlyList<ConditionError> Errors)
{
    public bool Ok => Account is not null && Errors.Count == 0;
}

/// <summary>
/// B2B accounts and households: the customer-facing unit that several customers belong to, each with a role (in the
/// education example the household is the customer; parent registrant, decision maker and the child who uses the
/// product are its members). A customer may belong to several accounts, once each. Every change is validated (errors
/// name the field, localized from ConditionMessages like every other definition error) and audited on the account.
/// Deleting an account with members is refused unless forced; a forced delete removes the memberships, never the
/// customers, and the audit entry keeps every member and role.
/// </summary>
public sealed class Accounts(StudioDbContext db, TimeProvider clock)
{
    public const int MaxPageSize = 200;
    private const int NameLength = 200;
    private const int CodeLength = 64;

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>Accounts by name (a part of it, any case) and kind, by name then id, paged in the database.</summary>
    public async Task<AccountPage> SearchAsync(string? search, AccountKind? kind, int page, int pageSize, CancellationToken ct = default)
    {
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        page = Math.Max(page, 0);
        var query = db.Accounts.AsNoTracking();
        if (kind is { } k) query = query.Where(a => a.Kind == k);
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim().ToLower(CultureInfo.InvariantCulture);
            query = query.Where(a => a.Name.ToLower().Contains(term));
        }
        var total = await query.CountAsync(ct);
        var items = await Summaries(query.OrderBy(a => a.Name).ThenBy(a => a.Id).Skip(page * pageSize).Take(pageSize)).ToListAsync(ct);
        return new AccountPage(items, total);
    }

    public Task<AccountSummary?> GetAsync(long id, CancellationToken ct = default) =>
        Summaries(db.Accounts.AsNoTracking().Where(a => a.Id == id)).FirstOrDefaultAsync(ct);

    /// <summary>Members by role (registrant, decision maker, user, then plain members), then by when they joined.</summary>
    public async Task<AccountMemberPage> MembersAsync(long accountId, int page = 0, int pageSize = MaxPageSize, CancellationToken ct = default)
    {
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        page = Math.Max(page, 0);
        var members = db.AccountMembers.AsNoTracking().Where(m => m.AccountId == accountId);
        var total = await members.CountAsync(ct);
        var items = await Rows(members
                .OrderBy(m => m.Role == AccountRole.Member ? 9 : (int)m.Role).ThenBy(m => m.JoinedAt).ThenBy(m => m.CustomerId)
                .Skip(page * pageSize).Take(pageSize))
            .ToListAsync(ct);
        return new AccountMemberPage(items, total);
    }

    public Task<AccountMemberRow?> MemberAsync(long accountId, long customerId, CancellationToken ct = default) =>
        Rows(db.AccountMembers.AsNoTracking().Where(m => m.AccountId == accountId && m.CustomerId == customerId)).FirstOrDefaultAsync(ct);

    private IQueryable<AccountMemberRow> Rows(IQueryable<AccountMember> members) =>
        from m in members
        join c in db.Customers on m.CustomerId equals c.Id
        select new AccountMemberRow(c.Id, c.Name, c.Phone, c.Email, m.Role, m.JoinedAt);

    public async Task<AccountResult> CreateAsync(AccountDraft draft, Actor actor, CancellationToken ct = default)
    {
        var errors = await ValidateAsync(null, draft, ct);
        if (errors.Count > 0) return new AccountResult(null, errors);
        var account = new Account { CreatedAt = Now };
        Apply(account, draft);
        db.Accounts.Add(account);
        await db.SaveChangesAsync(ct);
        AuditLog.Record(db, actor, nameof(Account), Key(account.Id), "created", null, Snapshot(account), Now);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return new AccountResult(await GetAsync(account.Id, ct), []);
    }

    /// <summary>Changes name, kind, industry, size and owner; an unchanged save writes no audit entry.</summary>
    public async Task<AccountResult> UpdateAsync(long id, AccountDraft draft, Actor actor, CancellationToken ct = default)
    {
        var account = await db.Accounts.FirstOrDefaultAsync(a => a.Id == id, ct);
        if (account is null) return new AccountResult(null, [Unknown(id)]);
        var errors = await ValidateAsync(id, draft, ct);
        if (errors.Count > 0) return new AccountResult(null, errors);
        var before = Snapshot(account);
        Apply(account, draft);
        var after = Snapshot(account);
        if (before != after)
        {
            AuditLog.Record(db, actor, nameof(Account), Key(id), "updated", before, after, Now);
            await db.SaveChangesAsync(ct);
        }
        db.ChangeTracker.Clear();
        return new AccountResult(await GetAsync(id, ct), []);
    }

    /// <summary>
    /// Deletes an account. With members it is refused (<c>AccountHasMembers</c>) unless <paramref name="force"/>: then the
    /// memberships go with it (the customers stay) and the audit entry lists every member and role.
    /// </summary>
    public async Task<IReadOnlyList<ConditionError>> DeleteAsync(long id, bool force, Actor actor, CancellationToken ct = default)
    {
        var account = await db.Accounts.FirstOrDefaultAsync(a => a.Id == id, ct);
        if (account is null) return [Unknown(id)];
        var members = await db.AccountMembers.AsNoTracking().Where(m => m.AccountId == id).OrderBy(m => m.CustomerId)
            .Select(m => new { m.CustomerId, m.Role, m.JoinedAt }).ToListAsync(ct);
        if (members.Count > 0 && !force)
            return [new ConditionError("id", "AccountHasMembers", account.Name, members.Count.ToString(CultureInfo.InvariantCulture))];

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.AccountMembers.Where(m => m.AccountId == id).ExecuteDeleteAsync(ct);
        db.Accounts.Remove(account);
        AuditLog.Record(db, actor, nameof(Account), Key(id), "deleted",
            new { Account = Snapshot(account), Members = members.Select(m => new MemberSnapshot(m.CustomerId, m.Role, m.JoinedAt)).ToList() }, null, Now);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return [];
    }

    public async Task<IReadOnlyList<ConditionError>> AddMemberAsync(long accountId, long customerId, AccountRole role, Actor actor, CancellationToken ct = default)
    {
        var account = await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == accountId, ct);
        if (account is null) return [Unknown(accountId)];
        var errors = new List<ConditionError>();
        if (!Enum.IsDefined(role)) errors.Add(UnknownRole(role));
        var customer = await db.Customers.AsNoTracking().Where(c => c.Id == customerId).Select(c => new { c.MergedIntoId }).FirstOrDefaultAsync(ct);
        if (customer is null) errors.Add(new ConditionError("customerId", "UnknownCustomer", Key(customerId)));
        else if (customer.MergedIntoId is { } survivor) errors.Add(new ConditionError("customerId", "AlreadyMerged", Key(customerId), Key(survivor)));
        else if (await db.AccountMembers.AnyAsync(m => m.AccountId == accountId && m.CustomerId == customerId, ct))
            errors.Add(new ConditionError("customerId", "AlreadyMember", Key(customerId), account.Name));
        if (errors.Count > 0) return errors;

        var member = new AccountMember { AccountId = accountId, CustomerId = customerId, Role = role, JoinedAt = Now };
        db.AccountMembers.Add(member);
        AuditLog.Record(db, actor, nameof(Account), Key(accountId), "member_added", null, new MemberSnapshot(customerId, role, member.JoinedAt), Now);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            // Added by someone else in the meantime; anything else is not ours to explain.
            if (await db.AccountMembers.AnyAsync(m => m.AccountId == accountId && m.CustomerId == customerId, ct))
                return [new ConditionError("customerId", "AlreadyMember", Key(customerId), account.Name)];
            throw;
        }
        db.ChangeTracker.Clear();
        return [];
    }

    /// <summary>Gives a member another role; the same role changes nothing and writes no audit entry.</summary>
    public async Task<IReadOnlyList<ConditionError>> ChangeRoleAsync(long accountId, long customerId, AccountRole role, Actor actor, CancellationToken ct = default)
    {
        var (account, member, errors) = await FindMemberAsync(accountId, customerId, ct);
        if (errors.Count > 0) return errors;
        if (!Enum.IsDefined(role)) return [UnknownRole(role)];
        if (member!.Role == role) return [];
        var before = new MemberSnapshot(customerId, member.Role, member.JoinedAt);
        member.Role = role;
        AuditLog.Record(db, actor, nameof(Account), Key(account!.Id), "member_role_changed", before, before with { Role = role.ToString() }, Now);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return [];
    }

    public async Task<IReadOnlyList<ConditionError>> RemoveMemberAsync(long accountId, long customerId, Actor actor, CancellationToken ct = default)
    {
        var (account, member, errors) = await FindMemberAsync(accountId, customerId, ct);
        if (errors.Count > 0) return errors;
        db.AccountMembers.Remove(member!);
        AuditLog.Record(db, actor, nameof(Account), Key(account!.Id), "member_removed", new MemberSnapshot(customerId, member!.Role, member.JoinedAt), null, Now);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return [];
    }

    private async Task<(Account? Account, AccountMember? Member, List<ConditionError> Errors)> FindMemberAsync(long accountId, long customerId, CancellationToken ct)
    {
        var account = await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == accountId, ct);
        if (account is null) return (null, null, [Unknown(accountId)]);
        var member = await db.AccountMembers.FirstOrDefaultAsync(m => m.AccountId == accountId && m.CustomerId == customerId, ct);
        return member is null
            ? (account, null, [new ConditionError("customerId", "NotAMember", Key(customerId), account.Name)])
            : (account, member, []);
    }

    /// <summary>
    /// Name required (≤ 200), industry and size ≤ 64, a kind that exists, an owner who is a studio user, and no second
    /// company of the same name (households may share one: many families are "王家").
    /// </summary>
    public async Task<List<ConditionError>> ValidateAsync(long? id, AccountDraft draft, CancellationToken ct = default)
    {
        var errors = new List<ConditionError>();
        var name = Trimmed(draft.Name);
        if (name is null) errors.Add(new ConditionError("name", "Required", "name"));
        else if (name.Length > NameLength) errors.Add(TooLong("name", NameLength));
        if (!Enum.IsDefined(draft.Kind))
            errors.Add(new ConditionError("kind", "UnknownAccountKind", ((int)draft.Kind).ToString(CultureInfo.InvariantCulture), "company, household"));
        if (Trimmed(draft.Industry)?.Length > CodeLength) errors.Add(TooLong("industry", CodeLength));
        if (Trimmed(draft.Size)?.Length > CodeLength) errors.Add(TooLong("size", CodeLength));
        if (Trimmed(draft.OwnerId) is { } owner && !await db.Users.AnyAsync(u => u.Id == owner, ct))
            errors.Add(new ConditionError("ownerId", "UnknownUser", owner));
        if (name is not null && draft.Kind == AccountKind.Company
            && await db.Accounts.AsNoTracking().Where(a => a.Kind == AccountKind.Company && a.Name == name && a.Id != (id ?? 0))
                .Select(a => (long?)a.Id).FirstOrDefaultAsync(ct) is { } other)
            errors.Add(new ConditionError("name", "DuplicateAccountName", name, Key(other)));
        return errors;
    }

    private static void Apply(Account account, AccountDraft draft)
    {
        account.Name = Trimmed(draft.Name)!;
        account.Kind = draft.Kind;
        account.Industry = Industries.Code(draft.Industry);
        account.Size = Trimmed(draft.Size);
        account.OwnerId = Trimmed(draft.OwnerId);
    }

    private static IQueryable<AccountSummary> Summaries(IQueryable<Account> accounts) =>
        accounts.Select(a => new AccountSummary(a.Id, a.Name, a.Kind, a.Industry, a.Size, a.OwnerId, a.Members.Count, a.CreatedAt));

    private static AccountSnapshot Snapshot(Account a) => new(a.Name, a.Kind.ToString(), a.Industry, a.Size, a.OwnerId);

    private sealed record AccountSnapshot(string Name, string Kind, string? Industry, string? Size, string? OwnerId);

    /// <summary>A membership as the audit keeps it (the role by name, not its number).</summary>
    private sealed record MemberSnapshot(long CustomerId, string Role, DateTime JoinedAt)
    {
        public MemberSnapshot(long customerId, AccountRole role, DateTime joinedAt) : this(customerId, role.ToString(), joinedAt) { }
    }

    private static string? Trimmed(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static string Key(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static ConditionError Unknown(long id) => new("id", "UnknownAccount", Key(id));

    private static ConditionError UnknownRole(AccountRole role) =>
        new("role", "UnknownRole", ((int)role).ToString(CultureInfo.InvariantCulture), string.Join(", ", ConditionOperators.AccountRoles));

    private static ConditionError TooLong(string path, int max) => new(path, "TooLong", path, max.ToString(CultureInfo.InvariantCulture));
}
