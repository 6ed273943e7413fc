using System.Text.RegularExpressions;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Tags;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CustomerStudio.BrowserTests;

[Collection(StudioCollection.Name)]
public class TagStudioTests(StudioBrowserFixture studio)
{
    private async Task<T> QueryAsync<T>(Func<StudioDbContext, Task<T>> query)
    {
        var factory = studio.Services.GetRequiredService<IDbContextFactory<StudioDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        return await query(db);
    }

    /// <summary>Live customers with at least one paid order, as the app's own database counts them.</summary>
    private Task<int> BuyersAsync() => QueryAsync(db => db.Customers
        .CountAsync(c => c.MergedIntoId == null && db.Orders.Any(o => o.CustomerId == c.Id && o.Status == CustomerStudio.Core.Customers.OrderStatus.Paid)));

    private static async Task ChooseAsync(IPage page, ILocator select, string option)
    {
        await select.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasTextRegex = new Regex($"^\\s*{Regex.Escape(option)}\\s*$") }).ClickAsync();
        await Assertions.Expect(select).ToHaveValueAsync(option);
    }

    private static ILocator Status(IPage page) => page.Locator("[data-testid=tag-card] [data-testid=tag-status]");

    [Fact]
    public async Task Governance_creates_a_category_and_a_rule_tag_submits_approves_and_sees_its_coverage()
    {
        var buyers = await BuyersAsync();
        Assert.True(buyers > 0);
        var page = await studio.NewPageAsync();
        await studio.SignInAsync(page, "governance@customerstudio.local");
        await page.Locator("[data-testid=nav] a[href='/tags']").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=category-node-purchase]")).ToBeVisibleAsync();
        await StudioBrowserFixture.ShotAsync(page, "70-tags-tree");

        // A new top-level category.
        await page.Locator("[data-testid=category-new]").ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await dialog.Locator("[data-testid=category-code]").FillAsync("browser_checks");
        await dialog.Locator("[data-testid=category-name-zh]").FillAsync("浏览器验证");
        await dialog.Locator("[data-testid=category-name-en]").FillAsync("Browser checks");
        await dialog.Locator("[data-testid=category-save]").ClickAsync();
        var category = page.Locator("[data-testid=category-node-browser_checks]");
        await Assertions.Expect(category).ToBeVisibleAsync();

        // A rule tag in it: customers with at least one paid order, counted live while it is built.
        await category.Locator("[data-testid=category-header]").ClickAsync();
        await page.Locator("[data-testid=tag-new]").ClickAsync();
        await page.WaitForURLAsync(new Regex(@"/tags/new\?category=\d+$"));
        await Assertions.Expect(page.Locator("[data-testid=tag-title]")).ToHaveTextAsync("新建标签");
        await page.Locator("[data-testid=tag-code]").FillAsync("ordered_once");
        await page.Locator("[data-testid=tag-name-zh]").FillAsync("下单过的客户");
        await page.Locator("[data-testid=tag-name-en]").FillAsync("Ordered at least once");
        await page.Locator("[data-testid=tag-description]").FillAsync("至少有一笔已支付订单。");
        await ChooseAsync(page, page.Locator("[data-testid=tag-kind]"), "规则");
        var rule = page.Locator("[data-testid=tag-rule]");
        await Assertions.Expect(rule).ToHaveCountAsync(1);
        await rule.Locator("[data-testid=root-group] [data-testid=add-menu] button").First.ClickAsync();
        await page.Locator(".mud-popover-open [data-testid=add-orders]").ClickAsync();
        await Assertions.Expect(rule.Locator("[data-testid=condition-leaf][data-kind=orders]")).ToHaveCountAsync(1);
        await Assertions.Expect(rule.Locator("[data-testid=rule-sentence]")).ToContainTextAsync("订单数");
        await Assertions.Expect(rule.Locator("[data-testid=rule-count]")).ToHaveAttributeAsync("data-count", buyers.ToString(), new() { Timeout = 30_000 });
        await StudioBrowserFixture.ShotAsync(page, "71-tag-new-rule");

        // Saved as a draft; the demo's "purchased" tag has the same rule: flagged as a possible 同名不同义 duplicate.
        await page.Locator("[data-testid=tag-save]").ClickAsync();
        await page.WaitForURLAsync(new Regex(@"/tags/\d+$"));
        await Assertions.Expect(Status(page)).ToHaveAttributeAsync("data-status", "draft");
        await Assertions.Expect(page.Locator("[data-testid=tag-warning][data-code=SameRule][data-other=purchased]")).ToContainTextAsync("purchased");
        await Assertions.Expect(page.Locator("[data-testid=category-node-browser_checks] [data-testid=tag-node-ordered_once]")).ToBeVisibleAsync();
        await StudioBrowserFixture.ShotAsync(page, "72-tag-saved-draft");

        await page.Locator("[data-testid=tag-submit]").ClickAsync();
        await Assertions.Expect(Status(page)).ToHaveAttributeAsync("data-status", "inreview");
        await page.Locator("[data-testid=tag-open-review]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=review-diff]")).ToBeVisibleAsync();
        await page.Locator("[data-testid=review-comment]").FillAsync("规则清楚，同意上线");
        await StudioBrowserFixture.ShotAsync(page, "73-tag-review");
        await page.Locator("[data-testid=tag-approve]").ClickAsync();

        await Assertions.Expect(Status(page)).ToHaveAttributeAsync("data-status", "active", new() { Timeout = 30_000 });
        var coverage = page.Locator("[data-testid=tag-card] [data-testid=coverage]");
        await Assertions.Expect(coverage).ToHaveAttributeAsync("data-count", buyers.ToString());
        await Assertions.Expect(coverage).ToHaveTextAsync(buyers.ToString("N0"));
        await Assertions.Expect(page.Locator("[data-testid=revision-row]").First).ToHaveAttributeAsync("data-status", "approved");
        await Assertions.Expect(page.Locator("[data-testid=revision-comment]").First).ToHaveTextAsync("规则清楚，同意上线");
        var node = page.Locator("[data-testid=tag-node-ordered_once]");
        await Assertions.Expect(node.Locator("[data-testid=tag-coverage]")).ToHaveTextAsync(buyers.ToString("N0"));
        await StudioBrowserFixture.ShotAsync(page, "74-tag-approved");

        // Usage and audit tabs show the live tag's coverage and who did what.
        await page.Locator("[data-testid=tab-usage]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=usage-coverage]")).ToHaveAttributeAsync("data-count", buyers.ToString());
        await Assertions.Expect(page.Locator("[data-testid=coverage-trend]")).ToBeVisibleAsync();
        await page.Locator("[data-testid=tab-audit]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=audit-row]")).ToHaveCountAsync(3);
        await StudioBrowserFixture.ShotAsync(page, "75-tag-audit");

        // Dragged onto another category, the tag moves there.
        await node.DragToAsync(page.Locator("[data-testid=category-node-purchase] > [data-testid=category-header]"));
        await Assertions.Expect(page.Locator("[data-testid=category-node-purchase] [data-testid=tag-node-ordered_once]")).ToBeVisibleAsync();
        var placed = await QueryAsync(db => db.Tags.Where(t => t.Code == "ordered_once")
            .Select(t => new { t.Status, Category = db.TagCategories.Where(c => c.Id == t.CategoryId).Select(c => c.Code).First() }).SingleAsync());
        Assert.Equal((TagStatus.Active, "purchase"), (placed.Status, placed.Category));
        await StudioBrowserFixture.ShotAsync(page, "76-tag-moved");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_marketer_drafts_and_submits_a_tag_but_cannot_approve_it_and_reads_governed_tags_only()
    {
        var engagement = await QueryAsync(db => db.TagCategories.Where(c => c.Code == "engagement").Select(c => c.Id).SingleAsync());
        var page = await studio.NewPageAsync();
        await studio.SignInAsync(page, "marketer@customerstudio.local");
        await page.GotoAsync($"{studio.BaseUrl}/tags/new?category={engagement}");
        await StudioBrowserFixture.WaitInteractiveAsync(page);
        await Assertions.Expect(page.Locator("[data-testid=tag-category]")).ToHaveValueAsync("互动偏好");

        await page.Locator("[data-testid=tag-code]").FillAsync("webinar_fans");
        await page.Locator("[data-testid=tag-name-zh]").FillAsync("直播爱好者");
        await page.Locator("[data-testid=tag-name-en]").FillAsync("Webinar fans");
        await page.Locator("[data-testid=tag-save]").ClickAsync();
        await page.WaitForURLAsync(new Regex(@"/tags/\d+$"));
        // The saved card has loaded (under load the click could otherwise land on the form before it re-renders).
        await Assertions.Expect(Status(page)).ToHaveAttributeAsync("data-status", "draft");
        await Assertions.Expect(page.Locator("[data-testid=tag-submit]")).ToBeEnabledAsync();
        await page.Locator("[data-testid=tag-submit]").ClickAsync();
        await Assertions.Expect(Status(page)).ToHaveAttributeAsync("data-status", "inreview");

        // In review: the marketer may withdraw, never approve.
        await Assertions.Expect(page.Locator("[data-testid=tag-withdraw]")).ToBeVisibleAsync();
        await page.Locator("[data-testid=tab-review]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=tag-approve]")).ToBeDisabledAsync();
        await Assertions.Expect(page.Locator("[data-testid=tag-reject]")).ToBeDisabledAsync();
        await Assertions.Expect(page.Locator("[data-testid=approve-not-allowed]")).ToHaveTextAsync("只有治理人员和管理员可以批准或驳回。");
        await StudioBrowserFixture.ShotAsync(page, "77-tag-marketer-review");
        Assert.Equal(TagStatus.InReview, await QueryAsync(db => db.Tags.Where(t => t.Code == "webinar_fans").Select(t => t.Status).SingleAsync()));

        // A tag in a governance-only category opens read-only.
        await page.Locator("[data-testid=tag-node-purchased]").ClickAsync();
        await page.WaitForURLAsync(new Regex(@"/tags/\d+$"));
        await Assertions.Expect(page.Locator("[data-testid=tag-readonly]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=tag-save]")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("[data-testid=tag-name-zh]")).ToBeDisabledAsync();
        await StudioBrowserFixture.ShotAsync(page, "78-tag-marketer-readonly");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_stale_tag_report_lists_unused_tags_and_deprecates_a_selection_in_english()
    {
        var page = await studio.NewPageAsync("en");
        await studio.SignInAsync(page, "governance@customerstudio.local");
        await page.Locator("[data-testid=nav] a[href='/tags/stale']").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=page-title]")).ToHaveTextAsync("Stale tags");
        var row = page.Locator("[data-testid=stale-row][data-code=email_engaged]");
        await Assertions.Expect(row.Locator("[data-testid=stale-reason][data-reason=Unused]")).ToBeVisibleAsync();
        await StudioBrowserFixture.ShotAsync(page, "79-stale-tags-en");

        await row.Locator("[data-testid=stale-select]").ClickAsync();
        await page.Locator("[data-testid=stale-deprecate]").ClickAsync();
        await Assertions.Expect(row.Locator("[data-testid=stale-result-ok]")).ToHaveTextAsync("Deprecated");
        await Assertions.Expect(row.Locator("[data-testid=tag-status]")).ToHaveAttributeAsync("data-status", "deprecated");
        Assert.Equal(TagStatus.Deprecated, await QueryAsync(db => db.Tags.Where(t => t.Code == "email_engaged").Select(t => t.Status).SingleAsync()));
        await page.Context.CloseAsync();
    }
}
