using CustomerStudio.Web.Features.Templates;
using Microsoft.Data.Sqlite;

namespace CustomerStudio.Tests.Templates;

/// <summary>The command line runs against the configured database, like the studio; exit codes tell automation what happened.</summary>
[Collection(ConsoleCollection.Name)]
public class TemplatesCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cs-cli-").FullName;
    private readonly string _packs = PackWorld.Folder;

    private async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var previous = Console.Out;
        Console.SetOut(output);
        try
        {
            var code = await TemplatesCommand.RunAsync([.. args, "--Database:Provider=Sqlite", $"--Database:DataDirectory={_dir}", $"--Templates:Directory={_packs}"]);
            return (code, output.ToString());
        }
        finally
        {
            Console.SetOut(previous);
        }
    }

    [Fact]
    public async Task Validate_diff_install_and_export_from_the_command_line()
    {
        var (code, output) = await RunAsync("validate", "bundled:finance");
        Assert.Equal(0, code);
        Assert.Contains("OK: finance 1.0.0 is valid.", output);

        var broken = Path.Combine(_dir, "broken.json");
        await File.WriteAllTextAsync(broken, """{"schemaVersion":"1.0","code":"broken","version":"1.0.0","nameZh":"坏","nameEn":"Bad","segments":[{"code":"s1","nameZh":"甲","nameEn":"A","condition":{"tag":"nope"}}]}""");
        (code, output) = await RunAsync("validate", broken);
        Assert.Equal(1, code);
        Assert.Contains("$.segments[0].condition.tag:", output);

        (code, output) = await RunAsync("diff", "bundled:finance");
        Assert.Equal(0, code);
        Assert.Contains("25 new, 0 changed, 0 conflicting, 0 unchanged.", output);

        (code, output) = await RunAsync("install", "bundled:finance");
        Assert.Equal(0, code);
        Assert.Contains("25 written", output);
        (code, output) = await RunAsync("install", "bundled:finance");
        Assert.Contains("0 written, 25 unchanged", output);

        var file = Path.Combine(_dir, "export.pack.json");
        (code, output) = await RunAsync("export", file, "--code", "fin-copy", "--select", "Segment:renewals_next_45d");
        Assert.Equal(0, code);
        Assert.Contains("\"code\": \"fin-copy\"", await File.ReadAllTextAsync(file));
        Assert.Contains("policy_renewal_due", await File.ReadAllTextAsync(file));

        (code, _) = await RunAsync("install", "bundled:nothing");
        Assert.Equal(2, code);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}

/// <summary>Tests that redirect the console run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "console";
}
