namespace CustomerStudio.Benchmarks.Designer;

/// <summary>The <c>designer</c> command: parses its options and runs <see cref="DesignerBenchmark"/>.</summary>
public static class DesignerCommand
{
    public static Task<int> RunAsync(string[] args, CancellationToken ct) =>
        BenchmarkCommand.RunAsync(args, DesignerOptions.Usage, DesignerOptions.Parse, (options, token) => new DesignerBenchmark(options).RunAsync(token), ct);
}
