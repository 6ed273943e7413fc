using System.Text.RegularExpressions;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CustomerStudio.BrowserTests;

/// <summary>
/// Issue 5's "done when": an admin imports the UCI Online Retail file (541,909 invoice lines, as published: gzip-compressed
/// CSV from ../shared/data) through the wizard as orders, and the studio holds what the file holds.
/// </summary>
[Collection(StudioCollection.Name)]
public class OnlineRetailWizardBrowserTests(StudioBrowserFixture studio)
{
    private async Task<T> DbAsync<T>(Func<StudioDbContext, Task<T>> read)
    {
        await using var scope = studio.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<StudioDbContext>());
    }

    [Fact]
    public async Task An_admin_imports_the_online_retail_file_through_the_wizard()
    {
        var path = SharedData.File("online-retail/online_retail_uci.csv.gz");
        var (customersBefore, ordersBefore, refundsBefore) = await DbAsync(async db => (
            await db.Customers.CountAsync(c => c.MergedIntoId == null), await db.Orders.CountAsync(), await db.Orders.CountAsync(o => o.Status == OrderStatus.Refunded)));

        var page = await studio.NewPageAsync();
        await studio.SignInAsync(page, "admin@customerstudio.local");
        await page.GotoAsync(studio.BaseUrl + "/imports");
        await StudioBrowserFixture.WaitInteractiveAsync(page);
        await page.Locator("[data-testid=import-wizard] input[type=file]").SetInputFilesAsync(path);
        // 7.6 MB through the circuit, decompressed to 45 MB on the server: the preview shows the file inside.
        await Assertions.Expect(page.Locator("[data-testid=preview-row]")).ToHaveCountAsync(20, new() { Timeout = 120_000 });
        await page.Locator("[data-testid=import-kind-orders]").First.ClickAsync();
        foreach (var (header, target) in new[] { ("InvoiceNo", "order_no"), ("InvoiceDate", "ordered_at"), ("Quantity", "quantity"), ("UnitPrice", "unit_price") })
            await Assertions.Expect(page.Locator($"[data-testid=mapping-row][data-header='{header}']")).ToHaveAttributeAsync("data-target", target);
        await Assertions.Expect(page.Locator("[data-testid=import-problem]")).ToHaveCountAsync(0);
        await StudioBrowserFixture.ShotAsync(page, "84-import-online-retail-mapped");

        await page.Locator("[data-testid=import-start]").ClickAsync();
        await page.WaitForURLAsync(new Regex(@"/imports/\d+$"));
        var job = page.Locator("[data-testid=import-job]");
        await Assertions.Expect(job).ToHaveAttributeAsync("data-status", "Completed", new() { Timeout = 300_000 });
        // Figures of the file (../shared/data/README.md; computed independently by OnlineRetailImportTests): 4,372 customers
        // with 22,190 invoices (3,654 of them cancellations, stored as refunds), and 135,080 lines without a customer, each
        // rejected with its line number.
        await Assertions.Expect(page.Locator("[data-testid=import-progress]")).ToHaveAttributeAsync("data-processed", "541909");
        await Assertions.Expect(page.Locator("[data-testid=import-count][data-kind=Created]")).ToHaveAttributeAsync("data-value", "22190");
        await Assertions.Expect(page.Locator("[data-testid=import-count][data-kind=Rejected]")).ToHaveAttributeAsync("data-value", "135080");
        // Rejected in the background, read in the admin's language (whichever it is now: another test may have switched it).
        var zh = (await page.Locator("html").GetAttributeAsync("lang"))!.StartsWith("zh", StringComparison.OrdinalIgnoreCase);
        await Assertions.Expect(page.Locator("[data-testid=import-error]").First).ToContainTextAsync(zh
            ? "该行没有可识别客户的手机、邮箱、微信 ID 或客户编号"
            : "The row has no phone, e-mail, WeChat id or customer id to identify the customer");
        await StudioBrowserFixture.ShotAsync(page, "85-import-online-retail-finished");

        var (customers, orders, refunds) = await DbAsync(async db => (
            await db.Customers.CountAsync(c => c.MergedIntoId == null), await db.Orders.CountAsync(), await db.Orders.CountAsync(o => o.Status == OrderStatus.Refunded)));
        Assert.Equal(4_372, customers - customersBefore);
        Assert.Equal(22_190, orders - ordersBefore);
        Assert.Equal(3_654, refunds - refundsBefore);
    }
}
