using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace CustomerStudio.BrowserTests;

/// <summary>A studio of its own: installing a pack adds tags and segments the other browser tests do not expect.</summary>
[CollectionDefinition(Name)]
public sealed class TemplatesStudioCollection : ICollectionFixture<StudioBrowserFixture>
{
    public const string Name = "templates-studio";
}

[Collection(TemplatesStudioCollection.Name)]
public class TemplatesBrowserTests(StudioBrowserFixture studio)
{
    [Fact]
    public async Task An_admin_installs_the_retail_pack_renaming_a_conflict_and_sees_its_segments_and_journeys()
    {
        var page = await studio.NewPageAsync();
        await studio.SignInAsync(page, "admin@customerstudio.local");
        await page.GotoAsync(studio.BaseUrl + "/templates");
        await StudioBrowserFixture.WaitInteractiveAsync(page);
        await Assertions.Expect(page.Locator("[data-testid=bundled-pack]")).ToHaveCountAsync(4);

        await page.Locator("[data-testid=bundled-pack][data-code=retail] [data-testid=preview-pack]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=pack-diff]")).ToBeVisibleAsync();
        // The demo workspace has its own 复购客户 (repeat_buyer, any two orders ever); the pack's counts the last 365 days.
        var conflict = page.Locator("[data-testid=diff-row][data-key='Tag:repeat_buyer']");
        await Assertions.Expect(conflict).ToHaveAttributeAsync("data-change", "Conflict");
        await StudioBrowserFixture.ShotAsync(page, "templates-diff");

        await conflict.Locator("[data-testid=diff-choice]").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasTextRegex = new Regex("repeat_buyer_2") }).ClickAsync();
        await Assertions.Expect(conflict).ToContainTextAsync("repeat_buyer_2");

        await page.Locator("[data-testid=install-pack]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=install-ok]")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("[data-testid=install-row][data-key='Tag:repeat_buyer_2']")).ToHaveAttributeAsync("data-outcome", "renamed");
        await Assertions.Expect(page.Locator("[data-testid=install-row][data-key='Journey:winback']")).ToHaveAttributeAsync("data-outcome", "installed");
        await StudioBrowserFixture.ShotAsync(page, "templates-installed");

        await page.Locator("[data-testid=goto-segments]").ClickAsync();
        await page.WaitForURLAsync(u => u.EndsWith("/segments"));
        foreach (var name in new[] { "复购窗口期", "流失召回对象", "重要价值客户", "加购未买人群" })
            await Assertions.Expect(page.GetByText(name, new() { Exact = true })).ToBeVisibleAsync();

        await page.GotoAsync(studio.BaseUrl + "/journeys");
        await StudioBrowserFixture.WaitInteractiveAsync(page);
        foreach (var name in new[] { "复购提醒", "流失召回", "加购挽回" })
            await Assertions.Expect(page.GetByText(name, new() { Exact = true })).ToBeVisibleAsync();
        await StudioBrowserFixture.ShotAsync(page, "templates-journeys");

        // Installing the same version again changes nothing.
        await page.GotoAsync(studio.BaseUrl + "/templates");
        await StudioBrowserFixture.WaitInteractiveAsync(page);
        await page.Locator("[data-testid=bundled-pack][data-code=retail] [data-testid=preview-pack]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=diff-nothing]")).ToBeVisibleAsync();
    }
}
