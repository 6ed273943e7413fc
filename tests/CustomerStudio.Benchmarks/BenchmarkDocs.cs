using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace CustomerStudio.Benchmarks;

/// <summary>docs/benchmarks.md: one section per benchmark; a run replaces only its own section.</summary>
public static class BenchmarkDocs
{
    private const string Header = """
        # Benchmarks

        Every figure on this page is produced by the benchmark project `tests/CustomerStudio.Benchmarks`, with the
        command shown in its section; re-running the command replaces that section.

        """;

    public static void WriteSection(string path, string heading, string section)
    {
        var text = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : Header;
        section = section.ReplaceLineEndings("\n").TrimEnd('\n') + "\n";
        var start = text.StartsWith(heading + "\n", StringComparison.Ordinal) ? 0 : text.IndexOf("\n" + heading + "\n", StringComparison.Ordinal);
        if (start < 0)
        {
            text = text.TrimEnd('\n') + "\n\n" + section;
        }
        else
        {
            if (start > 0) start++;
            var next = text.IndexOf("\n## ", start + heading.Length, StringComparison.Ordinal);
            var rest = next < 0 ? "" : "\n" + text[(next + 1)..];
            text = text[..start] + section + rest;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}

/// <summary>Which machine the figures come from.</summary>
public static class MachineInfo
{
    public static string Describe()
    {
        var s = new StringBuilder();
        s.Append(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores");
        var cpu = Field("/proc/cpuinfo", "model name", ':');
        if (cpu is not null) s.Append($" ({cpu})");
        var memKb = Field("/proc/meminfo", "MemTotal", ':')?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        if (long.TryParse(memKb, CultureInfo.InvariantCulture, out var kb))
            s.Append(CultureInfo.InvariantCulture, $", {kb / 1024.0 / 1024.0:0.0} GB RAM");
        var os = Field("/etc/os-release", "PRETTY_NAME", '=')?.Trim('"');
        s.Append(", ").Append(os ?? RuntimeInformation.OSDescription);
        s.Append(", ").Append(RuntimeInformation.FrameworkDescription);
        return s.ToString();
    }

    private static string? Field(string file, string key, char separator)
    {
        if (!File.Exists(file)) return null;
        foreach (var line in File.ReadLines(file))
        {
            var i = line.IndexOf(separator);
            if (i > 0 && line[..i].Trim() == key) return line[(i + 1)..].Trim();
        }
        return null;
    }
}
