using System.Globalization;

namespace CustomerStudio.Benchmarks.Designer;

/// <summary>Options of the <c>designer</c> benchmark.</summary>
public sealed record DesignerOptions
{
    public const string Usage = """
        Usage: dotnet run -c Release --project tests/CustomerStudio.Benchmarks -- designer [options]
          --nodes N        nodes of the generated journey (default 100)
          --runs N         measured opens from the journey list (default 10)
          --cold-runs N    measured page loads straight to the designer (default 5)
          --warmup N       untimed opens first (JIT, caches; default 2)
          --no-publish     reuse artifacts/bench-web instead of publishing again
          --no-docs        print the results only; do not update docs/benchmarks.md
        """;

    public int Nodes { get; init; } = 100;
    public int Runs { get; init; } = 10;
    public int ColdRuns { get; init; } = 5;
    public int Warmup { get; init; } = 2;
    public bool Publish { get; init; } = true;
    public bool WriteDocs { get; init; } = true;
    /// <summary>The command line as typed, for the record.</summary>
    public string Command { get; init; } = "";

    public static DesignerOptions Parse(string[] args)
    {
        var o = new DesignerOptions();
        for (var i = 1; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Int(int min) => int.TryParse(Next(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= min
                ? v : throw new ArgumentException($"{args[i - 1]} needs a whole number ≥ {min}.");
            o = args[i] switch
            {
                "--nodes" => o with { Nodes = Int(5) },
                "--runs" => o with { Runs = Int(1) },
                "--cold-runs" => o with { ColdRuns = Int(0) },
                "--warmup" => o with { Warmup = Int(0) },
                "--no-publish" => o with { Publish = false },
                "--no-docs" => o with { WriteDocs = false },
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
        }
        return o with { Command = "dotnet run -c Release --project tests/CustomerStudio.Benchmarks -- " + string.Join(' ', args) };
    }
}
