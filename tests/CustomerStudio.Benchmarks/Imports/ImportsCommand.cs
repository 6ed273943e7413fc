namespace CustomerStudio.Benchmarks.Imports;

/// <summary>The <c>imports</c> command: parses its options and runs <see cref="ImportsBenchmark"/>.</summary>
public static class ImportsCommand
{
    public static Task<int> RunAsync(string[] args, CancellationToken ct) =>
        BenchmarkCommand.RunAsync(args, ImportsOptions.Usage, ImportsOptions.Parse, (options, token) => new ImportsBenchmark(options).RunAsync(token), ct);
}
