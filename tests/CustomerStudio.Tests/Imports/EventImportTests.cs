using System.Text;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Imports;
using CustomerStudio.Core.Workspace;
using CustomerStudio.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Tests.Imports;

public sealed class EventImportTests
{
    private sealed class Clock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);
    }

    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.PostgreSql];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Events_import_with_properties_bad_rows_reported_and_a_second_import_stores_nothing_twice(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.CreateContext();
        db.WorkspaceSettings.Add(new WorkspaceSettings { TimeZone = "Asia/Shanghai" });
        await db.SaveChangesAsync();
        const string file = """
            手机,事件,时间,渠道,页面
            13812345678,page_view,2026-11-20 10:00,web,/pricing
            138 1234 5678,demo_request,2026-11-21 09:30,web,
            12345,page_view,2026-11-20 10:00,web,/
            13900000000,,2026-11-20 10:00,web,/
            """;
        var plan = new ImportPlan
        {
            Columns = [new(0, "手机", "phone"), new(1, "事件", "event_type"), new(2, "时间", "occurred_at"), new(3, "渠道", "channel"), new(4, "页面", "prop:path")],
        };
        async Task<ImportJob> RunAsync()
        {
            var job = new ImportJob { Kind = ImportKind.Events, FileName = "events.csv", MappingJson = plan.ToJson(), CreatedAt = DateTime.UtcNow };
            db.ImportJobs.Add(job);
            await db.SaveChangesAsync();
            var rows = ImportRows.Read(new MemoryStream(Encoding.UTF8.GetBytes(file)), plan).Rows;
            return await new EventImporter(db, new Clock()).RunAsync(job.Id, rows);
        }

        var first = await RunAsync();
        Assert.Equal((ImportStatus.Completed, 4, 2, 2), (first.Status, first.ProcessedRows, first.Created, first.Rejected));
        var events = await db.Events.AsNoTracking().Include(e => e.Properties).OrderBy(e => e.OccurredAt).ToListAsync();
        Assert.Equal(["page_view", "demo_request"], events.Select(e => e.Type));
        Assert.Single(events.Select(e => e.CustomerId).Distinct());
        // 10:00 in Shanghai is 02:00 UTC.
        Assert.Equal(new DateTime(2026, 11, 20, 2, 0, 0, DateTimeKind.Utc), events[0].OccurredAt);
        Assert.Equal("/pricing", Assert.Single(events[0].Properties).Value);
        Assert.Equal("+8613812345678", (await db.Customers.AsNoTracking().SingleAsync()).Phone);
        Assert.Equal([(4, "手机"), (5, "")], await db.ImportRowErrors.OrderBy(e => e.Line).Select(e => new { e.Line, e.Field }).ToListAsync()
            .ContinueWith(t => t.Result.Select(x => (x.Line, x.Field ?? "")).ToList()));

        var second = await RunAsync();
        Assert.Equal((0, 2), (second.Created, second.Skipped));
        Assert.Equal(2, await db.Events.CountAsync());
    }
}
