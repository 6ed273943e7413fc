using CustomerStudio.Core.Imports;
using CustomerStudio.Core.Imports.Cleansing;

namespace CustomerStudio.Web.Features.Imports.Wizard;

/// <summary>One column of the uploaded file and where the user sends it.</summary>
public sealed class ImportColumnChoice(int index, string header, string suggested)
{
    public int Index { get; } = index;
    public string Header { get; } = header;
    public string Suggested { get; } = suggested;
    public string Target { get; set; } = suggested;
}

/// <summary>
/// The file being imported, copied to a temporary file (never held in memory), and what the wizard knows of it:
/// the detected shape, the user's overrides of encoding, delimiter and header, the first rows, and the mapping.
/// Disposing deletes the temporary file.
/// </summary>
public sealed class ImportUpload : IDisposable
{
    public const int PreviewRows = 20;

    public static readonly IReadOnlyList<string> Encodings = ["UTF-8", "GB18030", "UTF-16 LE", "UTF-16 BE"];
    public static readonly IReadOnlyList<char> Delimiters = [',', '\t', ';', '|'];

    private ImportUpload(string fileName, string path, string format)
    {
        FileName = fileName;
        TempPath = path;
        Format = format;
    }

    public string FileName { get; }
    public string TempPath { get; }
    /// <summary>"csv" or "xlsx".</summary>
    public string Format { get; }
    public long Size => File.Exists(TempPath) ? new FileInfo(TempPath).Length : 0;

    /// <summary>What the sniffer found (null for xlsx).</summary>
    public FileShape? Detected { get; private set; }
    public string Encoding { get; set; } = "UTF-8";
    public char Delimiter { get; set; } = ',';
    public bool HasHeader { get; set; } = true;
    public ImportKind Kind { get; set; } = ImportKind.Customers;
    public DedupePolicy Policy { get; set; } = DedupePolicy.FillEmpty;

    public IReadOnlyList<string> Header { get; private set; } = [];
    public IReadOnlyList<ImportRow> Rows { get; private set; } = [];
    public List<ImportColumnChoice> Columns { get; private set; } = [];

    /// <summary>"xlsx" or "csv", from the name of the file (inside a .gz).</summary>
    public static string FormatOf(string fileName) =>
        Path.GetExtension(CompressedUpload.InnerName(fileName)).Equals(".xlsx", StringComparison.OrdinalIgnoreCase) ? "xlsx" : "csv";

    /// <summary>
    /// Files the wizard takes, also gzip-compressed (<c>.csv.gz</c>); xls, the old binary Excel format, is not one: save
    /// it as xlsx or CSV.
    /// </summary>
    public static bool Accepts(string fileName) =>
        Path.GetExtension(CompressedUpload.InnerName(fileName)).ToLowerInvariant() is ".csv" or ".txt" or ".tsv" or ".xlsx";

    /// <summary>Copies the upload (decompressed, for a .gz) to a temporary file and reads its shape and first rows.</summary>
    public static async Task<ImportUpload> CreateAsync(Stream content, string fileName, CancellationToken ct = default)
    {
        var directory = Path.Combine(Path.GetTempPath(), "customerstudio-uploads");
        Directory.CreateDirectory(directory);
        var format = FormatOf(fileName);
        var upload = new ImportUpload(Path.GetFileName(fileName), Path.Combine(directory, $"{Guid.NewGuid():N}.{format}"), format);
        try
        {
            await using (var file = File.Create(upload.TempPath))
            await using (var source = CompressedUpload.Open(content, fileName))
                await source.CopyToAsync(file, ct);
            upload.Detect();
            return upload;
        }
        catch
        {
            upload.Dispose();
            throw;
        }
    }

    private void Detect()
    {
        using var stream = File.OpenRead(TempPath);
        var (shape, header, rows) = ImportRows.Preview(stream, Format, PreviewRows);
        Detected = shape;
        if (shape is not null)
        {
            // "UTF-8 (BOM)" reads as UTF-8: the reader skips the BOM.
            Encoding = shape.EncodingName.StartsWith("UTF-8", StringComparison.OrdinalIgnoreCase) ? "UTF-8" : shape.EncodingName;
            Delimiter = shape.Delimiter;
            HasHeader = shape.HasHeader;
        }
        (Header, Rows) = (header, rows);
    }

