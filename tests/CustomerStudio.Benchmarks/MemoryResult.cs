using System.Globalization;
using System.Text;
using static CustomerStudio.Benchmarks.MemoryBenchmark;

namespace CustomerStudio.Benchmarks;

/// <summary>The figures of one memory run.</summary>
public sealed record MemoryResult(
    MemoryOptions Options, DateTimeOffset At, string Machine, double HealthySeconds, int Customers, bool ServerGc,
    RssReading Idle, RssReading IdleCollected, MemoryDiagnostics IdleGc,
    RssReading Before, MemoryDiagnostics BeforeGc, int Circuits, RssReading After, MemoryDiagnostics AfterGc)
{
    public const string SectionHeading = "## Server memory (issue #2)";

    public int Sessions => Options.Sessions;
    public long RssPerSession => (After.Rss - Before.Rss) / Sessions;
    public long HeapPerSession => (AfterGc.GcHeapSizeBytes - BeforeGc.GcHeapSizeBytes) / Sessions;
    public bool IdlePassed => Mb(Idle.Rss) < IdleTargetMb;
    public bool RssPerSessionPassed => Mb(RssPerSession) <= SessionTargetMb;
    public bool HeapPerSessionPassed => Mb(HeapPerSession) <= SessionTargetMb;
    public bool Passed => IdlePassed && RssPerSessionPassed && HeapPerSessionPassed;

    public string ToMarkdown()
    {
        var env = Options.AppEnvironment.Count == 0 ? "none" : string.Join(", ", Options.AppEnvironment.Select(e => $"`{e.Key}={e.Value}`"));
        var s = new StringBuilder();
        s.AppendLine(SectionHeading).AppendLine();
        s.AppendLine(Inv($"Measured {At:yyyy-MM-dd HH:mm} UTC on {Machine}."));
        s.AppendLine(Inv($"Studio published in Release, run as its own process with `ASPNETCORE_ENVIRONMENT=Production` on a fresh SQLite demo workspace (default seed: {Customers:N0} customers, 200,000 events, 30,000 orders; healthy {HealthySeconds:0.0} s after start, seeding included); {(ServerGc ? "Server" : "Workstation")} GC; extra environment for the studio: {env}."));
        s.AppendLine();
        s.AppendLine("```");
        s.AppendLine(Options.Command);
        s.AppendLine("```");
        s.AppendLine();
        s.AppendLine("| Figure | Value | Target | Result |");
        s.AppendLine("|---|---:|---|---|");
        Row(s, $"Idle RSS ({Options.IdleSeconds} s after healthy, no forced GC)", Fmt(Idle.Rss), $"< {IdleTargetMb:0} MB", IdlePassed);
        Row(s, "… of which anonymous / file-backed / shared memory", Parts(Idle));
        Row(s, "Idle RSS after a forced full GC", Fmt(IdleCollected.Rss));
        Row(s, "Idle GC heap / GC committed (after a forced full GC)", $"{Fmt(IdleGc.GcHeapSizeBytes)} / {Fmt(IdleGc.GcCommittedBytes)}");
        Row(s, "Peak RSS during start-up (seeding the demo, VmHWM)", Fmt(Idle.Peak));
        Row(s, $"RSS before the sessions ({Options.Warmup} warm-up session{(Options.Warmup == 1 ? "" : "s")} opened and closed, forced GC)", Fmt(Before.Rss));
        Row(s, "… of which anonymous / file-backed / shared memory", Parts(Before));
        Row(s, "GC heap / GC committed before the sessions", $"{Fmt(BeforeGc.GcHeapSizeBytes)} / {Fmt(BeforeGc.GcCommittedBytes)}");
        Row(s, "Signed-in browser sessions N (open circuits, confirmed by the diagnostics endpoint)", Inv($"{Sessions} ({Circuits} circuits)"));
        Row(s, "RSS after N sessions (forced GC)", Fmt(After.Rss));
        Row(s, "… of which anonymous / file-backed / shared memory", Parts(After));
        Row(s, "GC heap / GC committed after N sessions (forced GC)", $"{Fmt(AfterGc.GcHeapSizeBytes)} / {Fmt(AfterGc.GcCommittedBytes)}");
        Row(s, "Peak RSS of the whole run (VmHWM)", Fmt(After.Peak));
        Row(s, "**RSS per session** = (after − before) / N", Fmt(RssPerSession), $"≤ {SessionTargetMb:0} MB", RssPerSessionPassed);
        Row(s, "**GC heap per session** = (after − before) / N", Fmt(HeapPerSession), $"≤ {SessionTargetMb:0} MB", HeapPerSessionPassed);
        s.AppendLine();
        s.AppendLine("MB = 2^20 bytes. RSS is `VmRSS` of `/proc/<pid>/status`; GC heap is `GCMemoryInfo.HeapSizeBytes` read from " +
                     "`GET /api/admin/diagnostics/memory?collect=true` (full blocking collection, large object heap compacted once). " +
                     "Each session is its own Chromium browser context that signs in through the sign-in form (admin, governance, " +
                     "marketer and sales accounts in turn), opens " + (Options.Page == "/customers" ? "/customers and waits for the grid's rows" : Options.Page) + "; every tab stays open, " +
                     "so its Blazor circuit stays alive while the figures are read.");
        return s.ToString();
    }

    private static void Row(StringBuilder s, string figure, string value, string target = "", bool? passed = null) =>
        s.AppendLine($"| {figure} | {value} | {target} | {(passed is null ? "" : passed.Value ? "pass" : "**fail**")} |");

    private static string Parts(RssReading r) => $"{Fmt(r.Anon)} / {Fmt(r.File)} / {Fmt(r.Shmem)}";

    private static string Fmt(long bytes) => Inv($"{Mb(bytes):0.00} MB");

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
