using CustomerStudio.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Core.Workspace;

/// <summary>The workspace's time zone, in which dates are shown and conditions evaluated.</summary>
public static class WorkspaceTimeZone
{
    public const string Default = "Asia/Shanghai";

    public static async Task<TimeZoneInfo> LoadAsync(StudioDbContext db, CancellationToken ct = default) =>
        Resolve(await db.WorkspaceSettings.Select(s => s.TimeZone).FirstOrDefaultAsync(ct));

    /// <summary>An unknown zone id falls back to UTC rather than failing every date shown.</summary>
    public static TimeZoneInfo Resolve(string? id) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(id ?? Default, out var zone) ? zone : TimeZoneInfo.Utc;
}
