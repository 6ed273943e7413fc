using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Segments;
using CustomerStudio.Tests.Infrastructure;
using CustomerStudio.Tests.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace CustomerStudio.Tests.Segments;

public class SegmentScheduleTests(StudioAppFixture app) : IClassFixture<StudioAppFixture>
{
    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task<Segment> LoadAsync(int id)
    {
        using var scope = app.Factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<StudioDbContext>().Segments.AsNoTracking().SingleAsync(s => s.Id == id);
    }

    [Fact]
    public async Task A_segment_with_a_cron_is_refreshed_by_the_scheduler()
    {
        var client = await app.Factory.SignedInAsync(StudioAppFactory.Marketer);
        var response = await client.PostAsync("/api/segments", Body(
            """{"code":"every_second","name":"每秒刷新","kind":"dynamic","definition":{"attr":"province","op":"eq","value":"西藏"},"refreshCron":"0/1 * * * * ?"}"""));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var id = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!.GetValue<int>();
        var before = await LoadAsync(id);

        // Two customers move to 西藏 behind the segment's back: only a scheduled refresh can notice.
        using (var scope = app.Factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StudioDbContext>();
            var movers = await db.Customers.Where(c => c.MergedIntoId == null && c.Province != "西藏").OrderBy(c => c.Id).Select(c => c.Id).Take(2).ToListAsync();
            await db.Customers.Where(c => movers.Contains(c.Id)).ExecuteUpdateAsync(u => u.SetProperty(c => c.Province, "西藏"));
        }

        var watch = Stopwatch.StartNew();
        var after = before;
        while (watch.Elapsed < TimeSpan.FromSeconds(5) && after.MemberCount == before.MemberCount)
        {
            await Task.Delay(100);
            after = await LoadAsync(id);
        }
        Assert.Equal(before.MemberCount + 2, after.MemberCount);
        Assert.True(after.LastRefreshedAt > before.LastRefreshedAt);

        // Without a schedule the job and its trigger go away.
        var put = await client.PutAsync($"/api/segments/{id}", Body(
            """{"code":"every_second","name":"每秒刷新","kind":"dynamic","definition":{"attr":"province","op":"eq","value":"西藏"}}"""));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var scheduler = await app.Factory.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        Assert.False(await scheduler.Exists(SegmentSchedule.JobKeyFor(id)));
    }

    [Fact]
    public async Task Triggers_are_rebuilt_from_the_segment_table_one_per_scheduled_dynamic_segment()
    {
        int dailyId, staticId, manualId;
        using (var scope = app.Factory.Services.CreateScope())
        {
            var service = scope.ServiceProvider.GetRequiredService<SegmentService>();
            async Task<int> Save(string code, SegmentKind kind, string? cron)
            {
                var saved = await service.SaveAsync(null, new SegmentDraft(code, code, null, kind, """{"tag":"purchased"}""", cron),
                    CustomerStudio.Core.Security.Actor.System);
                Assert.True(saved.Ok, string.Join("; ", saved.Errors));
                return saved.Segment!.Id;
            }
            dailyId = await Save("rebuild_daily", SegmentKind.Dynamic, "0 0 3 * * ?");
            staticId = await Save("rebuild_static", SegmentKind.Static, "0 0 3 * * ?");
            manualId = await Save("rebuild_manual", SegmentKind.Dynamic, null);
        }

        var schedule = app.Factory.Services.GetRequiredService<SegmentSchedule>();
        await schedule.RebuildAsync();
        var scheduler = await app.Factory.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();

        Assert.True(await scheduler.Exists(SegmentSchedule.JobKeyFor(dailyId)));
        Assert.False(await scheduler.Exists(SegmentSchedule.JobKeyFor(staticId)));
        Assert.False(await scheduler.Exists(SegmentSchedule.JobKeyFor(manualId)));
        Assert.Single(await scheduler.GetTriggersOfJob(SegmentSchedule.JobKeyFor(dailyId)));

        // 03:00 in the workspace's zone (Asia/Shanghai) is 19:00 UTC.
        var next = await schedule.NextRefreshAsync(dailyId);
        Assert.NotNull(next);
        Assert.Equal(19, next.Value.UtcDateTime.Hour);
    }
}
