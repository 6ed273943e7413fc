using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using CsvHelper;
using CsvHelper.Configuration;

namespace CustomerStudio.Benchmarks.Imports;

/// <summary>GET /api/imports/{id} as JSON.</summary>
public sealed record ImportJobJson(long Id, string Status, int TotalRows, int ProcessedRows, int Created, int Updated, int Merged, int Skipped,
    int Rejected, string? Error, DateTime CreatedAt, DateTime? FinishedAt);

/// <summary>What the studio did with the file, and what it cost.</summary>
public sealed record StudioImportResult
{
    public required double HealthySeconds { get; init; }
    public required int CustomersBefore { get; init; }
    public required int CustomersAfter { get; init; }
    public required bool ServerGc { get; init; }
    public required RssReading Idle { get; init; }
    public required RssReading IdleCollected { get; init; }
    public required MemoryDiagnostics IdleDiagnostics { get; init; }
    public required bool PeakReset { get; init; }
    /// <summary>Client: request sent until 202 Accepted (the whole multipart body received and stored).</summary>
    public required double UploadSeconds { get; init; }
    /// <summary>Client: 202 until the first poll that shows the job's total rows (the counting pass over the file).</summary>
    public required double CountingSeconds { get; init; }
    /// <summary>Upload start (client clock) to the job's FinishedAt (server clock, same machine).</summary>
    public required double WallSeconds { get; init; }
    /// <summary>Upload start to the first poll that saw the job completed.</summary>
    public required double PolledSeconds { get; init; }
    public required ImportJobJson Job { get; init; }
    public double ServerSeconds => (Job.FinishedAt!.Value - Job.CreatedAt).TotalSeconds;
    public required long MaxSampledRss { get; init; }
    public required int Samples { get; init; }
    public required long MaxGcHeap { get; init; }
    public required long MaxGcCommitted { get; init; }
    public required RssReading End { get; init; }
    public required RssReading EndCollected { get; init; }
    public required MemoryDiagnostics EndDiagnostics { get; init; }
    /// <summary>write_bytes of the studio process from the upload until the job finished.</summary>
    public required long WrittenBytes { get; init; }
    public required int ReportRows { get; init; }
    public required IReadOnlyDictionary<string, int> ReportRowsByColumn { get; init; }
    public required IReadOnlyList<(double Seconds, int Processed, long Rss)> Timeline { get; init; }
}

