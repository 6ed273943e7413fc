using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Tags;
using CustomerStudio.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerStudio.Tests.Web;

/// <summary>The ingestion API with real API keys on the real app: scopes, per-item errors, idempotency, limits, real-time tags.</summary>
public class IngestApiTests(StudioAppFixture app) : IClassFixture<StudioAppFixture>
{
    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task<(int Id, string Secret)> KeyAsync(params string[] scopes)
    {
        var admin = await app.Factory.SignedInAsync(StudioAppFactory.Admin);
        var response = await admin.PostAsync("/api/settings/api-keys", Body($$"""{"name":"test {{Guid.NewGuid():N}}","scopes":[{{string.Join(",", scopes.Select(s => $"\"{s}\""))}}]}"""));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return (json["key"]!["id"]!.GetValue<int>(), json["secret"]!.GetValue<string>());
    }

    private HttpClient Machine(string secret)
    {
        var client = app.Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    private T Db<T>(Func<StudioDbContext, T> read)
    {
        using var scope = app.Factory.Services.CreateScope();
        return read(scope.ServiceProvider.GetRequiredService<StudioDbContext>());
    }

    [Fact]
    public async Task A_batch_stores_its_good_events_and_answers_for_each_bad_one()
    {
        var (_, secret) = await KeyAsync("ingest:events");
        var ext = "ing-" + Guid.NewGuid().ToString("N")[..8];
        var response = await Machine(secret).PostAsync("/api/ingest/events", Body($$$$"""
            [
              {"customer":{"externalId":"{{{{ext}}}}"},"type":"page_view","channel":"web","properties":{"path":"/pricing","count":3}},
              {"customer":{"externalId":"{{{{ext}}}}"},"type":"page_view","occurredAt":"2026-11-20T08:00:00Z"},
              {"customer":{"phone":"12345"},"type":"page_view"},
              {"customer":{"externalId":"{{{{ext}}}}"}},
              {"type":"app_open"},
              {"customer":{"externalId":"{{{{ext}}}}"},"type":"x","properties":{"nested":{"a":1}}}
            ]
            """));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal((6, 2, 1), (result["received"]!.GetValue<int>(), result["accepted"]!.GetValue<int>(), result["customersCreated"]!.GetValue<int>()));
        var errors = result["errors"]!.AsArray().Select(e => (e!["index"]!.GetValue<int>(), e["path"]!.GetValue<string>(), e["code"]!.GetValue<string>())).ToList();
        Assert.Equal([(2, "customer.phone", "InvalidPhone"), (3, "type", "Required"), (4, "customer", "NoIdentity"), (5, "properties.nested", "PropertyNotScalar")], errors);

        var stored = Db(db => db.Events.Include(e => e.Properties)
            .Where(e => db.CustomerIdentities.Any(i => i.Value == ext && i.CustomerId == e.CustomerId)).OrderBy(e => e.Id).ToList());
        Assert.Equal(2, stored.Count);
        Assert.Equal(["count=3", "path=/pricing"], stored[0].Properties.Select(p => $"{p.Key}={p.Value}").Order());
        Assert.Equal(new DateTime(2026, 11, 20, 8, 0, 0, DateTimeKind.Utc), stored[1].OccurredAt);
    }

    [Fact]
    public async Task A_retried_batch_with_the_same_idempotency_key_is_stored_once()
    {
        var (_, secret) = await KeyAsync("ingest:events");
        var client = Machine(secret);
        var ext = "idem-" + Guid.NewGuid().ToString("N")[..8];
        var body = $$"""[{"customer":{"externalId":"{{ext}}"},"type":"page_view"},{"customer":{"externalId":"{{ext}}"},"type":"search"}]""";
        var key = Guid.NewGuid().ToString();
        Task<HttpResponseMessage> Send() => client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/ingest/events") { Content = Body(body), Headers = { { "Idempotency-Key", key } } });
        var first = await Send();
        var second = await Send();
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, second.StatusCode));
        Assert.True(second.Headers.Contains("Idempotent-Replay"));
        Assert.Equal(2, JsonNode.Parse(await second.Content.ReadAsStringAsync())!["accepted"]!.GetValue<int>());
        Assert.Equal(2, Db(db => db.Events.Count(e => db.CustomerIdentities.Any(i => i.Value == ext && i.CustomerId == e.CustomerId))));
    }

    [Fact]
    public async Task Customers_upsert_by_identity_and_orders_are_stored_once_per_order_number()
    {
        var (_, secret) = await KeyAsync("ingest:customers", "ingest:orders");
        var client = Machine(secret);
        var email = $"Ingest.{Guid.NewGuid():N}@Example.com";
        var created = JsonNode.Parse(await (await client.PostAsync("/api/ingest/customers", Body($$"""{"email":"{{email}}","name":"钱七","province":"浙江省","gender":"女"}"""))).Content.ReadAsStringAsync())!;
        Assert.Equal((1, 1), (created["accepted"]!.GetValue<int>(), created["customersCreated"]!.GetValue<int>()));
        var updated = JsonNode.Parse(await (await client.PostAsync("/api/ingest/customers", Body($$"""[{"email":"{{email.ToUpperInvariant()}}","city":"杭州市"}]"""))).Content.ReadAsStringAsync())!;
        Assert.Equal((0, 1), (updated["customersCreated"]!.GetValue<int>(), updated["customersUpdated"]!.GetValue<int>()));
        var customer = Db(db => db.Customers.Single(c => c.Email == email.ToLowerInvariant()));
        Assert.Equal(("钱七", "浙江", "杭州", Core.Customers.Gender.Female), (customer.Name, customer.Province, customer.City, customer.Gender));

        var orderNo = "API-" + Guid.NewGuid().ToString("N")[..10];
        var order = $$"""{"customer":{"email":"{{email}}"},"orderNo":"{{orderNo}}","lines":[{"sku":"A","quantity":2,"unitPrice":10.5}]}""";
        var once = JsonNode.Parse(await (await client.PostAsync("/api/ingest/orders", Body(order))).Content.ReadAsStringAsync())!;
        var twice = JsonNode.Parse(await (await client.PostAsync("/api/ingest/orders", Body(order))).Content.ReadAsStringAsync())!;
        Assert.Equal((1, 0, 1), (once["accepted"]!.GetValue<int>(), twice["accepted"]!.GetValue<int>(), twice["duplicates"]!.GetValue<int>()));
        Assert.Equal(21m, Db(db => db.Orders.Where(o => o.OrderNo == orderNo).Select(o => o.Amount).Single()));
        Assert.Equal(customer.Id, Db(db => db.Orders.Single(o => o.OrderNo == orderNo).CustomerId));
    }

    [Fact]
    public async Task Keys_are_scoped_revocable_and_limited()
    {
        var (id, secret) = await KeyAsync("ingest:events");
        var client = Machine(secret);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync("/api/ingest/customers", Body("""{"externalId":"x"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Machine("csk_not-a-key").PostAsync("/api/ingest/events", Body("[]"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Factory.CreateClient().PostAsync("/api/ingest/events", Body("[]"))).StatusCode);

        var tooMany = "[" + string.Join(",", Enumerable.Repeat("""{"customer":{"externalId":"x"},"type":"t"}""", 5_001)) + "]";
        var refused = await client.PostAsync("/api/ingest/events", Body(tooMany));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Contains("5001", await refused.Content.ReadAsStringAsync());
        var huge = await client.PostAsync("/api/ingest/events", Body("[" + new string(' ', 9 << 20) + "]"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);

        var burst = await Task.WhenAll(Enumerable.Range(0, 400).Select(_ => client.PostAsync("/api/ingest/events", Body("{}"))));
        var limited = burst.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(limited);
        Assert.True(limited[0].Headers.RetryAfter is not null);

        var admin = await app.Factory.SignedInAsync(StudioAppFactory.Admin);
        var list = await admin.GetStringAsync("/api/settings/api-keys");
        Assert.DoesNotContain(secret, list);
        Assert.Contains(secret[..12], list);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/settings/api-keys/{id}")).StatusCode);
        await Task.Delay(1_100); // let the rate-limit bucket refill
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/api/ingest/events", Body("{}"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.Factory.SignedInAsync(StudioAppFactory.Marketer)).GetAsync("/api/settings/api-keys")).StatusCode);
    }

    /// <summary>Whether the customer known by the external id carries the rule tag within the time given.</summary>
    private async Task<bool> TaggedWithinAsync(string code, string externalId, TimeSpan within)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (waited.Elapsed < within)
        {
            await Task.Delay(250);
            if (Db(db => db.TagAssignments.Any(a => a.Source == AssignmentSource.Rule && db.Tags.Any(t => t.Id == a.TagId && t.Code == code)
                                                   && db.CustomerIdentities.Any(i => i.Value == externalId && i.CustomerId == a.CustomerId))))
                return true;
        }
        return false;
    }

    [Fact]
    public async Task An_incoming_event_puts_the_customer_in_a_real_time_tag()
    {
        var code = "rt_" + Guid.NewGuid().ToString("N")[..8];
        using (var scope = app.Factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StudioDbContext>();
            var category = db.TagCategories.First();
            db.Tags.Add(new Tag
            {
                CategoryId = category.Id, Code = code, NameZh = "刚申请演示", NameEn = "Just requested a demo", Kind = TagKind.Rule, Status = TagStatus.Active,
                RefreshRule = RefreshRule.RealTime, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow, LastComputedAt = DateTime.UtcNow,
                DefinitionJson = """{"rules":[{"condition":{"event":"demo_request_rt","within":"P1D"}}]}""",
            });
            await db.SaveChangesAsync();
        }
        var (_, secret) = await KeyAsync("ingest:events");
        var ext = "rt-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(HttpStatusCode.OK, (await Machine(secret).PostAsync("/api/ingest/events", Body($$"""{"customer":{"externalId":"{{ext}}"},"type":"demo_request_rt"}"""))).StatusCode);

        Assert.True(await TaggedWithinAsync(code, ext, TimeSpan.FromSeconds(20)), "the real-time tag was not assigned within 20 s");
    }

    [Fact]
    public async Task An_incoming_order_puts_the_customer_in_a_real_time_tag_on_orders()
    {
        var code = "rt_" + Guid.NewGuid().ToString("N")[..8];
        using (var scope = app.Factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StudioDbContext>();
            db.Tags.Add(new Tag
            {
                CategoryId = db.TagCategories.First().Id, Code = code, NameZh = "大单客户", NameEn = "Big spender", Kind = TagKind.Rule, Status = TagStatus.Active,
                RefreshRule = RefreshRule.RealTime, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow, LastComputedAt = DateTime.UtcNow,
                DefinitionJson = """{"rules":[{"condition":{"orders":"sum","op":"gte","value":88888,"within":"P1D"}}]}""",
            });
            await db.SaveChangesAsync();
        }
        var (_, secret) = await KeyAsync("ingest:orders");
        var ext = "rto-" + Guid.NewGuid().ToString("N")[..8];
        var order = $$"""{"customer":{"externalId":"{{ext}}"},"orderNo":"{{ext}}","lines":[{"sku":"GOLD","quantity":1,"unitPrice":99999}]}""";
        Assert.Equal(HttpStatusCode.OK, (await Machine(secret).PostAsync("/api/ingest/orders", Body(order))).StatusCode);

        // Orders feed real-time tags as events do: the tag was computed just now, so the minute sweep would not touch it within 20 s.
        Assert.True(await TaggedWithinAsync(code, ext, TimeSpan.FromSeconds(20)), "the real-time tag on orders was not assigned within 20 s");
    }

    [Fact]
    public async Task Identities_are_stitched_and_customers_sharing_them_are_merged_automatically()
    {
        var (_, secret) = await KeyAsync("ingest:customers", "ingest:events");
        var client = Machine(secret);
        var tag = Guid.NewGuid().ToString("N")[..8];
        string Ext(string n) => $"stitch-{tag}-{n}";
        async Task<JsonNode> Post(string path, string json) => JsonNode.Parse(await (await client.PostAsync(path, Body(json))).Content.ReadAsStringAsync())!;

        // Two people, known by different identities.
        var first = await Post("/api/ingest/customers", $$"""[{"externalId":"{{Ext("a")}}","name":"甲"},{"email":"{{tag}}@b.example","name":"乙","city":"杭州"}]""");
        Assert.Equal(2, first["customersCreated"]!.GetValue<int>());
        var extA = Ext("a");
        var a = Db(db => db.CustomerIdentities.Single(i => i.Value == extA).CustomerId);
        var b = Db(db => db.CustomerIdentities.Single(i => i.Value == $"{tag}@b.example").CustomerId);
        Assert.NotEqual(a, b);
        Assert.True(a < b);

        // A new identity arriving with a known one joins that customer (and shows on the record).
        var stitched = await Post("/api/ingest/events", $$"""{"customer":{"externalId":"{{Ext("a")}}","phone":"139{{Random.Shared.Next(10_000_000, 99_999_999)}}"},"type":"page_view"}""");
        Assert.Equal((1, 0, 0), (stitched["accepted"]!.GetValue<int>(), stitched["customersCreated"]!.GetValue<int>(), stitched["customersMerged"]!.GetValue<int>()));
        var phone = Db(db => db.CustomerIdentities.Single(i => i.CustomerId == a && i.Kind == Core.Customers.IdentityKind.Phone));
        Assert.True(phone.IsPrimary);
        Assert.Equal(phone.Value, Db(db => db.Customers.Single(c => c.Id == a).Phone));

        // An item naming identities of both: they are one person, merged into the earlier, everything kept.
        var merged = await Post("/api/ingest/events", $$"""{"customer":{"externalId":"{{Ext("a")}}","email":"{{tag.ToUpperInvariant()}}@B.example"},"type":"signup"}""");
        Assert.Equal((1, 0, 1), (merged["accepted"]!.GetValue<int>(), merged["customersCreated"]!.GetValue<int>(), merged["customersMerged"]!.GetValue<int>()));
        var (mergedInto, survivorCity, identities, events) = Db(db => (
            db.Customers.Single(c => c.Id == b).MergedIntoId, db.Customers.Single(c => c.Id == a).City,
            db.CustomerIdentities.Count(i => i.CustomerId == a), db.Events.Count(e => e.CustomerId == a)));
        Assert.Equal(a, mergedInto);
        Assert.Equal("杭州", survivorCity);
        Assert.Equal(3, identities);
        Assert.Equal(2, events);
        Assert.True(Db(db => db.AuditEntries.Any(x => x.EntityId == a.ToString() && x.Action == "merged")));
    }

    [Fact]
    public async Task Two_calls_naming_the_same_new_customer_count_it_once()
    {
        var (_, secret) = await KeyAsync("ingest:events");
        var client = Machine(secret);
        var ext = "once-" + Guid.NewGuid().ToString("N")[..8];
        // Sent together, so they may land in one group commit.
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(async n =>
            JsonNode.Parse(await (await client.PostAsync("/api/ingest/events", Body($$"""{"customer":{"externalId":"{{ext}}"},"type":"e{{n}}"}"""))).Content.ReadAsStringAsync())!));
        Assert.Equal(1, answers.Sum(x => x["customersCreated"]!.GetValue<int>()));
        Assert.Equal(1, Db(db => db.CustomerIdentities.Count(i => i.Value == ext)));
        Assert.Equal(8, Db(db => db.Events.Count(e => db.CustomerIdentities.Any(i => i.Value == ext && i.CustomerId == e.CustomerId))));
    }
}
