using CustomerStudio.Core.Data;
using CustomerStudio.Core.Security;
using CustomerStudio.Core.Segments;
using CustomerStudio.Tests.Conditions;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Tests.Segments;

public class SegmentServiceTests(ConditionWorld world) : IClassFixture<ConditionWorld>
{
    private static readonly Actor Marketer = new("u-1", "marketer@customerstudio.local");

    private sealed class FixedClock(DateTime now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.PostgreSql];

    private SegmentService Service(StudioDbContext db) => new(db, new FixedClock(ConditionWorld.Now));

    private Dictionary<long, string> Keys => world.Ids.ToDictionary(kv => kv.Value, kv => kv.Key);

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_refresh_writes_only_who_entered_and_who_left(DatabaseProvider provider)
    {
        var code = "sh_" + provider.ToString().ToLowerInvariant();
        await using var db = world.For(provider).CreateContext();
        var service = Service(db);
        var saved = await service.SaveAsync(null, new SegmentDraft(code, "上海客户", null, SegmentKind.Dynamic,
            """{"attr":"province","op":"eq","value":"上海"}""", "0 0 3 * * ?"), Marketer);
        Assert.True(saved.Ok, string.Join("; ", saved.Errors));
        Assert.Equal((2, 2, 0), (saved.Refresh!.Members, saved.Refresh.Entered, saved.Refresh.Exited));
        var id = saved.Segment!.Id;
        Assert.Equal(["A", "F"], (await service.Members(id).Select(c => c.Id).ToListAsync()).Select(i => Keys[i]).Order());

        // B moves to 上海, F leaves: one entered, one exited, the unchanged member A is not rewritten.
        var enteredAtOfA = await db.SegmentMemberships.Where(m => m.SegmentId == id && m.CustomerId == world.Ids["A"]).Select(m => m.EnteredAt).SingleAsync();
        await db.Customers.Where(c => c.Id == world.Ids["B"]).ExecuteUpdateAsync(u => u.SetProperty(c => c.Province, "上海"));
        await db.Customers.Where(c => c.Id == world.Ids["F"]).ExecuteUpdateAsync(u => u.SetProperty(c => c.Province, "北京"));
        try
        {
            var refresh = await service.RefreshAsync(id);
            Assert.Equal((2, 1, 1), (refresh.Members, refresh.Entered, refresh.Exited));
            Assert.Equal(["A", "B"], (await service.Members(id).Select(c => c.Id).ToListAsync()).Select(i => Keys[i]).Order());
            Assert.Equal(enteredAtOfA, await db.SegmentMemberships.Where(m => m.SegmentId == id && m.CustomerId == world.Ids["A"]).Select(m => m.EnteredAt).SingleAsync());

            var log = await db.SegmentMembershipLog.Where(l => l.SegmentId == id).OrderBy(l => l.Id).ToListAsync();
            Assert.Equal(["A+", "F+", "B+", "F-"], log.Select(l => Keys[l.CustomerId] + (l.Change == MembershipChange.Entered ? "+" : "-")));
            var segment = await db.Segments.AsNoTracking().SingleAsync(s => s.Id == id);
            Assert.Equal(2, segment.MemberCount);
            Assert.Equal([2, 2], await db.SegmentSizeSnapshots.Where(s => s.SegmentId == id).OrderBy(s => s.Id).Select(s => s.Size).ToListAsync());

            var again = await service.RefreshAsync(id);
            Assert.Equal((2, 0, 0), (again.Members, again.Entered, again.Exited));
        }
        finally
        {
            await db.Customers.Where(c => c.Id == world.Ids["B"]).ExecuteUpdateAsync(u => u.SetProperty(c => c.Province, "北京"));
            await db.Customers.Where(c => c.Id == world.Ids["F"]).ExecuteUpdateAsync(u => u.SetProperty(c => c.Province, "上海"));
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Saving_is_audited_with_before_and_after(DatabaseProvider provider)
    {
        var code = "audited_" + provider.ToString().ToLowerInvariant();
        await using var db = world.For(provider).CreateContext();
        var service = Service(db);
        var first = await service.SaveAsync(null, new SegmentDraft(code, "A", null, SegmentKind.Dynamic, """{"tag":"vip"}"""), Marketer);
        await service.SaveAsync(first.Segment!.Id, new SegmentDraft(code, "B", null, SegmentKind.Dynamic, """{"tag":"vip","source":"manual"}"""), Marketer);
        var audit = await db.AuditEntries.Where(a => a.EntityType == "Segment" && a.EntityId == first.Segment.Id.ToString()).OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(["created", "updated"], audit.Select(a => a.Action));
        Assert.Null(audit[0].BeforeJson);
        Assert.Contains("manual", audit[1].AfterJson);
        Assert.DoesNotContain("manual", audit[1].BeforeJson);
        Assert.All(audit, a => Assert.Equal("marketer@customerstudio.local", a.UserName));
    }

    [Fact]
    public async Task An_invalid_segment_is_refused_with_every_reason_and_nothing_is_stored()
    {
        await using var db = world.For(DatabaseProvider.Sqlite).CreateContext();
        var before = await db.Segments.CountAsync();
        var result = await Service(db).SaveAsync(null, new SegmentDraft("Bad Code", " ", null, SegmentKind.Dynamic,
            """{"all":[{"attr":"nope","op":"eq","value":1}]}""", "every day"), Marketer);
        Assert.False(result.Ok);
        Assert.Equal(["code", "name", "refreshCron", "$.all[0].attr"], result.Errors.Select(e => e.Path));
        Assert.Equal(before, await db.Segments.CountAsync());
    }

    [Fact]
    public async Task A_segment_that_reaches_itself_is_refused()
    {
        await using var db = world.For(DatabaseProvider.Sqlite).CreateContext();
        var result = await Service(db).SaveAsync(null, new SegmentDraft("mirror", "Mirror", null, SegmentKind.Dynamic,
            """{"any":[{"tag":"vip"},{"segment":"mirror"}]}"""), Marketer);
        Assert.Contains(result.Errors, e => e.Code == "SegmentCycle");
        var chain = await Service(db).SaveAsync(null, new SegmentDraft("loop_c", "C", null, SegmentKind.Dynamic, """{"segment":"loop_a"}"""), Marketer);
        Assert.Contains(chain.Errors, e => e.Code == "SegmentCycle");
    }

    [Fact]
    public async Task Overlap_counts_members_of_both_segments()
    {
        await using var db = world.For(DatabaseProvider.Sqlite).CreateContext();
        var service = Service(db);
        var vip = await service.SaveAsync(null, new SegmentDraft("ov_vip", "VIP", null, SegmentKind.Static, """{"tag":"vip"}"""), Marketer);
        var sh = await service.SaveAsync(null, new SegmentDraft("ov_sh", "SH", null, SegmentKind.Static, """{"segment":"shanghai"}"""), Marketer);
        // vip = A,B; shanghai = A,F
        Assert.Equal(new OverlapResult(2, 2, 1, 3), await service.OverlapAsync(vip.Segment!.Id, sh.Segment!.Id));
    }
}
