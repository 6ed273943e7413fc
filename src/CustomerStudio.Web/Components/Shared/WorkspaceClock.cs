using CustomerStudio.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Web.Components.Shared;

/// <summary>Shows stored UTC times in the workspace's time zone.</summary>
public sealed class WorkspaceClock(IDbContextFactory<StudioDbContext> dbFactory)
{
    private TimeZoneInfo? _zone;

    public async Task<TimeZoneInfo> ZoneAsync()
    {
        if (_zone is null)
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            var id = await db.WorkspaceSettings.Select(s => s.TimeZone).FirstOrDefaultAsync() ?? "Asia/Shanghai";
            _zone = TimeZoneInfo.TryFindSystemTimeZoneById(id, out var tz) ? tz : TimeZoneInfo.Utc;
        }
        return _zone;
    }

    public async Task<DateTime> LocalAsync(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(utc, await ZoneAsync());
}
