using System.Diagnostics;
using System.Globalization;
using System.Text;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Demo;
using CustomerStudio.Core.Tags;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace CustomerStudio.Benchmarks.Tags;

/// <summary>
/// The <c>predictive</c> command: seeds a demo workspace of the given size into a fresh SQLite file, then times the
/// demo's churn-risk tag being trained and scored (<see cref="TagPredictions.RefreshAsync"/> with retrain) and scored
/// only, and reports the model's holdout quality. No hand SQL baseline: training has no SQL equivalent; the feature
/// queries are EF LINQ grouping queries, one pass per block of customers.
/// </summary>
public static class PredictiveCommand
{
    public const string Usage = "dotnet run -c Release --project tests/CustomerStudio.Benchmarks -- predictive [--customers 20000] [--runs 3] [--no-docs]";

    private sealed class Fixed(DateTime now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        var customers = Option(args, "--customers", 20_000);
        var runs = Option(args, "--runs", 3);
        var writeDocs = !args.Contains("--no-docs");
        var now = new DateTime(2026, 11, 20, 4, 0, 0, DateTimeKind.Utc);
        var file = Path.Combine(Path.GetTempPath(), $"cs-predictive-{Guid.NewGuid():N}.db");
        var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        try
        {
            var options = new DbContextOptionsBuilder<StudioDbContext>();
            StudioDatabase.Configure(options, DatabaseProvider.Sqlite, $"Data Source={file}");
            await using (var db = new StudioDbContext(options.Options))
            {
                await StudioDatabase.MigrateAsync(db, DatabaseProvider.Sqlite);
                Console.WriteLine($"Seeding {customers:N0} customers …");
                await new DemoWorkspaceSeeder(db, NullLogger<DemoWorkspaceSeeder>.Instance)
                    .SeedAsync(new DemoSeedOptions { Customers = customers, Events = customers * 10, Orders = customers * 3 / 2, Now = now }, ct);
            }

            var train = new List<double>();
            var score = new List<double>();
            ModelQuality? quality = null;
            for (var i = 0; i < runs; i++)
                foreach (var retrain in new[] { true, false })
                {
                    await using var db = new StudioDbContext(options.Options);
                    var clock = new Fixed(now);
                    var predictions = new TagPredictions(db, new TagAssignments(db, clock), clock);
                    var tagId = await db.Tags.Where(t => t.Code == "churn_risk").Select(t => t.Id).SingleAsync(ct);
                    var watch = Stopwatch.StartNew();
                    var result = await predictions.RefreshAsync(tagId, retrain, ct);
                    (retrain ? train : score).Add(watch.Elapsed.TotalMilliseconds);
                    quality = await predictions.QualityAsync(tagId, ct);
                    Console.WriteLine($"run {i + 1} {(retrain ? "train + score" : "score only")}: {watch.ElapsedMilliseconds} ms, {result.Coverage:N0} customers tagged, AUC {quality!.Auc:0.000}");
                }

            var loadEnd = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            var section = new StringBuilder();
            section.AppendLine("## Predictive tags on the demo workspace (issue #4)").AppendLine();
            section.AppendLine(Inv($"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {MachineInfo.Describe()}."));
            section.AppendLine(Inv($"1-minute load average when the measurements started / ended: {load} / {loadEnd} (2 cores, shared)."));
            section.AppendLine().AppendLine("```").AppendLine(Inv($"dotnet run -c Release --project tests/CustomerStudio.Benchmarks -- predictive --customers {customers}")).AppendLine("```").AppendLine();
            section.AppendLine(Inv($"A demo workspace of {customers:N0} customers ({customers * 10:N0} events, {customers * 3 / 2:N0} orders, seed 20261124, \"now\" {now:yyyy-MM-dd}) in a fresh SQLite file; the demo's `churn_risk` tag (no paid order in the next 90 days, among buyers), {runs} runs of each kind. Training = features as of the cutoff (now − 90 days), L-BFGS logistic regression, holdout evaluation, scoring every buyer, threshold values written as differences (decision 0006). No hand SQL baseline: training has no SQL equivalent."));
            section.AppendLine();
            section.AppendLine("| Figure | Value |").AppendLine("|---|---:|");
            section.AppendLine(Inv($"| Train + score, p50 / max | {Median(train):0} / {train.Max():0} ms |"));
            section.AppendLine(Inv($"| Score only (model kept), p50 / max | {Median(score):0} / {score.Max():0} ms |"));
            section.AppendLine(Inv($"| AUC on the holdout | {quality!.Auc:0.000} |"));
            section.AppendLine(Inv($"| Log loss | {quality.LogLoss:0.000} |"));
            section.AppendLine(Inv($"| Training / holdout rows | {quality.TrainingRows:N0} / {quality.HoldoutRows:N0} |"));
            section.AppendLine(Inv($"| Churned share (label) | {quality.PositiveRate:P1} |"));
            section.AppendLine(Inv($"| Customers scored | {quality.ScoredCustomers:N0} |"));
            section.AppendLine(Inv($"| Top features (weight on normalized value) | {string.Join(", ", quality.TopFeatures.Take(4).Select(f => Inv($"{f.Feature} {f.Weight:+0.00;-0.00}")))} |"));
            section.AppendLine().AppendLine("Calibration on the holdout (predicted vs observed churn per score band):").AppendLine();
            section.AppendLine("| Band | Customers | Mean predicted | Observed |").AppendLine("|---|---:|---:|---:|");
            foreach (var bin in quality.Calibration.Where(b => b.Count > 0))
                section.AppendLine(Inv($"| {bin.From:0.0}–{bin.To:0.0} | {bin.Count:N0} | {bin.MeanPredicted:P0} | {bin.ObservedRate:P0} |"));
            Console.WriteLine(section);
            if (writeDocs) BenchmarkDocs.WriteSection(Path.Combine(RepoRoot(), "docs", "benchmarks.md"), "## Predictive tags on the demo workspace (issue #4)", section.ToString());
            return 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var f in new[] { file, file + "-wal", file + "-shm" }) if (File.Exists(f)) File.Delete(f);
        }
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var v) ? v : fallback;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CustomerStudio.sln"))) return dir.FullName;
        throw new BenchmarkException("CustomerStudio.sln not found.");
    }
}
