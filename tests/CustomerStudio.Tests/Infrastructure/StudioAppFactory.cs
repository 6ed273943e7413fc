using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;

namespace CustomerStudio.Tests.Infrastructure;

/// <summary>The real studio in-process on its own SQLite file, with a known admin password and a small demo.</summary>
public sealed partial class StudioAppFactory : WebApplicationFactory<Program>
{
    public const string Password = "Test-Password-123";
    public const string Admin = "admin@customerstudio.local";
    public const string Governance = "governance@customerstudio.local";
    public const string Marketer = "marketer@customerstudio.local";
    public const string Sales = "sales@customerstudio.local";

    private readonly string _dir;
    private readonly bool _ownsDir;

    public StudioAppFactory() : this(null) { }

    /// <summary>A studio on the data folder <paramref name="dataDirectory"/> (another node of the same workspace), or its own.</summary>
    public StudioAppFactory(string? dataDirectory)
    {
        _ownsDir = dataDirectory is null;
        _dir = dataDirectory ?? Directory.CreateTempSubdirectory("cs-web-").FullName;
    }

    public string DataDirectory => _dir;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Database:Provider", "Sqlite");
        builder.UseSetting("Database:DataDirectory", _dir);
        builder.UseSetting("Studio:Admin:Password", Password);
        builder.UseSetting("Demo:Customers", "300");
        builder.UseSetting("Demo:Events", "3000");
        builder.UseSetting("Demo:Orders", "500");
    }

    public HttpClient Anonymous() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>Signs in through the real sign-in form, antiforgery token included.</summary>
    public async Task<HttpClient> SignedInAsync(string email, string password = Password)
    {
        var client = Anonymous();
        var response = await PostLoginAsync(client, email, password);
        if (response.StatusCode != HttpStatusCode.Redirect)
            throw new InvalidOperationException($"Sign-in as {email} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return client;
    }

    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string email, string password, string returnUrl = "/")
    {
        var url = $"/account/login?returnUrl={Uri.EscapeDataString(returnUrl)}";
        var page = await client.GetStringAsync(url);
        var token = AntiforgeryField().Match(page).Groups[1].Value;
        return await client.PostAsync(url, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = token,
            ["Model.Email"] = email,
            ["Model.Password"] = password,
        }));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (_ownsDir)
            try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}
