using CustomerStudio.Core.Data;
using CustomerStudio.Core.Workspace;

namespace CustomerStudio.Web.Features.Home;

public static class WorkspaceApi
{
    public static void MapWorkspaceApi(this RouteGroupBuilder api) =>
        api.MapGet("/workspace/overview", (StudioDbContext db, TimeProvider clock, CancellationToken ct) =>
                WorkspaceOverview.LoadAsync(db, clock.GetUtcNow().UtcDateTime, ct))
            .WithName("GetWorkspaceOverview").WithTags("Workspace")
            .WithSummary("Headline figures of the workspace: customers, activity, orders, definitions.");
}
