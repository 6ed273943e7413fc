using System.Globalization;

namespace CustomerStudio.Benchmarks.Journeys;

/// <summary>Options of the <c>journeys</c> benchmark.</summary>
public sealed record JourneysOptions
{
    public const string Usage = """
        Usage: dotnet run -c Release --project tests/CustomerStudio.Benchmarks -- journeys [options]
          --customers N        customers entering the segment, i.e. journey instances per measurement (default 100000)
          --runs N             measured runs; each builds two fresh files, one for the engine and one for the hand SQL
                               (default 3)
          --batch N            instances per batch, engine and hand SQL (default 500, the runtime's Journeys:BatchSize)
          --spread-seconds N   timer phase: wakes spread uniformly over this many seconds (default 60)
          --warmup N           customers of an untimed warm-up run through every phase (default 2000; 0 skips it)
          --dir PATH           where the SQLite files go (default artifacts/bench/journeys); emptied of this
                               benchmark's files at the start, deleted at the end unless --keep
          --keep               keep the files of the last run
          --no-profile         skip the profile pass after the runs (N instances advanced once more by the engine with
                               the commands it sends through EF and its transactions timed: trigger → wait, wake → exit)
          --no-docs            print the results only; do not update docs/benchmarks.md
        """;

    public int Customers { get; init; } = 100_000;
    public int Runs { get; init; } = 3;
    public int Batch { get; init; } = 500;
    public int SpreadSeconds { get; init; } = 60;
    public int Warmup { get; init; } = 2_000;
    public string Dir { get; init; } = Path.Combine("artifacts", "bench", "journeys");
    public bool Keep { get; init; }
    public bool Profile { get; init; } = true;
    public bool WriteDocs { get; init; } = true;
    /// <summary>The command line as typed, for the record.</summary>
    public string Command { get; init; } = "";

    public static JourneysOptions Parse(string[] args)
    {
        var o = new JourneysOptions();
        for (var i = 1; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Int(int min) => int.TryParse(Next(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= min
                ? v : throw new ArgumentException($"{args[i - 1]} needs a whole number ≥ {min}.");
            o = args[i] switch
            {
                "--customers" => o with { Customers = Int(100) },
                "--runs" => o with { Runs = Int(1) },
                "--batch" => o with { Batch = Int(1) },
                "--spread-seconds" => o with { SpreadSeconds = Int(1) },
                "--warmup" => o with { Warmup = Int(0) },
                "--dir" => o with { Dir = Next() },
                "--keep" => o with { Keep = true },
                "--no-profile" => o with { Profile = false },
                "--no-docs" => o with { WriteDocs = false },
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
        }
        return o with { Command = "dotnet run -c Release --project tests/CustomerStudio.Benchmarks -- " + string.Join(' ', args) };
    }
}