    /// <summary>Reads the first rows again with the user's encoding, delimiter and header choice.</summary>
    public void Reread()
    {
        using var stream = File.OpenRead(TempPath);
        var (header, rows) = ImportRows.Read(stream, Plan());
        (Header, Rows) = (header, rows.Take(PreviewRows).ToList());
    }

    /// <summary>Maps every column to its suggestion (custom fields by code or name for customer imports).</summary>
    public void Suggest(IEnumerable<(string Code, string NameZh, string NameEn)> customFields)
    {
        var fields = customFields.ToList();
        Columns = Header.Select((h, i) => new ImportColumnChoice(i, h, ImportTargets.Suggest(Kind, h, fields))).ToList();
    }

    /// <summary>Takes a saved mapping: columns match by header (ignoring case), else by position.</summary>
    public void Apply(ImportPlan saved)
    {
        static bool Same(string a, string b) => string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);
        var byHeader = saved.Columns.Any(c => Columns.Any(x => Same(x.Header, c.Header)));
        foreach (var column in Columns)
        {
            var match = byHeader
                ? saved.Columns.FirstOrDefault(c => Same(c.Header, column.Header))
                : saved.Columns.FirstOrDefault(c => c.Index == column.Index);
            column.Target = match?.Target ?? ImportTargets.Ignore;
        }
        Policy = saved.Policy;
    }

    /// <summary>
    /// Why the mapping cannot start (localization keys, with an argument): nothing mapped, no identity to find or
    /// create customers by, a target used twice, an order file without number, date or amount, or an event file
    /// without type or time (the time is how a second import of the same file recognizes the events it stored).
    /// </summary>
    public IReadOnlyList<(string Code, string? Arg)> Problems()
    {
        var problems = new List<(string, string?)>();
        var mapped = Columns.Where(c => c.Target != ImportTargets.Ignore).Select(c => c.Target).ToList();
        if (mapped.Count == 0) return [("ImportProblem_NothingMapped", null)];
        foreach (var twice in mapped.GroupBy(t => t).Where(g => g.Count() > 1)) problems.Add(("ImportProblem_Twice", twice.Key));
        var identities = Kind is ImportKind.Orders or ImportKind.Events ? ImportTargets.OrderIdentities : ["phone", "email", "external_id", "wechat_openid", "wechat_unionid"];
        if (!mapped.Any(identities.Contains)) problems.Add(("ImportProblem_NoIdentity", null));
        if (Kind == ImportKind.Orders)
        {
            if (!mapped.Contains("order_no")) problems.Add(("ImportProblem_NoOrderNo", null));
            if (!mapped.Contains("ordered_at")) problems.Add(("ImportProblem_NoOrderDate", null));
            if (!mapped.Contains("amount") && !(mapped.Contains("quantity") && mapped.Contains("unit_price"))) problems.Add(("ImportProblem_NoAmount", null));
        }
        if (Kind == ImportKind.Events)
        {
            if (!mapped.Contains("event_type")) problems.Add(("ImportProblem_NoEventType", null));
            if (!mapped.Contains("occurred_at")) problems.Add(("ImportProblem_NoEventTime", null));
        }
        return problems;
    }

    public ImportPlan Plan() => new()
    {
        Columns = Columns.Select(c => new ImportColumn(c.Index, c.Header, c.Target)).ToList(),
        Policy = Policy,
        Format = Format,
        Delimiter = Delimiter,
        Encoding = Encoding,
        HasHeader = HasHeader,
    };

    public FileStream OpenRead() => File.OpenRead(TempPath);

    public void Dispose()
    {
        try
        {
            if (File.Exists(TempPath)) File.Delete(TempPath);
        }
        catch (IOException)
        {
            // Still open elsewhere: the temp folder is cleaned by the system.
        }
    }
}
