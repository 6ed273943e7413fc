using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using CustomerStudio.Core.Customers;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;

namespace CustomerStudio.Core.Segments;

public enum SegmentExportFormat { Csv = 0, Xlsx = 1 }

/// <summary>What to export and how each row is shown (masked or not, in which time zone).</summary>
/// <param name="Columns">Column keys from <see cref="SegmentExport.Columns"/>, in output order.</param>
/// <param name="Transform">Applied to every row before it is written: where personal data is masked.</param>
/// <param name="Zone">Times are written in this zone (the workspace's); UTC when null.</param>
public sealed record SegmentExportOptions(
    SegmentExportFormat Format,
    IReadOnlyList<string> Columns,
    Func<CustomerRow, CustomerRow>? Transform = null,
    TimeZoneInfo? Zone = null);

/// <summary>
/// Writes customers (a segment's members) as CSV or XLSX. Rows are read from the database in keyset pages, so memory
/// stays flat whatever the size; progress is the number of rows written so far.
/// </summary>
public static class SegmentExport
{
    public const int PageSize = 1_000;

    /// <summary>Every column that can be exported, in the default order.</summary>
    public static readonly IReadOnlyList<string> Columns =
        ["id", "name", "phone", "email", "province", "city", "lifecycle_stage", "source_channel", "created_at"];

    public static string ContentType(SegmentExportFormat format) => format == SegmentExportFormat.Xlsx
        ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        : "text/csv; charset=utf-8";

    public static string Extension(SegmentExportFormat format) => format == SegmentExportFormat.Xlsx ? "xlsx" : "csv";

    /// <summary>"csv" (also the default when nothing is given) or "xlsx", case-insensitive.</summary>
    public static bool TryParseFormat(string? value, out SegmentExportFormat format)
    {
        format = SegmentExportFormat.Csv;
        if (string.IsNullOrWhiteSpace(value) || value.Trim().Equals("csv", StringComparison.OrdinalIgnoreCase)) return true;
        if (!value.Trim().Equals("xlsx", StringComparison.OrdinalIgnoreCase)) return false;
        format = SegmentExportFormat.Xlsx;
        return true;
    }

