using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Segments;
using CustomerStudio.Core.Templates;
using CustomerStudio.Tests.Infrastructure;
using CustomerStudio.Tests.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerStudio.Tests.Journeys;

public class JourneysApiTests(StudioAppFixture app) : IClassFixture<StudioAppFixture>
{
    private static StringContent Body(JsonNode json) => new(json.ToJsonString(), Encoding.UTF8, "application/json");

    private static async Task<JsonNode> JsonAsync(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    /// <summary>The nurture fixture on the demo workspace: its segment and templates are added, its tag is the demo's manual vip.</summary>
    private async Task<JsonObject> NurtureAsync()
    {
        using var scope = app.Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<StudioDbContext>();
        var now = DateTime.UtcNow;
        if (!await db.Segments.AnyAsync(s => s.Code == "high_intent"))
            db.Segments.Add(new Segment { Code = "high_intent", Name = "高意向", Kind = SegmentKind.Dynamic, DefinitionJson = """{"tag":"high_intent"}""", CreatedAt = now, UpdatedAt = now });
        foreach (var code in new[] { "welcome", "case_study" })
            if (!await db.EmailTemplates.AnyAsync(t => t.Code == code))
                db.EmailTemplates.Add(new EmailTemplate { Code = code, Name = code, Subject = code, BodyHtml = "<p>你好</p>", UpdatedAt = now });
        await db.SaveChangesAsync();
        var json = JsonNode.Parse(JourneyWorkspaceWorld.Fixture)!.AsObject();
        json["nodes"]![4]!["settings"]!["tag"] = "vip";
        return json;
    }

    private static async Task<JsonNode> CreateAsync(HttpClient client, string code, JsonNode? definition)
    {
        var response = await client.PostAsync("/api/journeys", Body(new JsonObject { ["code"] = code, ["name"] = "高意向培育", ["definition"] = definition }));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var created = await JsonAsync(response);
        Assert.Equal($"/api/journeys/{created["id"]}", response.Headers.Location!.OriginalString);
        return created;
    }

    [Fact]
    public async Task A_marketer_creates_saves_validates_publishes_and_reads_the_versions()
    {
        var client = await app.Factory.SignedInAsync(StudioAppFactory.Marketer);
        var nurture = await NurtureAsync();
        var created = await CreateAsync(client, "api_nurture", null);
        var id = created["id"]!.GetValue<int>();
        Assert.Equal("draft", created["status"]!.GetValue<string>());
        Assert.Equal("NoTrigger", created["problems"]![0]!["code"]!.GetValue<string>());

        var saved = await JsonAsync(await client.PutAsync($"/api/journeys/{id}", Body(new JsonObject { ["definition"] = nurture.DeepClone() })));
        Assert.Empty(saved["problems"]!.AsArray());
        Assert.Equal(12, saved["definition"]!["nodes"]!.AsArray().Count);

        var validation = await JsonAsync(await client.PostAsync($"/api/journeys/{id}/validate", Body(new JsonObject())));
        Assert.True(validation["ok"]!.GetValue<bool>());

        var published = await client.PostAsync($"/api/journeys/{id}/publish", null);
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        var body = await JsonAsync(published);
        Assert.Equal((1, "published"), (body["version"]!["version"]!.GetValue<int>(), body["journey"]!["status"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/api/journeys/{id}/publish", null)).StatusCode);

        var versions = (await JsonAsync(await client.GetAsync($"/api/journeys/{id}/versions"))).AsArray();
        Assert.Equal([2, 1], versions.Select(v => v!["version"]!.GetValue<int>()));
        var v1 = await JsonAsync(await client.GetAsync($"/api/journeys/{id}/versions/1"));
        Assert.Equal("welcome", v1["definition"]!["nodes"]![1]!["settings"]!["template"]!.GetValue<string>());

        var stats = await JsonAsync(await client.GetAsync($"/api/journeys/{id}/stats"));
        Assert.Equal(0, stats["instances"]!.GetValue<int>());
        Assert.Equal("split", stats["splits"]![0]!["nodeId"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/journeys/{id}/stats?version=7")).StatusCode);

        var list = (await JsonAsync(await client.GetAsync("/api/journeys?status=published"))).AsArray();
        Assert.Contains(list, j => j!["code"]!.GetValue<string>() == "api_nurture" && j["publishedVersion"]!.GetValue<int>() == 2);
    }

    [Fact]
    public async Task Publishing_an_invalid_draft_answers_400_with_every_error_its_path_and_a_localized_message()
    {
        var client = await app.Factory.SignedInAsync(StudioAppFactory.Marketer);
        var nurture = await NurtureAsync();
        nurture["nodes"]![1]!["settings"]!["template"] = "missing_mail";
        nurture["nodes"]![2]!["settings"]!["timeout"] = "3 days";
        var id = (await CreateAsync(client, "api_invalid", nurture))["id"]!.GetValue<int>();

        var response = await client.PostAsync($"/api/journeys/{id}/publish", null);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await JsonAsync(response);
        var errors = body["errors"]!.AsArray();
        Assert.Equal(["$.nodes[1].settings.template", "$.nodes[2].settings.timeout"], errors.Select(e => e!["path"]!.GetValue<string>()).Order());
        Assert.Equal("未知邮件模板“missing_mail”", errors.Single(e => e!["code"]!.GetValue<string>() == "EmailTemplateNotFound")!["message"]!.GetValue<string>());
        Assert.Contains("2", body["title"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/journeys/{id}/versions/1")).StatusCode);
    }

    [Fact]
    public async Task Conflicts_answer_409_unknown_journeys_404_and_other_roles_403()
    {
        var client = await app.Factory.SignedInAsync(StudioAppFactory.Marketer);
        var nurture = await NurtureAsync();
        var id = (await CreateAsync(client, "api_conflicts", nurture))["id"]!.GetValue<int>();

        var taken = await client.PostAsync("/api/journeys", Body(new JsonObject { ["code"] = "api_conflicts", ["name"] = "又一个" }));
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        Assert.Equal("code", (await JsonAsync(taken))["errors"]![0]!["path"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/api/journeys", Body(new JsonObject { ["code"] = "Bad Code", ["name"] = "x" }))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PutAsync($"/api/journeys/{id}", Body(new JsonObject { ["definition"] = new JsonArray() }))).StatusCode);

        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync($"/api/journeys/{id}/pause", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/api/journeys/{id}/publish", null)).StatusCode);
        Assert.Equal("paused", (await JsonAsync(await client.PostAsync($"/api/journeys/{id}/pause", null)))["status"]!.GetValue<string>());
        Assert.Equal("published", (await JsonAsync(await client.PostAsync($"/api/journeys/{id}/resume", null)))["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, (await client.DeleteAsync($"/api/journeys/{id}")).StatusCode);
        Assert.Equal("archived", (await JsonAsync(await client.PostAsync($"/api/journeys/{id}/archive", null)))["status"]!.GetValue<string>());
        var archived = await client.PostAsync($"/api/journeys/{id}/publish", null);
        Assert.Equal(HttpStatusCode.Conflict, archived.StatusCode);
        Assert.Equal("JourneyArchived", (await JsonAsync(archived))["errors"]![0]!["code"]!.GetValue<string>());

        var copy = await client.PostAsync($"/api/journeys/{id}/duplicate", Body(new JsonObject()));
        Assert.Equal(HttpStatusCode.Created, copy.StatusCode);
        var copied = await JsonAsync(copy);
        Assert.Equal(("api_conflicts_copy", "draft"), (copied["code"]!.GetValue<string>(), copied["status"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/journeys/{copied["id"]}")).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/journeys/999999")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/api/journeys/999999/publish", null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/journeys?status=running")).StatusCode);

        var sales = await app.Factory.SignedInAsync(StudioAppFactory.Sales);
        Assert.Equal(HttpStatusCode.Forbidden, (await sales.GetAsync("/api/journeys")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await sales.PostAsync($"/api/journeys/{id}/publish", null)).StatusCode);
        var governance = await app.Factory.SignedInAsync(StudioAppFactory.Governance);
        Assert.Equal(HttpStatusCode.Forbidden, (await governance.PostAsync("/api/journeys", Body(new JsonObject { ["code"] = "gov", ["name"] = "x" }))).StatusCode);
    }

    [Fact]
    public async Task A_save_from_a_stale_copy_answers_409()
    {
        var client = await app.Factory.SignedInAsync(StudioAppFactory.Admin);
        var created = await CreateAsync(client, "api_stale", null);
        var id = created["id"]!.GetValue<int>();
        var loadedAt = created["updatedAt"]!.DeepClone();
        await Task.Delay(20);
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync($"/api/journeys/{id}", Body(new JsonObject { ["name"] = "第一次", ["updatedAt"] = loadedAt.DeepClone() }))).StatusCode);
        var stale = await client.PutAsync($"/api/journeys/{id}", Body(new JsonObject { ["name"] = "第二次", ["updatedAt"] = loadedAt }));
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
    }

    [Fact]
    public async Task A_dry_run_returns_the_path_and_what_would_be_sent_without_sending()
    {
        var client = await app.Factory.SignedInAsync(StudioAppFactory.Marketer);
        var nurture = await NurtureAsync();
        var id = (await CreateAsync(client, "api_dry_run", nurture))["id"]!.GetValue<int>();
        long customerId;
        int outboxBefore;
        using (var scope = app.Factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StudioDbContext>();
            customerId = await db.Customers.Where(c => c.MergedIntoId == null && c.Email != null && !c.EmailOptOut).Select(c => c.Id).FirstAsync();
            outboxBefore = await db.Outbox.CountAsync();
        }

        // A day later: after any quiet-hours hold of the welcome e-mail (21:00–08:00), inside the 3-day wait for it.
        var response = await client.PostAsync($"/api/journeys/{id}/dry-run", Body(new JsonObject
        {
            ["customerId"] = customerId,
            ["events"] = new JsonArray(new JsonObject { ["type"] = "demo_request", ["after"] = "P1D" }),
        }));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var result = await JsonAsync(response);
        Assert.Equal("completed", result["outcome"]!.GetValue<string>());
        Assert.Equal(["entered", "welcome", "wait_demo", "tag_hot", "notify", "done"], result["steps"]!.AsArray().Select(s => s!["nodeId"]!.GetValue<string>()));
        Assert.Equal("event", result["steps"]![2]!["port"]!.GetValue<string>());
        Assert.NotNull(result["steps"]![1]!["wouldSendJson"]);
        using (var scope = app.Factory.Services.CreateScope())
            Assert.Equal(outboxBefore, await scope.ServiceProvider.GetRequiredService<StudioDbContext>().Outbox.CountAsync());

        var bad = await client.PostAsync($"/api/journeys/{id}/dry-run", Body(new JsonObject
        {
            ["customerId"] = -5, ["events"] = new JsonArray(new JsonObject { ["type"] = "x", ["after"] = "tomorrow" }),
        }));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(["customerId", "events[0].after"], (await JsonAsync(bad))["errors"]!.AsArray().Select(e => e!["path"]!.GetValue<string>()));

        // A sample of the trigger's audience (the demo's 高意向 members), the same simulated demo request for each.
        var sample = await client.PostAsync($"/api/journeys/{id}/dry-run/sample", Body(new JsonObject
        {
            ["size"] = 4, ["events"] = new JsonArray(new JsonObject { ["type"] = "demo_request", ["after"] = "P1D" }),
        }));
        Assert.True(sample.StatusCode == HttpStatusCode.OK, await sample.Content.ReadAsStringAsync());
        var summed = await JsonAsync(sample);
        int members;
        using (var scope = app.Factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StudioDbContext>();
            var segment = await db.Segments.Where(x => x.Code == "high_intent").Select(x => x.Id).SingleAsync();
            members = await db.SegmentMemberships.CountAsync(m => m.SegmentId == segment && db.Customers.Any(c => c.Id == m.CustomerId && c.MergedIntoId == null));
            Assert.Equal(outboxBefore, await db.Outbox.CountAsync());
        }
        Assert.True(members > 4, $"the demo's 高意向 segment has {members} members");
        Assert.Equal(("segment", "high_intent", members), (summed["source"]!["kind"]!.GetValue<string>(), summed["source"]!["code"]!.GetValue<string>(),
            summed["source"]!["pool"]!.GetValue<int>()));
        var runs = summed["runs"]!.AsArray();
        Assert.Equal(4, runs.Select(r => r!["customerId"]!.GetValue<long>()).Distinct().Count());
        Assert.Equal(4, summed["reached"]!["entered"]!.GetValue<int>());
        Assert.Equal(4, summed["outcomes"]!.AsObject().Sum(o => o.Value!.GetValue<int>()));
        Assert.Equal(runs.Sum(r => r!["messages"]!.GetValue<int>()), summed["sends"]!.AsObject().Sum(o => o.Value!.GetValue<int>()));

        var tooMany = await client.PostAsync($"/api/journeys/{id}/dry-run/sample", Body(new JsonObject { ["size"] = 500, ["horizonDays"] = 0 }));
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Equal(["size", "horizonDays"], (await JsonAsync(tooMany))["errors"]!.AsArray().Select(e => e!["path"]!.GetValue<string>()));
    }
}
