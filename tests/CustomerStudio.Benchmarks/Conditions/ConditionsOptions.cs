using System.Globalization;

namespace CustomerStudio.Benchmarks.Conditions;

/// <summary>Options of the <c>conditions</c> benchmark.</summary>
public sealed record ConditionsOptions
{
    public const string Usage = """
        Usage: dotnet run -c Release --project tests/CustomerStudio.Benchmarks -- conditions [options]
          --customers N      customers generated (default 1000000)
          --events N         events generated (default 10000000)
          --orders N         orders generated (default 2000000)
          --db PATH          SQLite file, reused when it holds data of the same sizes (default artifacts/bench/conditions-1m.db)
          --runs N           measured runs per condition, after the warm-up (default 20)
          --warmup N         warm-up runs per condition (default 3)
          --refresh-runs N   first-refresh / diff-refresh cycles of the 500k segment (default 5)
          --regenerate       generate the data again even when the file matches
          --plans            print the SQL EF generates and EXPLAIN QUERY PLAN of both queries
          --no-docs          print the results only; do not update docs/benchmarks.md
        """;

    public int Customers { get; init; } = 1_000_000;
    public int Events { get; init; } = 10_000_000;
    public int Orders { get; init; } = 2_000_000;
    public string DbPath { get; init; } = Path.Combine("artifacts", "bench", "conditions-1m.db");
    public int Runs { get; init; } = 20;
    public int Warmup { get; init; } = 3;
    public int RefreshRuns { get; init; } = 5;
    public bool Regenerate { get; init; }
    public bool Plans { get; init; }
    public bool WriteDocs { get; init; } = true;
    /// <summary>The command line as typed, for the record.</summary>
    public string Command { get; init; } = "";

    public static ConditionsOptions Parse(string[] args)
    {
        var o = new ConditionsOptions();
        for (var i = 1; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Int(int min) => int.TryParse(Next(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= min
                ? v : throw new ArgumentException($"{args[i - 1]} needs a whole number ≥ {min}.");
            o = args[i] switch
            {
                "--customers" => o with { Customers = Int(100) },
                "--events" => o with { Events = Int(0) },
                "--orders" => o with { Orders = Int(0) },
                "--db" => o with { DbPath = Next() },
                "--runs" => o with { Runs = Int(1) },
                "--warmup" => o with { Warmup = Int(0) },
                "--refresh-runs" => o with { RefreshRuns = Int(0) },
                "--regenerate" => o with { Regenerate = true },
                "--plans" => o with { Plans = true },
                "--no-docs" => o with { WriteDocs = false },
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
        }
        return o with { Command = "dotnet run -c Release --project tests/CustomerStudio.Benchmarks -- " + string.Join(' ', args) };
    }
}
