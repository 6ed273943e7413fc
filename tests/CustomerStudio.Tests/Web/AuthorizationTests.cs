using System.Net;
using System.Net.Http.Json;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using CustomerStudio.Tests.Infrastructure;

namespace CustomerStudio.Tests.Web;

public class AuthorizationTests(StudioAppFixture app) : IClassFixture<StudioAppFixture>
{
    public static TheoryData<string, string, bool> Access => new()
    {
        { StudioAppFactory.Admin, "/settings", true },
        { StudioAppFactory.Admin, "/imports", true },
        { StudioAppFactory.Marketer, "/segments", true },
        { StudioAppFactory.Marketer, "/journeys", true },
        { StudioAppFactory.Marketer, "/settings", false },
        { StudioAppFactory.Marketer, "/imports", false },
        { StudioAppFactory.Sales, "/customers", true },
        { StudioAppFactory.Sales, "/accounts", true },
        { StudioAppFactory.Marketer, "/accounts", true },
        { StudioAppFactory.Sales, "/tags", false },
        { StudioAppFactory.Sales, "/journeys", false },
        { StudioAppFactory.Sales, "/templates", false },
    };

    [Theory]
    [MemberData(nameof(Access))]
    public async Task Each_role_reaches_only_its_areas(string user, string page, bool allowed)
    {
        var client = await app.Factory.SignedInAsync(user);
        var response = await client.GetAsync(page);
        if (allowed)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        else
        {
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/account/access-denied", response.Headers.Location!.AbsolutePath, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Personal_data_is_masked_for_roles_without_the_right()
    {
        var marketer = await (await app.Factory.SignedInAsync(StudioAppFactory.Marketer)).GetFromJsonAsync<CustomerPage>("/api/customers?pageSize=20");
        var sales = await (await app.Factory.SignedInAsync(StudioAppFactory.Sales)).GetFromJsonAsync<CustomerPage>("/api/customers?pageSize=20");

        Assert.Equal(20, marketer!.Items.Count);
        Assert.Equal(sales!.Total, marketer.Total);
        Assert.All(sales.Items, c => Assert.Matches(@"^\+861\d{10}$", c.Phone));
        Assert.All(marketer.Items, c => Assert.Matches(@"^\+861\d{2}\*{4}\d{4}$", c.Phone));
        Assert.All(marketer.Items.Where(c => c.Email is not null), c => Assert.Contains("***@", c.Email));
    }

    [Fact]
    public async Task A_signed_in_user_without_a_studio_role_is_refused_by_the_api()
    {
        const string email = "norole@customerstudio.local";
        using (var scope = app.Factory.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<StudioUser>>();
            if (await users.FindByEmailAsync(email) is null)
                Assert.True((await users.CreateAsync(new StudioUser { UserName = email, Email = email }, StudioAppFactory.Password)).Succeeded);
        }
        var client = await app.Factory.SignedInAsync(email);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/customers")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/workspace/overview")).StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_lists_the_endpoints_for_a_signed_in_user()
    {
        var client = await app.Factory.SignedInAsync(StudioAppFactory.Admin);
        var doc = await client.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/customers", doc);
        Assert.Contains("/api/workspace/overview", doc);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/docs/")).StatusCode);
    }
}
