namespace CustomerStudio.Benchmarks.Tags;

/// <summary>The <c>tags</c> command: parses its options and runs <see cref="TagsBenchmark"/>.</summary>
public static class TagsCommand
{
    public static Task<int> RunAsync(string[] args, CancellationToken ct) =>
        BenchmarkCommand.RunAsync(args, TagsOptions.Usage, TagsOptions.Parse, (options, token) => new TagsBenchmark(options).RunAsync(token), ct);
}
