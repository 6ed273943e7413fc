namespace CustomerStudio.Benchmarks.Conditions;

/// <summary>The <c>conditions</c> command: parses its options and runs <see cref="ConditionsBenchmark"/>.</summary>
public static class ConditionsCommand
{
    public static Task<int> RunAsync(string[] args, CancellationToken ct) =>
        BenchmarkCommand.RunAsync(args, ConditionsOptions.Usage, ConditionsOptions.Parse, (options, token) => new ConditionsBenchmark(options).RunAsync(token), ct);
}
