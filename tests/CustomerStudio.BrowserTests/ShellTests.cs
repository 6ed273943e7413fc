using Microsoft.Playwright;

namespace CustomerStudio.BrowserTests;

[Collection(StudioCollection.Name)]
public class ShellTests(StudioBrowserFixture studio)
{
    private static readonly (string Href, string Zh, string En)[] Sections =
    [
        ("/customers", "客户", "Customers"), ("/accounts", "账户与家庭", "Accounts"), ("/tags", "标签", "Tags"), ("/segments", "分群", "Segments"),
        ("/journeys", "旅程", "Journeys"), ("/imports", "导入", "Imports"), ("/templates", "模板", "Templates"),
        ("/settings", "设置", "Settings"), ("/", "概览", "Overview"),
    ];

    [Fact]
    public async Task An_anonymous_visit_is_sent_to_sign_in()
    {
        var page = await studio.NewPageAsync();
        await page.GotoAsync(studio.BaseUrl + "/segments");
        Assert.Contains("/account/login", page.Url);
        Assert.Contains("segments", Uri.UnescapeDataString(page.Url));
        Assert.True(await page.IsVisibleAsync("[data-testid=login-submit]"));
        await StudioBrowserFixture.ShotAsync(page, "01-sign-in");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_wrong_password_shows_an_error()
    {
        var page = await studio.NewPageAsync();
        await page.GotoAsync(studio.BaseUrl + "/account/login");
        await page.FillAsync("[data-testid=login-email]", "marketer@customerstudio.local");
        await page.FillAsync("[data-testid=login-password]", "not-the-password");
        await page.ClickAsync("[data-testid=login-submit]");
        var error = page.Locator("[data-testid=login-error]");
        await Assertions.Expect(error).ToHaveTextAsync("邮箱或密码不正确。");
        Assert.Contains("/account/login", page.Url);
        await StudioBrowserFixture.ShotAsync(page, "02-wrong-password");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_admin_signs_in_visits_every_section_switches_language_and_signs_out()
    {
        var page = await studio.NewPageAsync();
        await studio.SignInAsync(page, "admin@customerstudio.local");
        await Assertions.Expect(page.Locator("[data-testid=page-title]")).ToHaveTextAsync("概览");

        foreach (var (href, zh, _) in Sections)
        {
            await page.Locator($"[data-testid=nav] a[href='{href}']").ClickAsync();
            await Assertions.Expect(page.Locator("[data-testid=page-title]")).ToHaveTextAsync(zh);
            Assert.EndsWith(href, new Uri(page.Url).AbsolutePath);
            await StudioBrowserFixture.ShotAsync(page, $"10-zh{href.Replace('/', '-')}");
        }

        // The customers grid shows the seeded demo.
        await page.Locator("[data-testid=nav] a[href='/customers']").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=customers-grid] tbody tr")).ToHaveCountAsync(25);
        await Assertions.Expect(page.GetByText(new System.Text.RegularExpressions.Regex(@"第 1-25 条，共 2,000 条"))).ToBeVisibleAsync();
        await StudioBrowserFixture.ShotAsync(page, "11-zh-customers-loaded");

        await page.Locator("[data-testid=language-switch] button").ClickAsync();
        await page.Locator("[data-testid=lang-en]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=page-title]")).ToHaveTextAsync("Customers");
        Assert.EndsWith("/customers", new Uri(page.Url).AbsolutePath);
        await StudioBrowserFixture.WaitInteractiveAsync(page);
        foreach (var (href, _, en) in Sections)
        {
            await page.Locator($"[data-testid=nav] a[href='{href}']").ClickAsync();
            await Assertions.Expect(page.Locator("[data-testid=page-title]")).ToHaveTextAsync(en);
        }
        await StudioBrowserFixture.ShotAsync(page, "20-en-overview");

        // The choice survives a new visit.
        await page.GotoAsync(studio.BaseUrl + "/tags");
        await Assertions.Expect(page.Locator("[data-testid=page-title]")).ToHaveTextAsync("Tags");
        await StudioBrowserFixture.WaitInteractiveAsync(page);

        await page.Locator("[data-testid=sign-out]").ClickAsync();
        await page.WaitForURLAsync(u => u.Contains("/account/login"));
        await page.GotoAsync(studio.BaseUrl + "/customers");
        Assert.Contains("/account/login", page.Url);
        await StudioBrowserFixture.ShotAsync(page, "30-signed-out");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_salesperson_sees_only_customers_with_full_phone_numbers_and_is_refused_settings()
    {
        var page = await studio.NewPageAsync();
        await studio.SignInAsync(page, "sales@customerstudio.local");
        var links = await page.Locator("[data-testid=nav] a").EvaluateAllAsync<string[]>("els => els.map(e => e.getAttribute('href'))");
        Assert.Equal(["/", "/customers", "/accounts"], links);

        await page.Locator("[data-testid=nav] a[href='/customers']").ClickAsync();
        var phone = page.Locator("[data-testid=customers-grid] tbody tr").First.Locator("td").Nth(2);
        await Assertions.Expect(phone).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\+861\d{10}$"));

        await page.GotoAsync(studio.BaseUrl + "/settings");
        Assert.Contains("/account/access-denied", page.Url);
        await Assertions.Expect(page.Locator("[data-testid=access-denied]")).ToBeVisibleAsync();
        await StudioBrowserFixture.ShotAsync(page, "40-sales-denied");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_marketer_sees_masked_phone_numbers()
    {
        var page = await studio.NewPageAsync();
        await studio.SignInAsync(page, "marketer@customerstudio.local");
        await page.Locator("[data-testid=nav] a[href='/customers']").ClickAsync();
        var phone = page.Locator("[data-testid=customers-grid] tbody tr").First.Locator("td").Nth(2);
        await Assertions.Expect(phone).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\+861\d{2}\*{4}\d{4}$"));
        await StudioBrowserFixture.ShotAsync(page, "50-marketer-masked");
        await page.Context.CloseAsync();
    }
}
