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

public class ImportRowError
{
    public long Id { get; set; }
    public long ImportJobId { get; set; }
    public int Line { get; set; }
    public string? Field { get; set; }
    public string Reason { get; set; } = "";
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
