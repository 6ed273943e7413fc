using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CustomerStudio.BrowserTests;

/// <summary>The real studio on a loopback port (Kestrel) and Debian's Chromium driven by Playwright.</summary>
public sealed class StudioBrowserFixture : IAsyncLifetime
{
    public const string Password = "Browser-Password-123";
    private readonly string _dir = Directory.CreateTempSubdirectory("cs-browser-").FullName;
    private StudioFactory? _factory;
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = default!;
    /// <summary>The SMTP server journey e-mail goes to (Debian's python3-aiosmtpd on loopback).</summary>
    public CustomerStudio.Tests.Infrastructure.SmtpSink Smtp { get; private set; } = default!;
    /// <summary>The running app's services, for tests that check what the UI shows against the database.</summary>
    public IServiceProvider Services => _factory?.Services ?? throw new InvalidOperationException("The studio is not started.");
    public string BaseUrl { get; private set; } = "";
    public static string ScreenshotDir { get; } = Path.Combine(RepoRoot(), "TestResults", "screenshots");

    public async Task InitializeAsync()
    {
        Smtp = await CustomerStudio.Tests.Infrastructure.SmtpSink.StartAsync();
        _factory = new StudioFactory(_dir, Smtp.Port);
        _factory.UseKestrel(0);
        _factory.StartServer();
        BaseUrl = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First().Replace("[::]", "127.0.0.1").TrimEnd('/');

        var chromium = Environment.GetEnvironmentVariable("CUSTOMERSTUDIO_CHROMIUM") ?? "/usr/bin/chromium";
        if (!File.Exists(chromium))
            throw new InvalidOperationException($"{chromium} is missing: run tests/run.sh, which installs Debian's chromium.");
        // Two cores run the server, the tests and Chromium: allow for a slow moment.
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
        Directory.CreateDirectory(ScreenshotDir);
    }

    public async Task<IPage> NewPageAsync(string locale = "zh-CN")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { Locale = locale, ViewportSize = new() { Width = 1400, Height = 900 } });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    public async Task SignInAsync(IPage page, string email, string password = Password)
    {
        await page.GotoAsync(BaseUrl + "/account/login");
        await page.FillAsync("[data-testid=login-email]", email);
        await page.FillAsync("[data-testid=login-password]", password);
        await page.ClickAsync("[data-testid=login-submit]");
        // The landing page after a heavy test (a 540,000-row import) may come slowly on two busy cores: sign-in is not what is timed here.
        await page.WaitForURLAsync(u => !u.Contains("/account/login", StringComparison.OrdinalIgnoreCase), new() { Timeout = 60_000 });
        await WaitInteractiveAsync(page);
    }

    /// <summary>Waits until the Blazor circuit is attached, so clicks reach interactive handlers.</summary>
    public static Task WaitInteractiveAsync(IPage page) =>
        page.WaitForSelectorAsync("[data-testid=app-ready]", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });

    public static Task ShotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDir, name + ".png"), FullPage = true });

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        if (_factory is not null) await _factory.DisposeAsync();
        if (Smtp is not null) await Smtp.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CustomerStudio.sln"))) return dir.FullName;
        return AppContext.BaseDirectory;
    }

    private sealed class StudioFactory(string dataDir, int smtpPort) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("Database:Provider", "Sqlite");
            builder.UseSetting("Database:DataDirectory", dataDir);
            builder.UseSetting("Studio:Admin:Password", Password);
            builder.UseSetting("Demo:Customers", "2000");
            builder.UseSetting("Demo:Events", "20000");
            builder.UseSetting("Demo:Orders", "3000");
            builder.UseSetting("Journeys:Email:Host", "127.0.0.1");
            builder.UseSetting("Journeys:Email:Port", smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Journeys:Email:Security", "None");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class StudioCollection : ICollectionFixture<StudioBrowserFixture>
{
    public const string Name = "studio";
}
