using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using CustomerStudio.Core.Imports.Cleansing;
using MiniExcelLibs;

namespace CustomerStudio.Core.Imports;

/// <summary>One data row of an uploaded file: its line number as the user sees it (the header is line 1) and its cells.</summary>
public sealed record ImportRow(int Line, string?[] Cells);

/// <summary>Streams the rows of a CSV (CsvHelper) or xlsx (MiniExcel) file without loading it whole.</summary>
public static class ImportRows
{
    static ImportRows() => System.Text.Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static Encoding EncodingOf(string name) => name.StartsWith("UTF-8", StringComparison.OrdinalIgnoreCase)
        ? new UTF8Encoding(false)
        : name.StartsWith("UTF-16 BE", StringComparison.OrdinalIgnoreCase) ? System.Text.Encoding.BigEndianUnicode
        : name.StartsWith("UTF-16", StringComparison.OrdinalIgnoreCase) ? System.Text.Encoding.Unicode
        : System.Text.Encoding.GetEncoding(name);

    /// <summary>The header (or generated column names) and the rows after it.</summary>
    public static (IReadOnlyList<string> Header, IEnumerable<ImportRow> Rows) Read(Stream stream, ImportPlan plan)
    {
        var rows = (plan.Format == "xlsx" ? Excel(stream) : Csv(stream, plan)).GetEnumerator();
        if (!rows.MoveNext())
        {
            rows.Dispose();
            return ([], []);
        }
        var first = rows.Current;
        IReadOnlyList<string> header = plan.HasHeader
            ? first.Cells.Select((c, i) => string.IsNullOrWhiteSpace(c) ? Column(i) : c.Trim()).ToList()
            : first.Cells.Select((_, i) => Column(i)).ToList();
        return (header, Continue(rows, plan.HasHeader ? null : first));
    }

    private static IEnumerable<ImportRow> Continue(IEnumerator<ImportRow> rows, ImportRow? first)
    {
        using (rows)
        {
            if (first is not null) yield return first;
            while (rows.MoveNext()) yield return rows.Current;
        }
    }

    /// <summary>The first rows for the preview, with the detected shape.</summary>
    public static (FileShape? Shape, IReadOnlyList<string> Header, IReadOnlyList<ImportRow> Rows) Preview(Stream stream, string format, int rows = 20)
    {
        if (format == "xlsx")
        {
            var (header, data) = Read(stream, new ImportPlan { Format = "xlsx" });
            return (null, header, data.Take(rows).ToList());
        }
        var shape = FileSniffer.Sniff(stream);
        stream.Position = 0;
        var plan = new ImportPlan { Format = "csv", Delimiter = shape.Delimiter, Encoding = shape.EncodingName, HasHeader = shape.HasHeader };
        var (h, r) = Read(stream, plan);
        return (shape, h, r.Take(rows).ToList());
    }

    private static string Column(int index)
    {
        var name = "";
        for (var i = index + 1; i > 0; i = (i - 1) / 26) name = (char)('A' + (i - 1) % 26) + name;
        return name;
    }

    private static IEnumerable<ImportRow> Csv(Stream stream, ImportPlan plan)
    {
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            Delimiter = plan.Delimiter.ToString(),
            HasHeaderRecord = false,
            BadDataFound = null,
            MissingFieldFound = null,
            DetectColumnCountChanges = false,
            TrimOptions = TrimOptions.None,
        };
        using var reader = new StreamReader(stream, EncodingOf(plan.Encoding), detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        using var parser = new CsvParser(reader, config);
        while (parser.Read())
        {
            var record = parser.Record;
            if (record is null || record.All(string.IsNullOrWhiteSpace)) continue;
            // RawRow counts physical lines, so a quoted cell spanning lines keeps later line numbers true to the file.
            yield return new ImportRow(parser.RawRow - (parser.RawRecord.Count(c => c == '\n') - (parser.RawRecord.EndsWith('\n') ? 1 : 0)), record);
        }
    }

    private static IEnumerable<ImportRow> Excel(Stream stream)
    {
        var line = 0;
        foreach (IDictionary<string, object?> row in stream.Query(useHeaderRow: false))
        {
            line++;
            var cells = row.Values.Select(v => v switch
            {
                null => null,
                DateTime d => d.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                double n => n.ToString("R", CultureInfo.InvariantCulture),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => v.ToString(),
            }).ToArray();
            if (cells.All(string.IsNullOrWhiteSpace)) continue;
            yield return new ImportRow(line, cells);
        }
    }
}
