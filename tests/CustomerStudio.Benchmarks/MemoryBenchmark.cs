using System.Diagnostics;

namespace CustomerStudio.Benchmarks;

/// <summary>
/// Issue #2: with the demo workspace the studio idles under 400 MB, and a signed-in browser session costs
/// at most 2 MB of server memory. Publishes the studio, runs it as its own process on a fresh demo workspace,
/// reads its RSS and managed heap idle and with N signed-in browser sessions open.
/// </summary>
public sealed class MemoryBenchmark(MemoryOptions options)
{
    public const double IdleTargetMb = 400;
    public const double SessionTargetMb = 2;

    public async Task<MemoryResult> RunAsync(CancellationToken ct)
    {
        var repo = RepoRoot();
        var publishDir = Path.Combine(repo, "artifacts", "bench-web");
        if (options.Publish)
        {
            Step($"dotnet publish src/CustomerStudio.Web -c Release -o {Path.GetRelativePath(repo, publishDir)}");
            await StudioServer.PublishAsync(repo, publishDir, ct);
        }

        Step("Starting the published studio (Production, fresh SQLite demo workspace)");
        var started = Stopwatch.StartNew();
        await using var server = await StudioServer.StartAsync(publishDir, options.AppEnvironment, ct);
        var healthySeconds = started.Elapsed.TotalSeconds;
        Console.WriteLine($"  healthy after {healthySeconds:0.0} s at {server.BaseUrl} (pid {server.Pid})");
        BrowserSessions? browser = null;
        try
        {
            Step($"Idle: waiting {options.IdleSeconds} s");
            await Task.Delay(TimeSpan.FromSeconds(options.IdleSeconds), ct);
            var idleRss = server.ReadRss();
            var idle = await server.DiagnosticsAsync(collect: true, ct);
            await Task.Delay(TimeSpan.FromSeconds(options.SettleSeconds), ct);
            var idleRssCollected = server.ReadRss();
            Console.WriteLine($"  RSS {Mb(idleRss.Rss):0.0} MB, after a forced GC {Mb(idleRssCollected.Rss):0.0} MB; GC heap {Mb(idle.GcHeapSizeBytes):0.0} MB, GC committed {Mb(idle.GcCommittedBytes):0.0} MB ({(idle.ServerGc ? "Server" : "Workstation")} GC)");

            browser = await BrowserSessions.LaunchAsync(server.BaseUrl, options.Page);
            if (options.Warmup > 0)
            {
                Step($"Warm-up: {options.Warmup} session(s) opened and closed (JIT, caches)");
                await browser.OpenAsync(options.Warmup, options.Batch, ct);
                await browser.CloseAllAsync();
                // Normally at once; a circuit whose beacon was lost ends when its disconnected retention (3 min) runs out.
                await WaitForCircuitsAsync(server, 0, TimeSpan.FromMinutes(4), ct);
            }

            var before = await server.DiagnosticsAsync(collect: true, ct);
            await Task.Delay(TimeSpan.FromSeconds(options.SettleSeconds), ct);
            var beforeRss = server.ReadRss();
            Console.WriteLine($"  baseline: RSS {Mb(beforeRss.Rss):0.0} MB, GC heap {Mb(before.GcHeapSizeBytes):0.0} MB, circuits {before.OpenCircuits}");

            Step($"Opening {options.Sessions} signed-in sessions on {options.Page}, {options.Batch} at a time");
            var opening = Stopwatch.StartNew();
            await browser.OpenAsync(options.Sessions, options.Batch, ct);
            Console.WriteLine($"  opened in {opening.Elapsed.TotalSeconds:0} s");
            var circuits = await WaitForCircuitsAsync(server, options.Sessions, TimeSpan.FromSeconds(30), ct);

            var after = await server.DiagnosticsAsync(collect: true, ct);
            await Task.Delay(TimeSpan.FromSeconds(options.SettleSeconds), ct);
            var afterRss = server.ReadRss();
            var stillOpen = (await server.DiagnosticsAsync(collect: false, ct)).OpenCircuits;
            if (stillOpen != options.Sessions)
                throw new BenchmarkException($"{stillOpen} circuits open after the measurement, expected {options.Sessions}: sessions dropped.");
            var customers = await server.CustomerCountAsync(ct);

            var result = new MemoryResult(
                options, DateTimeOffset.UtcNow, MachineInfo.Describe(), healthySeconds, customers, idle.ServerGc,
                idleRss, idleRssCollected, idle, beforeRss, before, circuits, afterRss, after);

            var table = result.ToMarkdown();
            Console.WriteLine();
            Console.WriteLine(table);
            if (options.WriteDocs)
            {
                var docs = Path.Combine(repo, "docs", "benchmarks.md");
                BenchmarkDocs.WriteSection(docs, MemoryResult.SectionHeading, table);
                Console.WriteLine($"Written to {Path.GetRelativePath(repo, docs)}");
            }
            return result;
        }
        catch (BenchmarkException ex)
        {
            throw new BenchmarkException($"{ex.Message}\n--- studio log (tail) ---\n{server.LogTail()}");
        }
        finally
        {
            Step("Stopping Chromium and the studio");
            if (browser is not null) await browser.DisposeAsync();
        }
    }

    private static async Task<int> WaitForCircuitsAsync(StudioServer server, int expected, TimeSpan timeout, CancellationToken ct)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            var open = (await server.DiagnosticsAsync(collect: false, ct)).OpenCircuits;
            if (open == expected) return open;
            if (stopwatch.Elapsed > timeout)
                throw new BenchmarkException($"{open} circuits open, expected {expected}.");
            await Task.Delay(500, ct);
        }
    }

    private static void Step(string text) => Console.WriteLine($"==> {text}");

    internal static double Mb(long bytes) => bytes / 1024.0 / 1024.0;

    private static string RepoRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "CustomerStudio.sln"))) return dir.FullName;
        throw new BenchmarkException("CustomerStudio.sln not found above the current directory.");
    }
}
