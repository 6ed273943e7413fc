using System.Globalization;
using System.Text;

namespace CustomerStudio.Benchmarks.Imports;

/// <summary>
/// Issue #5: 1M customer rows with cleansing and dedupe in ≤ 60 s, streaming, with the server's memory under 500 MB
/// above idle. Generates (or reuses) the file, uploads it to the published studio through the HTTP API and follows
/// the job, then loads the same file with hand-written SQL into a fresh database in the same run. The counts the
/// studio reports are checked against what the generator planted.
/// </summary>
public sealed class ImportsBenchmark(ImportsOptions options)
{
    public const string SectionHeading = "## Customer import at 1M rows (issue #5)";
    public const double WallTargetSeconds = 60;
    public const double MemoryTargetMb = 500;

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var repo = RepoRoot();
        var csv = Path.GetFullPath(options.FilePath ?? options.DefaultFile, repo);
        var manifest = await new ImportsDataGenerator(csv, options.Rows, options.Regenerate).EnsureAsync(ct);
        var loadStart = LoadAverage();
        var source = SourceVersion();

        // The baseline runs before and after the studio: the machine is shared, and SQLite's writes make it sensitive to the disk.
        var baselineDb = Path.Combine(repo, "artifacts", "bench", "imports-baseline.db");
        HandSqlResult? handBefore = null;
        if (options.Baseline && options.Studio)
            handBefore = await BaselineAsync(csv, baselineDb, "before the studio", ct);

        StudioImportResult? studio = null;
        if (options.Studio)
        {
            var publishDir = Path.Combine(repo, "artifacts", "bench-web-imports");
            if (options.Publish)
            {
                Console.WriteLine($"==> dotnet publish src/CustomerStudio.Web -c Release -o {Path.GetRelativePath(repo, publishDir)}");
                await StudioServer.PublishAsync(repo, publishDir, ct);
            }
            studio = await StudioImportRun.RunAsync(publishDir, csv, options, ct);
        }
        var loadMiddle = LoadAverage();

        HandSqlResult? hand = options.Baseline ? await BaselineAsync(csv, baselineDb, "after the studio", ct) : null;

        ImportsProfile? profile = null;
        if (options.Profile)
            profile = await ImportsProfiler.RunAsync(csv, Path.Combine(repo, "artifacts", "bench", "imports-profile.db"), hand, ct);
        var loadEnd = LoadAverage();

