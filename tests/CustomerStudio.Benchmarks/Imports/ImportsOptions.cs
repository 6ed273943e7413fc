using System.Globalization;

namespace CustomerStudio.Benchmarks.Imports;

/// <summary>Options of the <c>imports</c> benchmark.</summary>
public sealed record ImportsOptions
{
    public const string Usage = """
        Usage: dotnet run -c Release --project tests/CustomerStudio.Benchmarks -- imports [options]
          --rows N           rows in the generated customer file (default 1000000)
          --file PATH        the CSV, reused when it was generated with the same rows and seed
                             (default artifacts/bench/imports-{rows}.csv, its manifest next to it)
          --regenerate       generate the file again even when it matches
          --idle-seconds N   wait after the studio is healthy before the idle reading (default 20)
          --poll-ms N        progress poll interval (default 500); RSS is sampled every 100 ms
          --app-env K=V      extra environment variable for the studio process, e.g. DOTNET_gcServer=0 (repeatable)
          --no-publish       reuse artifacts/bench-web-imports instead of publishing again
          --no-studio        skip the studio run (baseline and/or profile only)
          --no-baseline      skip the hand-written SQL baseline (run before and after the studio)
          --profile          also run CustomerImporter in-process on a fresh database and break its time down
                             (parsing, cleansing, EF queries, bulk inserts), with what-ifs for the identity
                             lookups and SQLite's transaction size / synchronous setting
          --no-docs          print the results only; do not update docs/benchmarks.md
        """;

    public int Rows { get; init; } = 1_000_000;
    public string? FilePath { get; init; }
    public bool Regenerate { get; init; }
    public int IdleSeconds { get; init; } = 20;
    public int PollMs { get; init; } = 500;
    public IReadOnlyList<KeyValuePair<string, string>> AppEnvironment { get; init; } = [];
    public bool Publish { get; init; } = true;
    public bool Studio { get; init; } = true;
    public bool Baseline { get; init; } = true;
    public bool Profile { get; init; }
    public bool WriteDocs { get; init; } = true;
    /// <summary>The command line as typed, for the record.</summary>
    public string Command { get; init; } = "";

    public string DefaultFile => Path.Combine("artifacts", "bench", $"imports-{Rows}.csv");

    public static ImportsOptions Parse(string[] args)
    {
        var o = new ImportsOptions();
        var env = new List<KeyValuePair<string, string>>();
        for (var i = 1; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Int(int min) => int.TryParse(Next(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= min
                ? v : throw new ArgumentException($"{args[i - 1]} needs a whole number ≥ {min}.");
            o = args[i] switch
            {
                "--rows" => o with { Rows = Int(100) },
                "--file" => o with { FilePath = Next() },
                "--regenerate" => o with { Regenerate = true },
                "--idle-seconds" => o with { IdleSeconds = Int(0) },
                "--poll-ms" => o with { PollMs = Int(50) },
                "--app-env" => AddEnv(o, env, Next()),
                "--no-publish" => o with { Publish = false },
                "--no-studio" => o with { Studio = false },
                "--no-baseline" => o with { Baseline = false },
                "--profile" => o with { Profile = true },
                "--no-docs" => o with { WriteDocs = false },
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
        }
        return o with
        {
            AppEnvironment = env,
            Command = "dotnet run -c Release --project tests/CustomerStudio.Benchmarks -- " + string.Join(' ', args),
        };
    }

    private static ImportsOptions AddEnv(ImportsOptions o, List<KeyValuePair<string, string>> env, string pair)
    {
        var eq = pair.IndexOf('=');
        if (eq <= 0) throw new ArgumentException("--app-env needs KEY=VALUE.");
        env.Add(new(pair[..eq], pair[(eq + 1)..]));
        return o;
    }
}
