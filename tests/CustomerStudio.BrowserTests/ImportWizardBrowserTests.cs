using System.Text;
using System.Text.RegularExpressions;
using CustomerStudio.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CustomerStudio.BrowserTests;

[Collection(StudioCollection.Name)]
public class ImportWizardBrowserTests(StudioBrowserFixture studio)
{
    /// <summary>Six customers, three of them with something wrong: a short phone (line 3), a bad email (line 5), no identity at all (line 6).</summary>
    private const string File = """
        客户姓名,手机号码,电子邮箱,省份,性别
        浏览器甲,170 0000 1001,Browser.A@Example.com,浙江省,男
        浏览器乙,12345,b@example.com,上海,女
        浏览器丙,+86 170-0000-1003,,北京市,F
        浏览器丁,17000001004,not-an-email,江苏,M
        浏览器戊,,,广东,
        浏览器己,0086 170 0000 1006,f@example.com,内蒙古,1
        """;

    [Fact]
    public async Task An_admin_runs_the_import_wizard_and_downloads_the_report_of_rejected_rows()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cs-browser-import-{Guid.NewGuid():N}.csv");
        await System.IO.File.WriteAllTextAsync(path, File.Replace("\r\n", "\n"), new UTF8Encoding(true));
        try
        {
            var page = await studio.NewPageAsync();
            await studio.SignInAsync(page, "admin@customerstudio.local");
            await page.Locator("[data-testid=nav] a[href='/imports']").ClickAsync();
            await Assertions.Expect(page.Locator("[data-testid=import-choose]")).ToBeVisibleAsync();

            await page.Locator("[data-testid=import-wizard] input[type=file]").SetInputFilesAsync(path);
            await Assertions.Expect(page.Locator("[data-testid=preview-row]")).ToHaveCountAsync(6);
            await Assertions.Expect(page.Locator("[data-testid=import-detected]")).ToHaveAttributeAsync("data-encoding", "UTF-8 (BOM)");
            var rows = page.Locator("[data-testid=mapping-row]");
            await Assertions.Expect(rows).ToHaveCountAsync(5);
            foreach (var (header, target) in new[] { ("客户姓名", "name"), ("手机号码", "phone"), ("电子邮箱", "email"), ("省份", "province"), ("性别", "gender") })
                await Assertions.Expect(page.Locator($"[data-testid=mapping-row][data-header='{header}']")).ToHaveAttributeAsync("data-target", target);
            await Assertions.Expect(page.Locator("[data-testid=import-problem]")).ToHaveCountAsync(0);
            await StudioBrowserFixture.ShotAsync(page, "80-import-wizard-mapped");

            await page.Locator("[data-testid=import-start]").ClickAsync();
            await page.WaitForURLAsync(new Regex(@"/imports/\d+$"));
            var job = page.Locator("[data-testid=import-job]");
            await Assertions.Expect(job).ToHaveAttributeAsync("data-status", "Completed", new() { Timeout = 60_000 });
            await Assertions.Expect(page.Locator("[data-testid=import-progress]")).ToHaveAttributeAsync("data-processed", "6");
            await Assertions.Expect(page.Locator("[data-testid=import-count][data-kind=Created]")).ToHaveAttributeAsync("data-value", "3");
            await Assertions.Expect(page.Locator("[data-testid=import-count][data-kind=Rejected]")).ToHaveAttributeAsync("data-value", "3");
            await Assertions.Expect(page.Locator("[data-testid=import-error]")).ToHaveCountAsync(3);
            var jobId = long.Parse((await job.GetAttributeAsync("data-job-id"))!);
            await Assertions.Expect(page.Locator($"[data-testid=import-history-row][data-job-id='{jobId}']")).ToBeVisibleAsync();
            await StudioBrowserFixture.ShotAsync(page, "81-import-finished");

            var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-testid=import-report]").ClickAsync());
            Assert.Equal($"import-{jobId}-rejected-rows.csv", download.SuggestedFilename);
            var saved = Path.Combine(Path.GetTempPath(), $"cs-browser-report-{Guid.NewGuid():N}.csv");
            await download.SaveAsAsync(saved);
            var lines = (await System.IO.File.ReadAllTextAsync(saved)).TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            System.IO.File.Delete(saved);
            Assert.Equal("line,column,reason", lines[0]);
            Assert.Equal(["3", "5", "6"], lines.Skip(1).Select(l => l.Split(',')[0]));
            Assert.StartsWith("3,手机号码,", lines[1]);
            Assert.Contains("12345", lines[1]);
            Assert.StartsWith("5,电子邮箱,", lines[2]);
            Assert.Contains("not-an-email", lines[2]);
            Assert.StartsWith("6,,", lines[3]);

