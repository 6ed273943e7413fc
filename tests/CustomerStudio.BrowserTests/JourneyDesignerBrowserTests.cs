using System.Text.RegularExpressions;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Segments;
using CustomerStudio.Core.Templates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CustomerStudio.BrowserTests;

[Collection(StudioCollection.Name)]
public class JourneyDesignerBrowserTests(StudioBrowserFixture studio)
{
    private const string SegmentName = "高意向（设计器）";
    private const string TemplateName = "欢迎邮件（设计器）";

    /// <summary>What the journey refers to: a segment and an e-mail template (the demo's manual tag VIP is there already).</summary>
    private async Task SeedAsync()
    {
        var factory = studio.Services.GetRequiredService<IDbContextFactory<StudioDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        var now = DateTime.UtcNow;
        if (!await db.Segments.AnyAsync(s => s.Code == "designer_high_intent"))
            db.Segments.Add(new Segment
            {
                Code = "designer_high_intent", Name = SegmentName, Kind = SegmentKind.Static, DefinitionJson = """{"tag":"high_intent"}""",
                CreatedAt = now, UpdatedAt = now,
            });
        if (!await db.EmailTemplates.AnyAsync(t => t.Code == "designer_welcome"))
            db.EmailTemplates.Add(new EmailTemplate
            {
                Code = "designer_welcome", Name = TemplateName, Subject = "欢迎 {{name}}", BodyHtml = "<p>您好 {{name}}</p>", Language = "zh-CN", UpdatedAt = now,
            });
        await db.SaveChangesAsync();
    }

    /// <summary>
    /// Drags a palette entry onto the canvas at (x, y) from the canvas's top-left corner: a native HTML5 drag, the pointer
    /// moved in steps so the browser fires dragenter / dragover on the way. Returns the new node's id.
    /// </summary>
    private static async Task<string> DropAsync(IPage page, string kind, float x, float y)
    {
        var nodes = page.Locator("[data-testid=canvas-node]");
        var before = await nodes.CountAsync();
        var item = page.Locator($"[data-testid=palette-{kind}]");
        // The palette scrolls on its own: the entry must be on screen to be grabbed.
        await item.ScrollIntoViewIfNeededAsync();
        var from = (await item.BoundingBoxAsync())!;
        var canvas = (await page.Locator("[data-testid=journey-canvas]").BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(from.X + from.Width / 2, from.Y + from.Height / 2);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(from.X + from.Width / 2 + 10, from.Y + from.Height / 2, new() { Steps = 5 });
        await page.Mouse.MoveAsync(canvas.X + x, canvas.Y + y, new() { Steps = 20 });
        await page.Mouse.UpAsync();
        await Assertions.Expect(nodes).ToHaveCountAsync(before + 1);
        return (await nodes.Nth(before).GetAttributeAsync("data-node-id"))!;
    }

    /// <summary>Draws a connection: presses on the output port, moves onto the target node, lets go.</summary>
    private static async Task ConnectAsync(IPage page, string from, string port, string to)
    {
        var edges = page.Locator("[data-testid=canvas-edge]");
        var before = await edges.CountAsync();
        var start = (await page.Locator($"[data-testid='port-{from}-{port}']").BoundingBoxAsync())!;
        var target = (await page.Locator($"[data-testid=canvas-node][data-node-id='{to}'] .jc-node-box").BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(start.X + start.Width / 2, start.Y + start.Height / 2);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(target.X + target.Width / 3, target.Y + target.Height / 2, new() { Steps = 15 });
        await page.Mouse.UpAsync();
        await Assertions.Expect(edges).ToHaveCountAsync(before + 1);
        await Assertions.Expect(page.Locator($"[data-testid=canvas-edge][data-from='{from}'][data-port='{port}'][data-to='{to}']")).ToHaveCountAsync(1);
    }

    private static async Task SelectAsync(IPage page, string node)
    {
        var box = (await page.Locator($"[data-testid=canvas-node][data-node-id='{node}'] .jc-node-box").BoundingBoxAsync())!;
        await page.Mouse.ClickAsync(box.X + 30, box.Y + box.Height / 2);
        await Assertions.Expect(page.Locator("[data-testid=node-settings]")).ToHaveAttributeAsync("data-node-id", node);
    }

    private static async Task ChooseAsync(IPage page, string select, string option)
    {
        await page.Locator($"[data-testid={select}]").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasTextRegex = new Regex($"^\\s*{Regex.Escape(option)}\\s*$") }).ClickAsync();
        await Assertions.Expect(page.Locator($"[data-testid={select}]")).ToHaveValueAsync(option);
    }

