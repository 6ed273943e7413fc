using System.Text.RegularExpressions;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CustomerStudio.BrowserTests;

[Collection(StudioCollection.Name)]
public class AccountsBrowserTests(StudioBrowserFixture studio)
{
    private static async Task ChooseAsync(IPage page, ILocator select, string option)
    {
        await select.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasTextRegex = new Regex($"^\\s*{Regex.Escape(option)}\\s*$") }).ClickAsync();
        await Assertions.Expect(select).ToHaveValueAsync(option);
    }

    [Fact]
    public async Task Sales_creates_a_household_adds_members_with_roles_and_a_members_profile_shows_it()
    {
        // Three demo customers in no account yet, found by phone as a salesperson would.
        List<(long Id, string Phone)> family;
        await using (var scope = studio.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StudioDbContext>();
            family = (await db.Customers.Where(c => c.MergedIntoId == null && c.Phone != null && c.Name != null && !db.AccountMembers.Any(m => m.CustomerId == c.Id))
                    .OrderBy(c => c.Id).Select(c => new { c.Id, c.Phone }).Take(3).ToListAsync())
                .Select(c => (c.Id, c.Phone!)).ToList();
        }

        var page = await studio.NewPageAsync();
        await studio.SignInAsync(page, "sales@customerstudio.local");
        await page.Locator("[data-testid=nav] a[href='/accounts']").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=account-link]").First).ToBeVisibleAsync();
        await StudioBrowserFixture.ShotAsync(page, "90-accounts-list");

        await page.Locator("[data-testid=account-new]").ClickAsync();
        await page.Locator("[data-testid=account-name]").FillAsync("浏览器测试之家");
        await page.Locator("[data-testid=account-kind-household]").First.ClickAsync();
        await page.Locator("[data-testid=account-industry]").FillAsync("教育");
        await page.Locator("[data-testid=account-save]").ClickAsync();
        await page.WaitForURLAsync(new Regex(@"/accounts/\d+$"));
        await Assertions.Expect(page.Locator("[data-testid=account-title]")).ToHaveTextAsync("浏览器测试之家");
        var accountId = long.Parse((await page.Locator("[data-testid=account-header]").GetAttributeAsync("data-account-id"))!);
        await Assertions.Expect(page.Locator("[data-testid=account-header]")).ToHaveAttributeAsync("data-kind", "Household");

        foreach (var ((id, phone), role) in family.Zip(new[] { "注册人", "决策人", "使用人" }))
        {
            await page.Locator("[data-testid=member-search]").FillAsync(phone);
            var candidate = page.Locator($"[data-testid=member-candidate][data-customer-id='{id}']");
            await Assertions.Expect(candidate).ToBeVisibleAsync();
            await ChooseAsync(page, page.Locator("[data-testid=member-new-role]"), role);
            await candidate.Locator("[data-testid=member-add]").ClickAsync();
            await Assertions.Expect(page.Locator($"[data-testid=account-member][data-customer-id='{id}']")).ToBeVisibleAsync();
        }
        await Assertions.Expect(page.Locator("[data-testid=account-member]")).ToHaveCountAsync(3);
        foreach (var (id, role) in family.Select(f => f.Id).Zip(new[] { "Registrant", "DecisionMaker", "User" }))
            await Assertions.Expect(page.Locator($"[data-testid=account-member][data-customer-id='{id}']")).ToHaveAttributeAsync("data-role", role);
        await StudioBrowserFixture.ShotAsync(page, "91-account-members");

        // The decision maker's profile shows the household with everyone's role, and links back to it.
        await page.Locator($"[data-testid=account-member][data-customer-id='{family[1].Id}'] [data-testid=account-member-link]").ClickAsync();
        await page.WaitForURLAsync(new Regex($@"/customers/{family[1].Id}$"));
        await page.Locator("[data-testid=tab-household]").ClickAsync();
        var household = page.Locator($"[data-testid=profile-account][data-account-id='{accountId}']");
        await Assertions.Expect(household).ToBeVisibleAsync();
        await Assertions.Expect(household.Locator("[data-testid=profile-member]")).ToHaveCountAsync(3);
        await Assertions.Expect(household.Locator($"[data-testid=profile-member][data-customer-id='{family[1].Id}']")).ToHaveAttributeAsync("data-role", "DecisionMaker");
        await Assertions.Expect(household.Locator($"[data-testid=profile-member][data-customer-id='{family[2].Id}']")).ToHaveAttributeAsync("data-role", "User");
        await StudioBrowserFixture.ShotAsync(page, "92-profile-household");
        await household.Locator("[data-testid=profile-account-link]").ClickAsync();
        await page.WaitForURLAsync(new Regex($@"/accounts/{accountId}$"));

        await using var check = studio.Services.CreateAsyncScope();
        var stored = await check.ServiceProvider.GetRequiredService<StudioDbContext>().AccountMembers.AsNoTracking()
            .Where(m => m.AccountId == accountId).OrderBy(m => m.CustomerId).Select(m => new { m.CustomerId, m.Role }).ToListAsync();
        Assert.Equal(family.Select(f => f.Id).Zip([AccountRole.Registrant, AccountRole.DecisionMaker, AccountRole.User]).OrderBy(x => x.First),
            stored.Select(m => (m.CustomerId, m.Role)));
    }
}