            // The good rows are stored, cleansed.
            await using var scope = studio.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<StudioDbContext>();
            var stored = await db.Customers.AsNoTracking().Where(c => c.Name!.StartsWith("浏览器")).OrderBy(c => c.Phone).Select(c => new { c.Name, c.Phone, c.Province }).ToListAsync();
            Assert.Equal([("浏览器甲", "+8617000001001"), ("浏览器丙", "+8617000001003"), ("浏览器己", "+8617000001006")], stored.Select(c => (c.Name!, c.Phone!)));
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }

    /// <summary>Four events of two new customers, one row without an event type (line 5).</summary>
    private const string EventFile = """
        手机,事件,发生时间,渠道,页面
        170 0000 2001,browser_check,2026-11-20 10:00,web,/pricing
        17000002001,browser_check,2026-11-21 09:30,web,/demo
        17000002002,browser_check,2026-11-20 11:00,app,/
        17000002002,,2026-11-20 12:00,app,/
        17000002002,browser_signup,2026-11-22 08:00,app,
        """;

    [Fact]
    public async Task An_admin_imports_an_events_file_through_the_wizard_and_the_events_are_stored()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cs-browser-events-{Guid.NewGuid():N}.csv");
        await System.IO.File.WriteAllTextAsync(path, EventFile.Replace("\r\n", "\n"), new UTF8Encoding(false));
        try
        {
            var page = await studio.NewPageAsync();
            await studio.SignInAsync(page, "admin@customerstudio.local");
            await page.GotoAsync(studio.BaseUrl + "/imports");
            await StudioBrowserFixture.WaitInteractiveAsync(page);
            await page.Locator("[data-testid=import-wizard] input[type=file]").SetInputFilesAsync(path);
            await Assertions.Expect(page.Locator("[data-testid=preview-row]")).ToHaveCountAsync(5);

            await page.Locator("[data-testid=import-kind-events]").First.ClickAsync();
            foreach (var (header, target) in new[] { ("手机", "phone"), ("事件", "event_type"), ("发生时间", "occurred_at"), ("渠道", "channel"), ("页面", "prop:页面") })
                await Assertions.Expect(page.Locator($"[data-testid=mapping-row][data-header='{header}']")).ToHaveAttributeAsync("data-target", target);
            await Assertions.Expect(page.Locator("[data-testid=import-problem]")).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator("[data-testid=import-kind-hint]")).ToBeVisibleAsync();
            await StudioBrowserFixture.ShotAsync(page, "82-import-events-mapped");

            await page.Locator("[data-testid=import-start]").ClickAsync();
            await page.WaitForURLAsync(new Regex(@"/imports/\d+$"));
            var job = page.Locator("[data-testid=import-job]");
            await Assertions.Expect(job).ToHaveAttributeAsync("data-status", "Completed", new() { Timeout = 60_000 });
            await Assertions.Expect(page.Locator("[data-testid=import-progress]")).ToHaveAttributeAsync("data-processed", "5");
            await Assertions.Expect(page.Locator("[data-testid=import-count][data-kind=Created]")).ToHaveAttributeAsync("data-value", "4");
            await Assertions.Expect(page.Locator("[data-testid=import-count][data-kind=Rejected]")).ToHaveAttributeAsync("data-value", "1");
            await Assertions.Expect(page.Locator("[data-testid=import-error][data-line='5']")).ToBeVisibleAsync();
            await StudioBrowserFixture.ShotAsync(page, "83-import-events-finished");

            await using var scope = studio.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<StudioDbContext>();
            var stored = await db.Events.AsNoTracking().Where(e => e.Type == "browser_check" || e.Type == "browser_signup")
                .Join(db.Customers, e => e.CustomerId, c => c.Id, (e, c) => new { c.Phone, e.Type }).ToListAsync();
            Assert.Equal(4, stored.Count);
            Assert.Equal(2, stored.Count(e => e.Phone == "+8617000002001"));
            Assert.Equal(["browser_check", "browser_signup"], stored.Where(e => e.Phone == "+8617000002002").Select(e => e.Type).Order());
            Assert.Equal(2, await db.EventProperties.CountAsync(p => p.Key == "页面" && (p.Value == "/pricing" || p.Value == "/demo")));
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }
}
