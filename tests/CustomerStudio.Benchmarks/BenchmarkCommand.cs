namespace CustomerStudio.Benchmarks;

/// <summary>What every benchmark command does around its run: help, option errors (exit 2), Ctrl+C (130), failures (3).</summary>
public static class BenchmarkCommand
{
    public static async Task<int> RunAsync<TOptions>(string[] args, string usage, Func<string[], TOptions> parse,
        Func<TOptions, CancellationToken, Task<int>> run, CancellationToken ct)
    {
        if (args.Skip(1).Any(a => a is "-h" or "--help"))
        {
            Console.WriteLine(usage);
            return 0;
        }
        TOptions options;
        try
        {
            options = parse(args);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine(ex.Message);
            Console.Error.WriteLine(usage);
            return 2;
        }
        try
        {
            return await run(options, ct);
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
