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
    private readonly string _page;
    private readonly List<IBrowserContext> _open = [];

    public int Count => _open.Count;

    private BrowserSessions(IPlaywright playwright, IBrowser browser, string baseUrl, string page)
    {
        _page = page;
        _playwright = playwright;
        _browser = browser;
        _baseUrl = baseUrl;
    }

    public static async Task<BrowserSessions> LaunchAsync(string baseUrl, string page = "/customers")
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
            return new BrowserSessions(playwright, browser, baseUrl, page);
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

    /// <summary>Signs in through the real form with the page as the one to return to; waits for the customers grid's rows (or the menu).</summary>
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
            await page.GotoAsync(_baseUrl + "/account/login?returnUrl=" + Uri.EscapeDataString(_page));
            await page.FillAsync("[data-testid=login-email]", Accounts[index % Accounts.Length]);
            await page.FillAsync("[data-testid=login-password]", StudioServer.Password);
            await page.ClickAsync("[data-testid=login-submit]");
            await page.WaitForURLAsync(u => new Uri(u).PathAndQuery == _page);
            if (_page == "/customers")
            {
                // 25 rows per page: the last one is there once the circuit has loaded the first page of customers.
                await page.Locator(GridRows).Nth(24).WaitForAsync();
            }
            else
            {
                // The navigation menu renders once the interactive circuit is up.
                await page.Locator("[data-testid=nav]").WaitForAsync();
                await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            }
            return context;
        }
        catch (Exception ex) when (ex is PlaywrightException or TimeoutException)
        {
            await context.CloseAsync();
            throw new BenchmarkException($"Session {index + 1} ({Accounts[index % Accounts.Length]}) did not finish loading {_page}: {ex.Message}");
        }
    }

    /// <summary>One signed-in tab on <paramref name="path"/> for a measurement of its own (not one of the sessions).</summary>
    public async Task<IPage> SignedInPageAsync(string account, string path)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { Locale = "zh-CN", ViewportSize = new() { Width = 1600, Height = 1000 } });
        context.SetDefaultTimeout(90_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(_baseUrl + "/account/login?returnUrl=" + Uri.EscapeDataString(path));
        await page.FillAsync("[data-testid=login-email]", account);
        await page.FillAsync("[data-testid=login-password]", StudioServer.Password);
        await page.ClickAsync("[data-testid=login-submit]");
        // The circuit's marker, not the load event: on a busy machine "load" can come late without changing anything.
        await page.WaitForURLAsync(u => new Uri(u).PathAndQuery == path, new() { WaitUntil = WaitUntilState.Commit });
        await page.Locator("[data-testid=app-ready]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        return page;
    }

    /// <summary>Closes every open session. Leaving the page first makes Blazor send its disconnect beacon, so the circuit
    /// ends at once instead of being kept as disconnected for the retention period (3 minutes by default).</summary>
    public async Task CloseAllAsync()
    {
        foreach (var context in _open)
        {
            foreach (var page in context.Pages)
            {
                try { await page.GotoAsync("about:blank"); }
                catch (PlaywrightException) { }
            }
            await context.CloseAsync();
        }
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
