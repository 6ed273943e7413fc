using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Scoring;
using CustomerStudio.Core.Workspace;
using CustomerStudio.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Tests.Scoring;

public sealed class LeadScoringTests
{
    private static readonly DateTime Now = new(2026, 6, 15, 4, 0, 0, DateTimeKind.Utc);

    private sealed class Clock(DateTime now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.PostgreSql];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Points_decay_and_thresholds_move_leads_to_mql_and_sql_with_a_sales_task(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.CreateContext();
        db.WorkspaceSettings.Add(new WorkspaceSettings());
        Customer C(string name, LifecycleStage stage = LifecycleStage.Lead, string? size = null)
        {
            var c = new Customer { Name = name, LifecycleStage = stage, CompanySize = size, OwnerId = "owner-1", CreatedAt = Now.AddYears(-1), UpdatedAt = Now.AddYears(-1) };
            db.Customers.Add(c);
            return c;
        }
        var warm = C("warm");
        var hot = C("hot", size: "1000+");
        var buyer = C("buyer", LifecycleStage.Customer);
        var old = C("old");
        var cold = C("cold");
        await db.SaveChangesAsync();
        void Ev(Customer c, string type, double daysAgo, int times = 1, string? path = null)
        {
            for (var i = 0; i < times; i++)
                db.Events.Add(new CustomerEvent { CustomerId = c.Id, Type = type, OccurredAt = Now.AddDays(-daysAgo), ReceivedAt = Now, Channel = "web",
                    Properties = path is null ? [] : [new EventProperty { Key = "path", Value = path }] });
        }
        Ev(warm, "page_view", 0, 3, "/pricing");   // 30
        Ev(warm, "demo_request", 0);                // 20 → 50 = MQL
        Ev(warm, "page_view", 0, 4, "/blog");       // not the pricing page: nothing
        Ev(hot, "page_view", 0, 5, "/pricing");     // 50
        Ev(hot, "demo_request", 0, 2);              // 40, + company size 15 → 105 = SQL
        Ev(buyer, "demo_request", 0, 10);           // 200, but a customer stays a customer
        Ev(old, "page_view", 60, 6, "/pricing");    // 60 × 0.5^(60/30) = 15
        Ev(cold, "page_view", 200, 9, "/pricing");  // outside the 180-day lookback
        await db.SaveChangesAsync();

        var result = await new LeadScoring(db, new Clock(Now)).ComputeAsync();
        Assert.Equal((5, 4, 1, 1, 1), (result.Scored, result.Changed, result.ToMql, result.ToSql, result.TasksCreated));
        var scores = await db.Customers.AsNoTracking().ToDictionaryAsync(c => c.Name!, c => (c.LeadScore, c.LifecycleStage));
        Assert.Equal((50, LifecycleStage.Mql), scores["warm"]);
        Assert.Equal((105, LifecycleStage.Sql), scores["hot"]);
        Assert.Equal((200, LifecycleStage.Customer), scores["buyer"]);
        Assert.Equal((15, LifecycleStage.Lead), scores["old"]);
        Assert.Equal((0, LifecycleStage.Lead), scores["cold"]);

        var change = await db.LeadScoreChanges.AsNoTracking().SingleAsync(c => c.CustomerId == hot.Id);
        Assert.Equal((105, 105), (change.Points, change.Total));
        Assert.Contains("pricing page ×5", change.Reason);
        var moves = await db.LifecycleChanges.AsNoTracking().OrderBy(l => l.CustomerId).ToListAsync();
        Assert.Equal([(warm.Id, LifecycleStage.Lead, LifecycleStage.Mql), (hot.Id, LifecycleStage.Lead, LifecycleStage.Sql)], moves.Select(m => (m.CustomerId, m.From, m.To)));
        var task = await db.SalesTasks.AsNoTracking().SingleAsync();
        Assert.Equal((hot.Id, "owner-1", SalesTaskStatus.Open), (task.CustomerId, task.OwnerId, task.Status));
        Assert.Contains("demo_request", task.Details);
        Assert.Contains("Why: pricing page ×5", task.Details);

        // Nothing new: nothing written. A month later the points have halved, but nobody moves back.
        var again = await new LeadScoring(db, new Clock(Now)).ComputeAsync();
        Assert.Equal((0, 0, 0), (again.Changed, again.ToMql, again.TasksCreated));
        var later = await new LeadScoring(db, new Clock(Now.AddDays(30))).ComputeAsync();
        Assert.Equal(0, later.TasksCreated);
        var warmLater = await db.Customers.AsNoTracking().SingleAsync(c => c.Id == warm.Id);
        Assert.Equal((25, LifecycleStage.Mql), (warmLater.LeadScore, warmLater.LifecycleStage));
    }
}