        var failures = Check(manifest, studio, hand);
        if (handBefore is not null) failures.AddRange(Check(manifest, null, handBefore));
        var section = Markdown(manifest, studio, hand, handBefore, profile, $"{loadStart} / {loadMiddle} / {loadEnd}", Path.GetRelativePath(repo, csv), source);
        Console.WriteLine();
        Console.WriteLine(section);
        if (options.WriteDocs && studio is not null && hand is not null)
        {
            var docs = Path.Combine(repo, "docs", "benchmarks.md");
            BenchmarkDocs.WriteSection(docs, SectionHeading, section);
            Console.WriteLine($"Written to {Path.GetRelativePath(repo, docs)}");
        }
        foreach (var f in failures) Console.Error.WriteLine($"MISMATCH: {f}");
        var met = studio is null || (studio.WallSeconds <= WallTargetSeconds && AboveIdle(studio) < MemoryTargetMb);
        return failures.Count == 0 && met ? 0 : 1;
    }

    /// <summary>Peak RSS of the import above the idle studio's RSS after a forced full GC (the stricter baseline: idle RSS without it still holds the demo seeding's garbage).</summary>
    private static double AboveIdle(StudioImportResult s) => Mb(Math.Max(s.End.Peak, s.MaxSampledRss) - s.IdleCollected.Rss);

    private static List<string> Check(ImportsManifest m, StudioImportResult? s, HandSqlResult? h)
    {
        var failures = new List<string>();
        void Expect(string what, long actual, long expected)
        {
            if (actual != expected) failures.Add($"{what}: {actual:N0}, expected {expected:N0}");
        }
        if (s is not null)
        {
            Expect("studio total rows", s.Job.TotalRows, m.Rows);
            Expect("studio processed rows", s.Job.ProcessedRows, m.Rows);
            Expect("studio created", s.Job.Created, m.NewCustomers);
            Expect("studio merged", s.Job.Merged, m.Duplicates);
            Expect("studio rejected", s.Job.Rejected, m.BadRows);
            Expect("report.csv rows", s.ReportRows, m.BadRows);
            Expect("report.csv rows for 手机", s.ReportRowsByColumn.GetValueOrDefault("手机"), m.BadPhones);
            Expect("report.csv rows for 邮箱", s.ReportRowsByColumn.GetValueOrDefault("邮箱"), m.BadEmails);
            Expect("report.csv rows for 生日", s.ReportRowsByColumn.GetValueOrDefault("生日"), m.BadDates);
            Expect("report.csv rows for 省份", s.ReportRowsByColumn.GetValueOrDefault("省份"), m.BadProvinces);
            Expect("customers added to the workspace", s.CustomersAfter - s.CustomersBefore, m.NewCustomers);
        }
        if (h is not null)
        {
            Expect("hand SQL created", h.Created, m.NewCustomers);
            Expect("hand SQL merged", h.Merged, m.Duplicates);
            Expect("hand SQL rejected", h.Rejected, m.BadRows);
            Expect("hand SQL identities", h.Identities, m.Identities);
        }
        return failures;
    }

    private static async Task<HandSqlResult> BaselineAsync(string csv, string db, string when, CancellationToken ct)
    {
        Console.WriteLine($"==> Hand-written SQL baseline ({when}): the same file into a fresh migrated SQLite database");
        var hand = await ImportsHandSql.RunAsync(csv, db, ct);
        Console.WriteLine($"  {hand.Seconds:0.0} s: created {hand.Created:N0}, merged {hand.Merged:N0}, rejected {hand.Rejected:N0}, identities {hand.Identities:N0}, {hand.WrittenBytes / 1073741824.0:0.0} GB written");
        return hand;
    }

    private string Markdown(ImportsManifest m, StudioImportResult? s, HandSqlResult? h, HandSqlResult? h0, ImportsProfile? profile, string load, string csv, string source)
    {
        var inv = CultureInfo.InvariantCulture;
        var b = new StringBuilder();
        b.AppendLine(SectionHeading);
        b.AppendLine();
        b.AppendLine(inv, $"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {MachineInfo.Describe()}.");
        b.AppendLine(inv, $"1-minute load average at the start / after the studio run / at the end: {load} (on {Environment.ProcessorCount} cores, shared with other builds and tests; the benchmark client and the studio run on the same machine).");
        if (s is not null)
        {
            var env = options.AppEnvironment.Count == 0 ? "none" : string.Join(", ", options.AppEnvironment.Select(kv => $"`{kv.Key}={kv.Value}`"));
            b.AppendLine(inv, $"Source when the run started: {source}.");
            b.AppendLine(inv, $"Studio published in Release, run as its own process with `ASPNETCORE_ENVIRONMENT=Production` on a fresh SQLite demo workspace (default seed, {s.CustomersBefore:N0} customers; healthy {s.HealthySeconds:0.0} s after start, seeding included); {(s.ServerGc ? "Server" : "Workstation")} GC; extra environment for the studio: {env}.");
        }
        b.AppendLine();
        b.AppendLine("```");
        b.AppendLine(options.Command);
        b.AppendLine("```");
        b.AppendLine();
        var sameBatch = m.Duplicates == 0 ? 0 : 100.0 * m.DuplicatesSameBatch / m.Duplicates;
        b.AppendLine(inv, $"Data (deterministic, seed {m.Seed}, `{csv}`, {m.Bytes / 1048576.0:0.0} MB, generated in {m.GenerateSeconds:0} s and reused while it matches): {m.Rows:N0} rows of UTF-8 CSV (BOM, CRLF) under the header `{string.Join(',', ImportsData.Header)}`. Planted: {m.NewCustomers:N0} new customers with {m.Identities:N0} identities (phone 97 %, e-mail 85 %, member number 70 %); {m.Duplicates:N0} duplicates ({100.0 * m.Duplicates / m.Rows:0.0} %) repeating the phone and/or e-mail (and half the time the member number) of an earlier row in another format or case, {sameBatch:0} % of them in the same 5,000-row batch as their first row; {m.BadRows:N0} rows ({100.0 * m.BadRows / m.Rows:0.0} %) with exactly one bad cell: {m.BadPhones:N0} phones (`12345`, `电话待补`, 10 digits …), {m.BadEmails:N0} e-mails (no @, a space inside, no top-level domain, `@@`, `..`), {m.BadDates:N0} birthdays (`1990-02-30`, `不详`, `1850-01-01` …), {m.BadProvinces:N0} provinces (`火星`, `加州` …).");
        b.AppendLine("Formats: phones as `13412345678`, `134 1234 5678`, `134-1234-5678`, `+86 134 1234 5678`, `+8613412345678`, `0086 …`, `(+86) 134-1234-5678`, `86-…`, `+86-…`, padded with spaces or in full-width digits; e-mails lower, Capitalized, with an upper-case domain or all upper-case, some with spaces around; provinces short (广东), full (广东省, 内蒙古自治区), in English (Guangdong, INNER MONGOLIA) or padded; genders 男/女/M/F/1/0/male/female/先生/女士; birthdays `1990-03-05`, `1990/3/5`, `19900305`, `1990年3月5日`, `1990.03.05`, `05/03/1990`, `1990-03-05 00:00:00`. Mapping: name, phone, email, gender, birth_date, province, city, external_id (会员编号); dedupe policy fill-empty; default region CN. Phone prefixes are ones the demo seed never uses, so no row matches a demo customer.");
        b.AppendLine();

        b.AppendLine("| Figure | Studio | Hand SQL | Target | Result |");
        b.AppendLine("|---|---:|---:|---|---|");
        string Sec(double v) => v.ToString("0.0", inv) + " s";
        string MbText(double v) => v.ToString("0.0", inv) + " MB";
        string Pass(bool ok) => ok ? "pass" : "**fail**";
        if (s is not null)
        {
            var aboveIdle = AboveIdle(s);
            var handTimes = h is null ? "" : h0 is null ? Sec(h.Seconds) : $"{Sec(h0.Seconds)} before / {Sec(h.Seconds)} after the studio";
            b.AppendLine(inv, $"| **Wall time, {m.Rows:N0} rows**: upload start → job finished (studio); read, cleanse, dedupe, insert up to the last commit (hand SQL) | {Sec(s.WallSeconds)} | {handTimes} | ≤ {WallTargetSeconds:0} s | {Pass(s.WallSeconds <= WallTargetSeconds)} |");
            b.AppendLine(inv, $"| … upload: multipart `POST /api/imports` until 202 Accepted (body received, file stored, job queued) | {Sec(s.UploadSeconds)} | | | |");
            b.AppendLine(inv, $"| … counting pass: 202 until the job shows its total rows (polled every {options.PollMs} ms) | {Sec(s.CountingSeconds)} | | | |");
            b.AppendLine(inv, $"| … import on the server: job `CreatedAt` → `FinishedAt` (counting pass included) | {Sec(s.ServerSeconds)} | | | |");
            var handMean = h is null ? 0 : h0 is null ? h.Seconds : (h.Seconds + h0.Seconds) / 2;
            b.AppendLine(inv, $"| Rows per second (wall; hand SQL: mean of its runs) | {m.Rows / s.WallSeconds:N0} | {(h is null ? "" : (m.Rows / handMean).ToString("N0", inv))} | | |");
            if (h is not null) b.AppendLine(inv, $"| Studio wall time / hand SQL time (mean of its runs) | {s.WallSeconds / handMean:0.00} | | | |");
            var handWritten = h is null ? "" : h0 is null ? Gb(h.WrittenBytes) : $"{Gb(h0.WrittenBytes)} / {Gb(h.WrittenBytes)}";
            b.AppendLine(inv, $"| Written to storage during the import (`write_bytes` of `/proc/<pid>/io`; SQLite's WAL and checkpoints; the database ends at ≈ {(h is null ? "?" : (h.DbBytes / 1048576.0).ToString("0", inv))} MB) | {Gb(s.WrittenBytes)} | {handWritten} | | |");
            b.AppendLine(inv, $"| Idle RSS ({options.IdleSeconds} s after healthy, no forced GC) / after a forced GC | {MbText(Mb(s.Idle.Rss))} / {MbText(Mb(s.IdleCollected.Rss))} | | | |");
            var peak = Math.Max(s.End.Peak, s.MaxSampledRss);
            b.AppendLine(inv, $"| **Peak RSS above idle** = VmHWM{(s.PeakReset ? " (reset just before the upload)" : "")} − idle RSS after a forced GC | {MbText(Mb(peak - s.IdleCollected.Rss))} | | < {MemoryTargetMb:0} MB | {Pass(aboveIdle < MemoryTargetMb)} |");
            b.AppendLine(inv, $"| … max of {s.Samples:N0} RSS samples (every 100 ms) − idle RSS after a forced GC | {MbText(Mb(s.MaxSampledRss - s.IdleCollected.Rss))} | | | |");
            b.AppendLine(inv, $"| … VmHWM / max sampled RSS − idle RSS without a forced GC (that still holds the demo seeding's garbage) | {MbText(Mb(s.End.Peak - s.Idle.Rss))} / {MbText(Mb(s.MaxSampledRss - s.Idle.Rss))} | | | |");
            b.AppendLine(inv, $"| … peak RSS: VmHWM / max sampled RSS | {MbText(Mb(s.End.Peak))} / {MbText(Mb(s.MaxSampledRss))} | | | |");
            b.AppendLine(inv, $"| Max GC heap / GC committed during the import (polled, no forced GC); idle {MbText(Mb(s.IdleDiagnostics.GcHeapSizeBytes))} / {MbText(Mb(s.IdleDiagnostics.GcCommittedBytes))} | {MbText(Mb(s.MaxGcHeap))} / {MbText(Mb(s.MaxGcCommitted))} | | | |");
            b.AppendLine(inv, $"| RSS when finished / after a forced GC (anonymous / file-backed / shared after GC) | {MbText(Mb(s.End.Rss))} / {MbText(Mb(s.EndCollected.Rss))} ({MbText(Mb(s.EndCollected.Anon))} / {MbText(Mb(s.EndCollected.File))} / {MbText(Mb(s.EndCollected.Shmem))}) | | | |");
            var counts = $"{m.NewCustomers:N0} / {m.Duplicates:N0} / {m.BadRows:N0}";
            var countsOk = s.Job.Created == m.NewCustomers && s.Job.Merged == m.Duplicates && s.Job.Rejected == m.BadRows;
            var handOk = h is null || (h.Created == m.NewCustomers && h.Merged == m.Duplicates && h.Rejected == m.BadRows);
            b.AppendLine(inv, $"| Created / merged / rejected | {s.Job.Created:N0} / {s.Job.Merged:N0} / {s.Job.Rejected:N0} | {(h is null ? "" : $"{h.Created:N0} / {h.Merged:N0} / {h.Rejected:N0}")} | planted: {counts} | {(countsOk && handOk ? "equal" : "**differ**")} |");
            b.AppendLine(inv, $"| Updated / skipped (duplicates of rows from this file count as merged only) | {s.Job.Updated:N0} / {s.Job.Skipped:N0} | | | |");
            var byColumn = string.Join(", ", s.ReportRowsByColumn.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} {kv.Value:N0}"));
            var reportOk = s.ReportRows == m.BadRows && s.ReportRowsByColumn.GetValueOrDefault("手机") == m.BadPhones && s.ReportRowsByColumn.GetValueOrDefault("邮箱") == m.BadEmails
                           && s.ReportRowsByColumn.GetValueOrDefault("生日") == m.BadDates && s.ReportRowsByColumn.GetValueOrDefault("省份") == m.BadProvinces;
            b.AppendLine(inv, $"| Rows of `report.csv` ({byColumn}) | {s.ReportRows:N0} | {(h is null ? "" : h.ErrorRows.ToString("N0", inv))} | one per bad row, by column as planted | {(reportOk ? "equal" : "**differ**")} |");
            b.AppendLine(inv, $"| Customers in the workspace before → after | {s.CustomersBefore:N0} → {s.CustomersAfter:N0} | | + created | {(s.CustomersAfter - s.CustomersBefore == m.NewCustomers ? "equal" : "**differ**")} |");
        }
        else if (h is not null)
        {
            b.AppendLine(inv, $"| Hand SQL only: wall time | | {Sec(h.Seconds)} | | |");
        }
        b.AppendLine();
        if (h is not null)
            b.AppendLine(inv, $"Hand SQL (`tests/CustomerStudio.Benchmarks/Imports/ImportsHandSql.cs`), in the benchmark process, once before the studio started and once after it stopped: a fresh SQLite file migrated by the product (`StudioDatabase.MigrateAsync`: WAL, the shipped indexes; {h.MigrateSeconds:0.0} s, not counted), the file read with `StreamReader.ReadLine` and split on commas (it needs no quoting), cleansing in plain C# (digits-only phones with 86 / 0086 dropped and 11 digits required, trimmed lower-case e-mails with one @ and a dot in the domain, a dictionary of province names, seven date formats), duplicates found in a `Dictionary` of every identity written, one prepared `INSERT` per customer, identity and rejected row (constant SQL text, parameters), one transaction per 5,000 rows, `PRAGMA synchronous` left at the connection's default ({h.Synchronous}, as the studio's). It does not merge the fields of duplicates and starts from an empty database, where the studio's holds the demo workspace; {h.Identities:N0} identities written, database {h.DbBytes / 1048576.0:0} MB.");
        if (s is not null)
            b.AppendLine("Studio: the upload is buffered by ASP.NET Core's form reader and copied into the data directory; `ImportWorker` counts the rows in one parsing pass, then `CustomerImporter` streams them (CsvHelper) in batches of 5,000, each one transaction: cleansing (`CustomerRowCleaner`, libphonenumber), grouping the batch's rows by shared identity, lookups of the batch's identities in `CustomerIdentities` (per kind, 2,000 values a query), bulk inserts of customers, identities and report lines, fill-empty updates of customers matched in earlier batches, progress on the job.");
        if (profile is not null)
        {
            b.AppendLine();
            b.Append(profile.ToMarkdown(m.Rows));
        }
        if (s is not null && h is not null)
        {
            b.AppendLine();
            b.Append(ImportsNotes.Text);
        }
        return b.ToString();
    }

    internal static double Mb(long bytes) => bytes / 1024.0 / 1024.0;

    private static string Gb(long bytes) => (bytes / 1073741824.0).ToString("0.0", CultureInfo.InvariantCulture) + " GB";

    /// <summary>The commit measured, and whether src/ had uncommitted changes (the tree is shared with other work).</summary>
    private static string SourceVersion()
    {
        static string Git(string args)
        {
            try
            {
                using var git = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("git", args)
                {
                    RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoRoot(),
                });
                var output = git!.StandardOutput.ReadToEnd().Trim();
                git.WaitForExit();
                return output;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return "";
            }
        }
        var head = Git("log -1 --format=%h");
        if (head.Length == 0) return "unknown (no git)";
        var changed = Git("status --porcelain -- src").Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        return changed == 0 ? $"commit {head}, src/ clean" : $"commit {head} with {changed} uncommitted change(s) under src/ (work in progress by others)";
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

    private static string RepoRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "CustomerStudio.sln"))) return dir.FullName;
        throw new BenchmarkException("CustomerStudio.sln not found above the current directory.");
    }
}
