using System.Text.RegularExpressions;
using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Journeys;
using CustomerStudio.Core.Tags;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CustomerStudio.BrowserTests;

/// <summary>
/// The issue's "done when" on the demo workspace, with the real runtime: the 高意向 journey is published; a demo
/// customer asks for a demo through the ingestion API, the tag and the segment pick that up, the journey enrols them,
/// the welcome e-mail arrives at a real SMTP server; a second demo request moves them on (hot-lead tag, the owner's
/// e-mail); the canvas shows the counts moving.
/// </summary>
[Collection(StudioCollection.Name)]
public sealed class JourneyRuntimeBrowserTests(StudioBrowserFixture studio)
{
    private const string Definition = """
        {
          "schemaVersion": "1.0", "entry": { "mode": "once" },
          "nodes": [
            { "id": "entered", "kind": "segment_entered", "label": "进入高意向人群", "settings": { "segment": "high_intent" }, "position": { "x": 40, "y": 200 } },
            { "id": "welcome", "kind": "send_email", "label": "欢迎邮件", "settings": { "template": "welcome" }, "position": { "x": 280, "y": 200 } },
            { "id": "wait_demo", "kind": "wait_for_event", "label": "等3天或申请演示", "settings": { "event": "demo_request", "timeout": "P3D" }, "position": { "x": 520, "y": 200 } },
            { "id": "tag_hot", "kind": "add_tag", "label": "标记热线索", "settings": { "tag": "hot_lead" }, "position": { "x": 760, "y": 80 } },
            { "id": "notify", "kind": "notify_owner", "label": "通知销售", "settings": { "message": "{{name}} 申请了演示，请两天内跟进" }, "position": { "x": 1000, "y": 80 } },
            { "id": "is_b2b", "kind": "condition", "label": "企业客户？", "settings": { "condition": { "attr": "company", "op": "is_not_empty" } }, "position": { "x": 760, "y": 320 } },
            { "id": "case", "kind": "send_email", "label": "案例邮件", "settings": { "template": "case_study" }, "position": { "x": 1000, "y": 320 } },
            { "id": "done", "kind": "exit", "position": { "x": 1240, "y": 200 } }
          ],
          "edges": [
            { "from": "entered", "port": "next", "to": "welcome" }, { "from": "welcome", "port": "next", "to": "wait_demo" },
            { "from": "wait_demo", "port": "event", "to": "tag_hot" }, { "from": "wait_demo", "port": "timeout", "to": "is_b2b" },
            { "from": "tag_hot", "port": "next", "to": "notify" }, { "from": "notify", "port": "next", "to": "done" },
            { "from": "is_b2b", "port": "yes", "to": "case" }, { "from": "is_b2b", "port": "no", "to": "done" },
            { "from": "case", "port": "next", "to": "done" }
          ]
        }
        """;

