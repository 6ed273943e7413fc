using Microsoft.AspNetCore.Identity;

namespace CustomerStudio.Core.Security;

public class StudioUser : IdentityUser
{
    public string? DisplayName { get; set; }
    /// <summary>The user's UI language (zh-CN or en), applied at sign-in.</summary>
    public string? Culture { get; set; }
}

public static class StudioRoles
{
    public const string Admin = "Admin";
    /// <summary>Operations staff who govern the tag system.</summary>
    public const string Governance = "Governance";
    public const string Marketer = "Marketer";
    /// <summary>Read access plus customer profiles.</summary>
    public const string Sales = "Sales";

    public static readonly string[] All = [Admin, Governance, Marketer, Sales];
}

public class ApiKey
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    /// <summary>First characters of the key, shown to tell keys apart; the key itself is never stored.</summary>
    public string Prefix { get; set; } = "";
    public string KeyHash { get; set; } = "";
    public string Scopes { get; set; } = "";
    public string? CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? ExpiresAt { get; set; }
    public DateTime? RevokedAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
}

public class AuditEntry
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public string? UserId { get; set; }
    public string? UserName { get; set; }
    public string EntityType { get; set; } = "";
    public string EntityId { get; set; } = "";
    public string Action { get; set; } = "";
    public string? BeforeJson { get; set; }
    public string? AfterJson { get; set; }
}
