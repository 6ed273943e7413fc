using System.Globalization;
using System.Text.Json;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Security;
using CustomerStudio.Core.Workspace;
using CustomerStudio.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Tests.Customers;

public sealed class AccountsTests
{
    private static readonly DateTime Now = new(2026, 6, 15, 4, 0, 0, DateTimeKind.Utc);
    private static readonly Actor Sales = new("u-sales", "sales@customerstudio.local") { Roles = [StudioRoles.Sales] };

    private sealed class Clock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => Now;
    }

    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.PostgreSql];

    /// <summary>The education example's family: the parent who registers, the one who decides, the child who uses the product.</summary>
    private sealed record Family(long Mother, long Father, long Child, long Neighbour);

    private static async Task<Family> SeedAsync(StudioDbContext db)
    {
        db.WorkspaceSettings.Add(new WorkspaceSettings { TimeZone = "Asia/Shanghai" });
        db.Users.Add(new StudioUser { Id = "u-sales", UserName = "sales@customerstudio.local", Email = "sales@customerstudio.local", DisplayName = "销售" });
        var mother = new Customer { Name = "李芳", Phone = "+8613800000001", CreatedAt = Now, UpdatedAt = Now };
        var father = new Customer { Name = "王强", CreatedAt = Now, UpdatedAt = Now };
        var child = new Customer { Name = "王乐乐", CreatedAt = Now, UpdatedAt = Now };
        var neighbour = new Customer { Name = "赵敏", CreatedAt = Now, UpdatedAt = Now };
        db.Customers.AddRange(mother, father, child, neighbour);
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
        return new Family(mother.Id, father.Id, child.Id, neighbour.Id);
    }

    private static async Task<List<AuditEntry>> AuditAsync(StudioDbContext db, long accountId)
    {
        var key = accountId.ToString(CultureInfo.InvariantCulture);
        return await db.AuditEntries.AsNoTracking().Where(a => a.EntityType == nameof(Account) && a.EntityId == key).OrderBy(a => a.Id).ToListAsync();
    }

    private static string Codes(IEnumerable<ConditionError> errors) => string.Join(" ", errors.Select(e => $"{e.Path}:{e.Code}"));

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Accounts_are_validated_field_by_field_created_updated_and_audited(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.CreateContext();
        await SeedAsync(db);
        var accounts = new Accounts(db, new Clock());

        var bad = await accounts.CreateAsync(new AccountDraft("  ", AccountKind.Company, new string('x', 65), null, "nobody"), Sales);
        Assert.False(bad.Ok);
        Assert.Equal("name:Required industry:TooLong ownerId:UnknownUser", Codes(bad.Errors));
        Assert.Equal("缺少必填项“name”", bad.Errors[0].Message(new CultureInfo("zh-CN")));
        Assert.Equal("\"industry\" is longer than 64 characters", bad.Errors[1].Message(new CultureInfo("en")));
        Assert.Equal("kind:UnknownAccountKind", Codes((await accounts.CreateAsync(new AccountDraft("X", (AccountKind)7), Sales)).Errors));

        var created = await accounts.CreateAsync(new AccountDraft(" 明远科技 ", AccountKind.Company, "教育", "50-199", "u-sales"), Sales);
        Assert.True(created.Ok);
        var company = created.Account!;
        // An industry typed by its name is kept as its code (shown by name in either language).
        Assert.Equal(("明远科技", AccountKind.Company, "education", "50-199", "u-sales", 0), (company.Name, company.Kind, company.Industry, company.Size, company.OwnerId, company.Members));

        // A second company of the same name is refused; families often share a name.
        var twin = await accounts.CreateAsync(new AccountDraft("明远科技", AccountKind.Company), Sales);
        Assert.Equal("name:DuplicateAccountName", Codes(twin.Errors));
        Assert.Contains(company.Id.ToString(CultureInfo.InvariantCulture), twin.Errors[0].Message(new CultureInfo("en")));
        Assert.True((await accounts.CreateAsync(new AccountDraft("王家", AccountKind.Household), Sales)).Ok);
        Assert.True((await accounts.CreateAsync(new AccountDraft("王家", AccountKind.Household), Sales)).Ok);

        var updated = await accounts.UpdateAsync(company.Id, new AccountDraft("明远教育科技", AccountKind.Company, "教育", "200-999", null), Sales);
        Assert.True(updated.Ok);
        Assert.Equal(("明远教育科技", "200-999", (string?)null), (updated.Account!.Name, updated.Account.Size, updated.Account.OwnerId));
        // The same values again change nothing and write nothing.
        Assert.True((await accounts.UpdateAsync(company.Id, new AccountDraft("明远教育科技", AccountKind.Company, "教育", "200-999"), Sales)).Ok);
        Assert.Equal("id:UnknownAccount", Codes((await accounts.UpdateAsync(987654, new AccountDraft("x", AccountKind.Company), Sales)).Errors));

        var audit = await AuditAsync(db, company.Id);
        Assert.Equal(["created", "updated"], audit.Select(a => a.Action));
        Assert.All(audit, a => Assert.Equal(("u-sales", "sales@customerstudio.local"), (a.UserId, a.UserName)));
        Assert.Null(audit[0].BeforeJson);
        var before = JsonDocument.Parse(audit[1].BeforeJson!).RootElement;
        var after = JsonDocument.Parse(audit[1].AfterJson!).RootElement;
        Assert.Equal(("明远科技", "u-sales", "Company"), (before.GetProperty("Name").GetString(), before.GetProperty("OwnerId").GetString(), before.GetProperty("Kind").GetString()));
        Assert.Equal(("明远教育科技", JsonValueKind.Null), (after.GetProperty("Name").GetString(), after.GetProperty("OwnerId").ValueKind));

        var page = await accounts.SearchAsync("王", AccountKind.Household, 0, 1);
        Assert.Equal(2, page.Total);
        Assert.Single(page.Items);
        Assert.Equal(["明远教育科技"], (await accounts.SearchAsync("明远", null, 0, 50)).Items.Select(a => a.Name));
        Assert.Empty((await accounts.SearchAsync("明远", AccountKind.Household, 0, 50)).Items);
        Assert.Equal(3, (await accounts.SearchAsync(null, null, 0, 50)).Total);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_household_has_members_with_roles_and_a_customer_may_belong_to_several_accounts(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.CreateContext();
        var f = await SeedAsync(db);
        var accounts = new Accounts(db, new Clock());
        var household = (await accounts.CreateAsync(new AccountDraft("王家", AccountKind.Household), Sales)).Account!;
        var school = (await accounts.CreateAsync(new AccountDraft("启明学校", AccountKind.Company, "教育"), Sales)).Account!;

        Assert.Empty(await accounts.AddMemberAsync(household.Id, f.Child, AccountRole.User, Sales));
        Assert.Empty(await accounts.AddMemberAsync(household.Id, f.Mother, AccountRole.Registrant, Sales));
        Assert.Empty(await accounts.AddMemberAsync(household.Id, f.Father, AccountRole.DecisionMaker, Sales));
        Assert.Empty(await accounts.AddMemberAsync(school.Id, f.Mother, AccountRole.Member, Sales));

        // Registrant, decision maker, user; plain members last.
        var members = await accounts.MembersAsync(household.Id);
        Assert.Equal(3, members.Total);
        Assert.Equal([(f.Mother, AccountRole.Registrant), (f.Father, AccountRole.DecisionMaker), (f.Child, AccountRole.User)],
            members.Items.Select(m => (m.CustomerId, m.Role)));
        Assert.Equal("李芳", members.Items[0].Name);
        Assert.Equal(3, (await accounts.GetAsync(household.Id))!.Members);
        Assert.Equal([household.Id, school.Id], await db.AccountMembers.Where(m => m.CustomerId == f.Mother).Select(m => m.AccountId).OrderBy(x => x).ToListAsync());

        // What cannot be added, each naming the field.
        Assert.Equal("customerId:AlreadyMember", Codes(await accounts.AddMemberAsync(household.Id, f.Child, AccountRole.Member, Sales)));
        Assert.Equal("customerId:UnknownCustomer", Codes(await accounts.AddMemberAsync(household.Id, 987654, AccountRole.Member, Sales)));
        Assert.Equal("id:UnknownAccount", Codes(await accounts.AddMemberAsync(987654, f.Child, AccountRole.Member, Sales)));
        Assert.Equal("role:UnknownRole", Codes(await accounts.AddMemberAsync(household.Id, f.Neighbour, (AccountRole)9, Sales)));
        await db.Customers.Where(c => c.Id == f.Neighbour).ExecuteUpdateAsync(u => u.SetProperty(c => c.MergedIntoId, f.Mother));
        Assert.Equal("customerId:AlreadyMerged", Codes(await accounts.AddMemberAsync(household.Id, f.Neighbour, AccountRole.Member, Sales)));

        Assert.Empty(await accounts.ChangeRoleAsync(household.Id, f.Father, AccountRole.Registrant, Sales));
        Assert.Empty(await accounts.ChangeRoleAsync(household.Id, f.Father, AccountRole.Registrant, Sales));
        Assert.Equal("customerId:NotAMember", Codes(await accounts.ChangeRoleAsync(school.Id, f.Child, AccountRole.User, Sales)));
        Assert.Empty(await accounts.RemoveMemberAsync(household.Id, f.Child, Sales));
        Assert.Equal("customerId:NotAMember", Codes(await accounts.RemoveMemberAsync(household.Id, f.Child, Sales)));
        Assert.Equal([(f.Mother, AccountRole.Registrant), (f.Father, AccountRole.Registrant)], (await accounts.MembersAsync(household.Id)).Items.Select(m => (m.CustomerId, m.Role)));

        var audit = await AuditAsync(db, household.Id);
        Assert.Equal(["created", "member_added", "member_added", "member_added", "member_role_changed", "member_removed"], audit.Select(a => a.Action));
        var change = audit[4];
        Assert.Equal("DecisionMaker", JsonDocument.Parse(change.BeforeJson!).RootElement.GetProperty("Role").GetString());
        Assert.Equal("Registrant", JsonDocument.Parse(change.AfterJson!).RootElement.GetProperty("Role").GetString());
        Assert.Equal(f.Child, JsonDocument.Parse(audit[5].BeforeJson!).RootElement.GetProperty("CustomerId").GetInt64());

        // Conditions and the profile read what the service wrote.
        var registrants = await Audience.CompileAsync(db, """{"account":"member","kind":"household","roles":["registrant"]}""", Now);
        Assert.Equal(new[] { f.Mother, f.Father }.Order(), (await Audience.Query(db, registrants.Require()).Select(c => c.Id).ToListAsync()).Order());
        var profile = await new CustomerProfile(db, new Clock()).SummaryAsync(f.Mother, Sales, true);
        Assert.Equal(["启明学校", "王家", "王家"], profile!.Household.Select(m => m.AccountName).Order());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task An_account_with_members_is_deleted_only_when_forced_and_its_customers_stay(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.CreateContext();
        var f = await SeedAsync(db);
        var accounts = new Accounts(db, new Clock());
        var household = (await accounts.CreateAsync(new AccountDraft("王家", AccountKind.Household), Sales)).Account!;
        var empty = (await accounts.CreateAsync(new AccountDraft("空账户", AccountKind.Company), Sales)).Account!;
        await accounts.AddMemberAsync(household.Id, f.Mother, AccountRole.Registrant, Sales);
        await accounts.AddMemberAsync(household.Id, f.Child, AccountRole.User, Sales);

        var refused = await accounts.DeleteAsync(household.Id, false, Sales);
        Assert.Equal("id:AccountHasMembers", Codes(refused));
        Assert.Contains("2", refused[0].Message(new CultureInfo("en")));
        Assert.True(await db.Accounts.AnyAsync(a => a.Id == household.Id));

        Assert.Empty(await accounts.DeleteAsync(empty.Id, false, Sales));
        Assert.Empty(await accounts.DeleteAsync(household.Id, true, Sales));
        Assert.False(await db.Accounts.AnyAsync());
        Assert.False(await db.AccountMembers.AnyAsync());
        Assert.Equal(4, await db.Customers.CountAsync());
        Assert.Equal("id:UnknownAccount", Codes(await accounts.DeleteAsync(household.Id, true, Sales)));

        var deleted = (await AuditAsync(db, household.Id)).Last();
        Assert.Equal("deleted", deleted.Action);
        Assert.Null(deleted.AfterJson);
        var snapshot = JsonDocument.Parse(deleted.BeforeJson!).RootElement;
        Assert.Equal("王家", snapshot.GetProperty("Account").GetProperty("Name").GetString());
        Assert.Equal([(f.Mother, "Registrant"), (f.Child, "User")],
            snapshot.GetProperty("Members").EnumerateArray().Select(m => (m.GetProperty("CustomerId").GetInt64(), m.GetProperty("Role").GetString()!)).OrderBy(m => m.Item1));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Merging_two_members_of_the_same_account_leaves_one_membership_with_the_survivors_role(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.CreateContext();
        var f = await SeedAsync(db);
        var accounts = new Accounts(db, new Clock());
        var household = (await accounts.CreateAsync(new AccountDraft("王家", AccountKind.Household), Sales)).Account!;
        var school = (await accounts.CreateAsync(new AccountDraft("启明学校", AccountKind.Company), Sales)).Account!;
        await accounts.AddMemberAsync(household.Id, f.Mother, AccountRole.Registrant, Sales);
        await accounts.AddMemberAsync(household.Id, f.Neighbour, AccountRole.DecisionMaker, Sales);
        await accounts.AddMemberAsync(school.Id, f.Neighbour, AccountRole.User, Sales);

        var (result, errors) = await new CustomerMerge(db, new Clock()).MergeAsync(f.Mother, f.Neighbour, Sales, "same person");
        Assert.Empty(errors);
        Assert.NotNull(result);

        var memberships = await db.AccountMembers.AsNoTracking().OrderBy(m => m.AccountId).Select(m => new { m.AccountId, m.CustomerId, m.Role }).ToListAsync();
        Assert.Equal([(household.Id, f.Mother, AccountRole.Registrant), (school.Id, f.Mother, AccountRole.User)],
            memberships.Select(m => (m.AccountId, m.CustomerId, m.Role)));
        Assert.Equal(1, (await accounts.GetAsync(household.Id))!.Members);
    }
}