/// <summary>
/// Runs the published studio as its own process, uploads the file through <c>POST /api/imports</c> as an admin,
/// polls the job and samples the server's RSS until it is done, then reads the rejected-rows report.
/// </summary>
public static partial class StudioImportRun
{
    public static async Task<StudioImportResult> RunAsync(string publishDir, string csvPath, ImportsOptions options, CancellationToken ct)
    {
        Step("Starting the published studio (Production, fresh SQLite demo workspace)");
        var started = Stopwatch.StartNew();
        await using var server = await StudioServer.StartAsync(publishDir, options.AppEnvironment, ct);
        var healthy = started.Elapsed.TotalSeconds;
        Console.WriteLine($"  healthy after {healthy:0.0} s at {server.BaseUrl} (pid {server.Pid})");
        try
        {
            using var admin = await SignInAsync(server.BaseUrl, ct);
            var customersBefore = await server.CustomerCountAsync(ct);

            Step($"Idle: waiting {options.IdleSeconds} s");
            await Task.Delay(TimeSpan.FromSeconds(options.IdleSeconds), ct);
            var idle = server.ReadRss();
            var idleDiagnostics = await server.DiagnosticsAsync(collect: false, ct);
            await server.DiagnosticsAsync(collect: true, ct);
            await Task.Delay(TimeSpan.FromSeconds(5), ct);
            var idleCollected = server.ReadRss();
            Console.WriteLine($"  idle RSS {Mb(idle.Rss):0.0} MB (after a forced GC {Mb(idleCollected.Rss):0.0} MB), VmHWM so far {Mb(idle.Peak):0.0} MB (start-up, demo seeding)");

            // VmHWM is the peak of the process's whole life; start it again from now (Linux ≥ 4.0: "5" > clear_refs).
            var peakReset = false;
            try
            {
                await File.WriteAllTextAsync($"/proc/{server.Pid}/clear_refs", "5", ct);
                peakReset = true;
            }
            catch (IOException ex) { Console.Error.WriteLine($"warning: cannot reset VmHWM: {ex.Message}"); }
            catch (UnauthorizedAccessException ex) { Console.Error.WriteLine($"warning: cannot reset VmHWM: {ex.Message}"); }

            // RSS every 100 ms for the whole upload and import.
            using var sampling = CancellationTokenSource.CreateLinkedTokenSource(ct);
            long maxRss = 0;
            var samples = 0;
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    var rss = server.ReadRss().Rss;
                    Interlocked.Exchange(ref maxRss, Math.Max(Interlocked.Read(ref maxRss), rss));
                    Interlocked.Increment(ref samples);
                    try { await Task.Delay(100, sampling.Token); } catch (OperationCanceledException) { break; }
                }
            }, CancellationToken.None);

            Step($"Uploading {Path.GetFileName(csvPath)} ({new FileInfo(csvPath).Length / 1048576.0:0.0} MB) to POST /api/imports");
            var written = ProcessIo.WrittenBytes(server.Pid);
            var startUtc = DateTime.UtcNow;
            var clock = Stopwatch.StartNew();
            ImportJobJson job;
            await using (var file = File.OpenRead(csvPath))
            {
                using var form = new MultipartFormDataContent();
                var content = new StreamContent(file, 1 << 16);
                content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
                form.Add(content, "file", Path.GetFileName(csvPath));
                form.Add(new StringContent(ImportsData.PlanJson(), Encoding.UTF8), "plan");
                using var response = await admin.PostAsync("/api/imports", form, ct);
                if (response.StatusCode != HttpStatusCode.Accepted)
                    throw new BenchmarkException($"POST /api/imports answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
                job = await response.Content.ReadFromJsonAsync<ImportJobJson>(ct) ?? throw new BenchmarkException("POST /api/imports answered no job.");
            }
            var upload = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"  202 Accepted after {upload:0.0} s: job {job.Id}");

            double? counted = null;
            var timeline = new List<(double, int, long)>();
            long maxGcHeap = 0, maxGcCommitted = 0;
            var lastPrint = 0.0;
            while (true)
            {
                await Task.Delay(options.PollMs, ct);
                job = await admin.GetFromJsonAsync<ImportJobJson>($"/api/imports/{job.Id}", ct) ?? throw new BenchmarkException("GET /api/imports/{id} answered null.");
                var t = clock.Elapsed.TotalSeconds;
                var rss = server.ReadRss().Rss;
                var gc = await server.DiagnosticsAsync(collect: false, ct);
                maxGcHeap = Math.Max(maxGcHeap, gc.GcHeapSizeBytes);
                maxGcCommitted = Math.Max(maxGcCommitted, gc.GcCommittedBytes);
                timeline.Add((t, job.ProcessedRows, rss));
                if (counted is null && job.TotalRows > 0) counted = t - upload;
                if (t - lastPrint >= 5 || job.Status is not ("pending" or "running"))
                {
                    lastPrint = t;
                    Console.WriteLine($"  {t,6:0.0} s  {job.Status,-9} {job.ProcessedRows,9:N0} / {job.TotalRows,9:N0} rows   RSS {Mb(rss),6:0.0} MB   GC heap {Mb(gc.GcHeapSizeBytes),6:0.0} MB");
                }
                if (job.Status is "pending" or "running") continue;
                if (job.Status != "completed")
                    throw new BenchmarkException($"The import ended {job.Status}: {job.Error}");
                break;
            }
            var polled = clock.Elapsed.TotalSeconds;
            written = ProcessIo.WrittenBytes(server.Pid) - written;
            await sampling.CancelAsync();
            await sampler;
            var end = server.ReadRss();
            var wall = (DateTime.SpecifyKind(job.FinishedAt!.Value, DateTimeKind.Utc) - startUtc).TotalSeconds;

            var endDiagnostics = await server.DiagnosticsAsync(collect: true, ct);
            await Task.Delay(TimeSpan.FromSeconds(5), ct);
            var endCollected = server.ReadRss();
            var customersAfter = await server.CustomerCountAsync(ct);

            Step("GET /api/imports/{id}/report.csv");
            var byColumn = new Dictionary<string, int>();
            var reportRows = 0;
            await using (var report = await admin.GetStreamAsync($"/api/imports/{job.Id}/report.csv", ct))
            using (var reader = new StreamReader(report, Encoding.UTF8, detectEncodingFromByteOrderMarks: true))
            using (var parser = new CsvParser(reader, new CsvConfiguration(CultureInfo.InvariantCulture)))
            {
                var header = true;
                while (await parser.ReadAsync())
                {
                    if (header) { header = false; continue; }
                    reportRows++;
                    var column = parser.Record is [_, var c, ..] ? c : "";
                    byColumn[column] = byColumn.GetValueOrDefault(column) + 1;
                }
            }
            Console.WriteLine($"  {reportRows:N0} rows: {string.Join(", ", byColumn.Select(kv => $"{kv.Key} {kv.Value:N0}"))}");

            return new StudioImportResult
            {
                HealthySeconds = healthy, CustomersBefore = customersBefore, CustomersAfter = customersAfter, ServerGc = idleDiagnostics.ServerGc,
                Idle = idle, IdleCollected = idleCollected, IdleDiagnostics = idleDiagnostics, PeakReset = peakReset,
                UploadSeconds = upload, CountingSeconds = counted ?? double.NaN, WallSeconds = wall, PolledSeconds = polled, Job = job,
                MaxSampledRss = Math.Max(maxRss, end.Rss), Samples = samples, MaxGcHeap = maxGcHeap, MaxGcCommitted = maxGcCommitted,
                End = end, EndCollected = endCollected, EndDiagnostics = endDiagnostics,
                WrittenBytes = written, ReportRows = reportRows, ReportRowsByColumn = byColumn, Timeline = timeline,
            };
        }
        catch (BenchmarkException ex)
        {
            throw new BenchmarkException($"{ex.Message}\n--- studio log (tail) ---\n{server.LogTail()}");
        }
        finally
        {
            Step("Stopping the studio");
        }
    }

    /// <summary>An admin client signed in through the real form (cookie), as the wizard's uploads are.</summary>
    private static async Task<HttpClient> SignInAsync(string baseUrl, CancellationToken ct)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = new Uri(baseUrl),
            Timeout = TimeSpan.FromMinutes(15),
        };
        var form = await client.GetStringAsync("/account/login", ct);
        var token = AntiforgeryField().Match(form);
        if (!token.Success) throw new BenchmarkException("No __RequestVerificationToken on /account/login.");
        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
            ["Model.Email"] = StudioServer.AdminEmail,
            ["Model.Password"] = StudioServer.Password,
        }), ct);
        if (response.StatusCode != HttpStatusCode.Redirect)
            throw new BenchmarkException($"Admin sign-in failed: {(int)response.StatusCode}");
        return client;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    private static void Step(string text) => Console.WriteLine($"==> {text}");

    internal static double Mb(long bytes) => bytes / 1024.0 / 1024.0;
}
