namespace CustomerStudio.Benchmarks.Ingestion;

/// <summary>The <c>ingest</c> command: parses its options and runs <see cref="IngestBenchmark"/>.</summary>
public static class IngestCommand
{
    public static Task<int> RunAsync(string[] args, CancellationToken ct) =>
        BenchmarkCommand.RunAsync(args, IngestOptions.Usage, IngestOptions.Parse, (options, token) => new IngestBenchmark(options).RunAsync(token), ct);
}
