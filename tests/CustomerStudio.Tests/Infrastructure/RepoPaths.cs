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
