using Microsoft.Playwright;

namespace CustomerStudio.Benchmarks;

/// <summary>Debian's Chromium (never a downloaded one) holding signed-in studio tabs open, one browser context each.</summary>
public sealed class BrowserSessions : IAsyncDisposable
{
    /// <summary>Every role account can open /customers; sessions take them in turn.</summary>
    public static readonly string[] Accounts =
    [
        StudioServer.AdminEmail, "governance@customerstudio.local", "marketer@customerstudio.local", "sales@customerstudio.local",
    ];

    private const string GridRows = "[data-testid=customers-grid] tbody tr";
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly string _baseUrl;
    private readonly List<IBrowserContext> _open = [];

    public int Count => _open.Count;

    private BrowserSessions(IPlaywright playwright, IBrowser browser, string baseUrl)
    {
        _playwright = playwright;
        _browser = browser;
        _baseUrl = baseUrl;
    }

    public static async Task<BrowserSessions> LaunchAsync(string baseUrl)
    {
        var chromium = Environment.GetEnvironmentVariable("CUSTOMERSTUDIO_CHROMIUM") ?? "/usr/bin/chromium";
        if (!File.Exists(chromium))
            throw new BenchmarkException($"{chromium} is missing: install Debian's chromium (tests/run.sh does).");
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = chromium,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                        // Many tabs at once: keep every one's timers (SignalR keep-alive) running.
                        "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                        "--disable-backgrounding-occluded-windows"],
            });
            return new BrowserSessions(playwright, browser, baseUrl);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>Opens <paramref name="count"/> more sessions, <paramref name="batch"/> at a time; each stays open.</summary>
    public async Task OpenAsync(int count, int batch, CancellationToken ct)
    {
        for (var done = 0; done < count;)
        {
            ct.ThrowIfCancellationRequested();
            var size = Math.Min(batch, count - done);
            var first = _open.Count;
            var contexts = await Task.WhenAll(Enumerable.Range(first, size).Select(OpenOneAsync));
            _open.AddRange(contexts);
            done += size;
            Console.WriteLine($"  {_open.Count} sessions open");
        }
    }

    /// <summary>Signs in through the real form with /customers as the page to return to, and waits for the grid's rows.</summary>
    private async Task<IBrowserContext> OpenOneAsync(int index)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            Locale = "zh-CN",
            ViewportSize = new() { Width = 1400, Height = 900 },
        });
        try
        {
            context.SetDefaultTimeout(90_000);
            var page = await context.NewPageAsync();
            await page.GotoAsync(_baseUrl + "/account/login?returnUrl=%2Fcustomers");
            await page.FillAsync("[data-testid=login-email]", Accounts[index % Accounts.Length]);
            await page.FillAsync("[data-testid=login-password]", StudioServer.Password);
            await page.ClickAsync("[data-testid=login-submit]");
            await page.WaitForURLAsync(u => u.EndsWith("/customers", StringComparison.Ordinal));
            // 25 rows per page: the last one is there once the circuit has loaded the first page of customers.
            await page.Locator(GridRows).Nth(24).WaitForAsync();
            return context;
        }
        catch (Exception ex) when (ex is PlaywrightException or TimeoutException)
        {
            await context.CloseAsync();
            throw new BenchmarkException($"Session {index + 1} ({Accounts[index % Accounts.Length]}) did not reach the customers grid: {ex.Message}");
        }
    }

    /// <summary>Closes every open session (their circuits end).</summary>
    public async Task CloseAllAsync()
    {
        foreach (var context in _open) await context.CloseAsync();
        _open.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _browser.CloseAsync();
        }
        catch (PlaywrightException ex)
        {
            Console.Error.WriteLine($"warning: closing Chromium: {ex.Message}");
        }
        _playwright.Dispose();
    }
}