    /// <summary>
    /// Splits a comma-separated column list; nothing given means every column. Returns the names that are not columns
    /// (empty when all are known). Duplicates are kept once.
    /// </summary>
    public static IReadOnlyList<string> ParseColumns(string? value, out IReadOnlyList<string> columns)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            columns = Columns;
            return [];
        }
        var names = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(n => n.ToLowerInvariant()).Distinct().ToList();
        columns = names.Where(Columns.Contains).ToList();
        return names.Where(n => !Columns.Contains(n)).ToList();
    }

    /// <summary>Writes the customers ordered by id; returns how many rows were written.</summary>
    public static async Task<int> WriteAsync(IQueryable<Customer> customers, Stream output, SegmentExportOptions options,
        IProgress<int>? progress = null, CancellationToken ct = default)
    {
        var unknown = options.Columns.Where(c => !Columns.Contains(c)).ToList();
        if (unknown.Count > 0) throw new ArgumentException($"Unknown export columns: {string.Join(", ", unknown)}", nameof(options));
        if (options.Columns.Count == 0) throw new ArgumentException("At least one column is needed.", nameof(options));

        var counter = new RowCounter(progress);
        var rows = ReadAsync(customers, options.Transform, counter, ct);
        if (options.Format == SegmentExportFormat.Xlsx)
            await WriteXlsxAsync(rows, output, options, ct);
        else
            await WriteCsvAsync(rows, output, options, ct);
        counter.Finish();
        return counter.Count;
    }

    private static async IAsyncEnumerable<CustomerRow> ReadAsync(IQueryable<Customer> customers, Func<CustomerRow, CustomerRow>? transform,
        RowCounter counter, [EnumeratorCancellation] CancellationToken ct)
    {
        var last = long.MinValue;
        while (true)
        {
            var after = last;
            var page = await customers.AsNoTracking().Where(c => c.Id > after).OrderBy(c => c.Id).Take(PageSize)
                .Select(c => new CustomerRow(c.Id, c.Name, c.Gender, c.Phone, c.Email, c.Province, c.City,
                    c.LifecycleStage, c.SourceChannel, c.CreatedAt))
                .ToListAsync(ct);
            foreach (var row in page)
            {
                yield return transform is null ? row : transform(row);
                counter.Add();
            }
            if (page.Count < PageSize) yield break;
            last = page[^1].Id;
            counter.Report();
        }
    }

    private static async Task WriteCsvAsync(IAsyncEnumerable<CustomerRow> rows, Stream output, SegmentExportOptions options, CancellationToken ct)
    {
        // The BOM is what makes Excel read the file as UTF-8 (Chinese names and cities) instead of the ANSI code page.
        await output.WriteAsync(Encoding.UTF8.Preamble.ToArray(), ct);
        // Everything below goes out through async writes: a response body refuses synchronous ones.
        await using var text = new StreamWriter(output, new UTF8Encoding(false), 64 * 1024, leaveOpen: true);
        var config = new CsvConfiguration(CultureInfo.InvariantCulture) { InjectionOptions = InjectionOptions.None };
        await using var csv = new CsvWriter(text, config, leaveOpen: true);
        foreach (var column in options.Columns) csv.WriteField(column);
        await csv.NextRecordAsync();
        await foreach (var row in rows.WithCancellation(ct))
        {
            foreach (var column in options.Columns)
                csv.WriteField(Text(column, Value(row, column, options.Zone)));
            await csv.NextRecordAsync();
        }
        await csv.FlushAsync();
        await text.FlushAsync(ct);
    }

    private static async Task WriteXlsxAsync(IAsyncEnumerable<CustomerRow> rows, Stream output, SegmentExportOptions options, CancellationToken ct)
    {
        // An xlsx file is a zip whose writer needs synchronous writes: build it in a temporary file, then copy it out.
        var path = Path.Combine(Path.GetTempPath(), $"cs-export-{Guid.NewGuid():N}.xlsx");
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        await MiniExcel.SaveAsAsync(file, Sheet(rows, options, ct), sheetName: "members", cancellationToken: ct);
        await file.FlushAsync(ct);
        file.Position = 0;
        await file.CopyToAsync(output, ct);
    }

    private static async IAsyncEnumerable<Dictionary<string, object?>> Sheet(IAsyncEnumerable<CustomerRow> rows, SegmentExportOptions options,
        [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var row in rows.WithCancellation(ct))
        {
            var cells = new Dictionary<string, object?>(options.Columns.Count);
            foreach (var column in options.Columns) cells[column] = Value(row, column, options.Zone);
            yield return cells;
        }
    }

    private static object? Value(CustomerRow row, string column, TimeZoneInfo? zone) => column switch
    {
        "id" => row.Id,
        "name" => row.Name,
        "phone" => row.Phone,
        "email" => row.Email,
        "province" => row.Province,
        "city" => row.City,
        "lifecycle_stage" => row.LifecycleStage.ToString(),
        "source_channel" => row.SourceChannel,
        "created_at" => Local(row.CreatedAt, zone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        _ => throw new ArgumentOutOfRangeException(nameof(column), column, null),
    };

    private static DateTime Local(DateTime utc, TimeZoneInfo? zone) =>
        zone is null ? utc : TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);

    /// <summary>
    /// Text as written to CSV. A cell starting with = + - @ (or a tab / carriage return) is prefixed with an apostrophe
    /// so a spreadsheet does not run it as a formula; phone numbers (+8613800001234, masked +86138****1234) stay as they are.
    /// </summary>
    internal static string? Text(string column, object? value)
    {
        var text = value switch
        {
            null => null,
            long l => l.ToString(CultureInfo.InvariantCulture),
            string s => s,
            _ => Convert.ToString(value, CultureInfo.InvariantCulture),
        };
        if (string.IsNullOrEmpty(text) || "=+-@\t\r".IndexOf(text[0]) < 0) return text;
        if (column == "phone" && text[0] == '+' && text.Skip(1).All(ch => char.IsAsciiDigit(ch) || ch == '*')) return text;
        return "'" + text;
    }

    /// <summary>Counts rows and reports every page, not every row, so a UI is not flooded.</summary>
    private sealed class RowCounter(IProgress<int>? progress)
    {
        public int Count { get; private set; }
        public void Add() => Count++;
        public void Report() => progress?.Report(Count);
        public void Finish() => progress?.Report(Count);
    }
}
