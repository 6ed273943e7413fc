using System.Net;
using CustomerStudio.Core.Data;
using CustomerStudio.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerStudio.Tests.Web;

/// <summary>The key ring behind sign-in cookies and forms lives in the studio's database, shared by every node.</summary>
public class DataProtectionTests
{
    [Fact]
    public async Task Two_nodes_of_one_workspace_share_the_key_ring_so_a_sign_in_on_one_is_valid_on_the_other()
    {
        await using var first = new StudioAppFactory();
        var signedIn = await first.SignedInAsync(StudioAppFactory.Admin);
        Assert.Equal(HttpStatusCode.OK, (await signedIn.GetAsync("/api/segments")).StatusCode);
        await using var second = new StudioAppFactory(first.DataDirectory);

        // What one node protects (as it does the sign-in cookie), the other reads.
        var secret = first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("hello");
        Assert.Equal("hello", second.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(secret));

        // The sign-in cookie issued by the first node opens the API on the second.
        var cookie = await SignInCookieAsync(first);
        var other = second.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        other.DefaultRequestHeaders.Add("Cookie", cookie);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/segments")).StatusCode);

        using var scope = second.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<StudioDbContext>();
        var keys = await db.DataProtectionKeys.ToListAsync();
        Assert.Single(keys);
        Assert.Contains("<key", keys[0].Xml);
    }

    /// <summary>Signs in through the form and returns the auth cookie it sets, as a Cookie header value.</summary>
    private static async Task<string> SignInCookieAsync(StudioAppFactory app)
    {
        var response = await StudioAppFactory.PostLoginAsync(app.Anonymous(), StudioAppFactory.Admin, StudioAppFactory.Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("CustomerStudio.Auth=", StringComparison.Ordinal)).Split(';')[0];
    }
}
