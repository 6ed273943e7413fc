using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CustomerStudio.Core.Data;
using CustomerStudio.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerStudio.Tests.Web;

/// <summary>The tags API on the real app with the small demo; each test makes its own tags with unique codes.</summary>
public class TagsApiTests(StudioAppFixture app) : IClassFixture<StudioAppFixture>
{
    private const string Buyers = """{"rules":[{"condition":{"orders":"count","op":"gte","value":1}}]}""";
    private const string RepeatBuyers = """{"rules":[{"condition":{"orders":"count","op":"gte","value":2}}]}""";

    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonNode> JsonAsync(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    private static string Str(JsonNode? node) => node!.GetValue<string>();

    private static string Card(string code, string category, string kind = "manual", string? definition = null, string sensitivity = "internal",
        string refresh = "manual") =>
        $$"""
        {"category":"{{category}}","code":"{{code}}","nameZh":"{{code}} 中文","nameEn":"{{code}} english","description":"API test",
         "kind":"{{kind}}","refreshRule":"{{refresh}}","sensitivity":"{{sensitivity}}","definition":{{definition ?? "null"}}}
        """;

    private async Task<JsonNode> CreateAsync(HttpClient client, string card)
    {
        var response = await client.PostAsync("/api/tags", Body(card));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await JsonAsync(response);
    }

    private static async Task<JsonNode> PostOkAsync(HttpClient client, string url, string? json = "{}")
    {
        var response = await client.PostAsync(url, json is null ? null : Body(json));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await JsonAsync(response);
    }

    /// <summary>Created by governance, submitted and approved: an active tag.</summary>
    private async Task<JsonNode> ActiveAsync(string card)
    {
        var governance = await app.Factory.SignedInAsync(StudioAppFactory.Governance);
        var code = Str((await CreateAsync(governance, card))["tag"]!["code"]);
        await PostOkAsync(governance, $"/api/tags/{code}/submit");
        return (await PostOkAsync(governance, $"/api/tags/{code}/approve", """{"comment":"ok"}"""))["tag"]!;
    }

    private async Task<List<long>> CustomerIdsAsync(int count)
    {
        using var scope = app.Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<StudioDbContext>();
        return await db.Customers.Where(c => c.MergedIntoId == null).OrderBy(c => c.Id).Select(c => c.Id).Take(count).ToListAsync();
    }

    [Fact]
    public async Task Tags_and_categories_round_trip_through_create_read_update_move_and_delete()
    {
        var governance = await app.Factory.SignedInAsync(StudioAppFactory.Governance);

        var category = await JsonAsync(await governance.PostAsync("/api/tag-categories",
            Body("""{"code":"api_crud","nameZh":"接口测试","nameEn":"API tests","editorRoles":["Marketer"]}""")));
        var categoryId = category["id"]!.GetValue<int>();
        Assert.Equal(["Marketer"], category["editorRoles"]!.AsArray().Select(Str));
        var renamed = await JsonAsync(await governance.PutAsync($"/api/tag-categories/{categoryId}",
            Body("""{"code":"api_crud","nameZh":"接口","nameEn":"API","editorRoles":[]}""")));
        Assert.Equal("API", Str(renamed["nameEn"]));

        var created = await CreateAsync(governance, Card("api_crud_tag", "api_crud"));
        var tag = created["tag"]!;
        Assert.Equal("draft", Str(tag["status"]));
        Assert.Equal("manual", Str(tag["kind"]));
        Assert.Equal("api_crud", Str(tag["category"]!["code"]));
        Assert.False(created["pendingReview"]!.GetValue<bool>());

        var read = (await governance.GetFromJsonAsync<JsonObject>("/api/tags/api_crud_tag"))!;
        Assert.Equal("api_crud_tag english", Str(read["nameEn"]));
        Assert.Equal(read["id"]!.GetValue<int>(), (await governance.GetFromJsonAsync<JsonObject>($"/api/tags/{read["id"]}"))!["id"]!.GetValue<int>());

        var updated = await JsonAsync(await governance.PutAsync("/api/tags/api_crud_tag", Body(
            """{"nameZh":"改名","nameEn":"Renamed","kind":"manual","sensitivity":"sensitive","values":[{"code":"gold","nameZh":"金","nameEn":"Gold"}]}""")));
        Assert.Equal("Renamed", Str(updated["tag"]!["nameEn"]));
        Assert.Equal("sensitive", Str(updated["tag"]!["sensitivity"]));
        Assert.Equal("gold", Str(updated["tag"]!["values"]![0]!["code"]));

        var tree = (await governance.GetFromJsonAsync<JsonArray>("/api/tag-categories"))!;
        var node = tree.Single(c => Str(c!["code"]) == "api_crud")!;
        Assert.Contains(node["tags"]!.AsArray(), t => Str(t!["code"]) == "api_crud_tag");
        Assert.Contains(tree, c => Str(c!["code"]) == "purchase" && c["children"]!.AsArray().Any(s => Str(s!["code"]) == "purchase_value"));

        var list = (await governance.GetFromJsonAsync<JsonArray>("/api/tags?status=draft&category=api_crud"))!;
        Assert.Equal(["api_crud_tag"], list.Select(t => Str(t!["code"])));
        Assert.Equal(0, list[0]!["coverage"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.BadRequest, (await governance.GetAsync("/api/tags?status=live")).StatusCode);

        // Not empty: the category cannot go while it holds the tag.
        Assert.Equal(HttpStatusCode.Conflict, (await governance.DeleteAsync($"/api/tag-categories/{categoryId}")).StatusCode);
        var moved = await PostOkAsync(governance, "/api/tags/api_crud_tag/move", """{"category":"marketing","index":0}""");
        Assert.Equal("marketing", Str(moved["category"]!["code"]));
        var movedCategory = await PostOkAsync(governance, $"/api/tag-categories/{categoryId}/move", """{"parentId":null,"index":0}""");
        Assert.Equal(10, movedCategory["sortOrder"]!.GetValue<int>());

        Assert.Equal(HttpStatusCode.NoContent, (await governance.DeleteAsync("/api/tags/api_crud_tag")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await governance.GetAsync("/api/tags/api_crud_tag")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await governance.DeleteAsync($"/api/tag-categories/{categoryId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await governance.DeleteAsync($"/api/tag-categories/{categoryId}")).StatusCode);
    }

    [Fact]
    public async Task Validation_lists_every_error_with_its_field_path_in_chinese_by_default()
    {
        var marketer = await app.Factory.SignedInAsync(StudioAppFactory.Marketer);
        var response = await marketer.PostAsync("/api/tags", Body(
            """{"category":"marketing","code":"Bad Code","nameZh":"坏","nameEn":"","kind":"rule","refreshRule":"daily","definition":{"rules":[{"condition":{"attr":"nope","op":"eq","value":1}}]}}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await JsonAsync(response);
        Assert.Equal(400, body["status"]!.GetValue<int>());
        var errors = body["errors"]!.AsArray();
        Assert.Equal(["code", "nameEn", "definition.rules[0].condition.attr"], errors.Select(e => Str(e!["path"])));
        Assert.Equal(["InvalidCode", "Required", "UnknownField"], errors.Select(e => Str(e!["code"])));
        Assert.Equal("未知字段“nope”", Str(errors[2]!["message"]));
    }

    [Fact]
    public async Task Validation_speaks_english_with_accept_language_and_names_bad_enum_values()
    {
        var marketer = await app.Factory.SignedInAsync(StudioAppFactory.Marketer);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/tags")
        {
            Content = Body("""{"category":"marketing","code":"api_en_errors","nameZh":"英","nameEn":"English","kind":"rule","sensitivity":"secret","definition":{"rules":[{"condition":{"attr":"nope","op":"eq","value":1}}]}}"""),
        };
        request.Headers.AcceptLanguage.ParseAdd("en-US,en;q=0.9");
        var response = await marketer.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await JsonAsync(response))["errors"]!.AsArray();
        var unknown = errors.Single(e => Str(e!["path"]) == "definition.rules[0].condition.attr")!;
        Assert.Equal("Unknown field \"nope\"", Str(unknown["message"]));
        var sensitivity = errors.Single(e => Str(e!["path"]) == "sensitivity")!;
        Assert.Equal("ValueNotAllowed", Str(sensitivity["code"]));
        Assert.Contains("restricted", Str(sensitivity["message"]));
    }

    [Fact]
    public async Task A_marketer_drafts_in_marketing_but_not_in_purchase()
    {
        var marketer = await app.Factory.SignedInAsync(StudioAppFactory.Marketer);
        var created = await CreateAsync(marketer, Card("api_mkt_draft", "marketing"));
        Assert.Equal("draft", Str(created["tag"]!["status"]));

        var refused = await marketer.PostAsync("/api/tags", Body(Card("api_mkt_purchase", "purchase")));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var body = await JsonAsync(refused);
        Assert.Equal(403, body["status"]!.GetValue<int>());
        Assert.Equal("NotAllowed", Str(body["errors"]![0]!["code"]));
        Assert.False(string.IsNullOrEmpty(Str(body["errors"]![0]!["message"])));
    }

    [Fact]
    public async Task A_marketer_submits_only_governance_approves_and_a_rule_tag_is_computed_on_approval()
    {
        var marketer = await app.Factory.SignedInAsync(StudioAppFactory.Marketer);
        var governance = await app.Factory.SignedInAsync(StudioAppFactory.Governance);
        await CreateAsync(marketer, Card("api_buyers", "marketing", "rule", Buyers, refresh: "daily"));

        var submitted = await PostOkAsync(marketer, "/api/tags/api_buyers/submit");
        Assert.Equal("inReview", Str(submitted["tag"]!["status"]));
        Assert.NotNull(submitted["tag"]!["pendingRevision"]);

        var refused = await marketer.PostAsync("/api/tags/api_buyers/approve", Body("""{"comment":"mine"}"""));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("ApproveNotAllowed", Str((await JsonAsync(refused))["errors"]![0]!["code"]));

        var approved = await PostOkAsync(governance, "/api/tags/api_buyers/approve", """{"comment":"looks right"}""");
        Assert.Equal("active", Str(approved["tag"]!["status"]));
        Assert.True(approved["tag"]!["coverage"]!.GetValue<int>() > 0);
        Assert.Equal(approved["tag"]!["coverage"]!.GetValue<int>(), approved["recompute"]!["coverage"]!.GetValue<int>());
        Assert.Null(approved["tag"]!["pendingRevision"]);

        var trend = (await governance.GetFromJsonAsync<JsonObject>("/api/tags/api_buyers/coverage"))!;
        Assert.True(trend["current"]!.GetValue<int>() > 0);
        Assert.NotEmpty(trend["points"]!.AsArray());
        var audit = (await governance.GetFromJsonAsync<JsonArray>("/api/tags/api_buyers/audit"))!;
        Assert.Equal(["approved", "submitted", "created"], audit.Select(a => Str(a!["action"])));
        Assert.Equal("looks right", Str(audit[0]!["after"]!["Comment"]));

        // Already active: submitting again is a conflict with its state.
        Assert.Equal(HttpStatusCode.Conflict, (await marketer.PostAsync("/api/tags/api_buyers/submit", Body("{}"))).StatusCode);
    }

    [Fact]
    public async Task A_rule_change_of_an_active_tag_waits_for_review_while_the_old_rule_stays_live()
    {
        var active = await ActiveAsync(Card("api_rule_change", "purchase", "rule", Buyers, refresh: "daily"));
        var before = active["coverage"]!.GetValue<int>();
        var governance = await app.Factory.SignedInAsync(StudioAppFactory.Governance);

        var saved = await JsonAsync(await governance.PutAsync("/api/tags/api_rule_change",
            Body(Card("api_rule_change", "purchase", "rule", RepeatBuyers, refresh: "daily"))));
        Assert.True(saved["pendingReview"]!.GetValue<bool>());
        var tag = saved["tag"]!;
        Assert.Equal("active", Str(tag["status"]));
        Assert.Equal(1, tag["definition"]!["rules"]![0]!["condition"]!["value"]!.GetValue<int>());
        Assert.Equal(2, tag["pendingRevision"]!["definition"]!["rules"]![0]!["condition"]!["value"]!.GetValue<int>());
        Assert.Equal(2, tag["pendingRevision"]!["version"]!.GetValue<int>());
        Assert.Contains((await governance.GetFromJsonAsync<JsonArray>("/api/tags?status=active"))!,
            t => Str(t!["code"]) == "api_rule_change" && t["pendingReview"]!.GetValue<bool>() && t["version"]!.GetValue<int>() == 1);

        var recomputed = await PostOkAsync(governance, "/api/tags/api_rule_change/recompute", json: null);
        Assert.Equal(before, recomputed["recompute"]!["coverage"]!.GetValue<int>());

        var approved = await PostOkAsync(governance, "/api/tags/api_rule_change/approve");
        Assert.Equal(2, approved["tag"]!["version"]!.GetValue<int>());
        Assert.Equal(2, approved["tag"]!["definition"]!["rules"]![0]!["condition"]!["value"]!.GetValue<int>());
        Assert.True(approved["tag"]!["coverage"]!.GetValue<int>() < before);
    }

    [Fact]
    public async Task Archiving_is_refused_while_a_segment_uses_the_tag_and_names_the_segment()
    {
        await ActiveAsync(Card("api_in_use", "purchase", "rule", Buyers, refresh: "daily"));
        var governance = await app.Factory.SignedInAsync(StudioAppFactory.Governance);
        var segment = await governance.PostAsync("/api/segments",
            Body("""{"code":"api_uses_tag","name":"uses api_in_use","kind":"dynamic","definition":{"tag":"api_in_use"}}"""));
        Assert.Equal(HttpStatusCode.Created, segment.StatusCode);
        var usage = (await governance.GetFromJsonAsync<JsonObject>("/api/tags/api_in_use"))!["usage"]!.AsArray();
        Assert.Contains(usage, u => Str(u!["kind"]) == "segment" && Str(u["code"]) == "api_uses_tag");

        await PostOkAsync(governance, "/api/tags/deprecate", """{"codes":["api_in_use"],"comment":"replaced"}""");
        var refused = await governance.PostAsync("/api/tags/api_in_use/archive", Body("{}"));

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var error = (await JsonAsync(refused))["errors"]![0]!;
        Assert.Equal("TagInUse", Str(error["code"]));
        Assert.Contains("api_uses_tag", Str(error["message"]));
        Assert.Equal("deprecated", Str((await governance.GetFromJsonAsync<JsonObject>("/api/tags/api_in_use"))!["status"]));

        var reinstated = await PostOkAsync(governance, "/api/tags/api_in_use/reinstate");
        Assert.Equal("active", Str(reinstated["tag"]!["status"]));
    }

    [Fact]
    public async Task Bulk_deprecation_answers_for_each_code()
    {
        await ActiveAsync(Card("api_old_one", "purchase"));
        await ActiveAsync(Card("api_old_two", "purchase"));
        var governance = await app.Factory.SignedInAsync(StudioAppFactory.Governance);
        var marketer = await app.Factory.SignedInAsync(StudioAppFactory.Marketer);

        Assert.Equal(HttpStatusCode.Forbidden,
            (await marketer.PostAsync("/api/tags/deprecate", Body("""{"codes":["api_old_one"]}"""))).StatusCode);
        var result = await PostOkAsync(governance, "/api/tags/deprecate",
            """{"codes":["api_old_one","no_such_tag","api_old_two"],"comment":"cleanup"}""");

        Assert.Equal(2, result["deprecated"]!.GetValue<int>());
        Assert.Equal(1, result["failed"]!.GetValue<int>());
        var items = result["items"]!.AsArray();
        Assert.Equal(["api_old_one", "no_such_tag", "api_old_two"], items.Select(i => Str(i!["code"])));
        Assert.Equal(["deprecated", "failed", "deprecated"], items.Select(i => Str(i!["outcome"])));
        Assert.Equal("UnknownTag", Str(items[1]!["errors"]![0]!["code"]));
        Assert.Equal("codes[1]", Str(items[1]!["errors"]![0]!["path"]));

        // Deprecating again: each is now in the wrong state.
        var again = await PostOkAsync(governance, "/api/tags/deprecate", """{"codes":["api_old_one"]}""");
        Assert.Equal("WrongStatus", Str(again["items"]![0]!["errors"]![0]!["code"]));
    }

    [Fact]
    public async Task Assigning_to_a_list_answers_per_customer_and_the_profile_shows_where_tags_came_from()
    {
        await ActiveAsync(Card("api_manual", "marketing"));
        var marketer = await app.Factory.SignedInAsync(StudioAppFactory.Marketer);
        var ids = await CustomerIdsAsync(2);
        const long unknown = 987_654_321;

        var result = await PostOkAsync(marketer, "/api/tags/api_manual/assignments",
            $$"""{"customerIds":[{{ids[0]}},{{unknown}},{{ids[1]}}]}""");
        Assert.Equal(2, result["added"]!.GetValue<int>());
        var outcomes = result["items"]!.AsArray().ToDictionary(i => i!["customerId"]!.GetValue<long>(), i => Str(i!["outcome"]));
        Assert.Equal("added", outcomes[ids[0]]);
        Assert.Equal("added", outcomes[ids[1]]);
        Assert.Equal("unknown_customer", outcomes[unknown]);

        var again = await PostOkAsync(marketer, "/api/tags/api_manual/assignments", $$"""{"customerIds":[{{ids[0]}}]}""");
        Assert.Equal("unchanged", Str(again["items"]![0]!["outcome"]));

        var sales = await app.Factory.SignedInAsync(StudioAppFactory.Sales);
        var tags = (await sales.GetFromJsonAsync<JsonArray>($"/api/customers/{ids[0]}/tags"))!;
        var mine = tags.Single(t => Str(t!["tagCode"]) == "api_manual")!;
        Assert.Equal("manual", Str(mine["source"]));
        Assert.False(string.IsNullOrEmpty(Str(mine["assignedBy"])));
        Assert.True(DateTime.UtcNow - mine["assignedAt"]!.GetValue<DateTime>() < TimeSpan.FromMinutes(5));
        Assert.Equal(HttpStatusCode.NotFound, (await sales.GetAsync($"/api/customers/{unknown}/tags")).StatusCode);

        var removed = await PostOkAsync(marketer, "/api/tags/api_manual/assignments/remove", $$"""{"customerIds":[{{ids[1]}},{{unknown}}]}""");
        Assert.Equal(1, removed["removed"]!.GetValue<int>());
        Assert.Equal(["removed", "unknown_customer"], removed["items"]!.AsArray().Select(i => Str(i!["outcome"])));
    }

    [Fact]
    public async Task Assigning_by_segment_and_condition_counts_and_computed_tags_and_huge_lists_are_refused()
    {
        await ActiveAsync(Card("api_bulk", "marketing"));
        await ActiveAsync(Card("api_computed", "marketing", "rule", Buyers, refresh: "daily"));
        var marketer = await app.Factory.SignedInAsync(StudioAppFactory.Marketer);

        var byCondition = await PostOkAsync(marketer, "/api/tags/api_bulk/assignments", """{"condition":{"tag":"purchased"}}""");
        Assert.True(byCondition["added"]!.GetValue<int>() > 0);
        Assert.Empty(byCondition["items"]!.AsArray());

        var computed = await marketer.PostAsync("/api/tags/api_computed/assignments", Body("""{"customerIds":[1]}"""));
        Assert.Equal(HttpStatusCode.Conflict, computed.StatusCode);
        Assert.Equal("TagIsComputed", Str((await JsonAsync(computed))["errors"]![0]!["code"]));

        var tooMany = await marketer.PostAsync("/api/tags/api_bulk/assignments",
            Body($$"""{"customerIds":[{{string.Join(",", Enumerable.Range(1, 10_001))}}]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        var error = (await JsonAsync(tooMany))["errors"]![0]!;
        Assert.Equal("customerIds", Str(error["path"]));
        Assert.Contains("10000", Str(error["message"]));

        var badCondition = await marketer.PostAsync("/api/tags/api_bulk/assignments", Body("""{"condition":{"attr":"nope","op":"eq","value":1}}"""));
        Assert.Equal(HttpStatusCode.BadRequest, badCondition.StatusCode);
        Assert.Equal("condition.attr", Str((await JsonAsync(badCondition))["errors"]![0]!["path"]));
        var noSegment = await marketer.PostAsync("/api/tags/api_bulk/assignments", Body("""{"segment":"no_such_segment"}"""));
        Assert.Equal("segment", Str((await JsonAsync(noSegment))["errors"]![0]!["path"]));
        Assert.Equal(HttpStatusCode.BadRequest, (await marketer.PostAsync("/api/tags/api_bulk/assignments", Body("{}"))).StatusCode);
    }

    [Fact]
    public async Task A_restricted_tag_is_hidden_from_a_marketers_listing_and_from_sales_customer_tags()
    {
        await ActiveAsync(Card("api_secret", "purchase", sensitivity: "restricted"));
        var governance = await app.Factory.SignedInAsync(StudioAppFactory.Governance);
        var customer = (await CustomerIdsAsync(1))[0];
        await PostOkAsync(governance, "/api/tags/api_secret/assignments", $$"""{"customerIds":[{{customer}}]}""");

        var marketer = await app.Factory.SignedInAsync(StudioAppFactory.Marketer);
        Assert.DoesNotContain((await marketer.GetFromJsonAsync<JsonArray>("/api/tags"))!, t => Str(t!["code"]) == "api_secret");
        Assert.Equal(HttpStatusCode.NotFound, (await marketer.GetAsync("/api/tags/api_secret")).StatusCode);
        Assert.Contains((await governance.GetFromJsonAsync<JsonArray>("/api/tags"))!, t => Str(t!["code"]) == "api_secret");

        var sales = await app.Factory.SignedInAsync(StudioAppFactory.Sales);
        Assert.DoesNotContain((await sales.GetFromJsonAsync<JsonArray>($"/api/customers/{customer}/tags"))!, t => Str(t!["tagCode"]) == "api_secret");
        Assert.Contains((await governance.GetFromJsonAsync<JsonArray>($"/api/customers/{customer}/tags"))!, t => Str(t!["tagCode"]) == "api_secret");
        Assert.Equal(HttpStatusCode.Forbidden, (await sales.GetAsync("/api/tags")).StatusCode);
    }

    [Fact]
    public async Task Stale_tags_are_listed_with_their_reasons()
    {
        await ActiveAsync(Card("api_never_used", "purchase"));
        var governance = await app.Factory.SignedInAsync(StudioAppFactory.Governance);
        var stale = (await governance.GetFromJsonAsync<JsonArray>("/api/tags/stale"))!;
        var mine = stale.Single(t => Str(t!["code"]) == "api_never_used")!;
        Assert.Equal(["unused", "zeroCoverage"], mine["reasons"]!.AsArray().Select(Str));
    }

    [Fact]
    public async Task The_openapi_document_describes_the_tag_endpoints()
    {
        var doc = await (await app.Factory.SignedInAsync(StudioAppFactory.Admin)).GetStringAsync("/openapi/v1.json");
        foreach (var path in new[] { "/api/tag-categories", "/api/tags/{code}/assignments", "/api/tags/deprecate", "/api/customers/{id}/tags" })
            Assert.Contains($"\"{path}\"", doc);
    }

    [Theory]
    [InlineData("/api/tags")]
    [InlineData("/api/tag-categories")]
    [InlineData("/api/tags/purchased")]
    [InlineData("/api/customers/1/tags")]
    public async Task Anonymous_callers_get_401(string url) =>
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Factory.Anonymous().GetAsync(url)).StatusCode);
}
