namespace CustomerStudio.Core.Tags;

public class TagCategory
{
    public int Id { get; set; }
    public int? ParentId { get; set; }
    public string Code { get; set; } = "";
    public string NameZh { get; set; } = "";
    public string NameEn { get; set; } = "";
    public int SortOrder { get; set; }
    /// <summary>Comma-separated roles that may edit tags in this category (empty: governance only).</summary>
    public string? EditorRoles { get; set; }
    public DateTime CreatedAt { get; set; }
    public List<TagCategory> Children { get; set; } = [];
    public List<Tag> Tags { get; set; } = [];
}

public enum TagKind { Manual = 0, Rule = 1, Predictive = 2 }
public enum RefreshRule { Manual = 0, RealTime = 1, Hourly = 2, Daily = 3 }
public enum Sensitivity { Public = 0, Internal = 1, Sensitive = 2, Restricted = 3 }
public enum TagStatus { Draft = 0, InReview = 1, Active = 2, Deprecated = 3, Archived = 4 }

public class Tag
{
    public int Id { get; set; }
    public int CategoryId { get; set; }
    public string Code { get; set; } = "";
    public string NameZh { get; set; } = "";
    public string NameEn { get; set; } = "";
    /// <summary>Business meaning: what carrying this tag says about a customer.</summary>
    public string? Description { get; set; }
    public TagKind Kind { get; set; }
    public string? DataSource { get; set; }
    public RefreshRule RefreshRule { get; set; }
    public string? ValueFormat { get; set; }
    public bool MultiValued { get; set; }
    public string? OwnerId { get; set; }
    public Sensitivity Sensitivity { get; set; }
    /// <summary>Days an assignment lives before it expires; null keeps it until removed.</summary>
    public int? ExpiryDays { get; set; }
    public TagStatus Status { get; set; }
    public int Version { get; set; } = 1;
    /// <summary>The tag's JSON definition (rules, model settings), versioned by <see cref="SchemaVersion"/>.</summary>
    public string? DefinitionJson { get; set; }
    public string SchemaVersion { get; set; } = "1.0";
    public int SortOrder { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? LastComputedAt { get; set; }
    /// <summary>When the tag first went live; from then on its code is fixed (conditions refer to it).</summary>
    public DateTime? ActivatedAt { get; set; }
    public List<TagValue> Values { get; set; } = [];
}

public class TagValue
{
    public int Id { get; set; }
    public int TagId { get; set; }
    public string Code { get; set; } = "";
    public string NameZh { get; set; } = "";
    public string NameEn { get; set; } = "";
    public int SortOrder { get; set; }
}

public enum RevisionStatus { Pending = 0, Approved = 1, Rejected = 2, Withdrawn = 3 }

/// <summary>
/// A version of a tag put up for review: the first submission of a draft, or a change to an active tag's rule,
/// values or kind. <see cref="DefinitionJson"/> holds the whole proposal (<see cref="TagProposal"/>).
/// </summary>
public class TagRevision
{
    public long Id { get; set; }
    public int TagId { get; set; }
    public int Version { get; set; }
    public string DefinitionJson { get; set; } = "";
    public RevisionStatus Status { get; set; }
    public string? SubmittedBy { get; set; }
    public DateTime SubmittedAt { get; set; }
    public string? ReviewedBy { get; set; }
    public DateTime? ReviewedAt { get; set; }
    public string? ReviewComment { get; set; }
}

public enum AssignmentSource { Manual = 0, Rule = 1, Model = 2, Import = 3, Journey = 4, Api = 5, Template = 6 }

public class TagAssignment
{
    public long Id { get; set; }
    public long CustomerId { get; set; }
    public int TagId { get; set; }
    /// <summary>0 for a tag without values; keeps the unique key free of nulls on every provider.</summary>
    public int TagValueId { get; set; }
    public AssignmentSource Source { get; set; }
    /// <summary>What produced it: rule version, import id, journey node.</summary>
    public string? SourceRef { get; set; }
    public string? AssignedBy { get; set; }
    public DateTime AssignedAt { get; set; }
    public DateTime? ExpiresAt { get; set; }
    public double? Score { get; set; }
}

public enum AssignmentAction { Added = 0, Removed = 1, Expired = 2, Changed = 3 }

/// <summary>Append-only log of every assignment change.</summary>
public class TagAssignmentHistory
{
    public long Id { get; set; }
    public long CustomerId { get; set; }
    public int TagId { get; set; }
    public int TagValueId { get; set; }
    public AssignmentAction Action { get; set; }
    public AssignmentSource Source { get; set; }
    public string? SourceRef { get; set; }
    public string? By { get; set; }
    public DateTime At { get; set; }
}

public class TagCoverageSnapshot
{
    public long Id { get; set; }
    public int TagId { get; set; }
    public DateTime At { get; set; }
    public int Customers { get; set; }
}
