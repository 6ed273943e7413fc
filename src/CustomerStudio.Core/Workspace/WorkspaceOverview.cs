using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Core.Workspace;

public sealed record LifecycleCount(LifecycleStage Stage, int Customers);
public sealed record ProvinceCount(string Province, int Customers);

public sealed record WorkspaceOverview(
    int Customers, int ActiveCustomers30d, int Orders30d, decimal Revenue30d,
    int Tags, int Segments, int Journeys,
    IReadOnlyList<LifecycleCount> Lifecycle, IReadOnlyList<ProvinceCount> TopProvinces)
{
    /// <summary>The dashboard's figures, each one aggregate query in the database.</summary>
    public static async Task<WorkspaceOverview> LoadAsync(StudioDbContext db, DateTime utcNow, CancellationToken ct = default)
    {
        var since = utcNow.AddDays(-30);
        var live = db.Customers.Where(c => c.MergedIntoId == null);
        var customers = await live.CountAsync(ct);
        var active = await db.Events.Where(e => e.OccurredAt >= since).Select(e => e.CustomerId).Distinct().CountAsync(ct);
        var recentOrders = db.Orders.Where(o => o.OrderedAt >= since && o.Status == OrderStatus.Paid);
        var orders = await recentOrders.CountAsync(ct);
        var revenue = (decimal)await recentOrders.SumAsync(o => (double)o.Amount, ct);
        var lifecycle = await live.GroupBy(c => c.LifecycleStage)
            .Select(g => new LifecycleCount(g.Key, g.Count())).ToListAsync(ct);
        var provinces = await live.Where(c => c.Province != null).GroupBy(c => c.Province!)
            .Select(g => new { Province = g.Key, Customers = g.Count() })
            .OrderByDescending(p => p.Customers).Take(8)
            .Select(p => new ProvinceCount(p.Province, p.Customers)).ToListAsync(ct);
        return new WorkspaceOverview(customers, active, orders, Math.Round(revenue, 2),
            await db.Tags.CountAsync(ct), await db.Segments.CountAsync(ct), await db.Journeys.CountAsync(ct),
            lifecycle.OrderBy(l => l.Stage).ToList(), provinces);
    }
}
