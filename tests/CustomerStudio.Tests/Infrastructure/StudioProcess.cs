using System.Diagnostics;

namespace CustomerStudio.Tests.Infrastructure;

/// <summary>Runs the built studio as its own process, as a user would.</summary>
public static class StudioProcess
{
    public static string WebDll => Path.Combine(AppContext.BaseDirectory, "CustomerStudio.Web.dll");

    public static async Task<(int Exit, string Stdout, string Stderr)> RunToExitAsync(IDictionary<string, string> environment, TimeSpan timeout)
    {
        var workDir = Directory.CreateTempSubdirectory("cs-proc-").FullName;
        var psi = new ProcessStartInfo("dotnet", [WebDll, "--urls", "http://127.0.0.1:0"])
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        psi.Environment["Database__DataDirectory"] = Path.Combine(workDir, "data");
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The studio did not exit within {timeout}: {await stdout}");
        }
        finally
        {
            try { Directory.Delete(workDir, true); } catch (IOException) { }
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
