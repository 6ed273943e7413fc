using System.Globalization;

namespace CustomerStudio.Benchmarks.Tags;

/// <summary>Options of the <c>tags</c> benchmark.</summary>
public sealed record TagsOptions
{
    public const string Usage = """
        Usage: dotnet run -c Release --project tests/CustomerStudio.Benchmarks -- tags [options]
          --db PATH        the conditions benchmark's 1M-customer file, generated as `conditions` does when missing
                           (default artifacts/bench/conditions-1m.db); never modified by this benchmark
          --work PATH      working copy the runs write to (default artifacts/bench/tags-1m-work.db): copied afresh from
                           --db at the start, deleted at the end unless --keep
          --runs N         measured runs per tag for each kind of recompute (default 5; the daily-change runs are N days)
          --warmup N       untimed first computations per tag before the measured ones (default 1)
          --probe-runs N   rolled-back runs of each way of writing a first computation's rows (default 3; 0 skips the probe)
          --keep           keep the working copy after the run
          --plans          print the SQL the engine sends for each rule and EXPLAIN QUERY PLAN of it and of the hand SQL
          --no-docs        print the results only; do not update docs/benchmarks.md
        """;

    public string DbPath { get; init; } = Path.Combine("artifacts", "bench", "conditions-1m.db");
    public string WorkPath { get; init; } = Path.Combine("artifacts", "bench", "tags-1m-work.db");
    public int Runs { get; init; } = 5;
    public int Warmup { get; init; } = 1;
    public int ProbeRuns { get; init; } = 3;
    public bool Keep { get; init; }
    public bool Plans { get; init; }
    public bool WriteDocs { get; init; } = true;
    /// <summary>The command line as typed, for the record.</summary>
    public string Command { get; init; } = "";

    public static TagsOptions Parse(string[] args)
    {
        var o = new TagsOptions();
        for (var i = 1; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Int(int min) => int.TryParse(Next(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= min
                ? v : throw new ArgumentException($"{args[i - 1]} needs a whole number ≥ {min}.");
            o = args[i] switch
            {
                "--db" => o with { DbPath = Next() },
                "--work" => o with { WorkPath = Next() },
                "--runs" => o with { Runs = Int(1) },
                "--warmup" => o with { Warmup = Int(0) },
                "--probe-runs" => o with { ProbeRuns = Int(0) },
                "--keep" => o with { Keep = true },
                "--plans" => o with { Plans = true },
                "--no-docs" => o with { WriteDocs = false },
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
        }
        return o with { Command = "dotnet run -c Release --project tests/CustomerStudio.Benchmarks -- " + string.Join(' ', args) };
    }
}
