using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace CustomerStudio.Benchmarks;

/// <summary>The published studio running as its own process, as an operator runs it.</summary>
public sealed partial class StudioServer : IAsyncDisposable
{
    public const string AdminEmail = "admin@customerstudio.local";
    public const string Password = "Bench-Password-123";

    private readonly Process _process;
    private readonly string _dataDir;
    private readonly StringBuilder _log = new();
    private HttpClient? _admin;

    public string BaseUrl { get; }
    public int Pid => _process.Id;

    private StudioServer(Process process, string dataDir, string baseUrl)
    {
        _process = process;
        _dataDir = dataDir;
        BaseUrl = baseUrl;
    }

    public static async Task PublishAsync(string repo, string output, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("dotnet",
            ["publish", Path.Combine(repo, "src", "CustomerStudio.Web"), "-c", "Release", "-o", output, "-nologo", "-v", "q"])
        {
            WorkingDirectory = repo,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(psi) ?? throw new BenchmarkException("Cannot start dotnet publish.");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        if (process.ExitCode != 0)
            throw new BenchmarkException($"dotnet publish exited with {process.ExitCode}:\n{await stdout}\n{await stderr}");
    }

    /// <summary>Starts the published app on a free loopback port with a fresh data directory; returns once /healthz answers 200.</summary>
    public static async Task<StudioServer> StartAsync(string publishDir, IEnumerable<KeyValuePair<string, string>> extraEnvironment, CancellationToken ct)
    {
        var dll = Path.Combine(publishDir, "CustomerStudio.Web.dll");
        if (!File.Exists(dll)) throw new BenchmarkException($"{dll} is missing: publish first (run without --no-publish).");
        var dataDir = Directory.CreateTempSubdirectory("cs-bench-").FullName;
        var baseUrl = $"http://127.0.0.1:{FreePort()}";
        var psi = new ProcessStartInfo("dotnet", [dll, "--urls", baseUrl])
        {
            WorkingDirectory = publishDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.Environment["Database__DataDirectory"] = dataDir;
        psi.Environment["Studio__Admin__Password"] = Password;
        foreach (var (key, value) in extraEnvironment) psi.Environment[key] = value;

        var process = Process.Start(psi) ?? throw new BenchmarkException("Cannot start the studio.");
        var server = new StudioServer(process, dataDir, baseUrl);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitHealthyAsync(TimeSpan.FromMinutes(3), ct);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
    }

    public string LogTail(int lines = 40)
    {
        string text;
        lock (_log) text = _log.ToString();
        return string.Join('\n', text.Split('\n').TakeLast(lines));
    }

    private async Task WaitHealthyAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(5) };
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < timeout)
        {
            ct.ThrowIfCancellationRequested();
            if (_process.HasExited)
                throw new BenchmarkException($"The studio exited with {_process.ExitCode} before it was healthy:\n{LogTail()}");
            try
            {
                if ((await http.GetAsync("/healthz", ct)).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested) { }
            await Task.Delay(250, ct);
        }
        throw new BenchmarkException($"/healthz not 200 after {timeout.TotalSeconds:0} s:\n{LogTail()}");
    }

    /// <summary>Resident memory of the studio process from /proc/&lt;pid&gt;/status.</summary>
    public RssReading ReadRss()
    {
        if (_process.HasExited) throw new BenchmarkException($"The studio exited with {_process.ExitCode}:\n{LogTail()}");
        var values = new Dictionary<string, long>();
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
        {
            var parts = line.Split([':', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (parts is [var key, var kb, "kB"] && long.TryParse(kb, CultureInfo.InvariantCulture, out var value))
                values[key] = value * 1024;
        }
        long Get(string key) => values.GetValueOrDefault(key);
        return new RssReading(Get("VmRSS"), Get("VmHWM"), Get("RssAnon"), Get("RssFile"), Get("RssShmem"));
    }

    /// <summary>Reads /api/admin/diagnostics/memory as the admin (signed in once through the real form).</summary>
    public async Task<MemoryDiagnostics> DiagnosticsAsync(bool collect, CancellationToken ct)
    {
        var admin = await AdminAsync(ct);
        var url = "/api/admin/diagnostics/memory" + (collect ? "?collect=true" : "");
        return await admin.GetFromJsonAsync<MemoryDiagnostics>(url, ct)
               ?? throw new BenchmarkException("The diagnostics endpoint answered null.");
    }

    /// <summary>Total customers of the workspace, to show the demo data was the default seed.</summary>
    public async Task<int> CustomerCountAsync(CancellationToken ct)
    {
        var admin = await AdminAsync(ct);
        var page = await admin.GetFromJsonAsync<CustomerPage>("/api/customers?pageSize=1", ct);
        return page?.Total ?? 0;
    }

    /// <summary>An HTTP client signed in as the admin (through the real sign-in form), for the API.</summary>
    public Task<HttpClient> AdminClientAsync(CancellationToken ct) => AdminAsync(ct);

    private async Task<HttpClient> AdminAsync(CancellationToken ct)
    {
        if (_admin is not null) return _admin;
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = new Uri(BaseUrl),
            Timeout = TimeSpan.FromMinutes(2),
        };
        var form = await client.GetStringAsync("/account/login", ct);
        var token = AntiforgeryField().Match(form);
        if (!token.Success) throw new BenchmarkException("No __RequestVerificationToken on /account/login.");
        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
            ["Model.Email"] = AdminEmail,
            ["Model.Password"] = Password,
        }), ct);
        if (response.StatusCode != HttpStatusCode.Redirect)
            throw new BenchmarkException($"Admin sign-in failed: {(int)response.StatusCode}");
        return _admin = client;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _admin?.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                // SIGKILL: the measurement is over; nothing to flush but the throwaway SQLite file.
                _process.Kill(entireProcessTree: true);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await _process.WaitForExitAsync(timeout.Token);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception)
        {
            Console.Error.WriteLine($"warning: could not stop the studio (pid {Pid}): {ex.Message}");
        }
        _process.Dispose();
        try { Directory.Delete(_dataDir, recursive: true); }
        catch (IOException ex) { Console.Error.WriteLine($"warning: could not delete {_dataDir}: {ex.Message}"); }
    }
}

/// <summary>The JSON of GET /api/admin/diagnostics/memory.</summary>
public sealed record MemoryDiagnostics(
    bool Collected, long WorkingSetBytes, long PrivateMemoryBytes, long GcTotalMemoryBytes,
    long GcHeapSizeBytes, long GcCommittedBytes, long GcFragmentedBytes, bool ServerGc, int OpenCircuits);

/// <summary>VmRSS, its peak (VmHWM) and its parts (anonymous, file-backed, shared memory), in bytes.</summary>
public sealed record RssReading(long Rss, long Peak, long Anon, long File, long Shmem);

internal sealed record CustomerPage([property: JsonPropertyName("total")] int Total);
