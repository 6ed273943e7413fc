using System.Text.Json;
using CustomerStudio.Core.Data;

namespace CustomerStudio.Core.Security;

/// <summary>Who changed which definition, when, and what it looked like before and after.</summary>
public static class AuditLog
{
    private static readonly JsonSerializerOptions Json = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        ReferenceHandler = System.Text.Json.Serialization.ReferenceHandler.IgnoreCycles,
    };

    public static void Record(StudioDbContext db, Actor actor, string entityType, string entityId, string action,
        object? before, object? after, DateTime utcNow) =>
        db.AuditEntries.Add(new AuditEntry
        {
            At = utcNow,
            UserId = actor.UserId,
            UserName = actor.UserName,
            EntityType = entityType,
            EntityId = entityId,
            Action = action,
            BeforeJson = before is null ? null : JsonSerializer.Serialize(before, Json),
            AfterJson = after is null ? null : JsonSerializer.Serialize(after, Json),
        });
}

/// <summary>The user (or system job) on whose behalf a change is made, with the roles that decide what they may do.</summary>
public sealed record Actor(string? UserId, string? UserName)
{
    /// <summary>Scheduled jobs and start-up work: every right.</summary>
    public static readonly Actor System = new(null, "system") { Roles = [StudioRoles.Admin] };

    public IReadOnlyCollection<string> Roles { get; init; } = [];

    public bool IsIn(string role) => Roles.Contains(role);

    /// <summary>Admins and governance (operations) staff govern the tag system and approve changes.</summary>
    public bool Governs => IsIn(StudioRoles.Admin) || IsIn(StudioRoles.Governance);
}
