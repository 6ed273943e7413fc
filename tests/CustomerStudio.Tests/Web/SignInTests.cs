using System.Net;
using CustomerStudio.Tests.Infrastructure;

namespace CustomerStudio.Tests.Web;

public class SignInTests(StudioAppFixture app) : IClassFixture<StudioAppFixture>
{
    [Fact]
    public async Task An_anonymous_visit_is_sent_to_sign_in_with_the_page_to_return_to()
    {
        var response = await app.Factory.Anonymous().GetAsync("/segments");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location!.PathAndQuery, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("segments", Uri.UnescapeDataString(response.Headers.Location.Query));
    }

    [Fact]
    public async Task An_anonymous_api_call_gets_401_not_a_redirect()
    {
        var client = app.Factory.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/customers")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/openapi/v1.json")).StatusCode);
    }

    [Fact]
    public async Task The_right_password_signs_in_and_returns_to_the_page_asked_for()
    {
        var client = app.Factory.Anonymous();
        var response = await StudioAppFactory.PostLoginAsync(client, StudioAppFactory.Admin, StudioAppFactory.Password, "/tags");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/tags", Path(response));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/tags")).StatusCode);
    }

    [Fact]
    public async Task A_foreign_return_url_is_not_followed()
    {
        var response = await StudioAppFactory.PostLoginAsync(app.Factory.Anonymous(), StudioAppFactory.Admin, StudioAppFactory.Password, "https://evil.example/");
        Assert.Equal("/", Path(response));
        Assert.Equal("localhost", new Uri(new Uri("http://localhost/"), response.Headers.Location!).Host);
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_user_get_the_same_message()
    {
        var wrong = await (await StudioAppFactory.PostLoginAsync(app.Factory.Anonymous(), StudioAppFactory.Marketer, "not-the-password")).Content.ReadAsStringAsync();
        var unknown = await (await StudioAppFactory.PostLoginAsync(app.Factory.Anonymous(), "nobody@customerstudio.local", "not-the-password")).Content.ReadAsStringAsync();
        const string message = "邮箱或密码不正确。";
        Assert.Contains(message, wrong);
        Assert.Contains(message, unknown);
        Assert.Contains("data-testid=\"login-error\"", wrong);
    }

    [Fact]
    public async Task Repeated_failures_lock_the_account_even_for_the_right_password()
    {
        const string user = StudioAppFactory.Governance;
        for (var i = 0; i < 5; i++)
            await StudioAppFactory.PostLoginAsync(app.Factory.Anonymous(), user, "wrong-password-" + i);
        var response = await StudioAppFactory.PostLoginAsync(app.Factory.Anonymous(), user, StudioAppFactory.Password);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("账号已临时锁定", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        var client = await app.Factory.SignedInAsync(StudioAppFactory.Admin);
        var home = await client.GetStringAsync("/");
        var token = System.Text.RegularExpressions.Regex.Match(home, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var response = await client.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["returnUrl"] = "",
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/customers")).StatusCode);
    }

    [Fact]
    public async Task The_language_choice_is_remembered()
    {
        var client = app.Factory.Anonymous();
        Assert.Contains("登录", await client.GetStringAsync("/account/login"));
        var set = await client.GetAsync("/culture/set?culture=en&redirectUri=%2Faccount%2Flogin");
        Assert.Equal("/account/login", Path(set));
        var page = await client.GetStringAsync("/account/login");
        Assert.Contains("Sign in", page);
        Assert.Contains("lang=\"en\"", page);
    }

    private static string Path(HttpResponseMessage response) =>
        new Uri(new Uri("http://localhost/"), response.Headers.Location!).AbsolutePath;

    [Fact]
    public async Task Health_reports_the_database_without_sign_in()
    {
        var response = await app.Factory.Anonymous().GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }
}

/// <summary>One studio per test class: starting it migrates, creates the accounts and seeds a small demo.</summary>
public sealed class StudioAppFixture : IAsyncLifetime
{
    public StudioAppFactory Factory { get; } = new();

    public Task InitializeAsync()
    {
        _ = Factory.Server; // starts the host
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();
}
