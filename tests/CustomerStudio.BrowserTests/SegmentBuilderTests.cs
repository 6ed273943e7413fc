using System.Text.RegularExpressions;
using CustomerStudio.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CustomerStudio.BrowserTests;

[Collection(StudioCollection.Name)]
public class SegmentBuilderTests(StudioBrowserFixture studio)
{
    private static readonly string[] Provinces = ["上海", "江苏", "浙江"];

    /// <summary>What the app's own database says: live customers in 上海, 江苏 or 浙江.</summary>
    private async Task<int> ExpectedCountAsync()
    {
        var factory = studio.Services.GetRequiredService<IDbContextFactory<StudioDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        return await db.Customers.CountAsync(c => c.MergedIntoId == null && Provinces.Contains(c.Province!));
    }

    /// <summary>
    /// A native HTML5 drag with the mouse: MudDropContainer items must be grabbed near their bottom edge, and the pointer
    /// moved in steps so the browser fires dragenter / dragover on the way. Both ends must be inside the window.
    /// </summary>
    private static async Task DragAsync(IPage page, ILocator source, ILocator target)
    {
        await target.ScrollIntoViewIfNeededAsync();
        await source.ScrollIntoViewIfNeededAsync();
        var from = (await source.BoundingBoxAsync())!;
        var to = (await target.BoundingBoxAsync())!;
        var viewport = page.ViewportSize!;
        Assert.True(to.Y + to.Height / 2 < viewport.Height && from.Y >= 0, "source and target must both be on screen");
        await page.Mouse.MoveAsync(from.X + from.Width / 2, from.Y + from.Height - 3);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(from.X + from.Width / 2 + 10, from.Y + from.Height - 3, new() { Steps = 5 });
        await page.Mouse.MoveAsync(to.X + to.Width / 2, to.Y + to.Height / 2, new() { Steps = 20 });
        await page.Mouse.UpAsync();
    }

