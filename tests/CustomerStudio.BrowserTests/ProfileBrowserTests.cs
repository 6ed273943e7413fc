using System.Text.RegularExpressions;
using CustomerStudio.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CustomerStudio.BrowserTests;

[Collection(StudioCollection.Name)]
public class ProfileBrowserTests(StudioBrowserFixture studio)
{
    [Fact]
    public async Task Sales_opens_a_profile_from_the_customers_grid_and_pages_through_its_timeline()
    {
        // The demo customer with the longest history (events and orders), found by its phone like a salesperson would.
        long id;
        string phone;
        int total;
        await using (var scope = studio.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StudioDbContext>();
            var top = await db.Customers.Where(c => c.MergedIntoId == null && c.Phone != null)
                .Select(c => new { c.Id, c.Phone, Items = db.Events.Count(e => e.CustomerId == c.Id) + db.Orders.Count(o => o.CustomerId == c.Id) })
                .OrderByDescending(c => c.Items).ThenBy(c => c.Id).FirstAsync();
            (id, phone, total) = (top.Id, top.Phone!, top.Items);
        }
        Assert.True(total > 25, $"the demo's busiest customer has only {total} timeline items");

        var page = await studio.NewPageAsync();
        await studio.SignInAsync(page, "sales@customerstudio.local");
        await page.Locator("[data-testid=nav] a[href='/customers']").ClickAsync();
        await page.Locator("[data-testid=customer-search] input, input[data-testid=customer-search]").First.FillAsync(phone);
        var link = page.Locator($"[data-testid=customer-link][data-customer-id='{id}']");
        await Assertions.Expect(link).ToBeVisibleAsync();
        await link.ClickAsync();

        await page.WaitForURLAsync(new Regex($@"/customers/{id}$"));
        await Assertions.Expect(page.Locator("[data-testid=profile-header]")).ToHaveAttributeAsync("data-customer-id", id.ToString());
        // Sales sees the phone as it is.
        await Assertions.Expect(page.Locator("[data-testid=profile-identity][data-kind=Phone] [data-testid=profile-identity-value]")).ToHaveTextAsync(phone);
        await StudioBrowserFixture.ShotAsync(page, "85-profile-header");

        await page.Locator("[data-testid=tab-timeline]").ClickAsync();
        var items = page.Locator("[data-testid=timeline-item]");
        await Assertions.Expect(items).ToHaveCountAsync(25);
        await StudioBrowserFixture.ShotAsync(page, "86-profile-timeline");
        var firstPage = await items.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.kind + ':' + r.dataset.id)");

        await page.Locator("[data-testid=timeline-more]").ClickAsync();
        await Assertions.Expect(items).ToHaveCountAsync(Math.Min(50, total));
        var twoPages = await items.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.kind + ':' + r.dataset.id)");
        Assert.Equal(firstPage, twoPages.Take(25));
        Assert.Equal(twoPages.Length, twoPages.Distinct().Count());
        var times = await items.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.at)");
        Assert.Equal(times.OrderByDescending(t => DateTime.Parse(t, null, System.Globalization.DateTimeStyles.RoundtripKind)), times);

        // Orders only.
        await page.Locator("[data-testid=timeline-filter-orders]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=timeline-item][data-kind=Event]")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("[data-testid=timeline-item][data-kind=Order]").First).ToBeVisibleAsync();
        await StudioBrowserFixture.ShotAsync(page, "87-profile-orders");
    }
}