    [Fact]
    public async Task A_marketer_drags_nodes_onto_the_canvas_connects_and_configures_them_saves_publishes_and_sees_the_version()
    {
        await SeedAsync();
        var page = await studio.NewPageAsync();
        await studio.SignInAsync(page, "marketer@customerstudio.local");
        await page.Locator("[data-testid=nav] a[href='/journeys']").ClickAsync();
        await page.Locator("[data-testid=journey-new]").ClickAsync();
        await page.Locator("[data-testid=new-journey-name]").FillAsync("高意向培育（浏览器）");
        await page.Locator("[data-testid=new-journey-code]").FillAsync("browser_nurture");
        await page.Locator("[data-testid=new-journey-create]").ClickAsync();
        await page.WaitForURLAsync(new Regex(@"/journeys/\d+$"));
        var canvas = page.Locator("[data-testid=journey-canvas]");
        await Assertions.Expect(canvas).ToHaveAttributeAsync("data-interactive", "true");
        await Assertions.Expect(page.Locator("[data-testid=canvas-empty]")).ToBeVisibleAsync();

        // Two columns of nodes: trigger → email → wait → condition → (yes) add tag → exit, (no) exit.
        var trigger = await DropAsync(page, "segment_entered", 70, 60);
        var email = await DropAsync(page, "send_email", 330, 60);
        var wait = await DropAsync(page, "wait", 70, 200);
        var condition = await DropAsync(page, "condition", 330, 200);
        var tag = await DropAsync(page, "add_tag", 70, 340);
        var exit = await DropAsync(page, "exit", 330, 360);
        Assert.Equal(["segment_entered_1", "send_email_1", "wait_1", "condition_1", "add_tag_1", "exit_1"], [trigger, email, wait, condition, tag, exit]);
        // New nodes are not configured or connected yet: each carries a marker.
        await Assertions.Expect(page.Locator("[data-testid=node-problem]")).ToHaveCountAsync(6);

        await ConnectAsync(page, trigger, "next", email);
        await ConnectAsync(page, email, "next", wait);
        await ConnectAsync(page, wait, "next", condition);
        await ConnectAsync(page, condition, "yes", tag);
        await ConnectAsync(page, condition, "no", exit);
        await ConnectAsync(page, tag, "next", exit);

        await SelectAsync(page, trigger);
        await ChooseAsync(page, "setting-segment", SegmentName);
        await SelectAsync(page, email);
        await ChooseAsync(page, "setting-template", TemplateName);
        await SelectAsync(page, wait);
        await page.Locator("[data-testid=setting-duration-amount]").FillAsync("3");
        await page.Locator("[data-testid=setting-duration-amount]").PressAsync("Tab");
        await Assertions.Expect(page.Locator($"[data-testid=canvas-node][data-node-id='{wait}']")).ToContainTextAsync("3 天");
        await SelectAsync(page, condition);
        await page.Locator("[data-testid=setting-condition] [data-testid=root-group] [data-testid=add-menu] button").ClickAsync();
        await page.Locator(".mud-popover-open [data-testid=add-tag]").ClickAsync();
        await ChooseAsync(page, "tag-code", "VIP");
        await SelectAsync(page, tag);
        await ChooseAsync(page, "setting-tag", "VIP");

        await Assertions.Expect(page.Locator("[data-testid=node-problem]")).ToHaveCountAsync(0);
        // Auto-layout puts the path left to right: the wait comes after the e-mail, on the same row.
        var waitNode = page.Locator($"[data-testid=canvas-node][data-node-id='{wait}']");
        var before = await waitNode.GetAttributeAsync("transform");
        await page.Locator("[data-testid=designer-layout]").ClickAsync();
        await Assertions.Expect(waitNode).Not.ToHaveAttributeAsync("transform", before!);
        await StudioBrowserFixture.ShotAsync(page, "70-journey-designer");

        await page.Locator("[data-testid=journey-save]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=saved]")).ToHaveTextAsync("草稿已保存");
        await page.Locator("[data-testid=journey-publish]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=journey-version]")).ToHaveAttributeAsync("data-version", "1");
        await Assertions.Expect(page.Locator("[data-testid=journey-status]")).ToHaveAttributeAsync("data-status", "Published");
        await Assertions.Expect(page.Locator(".mud-snackbar").Filter(new() { HasText = "已发布第 1 版" })).ToBeVisibleAsync();
        // Published: every node shows its figures.
        await Assertions.Expect(page.Locator("[data-testid=node-stats]")).ToHaveCountAsync(6);
        await StudioBrowserFixture.ShotAsync(page, "71-journey-published");

        // A dry run for a demo customer: the path is numbered on the canvas, the e-mail shows what would be sent.
        await page.Locator(".mud-tab").Filter(new() { HasText = "试运行" }).ClickAsync();
        await page.Locator("[data-testid=dry-run-customer]").FillAsync("1");
        await page.Locator(".mud-popover-open .mud-list-item").First.ClickAsync();
        await page.Locator("[data-testid=dry-run-start]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=dry-run-result]")).ToHaveAttributeAsync("data-outcome", new Regex("completed|converted|waiting"));
        await Assertions.Expect(page.Locator("[data-testid=dry-run-step]").First).ToHaveAttributeAsync("data-node", trigger);
        await Assertions.Expect(page.Locator($"[data-testid=canvas-node][data-node-id='{trigger}'] [data-testid=path-step]")).ToHaveTextAsync("1");
        // Trigger → e-mail → wait → condition are always taken; the condition's port depends on the customer.
        await Assertions.Expect(page.Locator($"[data-testid=canvas-edge].on-path[data-from='{wait}']")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator($"[data-testid=canvas-edge].on-path[data-from='{condition}']")).ToHaveCountAsync(1);
        await StudioBrowserFixture.ShotAsync(page, "72-journey-dry-run");

        // The list shows the version; the stored version holds what was drawn.
        await page.Locator("[data-testid=back-to-list]").ClickAsync();
        var row = page.Locator("tr", new() { Has = page.Locator("[data-testid=journey-link]", new() { HasText = "高意向培育（浏览器）" }) });
        await Assertions.Expect(row.Locator("[data-testid=journey-row-version]")).ToHaveTextAsync("v1");
        var factory = studio.Services.GetRequiredService<IDbContextFactory<StudioDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        var version = await db.JourneyVersions.Where(v => db.Journeys.Any(j => j.Id == v.JourneyId && j.Code == "browser_nurture")).SingleAsync();
        foreach (var expected in new[] { "designer_high_intent", "designer_welcome", "\"duration\":\"P3D\"", "\"tag\":\"vip\"", "\"port\":\"yes\"" })
            Assert.Contains(expected, version.DefinitionJson);
        await page.Context.CloseAsync();
    }
}
