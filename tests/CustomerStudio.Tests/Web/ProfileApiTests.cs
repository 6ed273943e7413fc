using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CustomerStudio.Core.Data;
using CustomerStudio.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerStudio.Tests.Web;

/// <summary>The profile endpoints on the real app (demo workspace): summary, masking, timeline paging, merge and the merged id's redirect.</summary>
public class ProfileApiTests(StudioAppFixture app) : IClassFixture<StudioAppFixture>
{
    private async Task<List<long>> CustomersWithOrdersAsync(int count)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StudioDbContext>();
        return await db.Customers.Where(c => c.MergedIntoId == null && c.Phone != null && db.Orders.Count(o => o.CustomerId == c.Id) >= 2
                                             && db.Events.Count(e => e.CustomerId == c.Id) >= 3)
            .OrderBy(c => c.Id).Select(c => c.Id).Take(count).ToListAsync();
    }

    [Fact]
    public async Task The_profile_masks_personal_data_for_marketers_and_not_for_sales()
    {
        var id = (await CustomersWithOrdersAsync(1))[0];
        var sales = await app.Factory.SignedInAsync(StudioAppFactory.Sales);
        var body = JsonNode.Parse(await sales.GetStringAsync($"/api/customers/{id}"))!;
        Assert.Equal(id, body["customer"]!["id"]!.GetValue<long>());
        Assert.False(body["masked"]!.GetValue<bool>());
        var phone = body["customer"]!["phone"]!.GetValue<string>();
        Assert.DoesNotContain("*", phone);
        Assert.Contains(body["identities"]!.AsArray(), i => i!["kind"]!.GetValue<string>() == "phone" && i["value"]!.GetValue<string>() == phone);
        Assert.True(body["orders"]!.GetValue<int>() >= 2);
        Assert.NotNull(body["tags"]);

        var marketer = await app.Factory.SignedInAsync(StudioAppFactory.Marketer);
        var masked = JsonNode.Parse(await marketer.GetStringAsync($"/api/customers/{id}"))!;
        Assert.True(masked["masked"]!.GetValue<bool>());
        Assert.Contains("****", masked["customer"]!["phone"]!.GetValue<string>());
        Assert.DoesNotContain(phone, masked.ToJsonString());
        Assert.Equal(HttpStatusCode.NotFound, (await sales.GetAsync("/api/customers/98765432")).StatusCode);
    }

    [Fact]
    public async Task The_timeline_pages_on_with_next_and_filters_orders_and_refuses_a_bad_cursor()
    {
        var id = (await CustomersWithOrdersAsync(1))[0];
        var sales = await app.Factory.SignedInAsync(StudioAppFactory.Sales);
        var all = JsonNode.Parse(await sales.GetStringAsync($"/api/customers/{id}/timeline?pageSize=200"))!["items"]!.AsArray();
        var seen = new List<string>();
        string? after = null;
        for (var i = 0; i < 100; i++)
        {
            var page = JsonNode.Parse(await sales.GetStringAsync($"/api/customers/{id}/timeline?pageSize=2" + (after is null ? "" : "&after=" + Uri.EscapeDataString(after))))!;
            seen.AddRange(page["items"]!.AsArray().Select(x => $"{x!["kind"]}:{x["id"]}"));
            if (!page["hasMore"]!.GetValue<bool>())
            {
                Assert.Null(page["next"]);
                break;
            }
            after = page["next"]!.GetValue<string>();
        }
        Assert.Equal(all.Select(x => $"{x!["kind"]}:{x["id"]}"), seen);

        var orders = JsonNode.Parse(await sales.GetStringAsync($"/api/customers/{id}/timeline?orders=true"))!["items"]!.AsArray();
        Assert.True(orders.Count >= 2);
        Assert.All(orders, o => Assert.Equal("order", o!["kind"]!.GetValue<string>()));
        var type = all.First(x => x!["kind"]!.GetValue<string>() == "event")!["type"]!.GetValue<string>();
        var typed = JsonNode.Parse(await sales.GetStringAsync($"/api/customers/{id}/timeline?types={type}"))!["items"]!.AsArray();
        Assert.All(typed, e => Assert.Equal(type, e!["type"]!.GetValue<string>()));

        var bad = await sales.GetAsync($"/api/customers/{id}/timeline?after=yesterday");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        var error = JsonNode.Parse(await bad.Content.ReadAsStringAsync())!["errors"]![0]!;
        Assert.Equal(("after", "InvalidCursor"), (error["path"]!.GetValue<string>(), error["code"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Sales_previews_and_merges_and_the_merged_id_answers_301_to_the_survivor()
    {
        var ids = await CustomersWithOrdersAsync(3);
        var (survivor, merged) = (ids[1], ids[2]);
        var marketer = await app.Factory.SignedInAsync(StudioAppFactory.Marketer);
        Assert.Equal(HttpStatusCode.Forbidden, (await marketer.PostAsJsonAsync($"/api/customers/{survivor}/merge", new { mergedId = merged, reason = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await marketer.GetAsync($"/api/customers/{survivor}/merge-preview?with={merged}")).StatusCode);

        var sales = await app.Factory.SignedInAsync(StudioAppFactory.Sales);
        var preview = JsonNode.Parse(await sales.GetStringAsync($"/api/customers/{survivor}/merge-preview?with={merged}"))!;
        Assert.Equal((survivor, merged), (preview["survivor"]!["customer"]!["id"]!.GetValue<long>(), preview["merged"]!["customer"]!["id"]!.GetValue<long>()));
        var mergedOrders = preview["merged"]!["orders"]!.GetValue<int>();
        var survivorOrders = preview["survivor"]!["orders"]!.GetValue<int>();
        Assert.NotNull(preview["fieldsFilled"]);

        var self = await sales.PostAsJsonAsync($"/api/customers/{survivor}/merge", new { mergedId = survivor, reason = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, self.StatusCode);
        Assert.Contains("MergeWithItself", await self.Content.ReadAsStringAsync());

        var done = await sales.PostAsJsonAsync($"/api/customers/{survivor}/merge", new { mergedId = merged, reason = "same person" });
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Equal(mergedOrders, JsonNode.Parse(await done.Content.ReadAsStringAsync())!["orders"]!.GetValue<int>());
        var again = await sales.PostAsJsonAsync($"/api/customers/{survivor}/merge", new { mergedId = merged, reason = "again" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);

        var moved = await sales.GetAsync($"/api/customers/{merged}");
        Assert.Equal(HttpStatusCode.MovedPermanently, moved.StatusCode);
        Assert.Equal($"/api/customers/{survivor}", moved.Headers.Location!.OriginalString);
        Assert.Equal(survivor, JsonNode.Parse(await moved.Content.ReadAsStringAsync())!["mergedInto"]!.GetValue<long>());
        var timeline = await sales.GetAsync($"/api/customers/{merged}/timeline?orders=true");
        Assert.Equal(HttpStatusCode.MovedPermanently, timeline.StatusCode);
        Assert.Equal($"/api/customers/{survivor}/timeline?orders=true", timeline.Headers.Location!.OriginalString);
        var profile = JsonNode.Parse(await sales.GetStringAsync(moved.Headers.Location.OriginalString))!;
        Assert.Equal(survivorOrders + mergedOrders, profile["orders"]!.GetValue<int>());
    }

    [Fact]
    public async Task Sales_patch_attributes_and_custom_values_audited_and_marketers_cannot()
    {
        var id = (await CustomersWithOrdersAsync(3))[2];
        var code = "tier_" + Guid.NewGuid().ToString("N")[..6];
        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StudioDbContext>();
            db.CustomFields.Add(new Core.Customers.CustomFieldDefinition { Code = code, NameZh = "等级", NameEn = "Tier", Type = Core.Customers.CustomFieldType.Number });
            await db.SaveChangesAsync();
        }
        var sales = await app.Factory.SignedInAsync(StudioAppFactory.Sales);
        var ok = await sales.PatchAsJsonAsync($"/api/customers/{id}", new { city = "宁波", stage = "sql", custom = new Dictionary<string, string> { [code] = "3.50" } });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var body = JsonNode.Parse(await ok.Content.ReadAsStringAsync())!;
        Assert.Equal(("宁波", "sql"), (body["customer"]!["city"]!.GetValue<string>(), body["customer"]!["lifecycleStage"]!.GetValue<string>()));
        Assert.Contains(body["customFields"]!.AsArray(), f => f!["code"]!.GetValue<string>() == code && f["value"]!.GetValue<string>() == "3.5");

        var bad = await sales.PatchAsJsonAsync($"/api/customers/{id}", new { stage = "vip", custom = new Dictionary<string, string> { [code] = "three", ["nope_" + code] = "1" } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var paths = JsonNode.Parse(await bad.Content.ReadAsStringAsync())!["errors"]!.AsArray().Select(e => e!["path"]!.GetValue<string>()).Order().ToList();
        Assert.Equal(["custom.nope_" + code, "stage"], paths);
        var typed = await sales.PatchAsJsonAsync($"/api/customers/{id}", new { custom = new Dictionary<string, string> { [code] = "three" } });
        Assert.Equal("custom." + code, JsonNode.Parse(await typed.Content.ReadAsStringAsync())!["errors"]![0]!["path"]!.GetValue<string>());

        var marketer = await app.Factory.SignedInAsync(StudioAppFactory.Marketer);
        Assert.Equal(HttpStatusCode.Forbidden, (await marketer.PatchAsJsonAsync($"/api/customers/{id}", new { city = "上海" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await sales.PatchAsJsonAsync("/api/customers/98765432", new { city = "上海" })).StatusCode);

        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StudioDbContext>();
            var c = await db.Customers.SingleAsync(x => x.Id == id);
            Assert.Equal(("宁波", Core.Customers.LifecycleStage.Sql), (c.City, c.LifecycleStage));
            var audits = await db.AuditEntries.Where(a => a.EntityType == "Customer" && a.EntityId == id.ToString()).Select(a => a.Action).ToListAsync();
            Assert.Contains("updated", audits);
            Assert.Contains("custom_fields_updated", audits);
            Assert.True(await db.LifecycleChanges.AnyAsync(l => l.CustomerId == id && l.To == Core.Customers.LifecycleStage.Sql));
        }
    }

    [Fact]
    public async Task Customers_are_found_by_id()
    {
        var id = (await CustomersWithOrdersAsync(1))[0];
        var sales = await app.Factory.SignedInAsync(StudioAppFactory.Sales);
        var found = JsonNode.Parse(await sales.GetStringAsync($"/api/customers?search=%23{id}"))!["items"]!.AsArray();
        Assert.Contains(found, c => c!["id"]!.GetValue<long>() == id);
    }
}
