using Bunit;
using CustomerStudio.Core.Customers;
using CustomerStudio.Web.Features.Customers;
using CustomerStudio.Web.Features.Customers.Profile;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CustomerStudio.Tests.Web;

/// <summary>The accounts list, the account form, an account's members and the profile's household tab, on <see cref="ProfileWorld"/>'s 王家.</summary>
public class AccountsPageTests : ProfileTestBase
{
    private async Task<long> HouseholdAsync()
    {
        await using var db = Db();
        return await db.Accounts.Where(a => a.Name == "王家").Select(a => a.Id).SingleAsync();
    }

    private static Task ChooseAsync<T>(IRenderedComponent<IComponent> cut, string testId, T value) =>
        cut.InvokeAsync(() => cut.FindComponents<MudSelect<T>>().Single(s => Equals(s.Instance.UserAttributes.GetValueOrDefault("data-testid"), testId))
            .Instance.SelectOption(value));

    [Fact]
    public async Task The_list_filters_by_kind_and_name_and_a_new_household_needs_a_name_then_opens()
    {
        await StartAsync(ProfileWorld.Sales);
        await using (var db = Db())
        {
            db.Accounts.Add(new Account { Name = "明远科技", Kind = AccountKind.Company, Industry = "教育", CreatedAt = Now });
            await db.SaveChangesAsync();
        }
        var cut = Render<AccountsPage>();
        cut.WaitForAssertion(() => Assert.Equal(["明远科技", "王家"], cut.FindAll("[data-testid=account-link]").Select(a => a.TextContent.Trim()).Order()), Wait);
        Assert.Equal("3", cut.FindAll("[data-testid=account-members]").Single(m => m.GetAttribute("data-count") != "0").GetAttribute("data-count"));

        await ChooseAsync<AccountKind?>(cut, "account-kind-filter", AccountKind.Household);
        cut.WaitForAssertion(() => Assert.Equal(["王家"], cut.FindAll("[data-testid=account-link]").Select(a => a.TextContent.Trim())), Wait);
        await ChooseAsync<AccountKind?>(cut, "account-kind-filter", null);
        await cut.InvokeAsync(() => cut.Find("input[data-testid=account-search]").Input("明远"));
        cut.WaitForAssertion(() => Assert.Equal(["明远科技"], cut.FindAll("[data-testid=account-link]").Select(a => a.TextContent.Trim())), Wait);

        await cut.InvokeAsync(() => cut.Find("[data-testid=account-new]").Click());
        var dialogs = Dialogs!;
        dialogs.WaitForAssertion(() => Assert.NotNull(dialogs.Find("input[data-testid=account-name]")), Wait);
        await dialogs.InvokeAsync(() => dialogs.Find("[data-testid=account-save]").Click());
        dialogs.WaitForAssertion(() => Assert.Contains("name", dialogs.Find("[data-testid=account-dialog] .mud-input-helper-text.mud-input-error, [data-testid=account-dialog] .mud-input-error").TextContent), Wait);

        await dialogs.InvokeAsync(() => dialogs.Find("input[data-testid=account-name]").Input("李家"));
        await dialogs.InvokeAsync(() => dialogs.Find("input[data-testid=account-industry]").Change("教育"));
        await dialogs.InvokeAsync(() => dialogs.Find("[data-testid=account-save]").Click());
        var navigation = Services.GetRequiredService<NavigationManager>();
        await using var check = Db();
        cut.WaitForAssertion(() => Assert.Matches(@"/accounts/\d+$", navigation.Uri), Wait);
        var created = await check.Accounts.AsNoTracking().SingleAsync(a => a.Name == "李家");
        Assert.Equal((AccountKind.Household, "education"), (created.Kind, created.Industry));
        Assert.EndsWith($"/accounts/{created.Id}", navigation.Uri);
        Assert.True(await check.AuditEntries.AnyAsync(e => e.EntityType == "Account" && e.EntityId == created.Id.ToString() && e.Action == "created" && e.UserId == "u-sales"));
    }

    [Fact]
    public async Task An_editor_changes_roles_adds_a_customer_found_by_name_and_removes_a_member()
    {
        await StartAsync(ProfileWorld.Sales);
        var household = await HouseholdAsync();
        var cut = Render<AccountDetailsPage>(p => p.Add(c => c.Id, household));
        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=account-member]").Count), Wait);
        Assert.Equal("王家", cut.Find("[data-testid=account-title]").TextContent.Trim());
        Assert.Equal([(Ids.Main, "Registrant"), (Ids.Spouse, "DecisionMaker"), (Ids.Child, "User")],
            cut.FindAll("[data-testid=account-member]").Select(m => (long.Parse(m.GetAttribute("data-customer-id")!), m.GetAttribute("data-role")!)));
        Assert.Equal(ProfileWorld.Phone, cut.Find($"[data-testid=account-member][data-customer-id='{Ids.Main}'] td:nth-child(3)").TextContent.Trim());
        Assert.Equal($"/customers/{Ids.Spouse}", cut.Find($"[data-testid=account-member][data-customer-id='{Ids.Spouse}'] [data-testid=account-member-link]").GetAttribute("href"));

