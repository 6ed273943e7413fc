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
    public async Task The_timeline_pages_on_with_next_before_and_filters_orders()
    {
        var id = (await CustomersWithOrdersAsync(1))[0];
        var sales = await app.Factory.SignedInAsync(StudioAppFactory.Sales);
        var all = JsonNode.Parse(await sales.GetStringAsync($"/api/customers/{id}/timeline?pageSize=200"))!["items"]!.AsArray();
        var seen = new List<string>();
        string? before = null;
        for (var i = 0; i < 100; i++)
        {
            var page = JsonNode.Parse(await sales.GetStringAsync($"/api/customers/{id}/timeline?pageSize=2" + (before is null ? "" : "&before=" + Uri.EscapeDataString(before))))!;
            seen.AddRange(page["items"]!.AsArray().Select(x => $"{x!["kind"]}:{x["id"]}"));
            if (!page["hasMore"]!.GetValue<bool>())
            {
                Assert.Null(page["nextBefore"]);
                break;
            }
            before = page["nextBefore"]!.GetValue<string>();
        }
        Assert.Equal(all.Select(x => $"{x!["kind"]}:{x["id"]}"), seen);

        var orders = JsonNode.Parse(await sales.GetStringAsync($"/api/customers/{id}/timeline?orders=true"))!["items"]!.AsArray();
        Assert.True(orders.Count >= 2);
        Assert.All(orders, o => Assert.Equal("order", o!["kind"]!.GetValue<string>()));
        var type = all.First(x => x!["kind"]!.GetValue<string>() == "event")!["type"]!.GetValue<string>();
        var typed = JsonNode.Parse(await sales.GetStringAsync($"/api/customers/{id}/timeline?types={type}"))!["items"]!.AsArray();
        Assert.All(typed, e => Assert.Equal(type, e!["type"]!.GetValue<string>()));
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
}
