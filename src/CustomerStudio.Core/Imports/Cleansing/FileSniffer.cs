using System.Text;

namespace CustomerStudio.Core.Imports.Cleansing;

/// <summary>What a delimited text file looks like: its encoding, delimiter and whether the first row is a header.</summary>
public sealed record FileShape(Encoding Encoding, string EncodingName, char Delimiter, bool HasHeader);

/// <summary>
/// Reads the start of an uploaded file to tell its encoding (UTF-8 with or without BOM, UTF-16 with BOM, else
/// GB18030, which covers GBK and GB2312 from Chinese Excel), its delimiter (comma, tab, semicolon, pipe: the one
/// that splits the sample's lines into the same number of fields) and whether the first line is a header.
/// </summary>
public static class FileSniffer
{
    private const int SampleBytes = 64 * 1024;

    static FileSniffer() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static Encoding Gb18030 => Encoding.GetEncoding("GB18030");

    public static FileShape Sniff(Stream stream)
    {
        var buffer = new byte[SampleBytes];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = stream.Read(buffer, read, buffer.Length - read)) > 0) read += n;
        var sample = buffer.AsSpan(0, read);
        var (encoding, name, bom) = DetectEncoding(sample, complete: read < SampleBytes);
        var text = encoding.GetString(sample[bom..]);
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).Take(50).ToList();
        // The last line of a partial sample may be cut short.
        if (read == SampleBytes && lines.Count > 2) lines.RemoveAt(lines.Count - 1);
        var delimiter = DetectDelimiter(lines);
        return new FileShape(encoding, name, delimiter, LooksLikeHeader(lines, delimiter));
    }

    public static (Encoding Encoding, string Name, int BomLength) DetectEncoding(ReadOnlySpan<byte> sample, bool complete)
    {
        if (sample.StartsWith(new byte[] { 0xEF, 0xBB, 0xBF })) return (new UTF8Encoding(false), "UTF-8 (BOM)", 3);
        if (sample.StartsWith(new byte[] { 0xFF, 0xFE })) return (Encoding.Unicode, "UTF-16 LE", 2);
        if (sample.StartsWith(new byte[] { 0xFE, 0xFF })) return (Encoding.BigEndianUnicode, "UTF-16 BE", 2);
        return IsUtf8(sample, complete) ? (new UTF8Encoding(false), "UTF-8", 0) : (Gb18030, "GB18030", 0);
    }

    /// <summary>Strict UTF-8 check; a sequence cut off at the end of a partial sample does not count against it.</summary>
    private static bool IsUtf8(ReadOnlySpan<byte> bytes, bool complete)
    {
        var i = 0;
        while (i < bytes.Length)
        {
            var b = bytes[i];
            var length = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 0;
            if (length == 0 || (length == 2 && b < 0xC2)) return false;
            if (i + length > bytes.Length) return !complete;
            for (var k = 1; k < length; k++)
                if ((bytes[i + k] & 0xC0) != 0x80) return false;
            i += length;
        }
        return true;
    }

    private static readonly char[] Candidates = [',', '\t', ';', '|'];

    public static char DetectDelimiter(IReadOnlyList<string> lines)
    {
        if (lines.Count == 0) return ',';
        var best = ',';
        var bestScore = -1.0;
        foreach (var d in Candidates)
        {
            var counts = lines.Select(l => CountOutsideQuotes(l, d)).ToList();
            if (counts[0] == 0) continue;
            // Lines agreeing with the first line's field count, weighted by how many fields it makes.
            var agree = counts.Count(c => c == counts[0]) / (double)counts.Count;
            var score = agree * 10 + Math.Min(counts[0], 50) / 50.0;
            if (score > bestScore) (best, bestScore) = (d, score);
        }
        return best;
    }

    private static int CountOutsideQuotes(string line, char delimiter)
    {
        var count = 0;
        var quoted = false;
        foreach (var ch in line)
        {
            if (ch == '"') quoted = !quoted;
            else if (ch == delimiter && !quoted) count++;
        }
        return count;
    }

    /// <summary>A header has no empty, numeric or date-like cells, no repeats, and differs in shape from the rows below.</summary>
    public static bool LooksLikeHeader(IReadOnlyList<string> lines, char delimiter)
    {
        if (lines.Count == 0) return false;
        var first = lines[0].Split(delimiter).Select(c => c.Trim().Trim('"')).ToList();
        if (first.Any(string.IsNullOrWhiteSpace) || first.Distinct(StringComparer.OrdinalIgnoreCase).Count() != first.Count) return false;
        if (first.Any(c => double.TryParse(c, System.Globalization.NumberStyles.Any, System.Globalization.CultureInfo.InvariantCulture, out _))) return false;
        if (first.Any(c => DateCleaner.Parse(c).Value is not null)) return false;
        return true;
    }
}
