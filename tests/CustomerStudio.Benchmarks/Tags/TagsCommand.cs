namespace CustomerStudio.Benchmarks.Tags;

/// <summary>The <c>tags</c> command: parses its options and runs <see cref="TagsBenchmark"/>.</summary>
public static class TagsCommand
{
    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        if (args.Skip(1).Any(a => a is "-h" or "--help"))
        {
            Console.WriteLine(TagsOptions.Usage);
            return 0;
        }
        TagsOptions options;
        try
        {
            options = TagsOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine(ex.Message);
            Console.Error.WriteLine(TagsOptions.Usage);
            return 2;
        }
        try
        {
            return await new TagsBenchmark(options).RunAsync(ct);
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
