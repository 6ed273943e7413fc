namespace CustomerStudio.Benchmarks.Conditions;

/// <summary>The <c>conditions</c> command: parses its options and runs <see cref="ConditionsBenchmark"/>.</summary>
public static class ConditionsCommand
{
    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        if (args.Skip(1).Any(a => a is "-h" or "--help"))
        {
            Console.WriteLine(ConditionsOptions.Usage);
            return 0;
        }
        ConditionsOptions options;
        try
        {
            options = ConditionsOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine(ex.Message);
            Console.Error.WriteLine(ConditionsOptions.Usage);
            return 2;
        }
        try
        {
            return await new ConditionsBenchmark(options).RunAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Console.Error.WriteLine("Cancelled.");
            return 130;
        }
        catch (BenchmarkException ex)
        {
            Console.Error.WriteLine($"Benchmark failed: {ex.Message}");
            return 3;
        }
    }
}
