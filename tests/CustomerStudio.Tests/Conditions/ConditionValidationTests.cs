using System.Globalization;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Data;

namespace CustomerStudio.Tests.Conditions;

/// <summary>Invalid conditions never reach the database: each error names its JSON path, in zh-CN and en.</summary>
public class ConditionValidationTests(ConditionWorld world) : IClassFixture<ConditionWorld>
{
    public static TheoryData<string, string, string> Invalid => new()
    {
        { "{not json", "$", "InvalidJson" },
        { """{"all":[]}""", "$.all", "EmptyGroup" },
        { """{"foo":1}""", "$", "UnknownConditionKind" },
        { """{"attr":"province","tag":"vip"}""", "$", "AmbiguousConditionKind" },
        { """{"attr":"province","op":"eq","value":"x","extra":1}""", "$.extra", "UnknownProperty" },
        { """{"attr":"nope","op":"eq","value":1}""", "$.attr", "UnknownField" },
        { """{"attr":"lead_score","op":"contains","value":"x"}""", "$.op", "UnknownOperator" },
        { """{"attr":"lead_score","op":"gt","value":"ten"}""", "$.value", "WrongValueType" },
        { """{"attr":"province","op":"eq"}""", "$.value", "ValueMissing" },
        { """{"attr":"province","op":"is_empty","value":"x"}""", "$.value", "ValueNotExpected" },
        { """{"attr":"gender","op":"eq","value":"robot"}""", "$.value", "ValueNotAllowed" },
        { """{"attr":"plan","op":"in","value":["gold"]}""", "$.value[0]", "ValueNotAllowed" },
        { """{"attr":"birth_date","op":"between","value":["2020-01-01","2019-01-01"]}""", "$.value", "BetweenNeedsTwo" },
        { """{"attr":"birth_date","op":"on","value":"2020/01/01"}""", "$.value", "InvalidDate" },
        { """{"event":"page_view","within":"7"}""", "$.within", "InvalidWindow" },
        { """{"event":"page_view","within":"P7"}""", "$.within", "InvalidWindow" },
        { """{"event":"page_view","within":"P20Y"}""", "$.within", "WindowTooLong" },
        { """{"all":[{"attr":"province","op":"eq","value":"上海"},{"event":"page_view","count":{"op":"gte","value":"3"}}]}""", "$.all[1].count.value", "WrongValueType" },
        { """{"any":[{"attr":"province","op":"eq","value":"上海"},{"not":{"attr":"city","op":"gt","value":1}}]}""", "$.any[1].not.op", "UnknownOperator" },
        { """{"event":"page_view","count":{"op":"gte","value":1},"last":{"op":"in_last","value":"P1D"}}""", "$", "EventNeedsMeasure" },
        { """{"orders":"median","op":"gt","value":1}""", "$.orders", "UnknownMetric" },
        { """{"tag":"nope"}""", "$.tag", "UnknownTag" },
        { """{"tag":"level","values":["mid"]}""", "$.values[0]", "UnknownTagValue" },
        { """{"tag":"vip","source":"magic"}""", "$.source", "UnknownSource" },
        { """{"segment":"nope"}""", "$.segment", "UnknownSegment" },
        { """{"segment":"loop_a"}""", "$.segment(loop_a).segment(loop_b).not.segment", "SegmentCycle" },
        { """{"identity":"qq"}""", "$.identity", "UnknownIdentityKind" },
        { """{"account":"member","roles":["boss"]}""", "$.roles[0]", "UnknownRole" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task An_invalid_condition_names_the_path_and_reason(string json, string path, string code)
    {
        await using var db = world.For(DatabaseProvider.Sqlite).CreateContext();
        var compiled = await ConditionSemanticsTests.Compile(db, json);
        Assert.False(compiled.Ok);
        Assert.Null(compiled.Predicate);
        Assert.Contains(compiled.Errors, e => e.Path == path && e.Code == code);
    }

    [Fact]
    public async Task Every_error_in_a_condition_is_reported_at_once()
    {
        await using var db = world.For(DatabaseProvider.Sqlite).CreateContext();
        var compiled = await ConditionSemanticsTests.Compile(db,
            """{"all":[{"attr":"nope","op":"eq","value":1},{"tag":"nope"},{"event":"x","within":"7"}]}""");
        Assert.Equal(["$.all[0].attr", "$.all[1].tag", "$.all[2].within"], compiled.Errors.Select(e => e.Path));
    }

    [Fact]
    public void Errors_read_in_the_users_language()
    {
        var error = new ConditionError("$.all[1].within", "InvalidWindow", "7");
        Assert.Equal("时间窗“7”无效：请用带单位的 ISO 8601 时长，如 P7D、PT12H、P3M", error.Message(new CultureInfo("zh-CN")));
        Assert.Equal("Invalid window \"7\": use an ISO 8601 duration with a unit, such as P7D, PT12H, P3M", error.Message(new CultureInfo("en")));
    }

    [Theory]
    [InlineData("P7D", 0, 0, 7, 0)]
    [InlineData("P2W", 0, 0, 14, 0)]
    [InlineData("P1Y2M3D", 1, 2, 3, 0)]
    [InlineData("PT12H", 0, 0, 0, 12)]
    public void Windows_are_iso_8601_durations(string text, int years, int months, int days, int hours)
    {
        var w = Window.TryParse(text)!;
        Assert.Equal((years, months, days, TimeSpan.FromHours(hours)), (w.Years, w.Months, w.Days, w.Time));
    }

    [Theory]
    [InlineData("2027-02-27", "P3D", true)]   // 27 Feb – 2 Mar 2027 (not a leap year) takes in 29 Feb birthdays
    [InlineData("2028-02-27", "P1D", false)]  // 27–28 Feb 2028: 29 Feb is still ahead
    [InlineData("2028-02-27", "P2D", true)]
    public async Task Birthdays_on_29_february_are_celebrated_on_1_march_in_other_years(string today, string window, bool dIncluded)
    {
        await using var db = world.For(DatabaseProvider.Sqlite).CreateContext();
        var catalog = await ConditionCatalog.LoadAsync(db);
        var now = DateTime.SpecifyKind(DateTime.Parse(today, CultureInfo.InvariantCulture).AddHours(4), DateTimeKind.Utc);
        var compiled = new ConditionCompiler(db, catalog, new ConditionContext(now, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")))
            .Compile($$"""{"attr":"birth_date","op":"anniversary_in_next","value":"{{window}}"}""");
        Assert.Equal(dIncluded, await Audience.ContainsAsync(db, compiled.Require(), world.Ids["D"]));
    }

    [Fact]
    public async Task Conditions_built_in_code_compile_like_parsed_ones()
    {
        await using var db = world.For(DatabaseProvider.Sqlite).CreateContext();
        var catalog = await ConditionCatalog.LoadAsync(db);
        var compiler = new ConditionCompiler(db, catalog, new ConditionContext(ConditionWorld.Now, TimeZoneInfo.Utc));
        var built = compiler.Compile(new AttributeCondition("lead_score", "between",
            new System.Text.Json.Nodes.JsonArray(System.Text.Json.Nodes.JsonValue.Create(10), System.Text.Json.Nodes.JsonValue.Create(75.5))));
        Assert.True(built.Ok, string.Join("; ", built.Errors));
        Assert.Equal(3, await Audience.CountAsync(db, built.Predicate!));
    }
}
