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
            _zone = await Core.Workspace.WorkspaceTimeZone.LoadAsync(db);
        }
        return _zone;
    }

    public async Task<DateTime> LocalAsync(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(utc, await ZoneAsync());
}