        await ChooseAsync(cut, $"member-role-{Ids.Child}", AccountRole.Member);
        cut.WaitForAssertion(() => Assert.Equal("Member", cut.Find($"[data-testid=account-member][data-customer-id='{Ids.Child}']").GetAttribute("data-role")), Wait);

        await cut.InvokeAsync(() => cut.Find("input[data-testid=member-search]").Input("赵强"));
        cut.WaitForAssertion(() => Assert.Equal(Ids.Other.ToString(), cut.Find("[data-testid=member-candidate]").GetAttribute("data-customer-id")), Wait);
        await ChooseAsync(cut, "member-new-role", AccountRole.DecisionMaker);
        await cut.InvokeAsync(() => cut.Find("[data-testid=member-add]").Click());
        cut.WaitForAssertion(() => Assert.Equal("DecisionMaker", cut.Find($"[data-testid=account-member][data-customer-id='{Ids.Other}']").GetAttribute("data-role")), Wait);
        Assert.Equal("4", cut.Find("[data-testid=account-member-count]").TextContent.Trim());
        // Someone already in the household is not offered again.
        Assert.Empty(cut.FindAll("[data-testid=member-add]"));

        await cut.InvokeAsync(() => cut.Find($"[data-testid=account-member][data-customer-id='{Ids.Child}'] [data-testid=member-remove]").Click());
        var dialogs = Dialogs!;
        dialogs.WaitForAssertion(() => Assert.Contains("王乐乐", dialogs.Markup), Wait);
        await dialogs.InvokeAsync(() => dialogs.FindAll("button").First(b => b.TextContent.Trim() == "移除").Click());
        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=account-member]").Count), Wait);

        await using var db = Db();
        Assert.Equal([(Ids.Main, AccountRole.Registrant), (Ids.Spouse, AccountRole.DecisionMaker), (Ids.Other, AccountRole.DecisionMaker)],
            (await db.AccountMembers.AsNoTracking().Where(m => m.AccountId == household).ToListAsync()).Select(m => (m.CustomerId, m.Role)).OrderBy(m => m.CustomerId));
        Assert.Equal(["member_added", "member_removed", "member_role_changed"],
            (await db.AuditEntries.AsNoTracking().Where(e => e.EntityType == "Account" && e.EntityId == household.ToString()).Select(e => e.Action).ToListAsync()).Order());
    }

    [Fact]
    public async Task A_marketer_reads_an_account_with_names_masked_and_changes_nothing()
    {
        await StartAsync(ProfileWorld.Marketer);
        var household = await HouseholdAsync();
        var cut = Render<AccountDetailsPage>(p => p.Add(c => c.Id, household));
        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=account-member]").Count), Wait);
        Assert.Equal(["李*", "王**", "王**"], cut.FindAll("[data-testid=account-member-link]").Select(a => a.TextContent.Trim()).Order());
        Assert.DoesNotContain(ProfileWorld.Phone, cut.Markup);
        Assert.Empty(cut.FindAll("[data-testid=account-edit]"));
        Assert.Empty(cut.FindAll("[data-testid=account-delete]"));
        Assert.Empty(cut.FindAll("[data-testid=member-remove]"));
        Assert.Empty(cut.FindAll("[data-testid=account-add-member]"));
        Assert.Empty(cut.FindComponents<MudSelect<AccountRole>>());

        var list = Render<AccountsPage>();
        list.WaitForAssertion(() => Assert.Single(list.FindAll("[data-testid=account-link]")), Wait);
        Assert.Empty(list.FindAll("[data-testid=account-new]"));
    }

    [Fact]
    public async Task The_profile_links_to_the_household_and_an_editor_adds_the_customer_to_an_account_with_a_role()
    {
        await StartAsync(ProfileWorld.Sales);
        var household = await HouseholdAsync();
        var cut = Render<CustomerProfilePage>(p => p.Add(c => c.Id, Ids.Other));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=profile-header]")), Wait);
        await cut.InvokeAsync(() => cut.Find("[data-testid=tab-household]").Closest(".mud-tab")!.Click());
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=profile-household-none]")), Wait);

        await cut.InvokeAsync(() => cut.Find("[data-testid=profile-add-to-account]").Click());
        var dialogs = Dialogs!;
        dialogs.WaitForAssertion(() => Assert.NotNull(dialogs.Find("input[data-testid=add-account-search]")), Wait);
        await dialogs.InvokeAsync(() => dialogs.Find("input[data-testid=add-account-search]").Input("王"));
        dialogs.WaitForAssertion(() => Assert.Equal(household.ToString(), dialogs.Find("[data-testid=add-account-candidate]").GetAttribute("data-account-id")), Wait);
        await ChooseAsync(dialogs, "add-account-role", AccountRole.User);
        await dialogs.InvokeAsync(() => dialogs.Find("[data-testid=add-account-pick]").Click());

        cut.WaitForAssertion(() => Assert.Equal(4, cut.FindAll("[data-testid=profile-member]").Count), Wait);
        Assert.Equal("User", cut.Find($"[data-testid=profile-member][data-customer-id='{Ids.Other}']").GetAttribute("data-role"));
        Assert.Equal($"/accounts/{household}", cut.Find("[data-testid=profile-account-link]").GetAttribute("href"));
    }
}
