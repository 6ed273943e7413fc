namespace CustomerStudio.Core.Imports;

public enum ImportKind { Customers = 0, Orders = 1, Events = 2 }
public enum ImportStatus { Pending = 0, Running = 1, Completed = 2, Failed = 3, Cancelled = 4 }

public class ImportJob
{
    public long Id { get; set; }
    public ImportKind Kind { get; set; }
    public string FileName { get; set; } = "";
    public ImportStatus Status { get; set; }
    public string MappingJson { get; set; } = "{}";
    public string? DedupePolicy { get; set; }
    public int TotalRows { get; set; }
    public int ProcessedRows { get; set; }
    public int Created { get; set; }
    public int Updated { get; set; }
    public int Merged { get; set; }
    public int Skipped { get; set; }
    public int Rejected { get; set; }
    public string? Error { get; set; }
    public string? CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
}

/// <summary>
/// A rejected row: its line, column and why. The reason is kept as a message code with its arguments, shown in the
/// language of whoever reads it (the import runs in the background, in no one's language); <see cref="Reason"/> holds
/// the English text as well, for rows stored before codes were and for plain SQL readers.
/// </summary>
public class ImportRowError
{
    public long Id { get; set; }
    public long ImportJobId { get; set; }
    public int Line { get; set; }
    public string? Field { get; set; }
    public string Reason { get; set; } = "";
    /// <summary>The <see cref="ImportMessages"/> code (null on rows stored before codes were).</summary>
    public string? Code { get; set; }
    /// <summary>The message's arguments, a JSON array of strings.</summary>
    public string? Args { get; set; }

    public static ImportRowError Of(long jobId, int line, string? field, string code, string[] args) => new()
    {
        ImportJobId = jobId, Line = line, Field = field, Code = code,
        Args = System.Text.Json.JsonSerializer.Serialize(args),
        Reason = ImportMessages.Format(code, args, System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>The reason in <paramref name="culture"/> (the current UI culture when left out).</summary>
    public string Message(System.Globalization.CultureInfo? culture = null) =>
        Code is null ? Reason : ImportMessages.Format(Code, System.Text.Json.JsonSerializer.Deserialize<string[]>(Args ?? "[]") ?? [], culture);
}

public class SavedMapping
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public ImportKind Kind { get; set; }
    public string MappingJson { get; set; } = "{}";
    public DateTime CreatedAt { get; set; }
}

/// <summary>Remembers a processed ingestion batch so that a retry with the same key is not stored twice.</summary>
public class IdempotencyRecord
{
    public string Key { get; set; } = "";
    public string Scope { get; set; } = "";
    public string? ResponseJson { get; set; }
    public DateTime CreatedAt { get; set; }
}