    private async Task<T> DbAsync<T>(Func<StudioDbContext, Task<T>> read)
    {
        await using var scope = studio.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<StudioDbContext>());
    }

    private static async Task<JsonNode> JsonAsync(IAPIResponse response)
    {
        Assert.True(response.Ok, $"{response.Status} {response.Url}: {await response.TextAsync()}");
        return JsonNode.Parse(await response.TextAsync())!;
    }

    private static async Task UntilAsync(Func<Task<bool>> done, string what, int seconds = 45)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!await done())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(seconds), $"{what} did not happen within {seconds} s");
            await Task.Delay(250);
        }
    }

    [Fact]
    public async Task A_published_journey_takes_a_demo_customer_through_and_the_email_arrives()
    {
        // A demo customer with an e-mail address who is not (yet) high-intent; sales owns them.
        var (customerId, email, name) = await DbAsync(async db =>
        {
            var highIntent = await db.Tags.Where(t => t.Code == "high_intent").Select(t => t.Id).SingleAsync();
            var c = await db.Customers.Where(x => x.Email != null && !x.EmailOptOut && x.MergedIntoId == null
                                                  && !db.TagAssignments.Any(a => a.CustomerId == x.Id && a.TagId == highIntent))
                .OrderBy(x => x.Id).Skip(7).Select(x => new { x.Id, x.Email, x.Name }).FirstAsync();
            return (c.Id, c.Email!, c.Name);
        });
        var salesId = await DbAsync(db => db.Users.Where(u => u.Email == "sales@customerstudio.local").Select(u => u.Id).SingleAsync());

        var admin = await studio.NewPageAsync();
        await studio.SignInAsync(admin, "admin@customerstudio.local");
        await JsonAsync(await admin.APIRequest.PatchAsync($"{studio.BaseUrl}/api/customers/{customerId}", new() { DataObject = new { ownerId = salesId } }));
        var key = await JsonAsync(await admin.APIRequest.PostAsync($"{studio.BaseUrl}/api/settings/api-keys",
            new() { DataObject = new { name = "browser journey", scopes = new[] { "ingest:events" } } }));
        var secret = key["secret"]!.GetValue<string>();

        // The marketer publishes the journey.
        var page = await studio.NewPageAsync();
        await studio.SignInAsync(page, "marketer@customerstudio.local");
        var created = await JsonAsync(await page.APIRequest.PostAsync($"{studio.BaseUrl}/api/journeys",
            new() { DataObject = new { code = "high_intent_nurture_e2e", name = "高意向培育", definition = JsonSerializer.Deserialize<JsonElement>(Definition) } }));
        var journeyId = created["id"]!.GetValue<int>();
        await JsonAsync(await page.APIRequest.PostAsync($"{studio.BaseUrl}/api/journeys/{journeyId}/publish"));
        // The runtime has seen the trigger (its cursor starts at the end of the segment's log).
        await UntilAsync(() => DbAsync(db => db.JourneyTriggerStates.AnyAsync(s => s.JourneyId == journeyId)), "the trigger's first sweep");

        async Task SendDemoRequestAsync()
        {
            var ingest = await page.APIRequest.PostAsync($"{studio.BaseUrl}/api/ingest/events", new()
            {
                Headers = new Dictionary<string, string> { ["Authorization"] = "Bearer " + secret },
                DataObject = new { customer = new { id = customerId }, type = "demo_request", channel = "web", properties = new { plan = "pro" } },
            });
            Assert.Equal(1, (await JsonAsync(ingest))["accepted"]!.GetValue<int>());
        }

        // The customer asks for a demo: the high-intent tag and the segment take it up (recomputed now rather than on
        // their hourly / five-minute schedules), and the journey enrols them.
        await SendDemoRequestAsync();
        await JsonAsync(await admin.APIRequest.PostAsync($"{studio.BaseUrl}/api/tags/high_intent/recompute"));
        var segmentId = await DbAsync(db => db.Segments.Where(s => s.Code == "high_intent").Select(s => s.Id).SingleAsync());
        var refreshed = await JsonAsync(await page.APIRequest.PostAsync($"{studio.BaseUrl}/api/segments/{segmentId}/refresh"));
        Assert.True(refreshed["entered"]!.GetValue<int>() >= 1);

        // The welcome e-mail reaches the SMTP server.
        await UntilAsync(() => Task.FromResult(studio.Smtp.Messages().Any(m => m.To.Mailboxes.Any(b => b.Address == email))), "the welcome e-mail");
        var welcome = studio.Smtp.Messages().Single(m => m.To.Mailboxes.Any(b => b.Address == email));
        Assert.Contains("欢迎了解 CustomerStudio", welcome.Subject);
        Assert.Contains(name ?? "", welcome.Subject);

        // The canvas counts what the database holds: everyone who entered (our customer, and any other demo customer the
        // recomputed tag brought into the segment), and those waiting for the demo request.
        await UntilAsync(() => DbAsync(async db => await db.JourneyInstances.AnyAsync(i => i.JourneyId == journeyId && i.CustomerId == customerId
                                                                               && i.Status == InstanceStatus.Waiting && i.CurrentNodeId == "wait_demo")
                                            && !await db.JourneyInstances.AnyAsync(i => i.JourneyId == journeyId && i.Status == InstanceStatus.Running)),
            "our customer's wait, with everyone enrolled at rest");
        var (enteredCount, waitingCount) = await DbAsync(async db => (
            await db.JourneyInstances.CountAsync(i => i.JourneyId == journeyId),
            await db.JourneyInstances.CountAsync(i => i.JourneyId == journeyId && i.Status == InstanceStatus.Waiting && i.CurrentNodeId == "wait_demo")));
        Assert.True(waitingCount >= 1);
        await page.GotoAsync($"{studio.BaseUrl}/journeys/{journeyId}");
        await StudioBrowserFixture.WaitInteractiveAsync(page);
        var entered = page.Locator("[data-testid=canvas-node][data-node-id='entered'] [data-testid=node-stats]");
        await Assertions.Expect(entered).ToHaveAttributeAsync("data-entered", enteredCount.ToString());
        await Assertions.Expect(page.Locator("[data-testid=canvas-node][data-node-id='wait_demo'] [data-testid=node-stats]")).ToHaveAttributeAsync("data-waiting", waitingCount.ToString());
        await StudioBrowserFixture.ShotAsync(page, "90-journey-running");

        // A second demo request, while the journey waits for it: hot lead, the owner hears about it, the path ends.
        await SendDemoRequestAsync();
        await UntilAsync(() => DbAsync(db => db.JourneyInstances.AnyAsync(i => i.JourneyId == journeyId && i.CustomerId == customerId && i.Status == InstanceStatus.Completed)),
            "the journey's end");
        Assert.True(await DbAsync(db => db.TagAssignments.AnyAsync(a => a.CustomerId == customerId && a.Source == AssignmentSource.Journey
                                                                   && db.Tags.Any(t => t.Id == a.TagId && t.Code == "hot_lead"))));
        await UntilAsync(() => Task.FromResult(studio.Smtp.Messages().Any(m => m.To.Mailboxes.Any(b => b.Address == "sales@customerstudio.local")
                                                                              && (m.Subject ?? "").Contains("申请了演示"))), "the owner's e-mail");
        await page.ReloadAsync();
        await StudioBrowserFixture.WaitInteractiveAsync(page);
        // The counts moved: one more passed the hot-lead tag, one fewer waits.
        var tagged = await DbAsync(db => db.JourneyStepLog.CountAsync(l => l.JourneyId == journeyId && l.NodeId == "tag_hot"));
        Assert.True(tagged >= 1);
        await Assertions.Expect(page.Locator("[data-testid=canvas-node][data-node-id='tag_hot'] [data-testid=node-stats]")).ToHaveAttributeAsync("data-entered", tagged.ToString());
        await Assertions.Expect(page.Locator("[data-testid=canvas-node][data-node-id='wait_demo'] [data-testid=node-stats]"))
            .ToHaveAttributeAsync("data-waiting", (await DbAsync(db => db.JourneyInstances.CountAsync(i => i.JourneyId == journeyId && i.Status == InstanceStatus.Waiting && i.CurrentNodeId == "wait_demo"))).ToString());
        await StudioBrowserFixture.ShotAsync(page, "91-journey-done");

        // The runs tab lists the journey's instances: our customer's, found by id, ended (completed) with no error.
        await page.Locator(".mud-tab").Filter(new() { HasTextRegex = new Regex(@"^\s*运行\s*$") }).ClickAsync();
        await page.Locator("[data-testid=runs-customer]").FillAsync(customerId.ToString());
        await page.Locator("[data-testid=runs-customer]").PressAsync("Tab");
        var run = page.Locator($"[data-testid=run-row][data-customer-id='{customerId}']");
        await Assertions.Expect(run).ToHaveCountAsync(1);
        await Assertions.Expect(run).ToHaveAttributeAsync("data-status", nameof(InstanceStatus.Completed));
        await Assertions.Expect(page.Locator("[data-testid=run-row]")).ToHaveCountAsync(1);
        // Its path: entered, welcome e-mail queued, waited, the demo request, tagged hot, owner notified, done.
        await page.Locator("[data-testid=run-path]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=run-step]")).ToHaveCountAsync(await DbAsync(db =>
            db.JourneyStepLog.CountAsync(l => db.JourneyInstances.Any(i => i.Id == l.InstanceId && i.JourneyId == journeyId && i.CustomerId == customerId))));
        await Assertions.Expect(page.Locator("[data-testid=run-step][data-node=welcome] [data-testid=run-step-message]")).ToHaveTextAsync("已排队发送");
        await Assertions.Expect(page.Locator("[data-testid=canvas-node][data-node-id='tag_hot'] [data-testid=path-step]")).ToBeVisibleAsync();
        await StudioBrowserFixture.ShotAsync(page, "91-journey-runs");

        // The customer unsubscribes through the welcome e-mail's link, without an account: the link asks, the button does it.
        var link = welcome.Headers["List-Unsubscribe"]?.Trim('<', '>');
        Assert.NotNull(link);
        Assert.Contains($"<a href=\"{link}\"", welcome.HtmlBody);
        Assert.Equal("List-Unsubscribe=One-Click", welcome.Headers["List-Unsubscribe-Post"]);
        var customerPage = await studio.NewPageAsync();
        await customerPage.GotoAsync(link!);
        Assert.False(await DbAsync(db => db.Customers.Where(c => c.Id == customerId).Select(c => c.EmailOptOut).SingleAsync()));
        await customerPage.ClickAsync("[data-testid=unsubscribe-confirm]");
        await Assertions.Expect(customerPage.Locator("[data-testid=unsubscribe-title]")).ToContainTextAsync("已退订");
        Assert.True(await DbAsync(db => db.Customers.Where(c => c.Id == customerId).Select(c => c.EmailOptOut).SingleAsync()));
        await StudioBrowserFixture.ShotAsync(customerPage, "92-unsubscribed");
    }
}
