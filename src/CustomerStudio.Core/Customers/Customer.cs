namespace CustomerStudio.Core.Customers;

public enum Gender { Unknown = 0, Male = 1, Female = 2 }

/// <summary>Lead → MQL → SQL → Customer, plus the states a customer can leave through.</summary>
public enum LifecycleStage { Lead = 0, Mql = 1, Sql = 2, Customer = 3, Churned = 4 }

public class Customer
{
    public long Id { get; set; }
    public string? Name { get; set; }
    public Gender Gender { get; set; }
    public DateOnly? BirthDate { get; set; }
    public string? Province { get; set; }
    public string? City { get; set; }
    /// <summary>Primary phone in E.164; every phone also lives in <see cref="CustomerIdentity"/>.</summary>
    public string? Phone { get; set; }
    public string? Email { get; set; }
    public string? SourceChannel { get; set; }
    public string? OwnerId { get; set; }
    public LifecycleStage LifecycleStage { get; set; }
    public int LeadScore { get; set; }
    public string? Company { get; set; }
    public string? Industry { get; set; }
    public string? CompanySize { get; set; }
    public bool EmailOptOut { get; set; }
    public bool SmsOptOut { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    /// <summary>Set when this record was merged into another; the survivor's id redirects.</summary>
    public long? MergedIntoId { get; set; }

    public List<CustomerIdentity> Identities { get; set; } = [];
    public List<CustomFieldValue> CustomFieldValues { get; set; } = [];
}

public enum IdentityKind { Phone = 0, Email = 1, WeChatOpenId = 2, WeChatUnionId = 3, ExternalId = 4 }

public class CustomerIdentity
{
    public long Id { get; set; }
    public long CustomerId { get; set; }
    public IdentityKind Kind { get; set; }
    /// <summary>Normalized value: E.164 phones, lower-cased emails.</summary>
    public string Value { get; set; } = "";
    public bool IsPrimary { get; set; }
    public DateTime CreatedAt { get; set; }
}

public enum CustomFieldType { Text = 0, Number = 1, Date = 2, Bool = 3, Enum = 4 }

public class CustomFieldDefinition
{
    public int Id { get; set; }
    public string Code { get; set; } = "";
    public string NameZh { get; set; } = "";
    public string NameEn { get; set; } = "";
    public CustomFieldType Type { get; set; }
    /// <summary>Allowed values of an enum field, as JSON in the shape of <see cref="SchemaVersion"/>; read them with <see cref="CustomFieldOptions"/>.</summary>
    public string? EnumValuesJson { get; set; }
    /// <summary>Shape of <see cref="EnumValuesJson"/>: rows written before versions existed are 1.0 (a list of codes).</summary>
    public string SchemaVersion { get; set; } = "1.0";
    public bool IsSensitive { get; set; }
    public int SortOrder { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>One typed value per customer and field; only the column matching the field type is set.</summary>
public class CustomFieldValue
{
    public long CustomerId { get; set; }
    public int FieldId { get; set; }
    public string? TextValue { get; set; }
    public decimal? NumberValue { get; set; }
    public DateTime? DateValue { get; set; }
    public bool? BoolValue { get; set; }
}

public enum AccountKind { Company = 0, Household = 1 }

public enum AccountRole { Member = 0, Registrant = 1, DecisionMaker = 2, User = 3 }

public class Account
{
    public long Id { get; set; }
    public AccountKind Kind { get; set; }
    public string Name { get; set; } = "";
    public string? Industry { get; set; }
    public string? Size { get; set; }
    public string? OwnerId { get; set; }
    public DateTime CreatedAt { get; set; }
    public List<AccountMember> Members { get; set; } = [];
}

public class AccountMember
{
    public long AccountId { get; set; }
    public long CustomerId { get; set; }
    public AccountRole Role { get; set; }
    public DateTime JoinedAt { get; set; }
}
