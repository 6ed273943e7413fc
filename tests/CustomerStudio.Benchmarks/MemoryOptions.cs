using System.Globalization;

namespace CustomerStudio.Benchmarks;

/// <summary>Options of the <c>memory</c> benchmark.</summary>
public sealed record MemoryOptions
{
    public const string Usage = """
        Usage: dotnet run -c Release --project tests/CustomerStudio.Benchmarks -- memory [options]
          --sessions N       signed-in browser sessions kept open at once (default 50)
          --batch N          sessions opened concurrently per batch (default 10)
          --idle-seconds N   wait after the studio is healthy before the idle reading (default 20)
          --settle-seconds N wait after a forced collection before reading RSS (default 5)
          --page PATH        page each session opens and keeps open (default /customers, waits for the grid's rows;
                             any other page waits for the navigation menu)
          --warmup N         sessions opened and closed before the baseline, so one-time JIT/tiering and caches
                             are not counted as per-session cost (default 10)
          --app-env K=V      extra environment variable for the studio process, e.g. DOTNET_gcServer=0 (repeatable)
          --no-publish       reuse artifacts/bench-web instead of publishing again
          --no-docs          print the results only; do not update docs/benchmarks.md
        """;

    public int Sessions { get; init; } = 50;
    public int Batch { get; init; } = 10;
    public int IdleSeconds { get; init; } = 20;
    public int SettleSeconds { get; init; } = 5;
    public int Warmup { get; init; } = 10;
    public string Page { get; init; } = "/customers";
    public IReadOnlyList<KeyValuePair<string, string>> AppEnvironment { get; init; } = [];
    public bool Publish { get; init; } = true;
    public bool WriteDocs { get; init; } = true;
    /// <summary>The command line as typed, for the record.</summary>
    public string Command { get; init; } = "";

    public static MemoryOptions Parse(string[] args)
    {
        var o = new MemoryOptions();
        var env = new List<KeyValuePair<string, string>>();
        for (var i = 1; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Int(int min) => int.TryParse(Next(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= min
                ? v : throw new ArgumentException($"{args[i - 1]} needs a whole number ≥ {min}.");
            o = args[i] switch
            {
                "--sessions" => o with { Sessions = Int(1) },
                "--batch" => o with { Batch = Int(1) },
                "--idle-seconds" => o with { IdleSeconds = Int(0) },
                "--settle-seconds" => o with { SettleSeconds = Int(0) },
                "--warmup" => o with { Warmup = Int(0) },
                "--page" => o with { Page = Next() is ['/', ..] page ? page : throw new ArgumentException("--page needs a path starting with /.") },
                "--no-publish" => o with { Publish = false },
                "--no-docs" => o with { WriteDocs = false },
                "--app-env" => AddEnv(o, env, Next()),
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
        }
        return o with
        {
            AppEnvironment = env,
            Command = "dotnet run -c Release --project tests/CustomerStudio.Benchmarks -- " + string.Join(' ', args),
        };
    }

    private static MemoryOptions AddEnv(MemoryOptions o, List<KeyValuePair<string, string>> env, string pair)
    {
        var eq = pair.IndexOf('=');
        if (eq <= 0) throw new ArgumentException($"--app-env needs KEY=VALUE, not '{pair}'.");
        env.Add(new(pair[..eq], pair[(eq + 1)..]));
        return o;
    }
}

/// <summary>A benchmark that could not measure (as opposed to one that measured a miss).</summary>
public sealed class BenchmarkException(string message) : Exception(message);
