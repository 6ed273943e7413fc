using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CustomerStudio.Core.Data;
using CustomerStudio.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerStudio.Tests.Web;

/// <summary>/api/accounts on the real app (demo workspace): who may read and change, field-named errors, 404 and 409, masking.</summary>
public class AccountsApiTests(StudioAppFixture app) : IClassFixture<StudioAppFixture>
{
    private async Task<List<long>> CustomersAsync(int count, int skip)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StudioDbContext>();
        return await db.Customers.Where(c => c.MergedIntoId == null && c.Name != null && c.Phone != null)
            .OrderBy(c => c.Id).Skip(skip).Select(c => c.Id).Take(count).ToListAsync();
    }

    private static async Task<JsonNode> BodyAsync(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    private static async Task<List<(string Path, string Code)>> ErrorsAsync(HttpResponseMessage response) =>
        (await BodyAsync(response))["errors"]!.AsArray().Select(e => (e!["path"]!.GetValue<string>(), e["code"]!.GetValue<string>())).ToList();

    private static async Task<HttpClient> EnglishAsync(StudioAppFixture app, string user)
    {
        var client = await app.Factory.SignedInAsync(user);
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        return client;
    }

    [Fact]
    public async Task Readers_read_editors_write_and_others_are_refused()
    {
        var anonymous = app.Factory.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/accounts")).StatusCode);

        var sales = await EnglishAsync(app, StudioAppFactory.Sales);
        var created = await sales.PostAsJsonAsync("/api/accounts", new { name = "权限测试家庭", kind = "household" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await BodyAsync(created))["id"]!.GetValue<long>();

        // Marketers and governance read customers, so they read accounts; they do not change them.
        foreach (var reader in new[] { StudioAppFactory.Marketer, StudioAppFactory.Governance })
        {
            var client = await app.Factory.SignedInAsync(reader);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/accounts?kind=household")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/accounts/{id}")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/accounts", new { name = "x", kind = "company" })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PutAsJsonAsync($"/api/accounts/{id}", new { name = "x", kind = "company" })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync($"/api/accounts/{id}/members", new { customerId = 1 })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.DeleteAsync($"/api/accounts/{id}")).StatusCode);
        }

        var admin = await app.Factory.SignedInAsync(StudioAppFactory.Admin);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/accounts/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/accounts/{id}")).StatusCode);
    }

    [Fact]
    public async Task Bad_requests_name_their_fields_and_unknown_or_conflicting_ones_answer_404_and_409()
    {
        var sales = await EnglishAsync(app, StudioAppFactory.Sales);
        var bad = await sales.PostAsJsonAsync("/api/accounts", new { name = " ", kind = "club", industry = new string('x', 80), ownerId = "nobody" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal([("kind", "UnknownAccountKind"), ("name", "Required"), ("industry", "TooLong"), ("ownerId", "UnknownUser")], await ErrorsAsync(bad));
        var body = await BodyAsync(bad);
        Assert.Equal(400, body["status"]!.GetValue<int>());
        Assert.Equal("Unknown account kind \"club\"; use one of: company, household", body["title"]!.GetValue<string>());
        Assert.Equal([("kind", "Required")], await ErrorsAsync(await sales.PostAsJsonAsync("/api/accounts", new { name = "没有类型" })));
        Assert.Equal([("kind", "UnknownAccountKind")], await ErrorsAsync(await sales.GetAsync("/api/accounts?kind=club")));

        var company = await sales.PostAsJsonAsync("/api/accounts", new { name = "接口测试科技有限公司", kind = "company", industry = "教育", size = "50-199" });
        Assert.Equal(HttpStatusCode.Created, company.StatusCode);
        var id = (await BodyAsync(company))["id"]!.GetValue<long>();
        Assert.Equal("company", (await BodyAsync(company))["kind"]!.GetValue<string>());
        var twin = await sales.PostAsJsonAsync("/api/accounts", new { name = "接口测试科技有限公司", kind = "company" });
        Assert.Equal(HttpStatusCode.Conflict, twin.StatusCode);
        Assert.Equal([("name", "DuplicateAccountName")], await ErrorsAsync(twin));

        Assert.Equal(HttpStatusCode.NotFound, (await sales.GetAsync("/api/accounts/98765432")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await sales.PutAsJsonAsync("/api/accounts/98765432", new { name = "x", kind = "company" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await sales.PostAsJsonAsync("/api/accounts/98765432/members", new { customerId = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await sales.DeleteAsync("/api/accounts/98765432")).StatusCode);

        var ids = await CustomersAsync(2, 10);
        var added = await sales.PostAsJsonAsync($"/api/accounts/{id}/members", new { customerId = ids[0], role = "decision_maker" });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.Equal("decisionMaker", (await BodyAsync(added))["role"]!.GetValue<string>());
        var again = await sales.PostAsJsonAsync($"/api/accounts/{id}/members", new { customerId = ids[0], role = "user" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal([("customerId", "AlreadyMember")], await ErrorsAsync(again));
        Assert.Equal([("customerId", "Required")], await ErrorsAsync(await sales.PostAsJsonAsync($"/api/accounts/{id}/members", new { role = "user" })));
        Assert.Equal([("role", "UnknownRole")], await ErrorsAsync(await sales.PostAsJsonAsync($"/api/accounts/{id}/members", new { customerId = ids[1], role = "boss" })));
        var stranger = await sales.PostAsJsonAsync($"/api/accounts/{id}/members", new { customerId = 98765432 });
        Assert.Equal(HttpStatusCode.BadRequest, stranger.StatusCode);
        Assert.Equal([("customerId", "UnknownCustomer")], await ErrorsAsync(stranger));
        var notMember = await sales.PutAsJsonAsync($"/api/accounts/{id}/members/{ids[1]}", new { role = "user" });
        Assert.Equal(HttpStatusCode.NotFound, notMember.StatusCode);
        Assert.Equal([("customerId", "NotAMember")], await ErrorsAsync(notMember));
        Assert.Equal([("role", "Required")], await ErrorsAsync(await sales.PutAsJsonAsync($"/api/accounts/{id}/members/{ids[0]}", new { })));

        var nonEmpty = await sales.DeleteAsync($"/api/accounts/{id}");
        Assert.Equal(HttpStatusCode.Conflict, nonEmpty.StatusCode);
        Assert.Equal([("id", "AccountHasMembers")], await ErrorsAsync(nonEmpty));
        Assert.Equal(HttpStatusCode.NoContent, (await sales.DeleteAsync($"/api/accounts/{id}?force=true")).StatusCode);
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StudioDbContext>();
        Assert.True(await db.Customers.AnyAsync(c => c.Id == ids[0]));
        Assert.Equal(["created", "member_added", "deleted"],
            await db.AuditEntries.Where(a => a.EntityType == "Account" && a.EntityId == id.ToString()).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());
    }

    [Fact]
    public async Task A_household_is_built_over_the_api_and_members_are_masked_for_marketers()
    {
        var sales = await EnglishAsync(app, StudioAppFactory.Sales);
        var ids = await CustomersAsync(3, 20);
        var created = await sales.PostAsJsonAsync("/api/accounts", new { name = "接口测试之家", kind = "Household", ownerId = (string?)null });
        var id = (await BodyAsync(created))["id"]!.GetValue<long>();
        foreach (var (customer, role) in new[] { (ids[0], "registrant"), (ids[1], "decisionMaker"), (ids[2], "user") })
            Assert.Equal(HttpStatusCode.Created, (await sales.PostAsJsonAsync($"/api/accounts/{id}/members", new { customerId = customer, role })).StatusCode);
        var changed = await sales.PutAsJsonAsync($"/api/accounts/{id}/members/{ids[2]}", new { role = "member" });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal("member", (await BodyAsync(changed))["role"]!.GetValue<string>());
        var renamed = await sales.PutAsJsonAsync($"/api/accounts/{id}", new { name = "接口测试之家（改）", kind = "household", industry = "教育" });
        Assert.Equal("接口测试之家（改）", (await BodyAsync(renamed))["name"]!.GetValue<string>());

        var details = await BodyAsync(await sales.GetAsync($"/api/accounts/{id}"));
        Assert.Equal((3, "education"), (details["account"]!["members"]!.GetValue<int>(), details["account"]!["industry"]!.GetValue<string>()));
        var members = details["members"]!["items"]!.AsArray();
        Assert.Equal(["registrant", "decisionMaker", "member"], members.Select(m => m!["role"]!.GetValue<string>()));
        Assert.False(details["members"]!["masked"]!.GetValue<bool>());
        var phone = members[0]!["phone"]!.GetValue<string>();
        Assert.DoesNotContain("*", phone);

        var marketer = await app.Factory.SignedInAsync(StudioAppFactory.Marketer);
        var masked = await BodyAsync(await marketer.GetAsync($"/api/accounts/{id}/members?pageSize=2"));
        Assert.True(masked["masked"]!.GetValue<bool>());
        Assert.Equal(3, masked["total"]!.GetValue<int>());
        Assert.Equal(2, masked["items"]!.AsArray().Count);
        Assert.Contains("****", masked["items"]![0]!["phone"]!.GetValue<string>());
        Assert.DoesNotContain(phone, masked.ToJsonString());

        var found = await BodyAsync(await marketer.GetAsync("/api/accounts?search=接口测试之家&kind=household"));
        Assert.Equal(id, found["items"]![0]!["id"]!.GetValue<long>());

        // The profile's household panel reads the same membership.
        var profile = await BodyAsync(await sales.GetAsync($"/api/customers/{ids[1]}"));
        Assert.Contains(profile["household"]!.AsArray(), m => m!["accountId"]!.GetValue<long>() == id && m["customerId"]!.GetValue<long>() == ids[1]
                                                              && m["role"]!.GetValue<string>() == "decisionMaker");

        Assert.Equal(HttpStatusCode.NoContent, (await sales.DeleteAsync($"/api/accounts/{id}/members/{ids[2]}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await sales.DeleteAsync($"/api/accounts/{id}/members/{ids[2]}")).StatusCode);
    }
}