    private static async Task ChooseAsync(IPage page, string select, string option)
    {
        await page.Locator($"[data-testid={select}]").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasTextRegex = new Regex($"^\\s*{Regex.Escape(option)}\\s*$") }).ClickAsync();
        await Assertions.Expect(page.Locator($"[data-testid={select}]")).ToHaveValueAsync(option);
    }

    [Fact]
    public async Task A_marketer_drags_a_province_condition_in_sees_the_count_saves_and_reopens_the_segment()
    {
        var expected = await ExpectedCountAsync();
        Assert.True(expected > 0);

        var page = await studio.NewPageAsync();
        await studio.SignInAsync(page, "marketer@customerstudio.local");
        await page.GotoAsync(studio.BaseUrl + "/segments/new");
        await StudioBrowserFixture.WaitInteractiveAsync(page);
        await Assertions.Expect(page.Locator("[data-testid=page-title]")).ToHaveTextAsync("新建分群");
        // The empty group is not a condition yet: nothing is counted.
        await Assertions.Expect(page.Locator("[data-testid=error-path]")).ToHaveTextAsync("$.all");
        await StudioBrowserFixture.ShotAsync(page, "60-segment-builder-empty");

        var paletteItem = page.Locator("[data-testid=palette] .mud-drop-item").Filter(new() { Has = page.Locator("[data-testid=palette-attribute]") });
        var rootZone = page.Locator("[data-testid=root-group] .mud-drop-zone").First;
        await DragAsync(page, paletteItem, rootZone);
        var leaf = page.Locator("[data-testid=root-group] [data-testid=condition-leaf][data-kind=attribute]");
        await Assertions.Expect(leaf).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("[data-testid=palette] [data-testid^=palette-]")).ToHaveCountAsync(7);

        await ChooseAsync(page, "attr-field", "省份");
        await ChooseAsync(page, "attr-op", "属于");
        await page.Locator("[data-testid=attr-value]").FillAsync("上海, 江苏, 浙江");
        await page.Locator("[data-testid=attr-value]").PressAsync("Tab");

        var count = page.Locator("[data-testid=audience-count]");
        await Assertions.Expect(count).ToHaveAttributeAsync("data-count", expected.ToString());
        await Assertions.Expect(count).ToHaveTextAsync(expected.ToString("N0"));
        await Assertions.Expect(page.Locator("[data-testid=condition-sentence]")).ToHaveTextAsync("省份 属于 上海、江苏、浙江");
        await Assertions.Expect(page.Locator("[data-testid=condition-errors]")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("[data-testid=sample-row]")).ToHaveCountAsync(Math.Min(expected, 10));
        await StudioBrowserFixture.ShotAsync(page, "61-segment-builder-province");

        await page.Locator("[data-testid=segment-code]").FillAsync("jiangzhehu");
        await page.Locator("[data-testid=segment-name]").FillAsync("江浙沪客户");
        await page.Locator("[data-testid=segment-cron]").FillAsync("0 0 3 * * ?");
        await page.Locator("[data-testid=segment-save]").ClickAsync();
        // Saving refreshes the members of the new segment; give it time on a busy machine.
        await page.WaitForURLAsync(new Regex(@"/segments/\d+$"), new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator(".mud-snackbar").Filter(new() { HasText = "已保存" }))
            .ToContainTextAsync($"分群「江浙沪客户」已保存：{expected:N0} 人");
        var url = page.Url;

        // Reopening the saved segment shows the same tree and count (navigating inside the running circuit).
        await page.Locator("[data-testid=nav] a[href='/segments']").ClickAsync();
        await page.Locator("[data-testid=segment-link]", new() { HasText = "江浙沪客户" }).ClickAsync();
        await page.WaitForURLAsync(url);
        await Assertions.Expect(page.Locator("[data-testid=page-title]")).ToHaveTextAsync("江浙沪客户");
        await Assertions.Expect(leaf).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("[data-testid=attr-field]")).ToHaveValueAsync("省份");
        await Assertions.Expect(page.Locator("[data-testid=attr-op]")).ToHaveValueAsync("属于");
        await Assertions.Expect(page.Locator("[data-testid=attr-value]")).ToHaveValueAsync("上海, 江苏, 浙江");
        await Assertions.Expect(count).ToHaveAttributeAsync("data-count", expected.ToString());
        await Assertions.Expect(page.Locator("[data-testid=condition-sentence]")).ToHaveTextAsync("省份 属于 上海、江苏、浙江");
        await Assertions.Expect(page.Locator("[data-testid=size-chart]")).ToBeVisibleAsync();
        await StudioBrowserFixture.ShotAsync(page, "62-segment-builder-reopened");

        // Export the members with chosen columns: the download holds a header and one row per member, phones masked for a marketer.
        await page.Locator("[data-testid=export-panel]").GetByText("邮箱", new() { Exact = true }).ClickAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-testid=export-download]").ClickAsync());
        var csvPath = Path.Combine(StudioBrowserFixture.ScreenshotDir, "segment-export.csv");
        await download.SaveAsAsync(csvPath);
        var lines = File.ReadAllLines(csvPath, System.Text.Encoding.UTF8).Where(l => l.Length > 0).ToList();
        Assert.Equal(expected + 1, lines.Count);
        Assert.DoesNotContain("mail", lines[0], StringComparison.OrdinalIgnoreCase);
        Assert.Matches(@"\+861\d{2}\*{4}\d{4}", lines[1]);

        // The list shows it with its size; refreshing it now keeps the size.
        await page.Locator("[data-testid=nav] a[href='/segments']").ClickAsync();
        var row = page.Locator("tr", new() { Has = page.Locator("[data-testid=segment-link]", new() { HasText = "江浙沪客户" }) });
        await Assertions.Expect(row.Locator("[data-testid=segment-size]")).ToHaveTextAsync(expected.ToString("N0"));
        await row.Locator("[data-testid=segment-refresh]").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar").Filter(new() { HasText = "已刷新" }))
            .ToContainTextAsync($"分群「江浙沪客户」已刷新：{expected:N0} 人");
        await StudioBrowserFixture.ShotAsync(page, "63-segment-list");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Groups_nest_conditions_move_between_them_by_drag_and_ctrl_z_undoes()
    {
        var page = await studio.NewPageAsync();
        // Tall enough that the palette and the nested group are on screen together: a drop outside the window is no drop.
        await page.SetViewportSizeAsync(1400, 1500);
        await studio.SignInAsync(page, "marketer@customerstudio.local");
        await page.Locator("[data-testid=nav] a[href='/segments']").ClickAsync();
        await page.Locator("[data-testid=segment-new]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=error-path]")).ToHaveTextAsync("$.all");

        ILocator Palette(string kind) =>
            page.Locator("[data-testid=palette] .mud-drop-item").Filter(new() { Has = page.Locator($"[data-testid=palette-{kind}]") });
        var rootZone = page.Locator("[data-testid=root-group] .mud-drop-zone").First;
        var group = page.Locator("[data-testid=condition-group]");
        var innerZone = group.Locator(".mud-drop-zone");

        await DragAsync(page, Palette("identity"), rootZone);
        await Assertions.Expect(page.Locator("[data-testid=condition-leaf]")).ToHaveCountAsync(1);
        await DragAsync(page, Palette("group"), rootZone);
        await Assertions.Expect(group).ToHaveCountAsync(1);
        await DragAsync(page, Palette("orders"), innerZone);
        await Assertions.Expect(group.Locator("[data-testid=condition-leaf][data-kind=orders]")).ToHaveCountAsync(1);
        // The identity condition, still in the root group, moves into the nested group by its handle.
        var identity = page.Locator("[data-testid=condition-leaf][data-kind=identity]");
        await DragAsync(page, identity.Locator(".mud-drag-handle"), innerZone);
        await Assertions.Expect(group.Locator("[data-testid=condition-leaf]")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("[data-testid=root-group] [data-testid=condition-leaf]")).ToHaveCountAsync(2);

        await group.Locator("[data-testid=group-any]").ClickAsync();
        await identity.Locator("[data-testid=negate]").ClickAsync();
        await Assertions.Expect(group).ToHaveAttributeAsync("data-mode", "any");
        await Assertions.Expect(page.Locator("[data-testid=condition-sentence]")).ToHaveTextAsync("订单数 大于等于 1 或 并非（有手机号）");
        await Assertions.Expect(page.Locator("[data-testid=audience-count]")).Not.ToHaveAttributeAsync("data-count", "");
        await page.EvaluateAsync("window.scrollTo(0, 0)");
        await StudioBrowserFixture.ShotAsync(page, "64-segment-builder-nested");

        // Ctrl+Z (outside a text field) undoes the negation, then the switch to any.
        await page.Locator("[data-testid=page-title]").ClickAsync();
        await page.Keyboard.PressAsync("Control+z");
        await Assertions.Expect(identity).ToHaveAttributeAsync("data-negated", "false");
        await page.Keyboard.PressAsync("Control+z");
        await Assertions.Expect(group).ToHaveAttributeAsync("data-mode", "all");
        await page.Keyboard.PressAsync("Control+y");
        await Assertions.Expect(group).ToHaveAttributeAsync("data-mode", "any");
        await Assertions.Expect(page.Locator("[data-testid=condition-sentence]")).ToHaveTextAsync("订单数 大于等于 1 或 有手机号");
        await page.Context.CloseAsync();
    }
}
