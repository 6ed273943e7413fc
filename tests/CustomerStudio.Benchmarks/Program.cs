using CustomerStudio.Benchmarks;

// dotnet run -c Release --project tests/CustomerStudio.Benchmarks -- memory [--sessions 50] [options]
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // Let the finally blocks stop the studio and Chromium.
    e.Cancel = true;
    cts.Cancel();
};

// dotnet run -c Release --project tests/CustomerStudio.Benchmarks -- conditions [--customers 1000000] [options]
if (args.Length > 0 && args[0] == "conditions")
    return await CustomerStudio.Benchmarks.Conditions.ConditionsCommand.RunAsync(args, cts.Token);

// dotnet run -c Release --project tests/CustomerStudio.Benchmarks -- tags [options]
if (args.Length > 0 && args[0] == "tags")
    return await CustomerStudio.Benchmarks.Tags.TagsCommand.RunAsync(args, cts.Token);

// dotnet run -c Release --project tests/CustomerStudio.Benchmarks -- predictive [--customers 20000]
if (args.Length > 0 && args[0] == "predictive")
    return await CustomerStudio.Benchmarks.Tags.PredictiveCommand.RunAsync(args, cts.Token);

// dotnet run -c Release --project tests/CustomerStudio.Benchmarks -- imports [--rows 1000000] [options]
if (args.Length > 0 && args[0] == "imports")
    return await CustomerStudio.Benchmarks.Imports.ImportsCommand.RunAsync(args, cts.Token);

// dotnet run -c Release --project tests/CustomerStudio.Benchmarks -- ingest [--rate 10000] [--minutes 10] [--batch 500] [--clients 8]
if (args.Length > 0 && args[0] == "ingest")
    return await CustomerStudio.Benchmarks.Ingestion.IngestCommand.RunAsync(args, cts.Token);

// dotnet run -c Release --project tests/CustomerStudio.Benchmarks -- designer [--nodes 100] [--runs 10]
if (args.Length > 0 && args[0] == "designer")
    return await CustomerStudio.Benchmarks.Designer.DesignerCommand.RunAsync(args, cts.Token);
// dotnet run -c Release --project tests/CustomerStudio.Benchmarks -- journeys [--customers 100000] [--runs 3]
if (args.Length > 0 && args[0] == "journeys")
    return await CustomerStudio.Benchmarks.Journeys.JourneysCommand.RunAsync(args, cts.Token);

if (args.Length == 0 || args[0] is "-h" or "--help" || args[0] != "memory")
{
    Console.Error.WriteLine(MemoryOptions.Usage);
    return args.Length > 0 && args[0] is "-h" or "--help" ? 0 : 2;
}

MemoryOptions options;
try
{
    options = MemoryOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(MemoryOptions.Usage);
    return 2;
}

try
{
    var result = await new MemoryBenchmark(options).RunAsync(cts.Token);
    return result.Passed ? 0 : 1;
}
catch (OperationCanceledException) when (cts.IsCancellationRequested)
{
    Console.Error.WriteLine("Cancelled.");
    return 130;
}
catch (BenchmarkException ex)
{
    Console.Error.WriteLine($"Benchmark failed: {ex.Message}");
    return 3;
}
