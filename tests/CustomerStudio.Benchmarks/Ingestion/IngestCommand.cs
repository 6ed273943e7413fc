namespace CustomerStudio.Benchmarks.Ingestion;

/// <summary>The <c>ingest</c> command: parses its options and runs <see cref="IngestBenchmark"/>.</summary>
public static class IngestCommand
{
    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        if (args.Skip(1).Any(a => a is "-h" or "--help"))
        {
            Console.WriteLine(IngestOptions.Usage);
            return 0;
        }
        IngestOptions options;
        try
        {
            options = IngestOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine(ex.Message);
            Console.Error.WriteLine(IngestOptions.Usage);
            return 2;
        }
        try
        {
            return await new IngestBenchmark(options).RunAsync(ct);
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
