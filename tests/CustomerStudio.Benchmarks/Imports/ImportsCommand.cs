namespace CustomerStudio.Benchmarks.Imports;

/// <summary>The <c>imports</c> command: parses its options and runs <see cref="ImportsBenchmark"/>.</summary>
public static class ImportsCommand
{
    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        if (args.Skip(1).Any(a => a is "-h" or "--help"))
        {
            Console.WriteLine(ImportsOptions.Usage);
            return 0;
        }
        ImportsOptions options;
        try
        {
            options = ImportsOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine(ex.Message);
            Console.Error.WriteLine(ImportsOptions.Usage);
            return 2;
        }
        try
        {
            return await new ImportsBenchmark(options).RunAsync(ct);
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
