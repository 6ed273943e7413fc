using System.Globalization;

namespace CustomerStudio.Benchmarks.Ingestion;

/// <summary>Options of the <c>ingest</c> benchmark.</summary>
public sealed record IngestOptions
{
    public const string Usage = """
        Usage: dotnet run -c Release --project tests/CustomerStudio.Benchmarks -- ingest [options]
          --rate N             offered load in events per second, paced open-loop (default 10000)
          --minutes N          length of the measurement (default 10; develop with 1)
          --seconds N          length of the measurement in seconds instead of minutes (short smoke runs)
          --batch N            events per POST /api/ingest/events, ≤ 5000 (default 500)
          --clients N          HttpClient senders, each with its own connections; batch k goes to sender k mod N (default 8)
          --customers N        distinct external ids the events name (default 200000), new ones trickling in all along
          --demo-share X       share of events naming an existing demo customer by phone (default 0.1)
          --warmup-seconds N   warm-up at the offered rate before the measurement, not counted (default 15)
          --capacity-seconds N after the measurement, every sender posts back to back (closed loop) for N s to find the
                             studio's ceiling, compared with the baseline's (default 30; 0 skips)
          --timeout-seconds N  per-attempt client timeout; a timed-out batch is retried with its Idempotency-Key (default 30)
          --seed N             workload seed (default 20261124)
          --app-env K=V        extra environment variable for the studio process, e.g. DOTNET_gcServer=1 (repeatable)
          --no-publish         reuse artifacts/bench-web-ingest instead of publishing again
          --no-baseline        skip the hand-written SQL baseline
          --keep-db            keep the studio's SQLite file (artifacts/bench/ingest-studio.db) after the run
          --no-docs            print the results only; do not update docs/benchmarks.md
        """;

    public int Rate { get; init; } = 10_000;
    public int Seconds { get; init; } = 600;
    public int Batch { get; init; } = 500;
    public int Clients { get; init; } = 8;
    public int Customers { get; init; } = 200_000;
    public double DemoShare { get; init; } = 0.1;
    public int WarmupSeconds { get; init; } = 15;
    public int TimeoutSeconds { get; init; } = 30;
    public int CapacitySeconds { get; init; } = 30;
    public int Seed { get; init; } = 20261124;
    public IReadOnlyList<KeyValuePair<string, string>> AppEnvironment { get; init; } = [];
    public bool Publish { get; init; } = true;
    public bool Baseline { get; init; } = true;
    public bool KeepDb { get; init; }
    public bool WriteDocs { get; init; } = true;
    /// <summary>The command line as typed, for the record.</summary>
    public string Command { get; init; } = "";

    public long TotalEvents => (long)Rate * Seconds;

    public static IngestOptions Parse(string[] args)
    {
        var o = new IngestOptions();
        var env = new List<KeyValuePair<string, string>>();
        for (var i = 1; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Int(int min, int max = int.MaxValue) => int.TryParse(Next(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
                ? v : throw new ArgumentException($"{args[i - 1]} needs a whole number from {min} to {max}.");
            o = args[i] switch
            {
                "--rate" => o with { Rate = Int(1) },
                "--minutes" => o with { Seconds = checked(Int(1, 600) * 60) },
                "--seconds" => o with { Seconds = Int(1) },
                "--batch" => o with { Batch = Int(1, 5_000) },
                "--clients" => o with { Clients = Int(1, 1_000) },
                "--customers" => o with { Customers = Int(1) },
                "--demo-share" => o with
                {
                    DemoShare = double.TryParse(Next(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d is >= 0 and < 1
                        ? d : throw new ArgumentException("--demo-share needs a number from 0 to below 1."),
                },
                "--warmup-seconds" => o with { WarmupSeconds = Int(0) },
                "--capacity-seconds" => o with { CapacitySeconds = Int(0) },
                "--timeout-seconds" => o with { TimeoutSeconds = Int(1) },
                "--seed" => o with { Seed = Int(0) },
                "--app-env" => AddEnv(o, env, Next()),
                "--no-publish" => o with { Publish = false },
                "--no-baseline" => o with { Baseline = false },
                "--keep-db" => o with { KeepDb = true },
                "--no-docs" => o with { WriteDocs = false },
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
        }
        if (o.TotalEvents > 50_000_000) throw new ArgumentException("--rate × duration must stay ≤ 50,000,000 events.");
        return o with
        {
            AppEnvironment = env,
            Command = "dotnet run -c Release --project tests/CustomerStudio.Benchmarks -- " + string.Join(' ', args),
        };
    }

    private static IngestOptions AddEnv(IngestOptions o, List<KeyValuePair<string, string>> env, string pair)
    {
        var eq = pair.IndexOf('=');
        if (eq <= 0) throw new ArgumentException($"--app-env needs KEY=VALUE, not '{pair}'.");
        if (pair[..eq] == "Database__DataDirectory") throw new ArgumentException("--app-env cannot move the database: the benchmark reads it afterwards.");
        env.Add(new(pair[..eq], pair[(eq + 1)..]));
        return o;
    }
}
