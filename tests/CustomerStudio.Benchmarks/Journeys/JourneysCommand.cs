namespace CustomerStudio.Benchmarks.Journeys;

/// <summary>The <c>journeys</c> command: parses its options and runs <see cref="JourneysBenchmark"/>.</summary>
public static class JourneysCommand
{
    public static Task<int> RunAsync(string[] args, CancellationToken ct) =>
        BenchmarkCommand.RunAsync(args, JourneysOptions.Usage, JourneysOptions.Parse, (options, token) => new JourneysBenchmark(options).RunAsync(token), ct);
}
