namespace CustomerStudio.Tests.Infrastructure;

public static class RepoPaths
{
    /// <summary>The repository root, found from the test binaries upwards.</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CustomerStudio.sln")))
                return dir.FullName;
        throw new InvalidOperationException("CustomerStudio.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>The real-world data sets beside the repository (<c>../shared/data</c>), used from there and never copied in.</summary>
public static class SharedData
{
    public static string Directory { get; } = Find();

    public static string File(string relative)
    {
        var path = Path.Combine(Directory, relative);
        return System.IO.File.Exists(path) ? path : throw new FileNotFoundException($"Shared data file {relative} not found under {Directory}.", path);
    }

    private static string Find()
    {
        var candidates = new[]
        {
            Environment.GetEnvironmentVariable("CUSTOMERSTUDIO_SHARED_DATA"),
            Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "data")),
            "/work/shared/data",
        };
        return candidates.FirstOrDefault(c => !string.IsNullOrEmpty(c) && System.IO.Directory.Exists(c))
               ?? throw new DirectoryNotFoundException(
                   "The shared data sets (../shared/data beside the repository) are missing; set CUSTOMERSTUDIO_SHARED_DATA to their folder.");
    }
}
