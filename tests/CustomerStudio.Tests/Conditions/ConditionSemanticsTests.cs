using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Tests.Conditions;

/// <summary>
/// The semantics table of docs/conditions.md, row by row, on SQLite and PostgreSQL; for every row the
/// single-customer evaluation (what journeys use) must agree with the set query for every customer.
/// </summary>
public class ConditionSemanticsTests(ConditionWorld world) : IClassFixture<ConditionWorld>
{
    private static readonly string[] Live = ["A", "B", "C", "D", "E", "F"];

    // (condition, customers it selects). A: 上海, female, score 50 … see ConditionWorld.
    public static readonly (string Json, string Expected)[] Table =
    [
        // text, missing values included by negative operators
        ("""{"attr":"province","op":"eq","value":"上海"}""", "A,F"),
        ("""{"attr":"province","op":"neq","value":"上海"}""", "B,C,D,E"),
        ("""{"attr":"province","op":"in","value":["上海","北京"]}""", "A,B,F"),
        ("""{"attr":"province","op":"not_in","value":["上海","北京"]}""", "C,D,E"),
        ("""{"attr":"region","op":"eq","value":"北京"}""", "B"),
        ("""{"attr":"province","op":"is_empty"}""", "C,D"),
        ("""{"attr":"province","op":"is_not_empty"}""", "A,B,E,F"),
        ("""{"attr":"name","op":"contains","value":"ALICE"}""", "A"),
        ("""{"attr":"name","op":"contains","value":"王"}""", "A"),
        ("""{"attr":"name","op":"not_contains","value":"a"}""", "B,C,E"),
        ("""{"attr":"name","op":"starts_with","value":"bo"}""", "B"),
        ("""{"attr":"name","op":"ends_with","value":"AN"}""", "F"),
        ("""{"attr":"email","op":"ends_with","value":"@example.com"}""", "A"),
        // numbers
        ("""{"attr":"lead_score","op":"gt","value":50}""", "D,E"),
        ("""{"attr":"lead_score","op":"gte","value":50}""", "A,D,E"),
        ("""{"attr":"lead_score","op":"lt","value":10}""", "C,F"),
        ("""{"attr":"lead_score","op":"lte","value":10}""", "B,C,F"),
        ("""{"attr":"lead_score","op":"between","value":[10,75]}""", "A,B,D"),
        ("""{"attr":"lead_score","op":"eq","value":0}""", "C,F"),
        ("""{"attr":"lead_score","op":"neq","value":0}""", "A,B,D,E"),
        ("""{"attr":"lead_score","op":"in","value":[10,100]}""", "B,E"),
        ("""{"attr":"lead_score","op":"is_empty"}""", ""),
        // enums and booleans
        ("""{"attr":"gender","op":"eq","value":"female"}""", "A"),
        ("""{"attr":"gender","op":"in","value":["male","female"]}""", "A,B"),
        ("""{"attr":"gender","op":"neq","value":"male"}""", "A,C,D,E,F"),
        ("""{"attr":"lifecycle_stage","op":"in","value":["mql","sql"]}""", "B,E"),
        ("""{"attr":"email_opt_out","op":"is_true"}""", "B"),
        ("""{"attr":"email_opt_out","op":"is_false"}""", "A,C,D,E,F"),
        // calendar dates (birth_date) and moments in the workspace's zone (created_at)
        ("""{"attr":"birth_date","op":"before","value":"1995-01-01"}""", "A,D"),
        ("""{"attr":"birth_date","op":"after","value":"1995-01-01"}""", "B"),
        ("""{"attr":"birth_date","op":"on","value":"2000-12-31"}""", "B"),
        ("""{"attr":"birth_date","op":"not_on","value":"2000-12-31"}""", "A,C,D,E,F"),
        ("""{"attr":"birth_date","op":"is_empty"}""", "C,E,F"),
        ("""{"attr":"birth_date","op":"anniversary_in_next","value":"P7D"}""", "A"),
        ("""{"attr":"created_at","op":"on","value":"2026-06-15"}""", "F"),
        ("""{"attr":"created_at","op":"on","value":"2026-06-14"}""", ""),
        ("""{"attr":"created_at","op":"in_last","value":"P7D"}""", "F"),
        ("""{"attr":"created_at","op":"in_last","value":"P14D"}""", "A,F"),
        ("""{"attr":"created_at","op":"not_in_last","value":"P14D"}""", "B,C,D,E"),
        ("""{"attr":"created_at","op":"more_than_ago","value":"P60D"}""", "B,C,D"),
        ("""{"attr":"created_at","op":"between","value":["2026-06-01","2026-06-14"]}""", "A"),
        ("""{"attr":"created_at","op":"in_next","value":"P7D"}""", ""),
        // custom fields: typed values in their own rows
        ("""{"attr":"vip_level","op":"gt","value":2}""", "A"),
        ("""{"attr":"vip_level","op":"lt","value":2}""", "B"),
        ("""{"attr":"vip_level","op":"neq","value":3}""", "B,C,D,E,F"),
        ("""{"attr":"vip_level","op":"is_empty"}""", "C,D,E,F"),
        ("""{"attr":"vip_level","op":"is_not_empty"}""", "A,B"),
        ("""{"attr":"member_since","op":"before","value":"2021-01-01"}""", "A"),
        ("""{"attr":"member_since","op":"is_empty"}""", "B,C,D,E,F"),
        ("""{"attr":"is_student","op":"is_true"}""", "A"),
        ("""{"attr":"is_student","op":"is_false"}""", "B"),
        ("""{"attr":"is_student","op":"is_empty"}""", "C,D,E,F"),
        ("""{"attr":"plan","op":"eq","value":"pro"}""", "A"),
        ("""{"attr":"plan","op":"in","value":["basic"]}""", "E"),
        ("""{"attr":"plan","op":"neq","value":"pro"}""", "B,C,D,E,F"),
        // events
        ("""{"event":"page_view","where":[{"prop":"path","op":"eq","value":"/pricing"}],"count":{"op":"gte","value":3},"within":"P7D"}""", ""),
        ("""{"event":"page_view","where":[{"prop":"path","op":"contains","value":"pricing"}],"count":{"op":"gte","value":3},"within":"P7D"}""", "A"),
        ("""{"event":"page_view","count":{"op":"gte","value":3},"within":"P7D"}""", "A"),
        ("""{"event":"page_view","within":"P7D"}""", "A,B,E"),
        ("""{"event":"page_view","count":{"op":"eq","value":0},"within":"P7D"}""", "C,D,F"),
        ("""{"event":"page_view","count":{"op":"gte","value":3}}""", "A,B"),
        ("""{"event":"page_view","count":{"op":"between","value":[2,2]},"within":"P7D"}""", "B,E"),
        ("""{"event":"page_view","count":{"op":"neq","value":2},"within":"P7D"}""", "A,C,D,F"),
        ("""{"event":"page_view","channel":"app"}""", "E"),
        ("""{"event":"demo_request","last":{"op":"more_than_ago","value":"P90D"}}""", "E"),
        ("""{"event":"demo_request","first":{"op":"before","value":"2000-01-01"}}""", ""),
        ("""{"event":"demo_request","last":{"op":"is_empty"}}""", "A,B,C,D,F"),
        ("""{"event":"page_view","where":[{"prop":"path","op":"neq","value":"/blog"}],"within":"P30D"}""", "A,B"),
        ("""{"event":"page_view","where":[{"prop":"path","op":"is_empty"}]}""", "D"),
        // orders (paid unless said otherwise)
        ("""{"orders":"count","op":"gte","value":2}""", "A"),
        ("""{"orders":"count","op":"eq","value":0}""", "C,D,F"),
        ("""{"orders":"sum","op":"gte","value":400}""", "A,B"),
        ("""{"orders":"sum","op":"lt","value":100}""", "C,D,E,F"),
        ("""{"orders":"sum","op":"gte","value":400,"within":"P90D"}""", "A"),
        ("""{"orders":"count","op":"gte","value":1,"status":["refunded"]}""", "B"),
        ("""{"orders":"avg","op":"gt","value":150}""", "A,B"),
        ("""{"orders":"avg","op":"lt","value":150}""", "E"),
        ("""{"orders":"avg","op":"neq","value":20}""", "A,B,C,D,F"),
        ("""{"orders":"last_date","op":"in_last","value":"P30D"}""", "A"),
        ("""{"orders":"last_date","op":"more_than_ago","value":"P180D"}""", "B,E"),
        ("""{"orders":"last_date","op":"is_empty"}""", "C,D,F"),
        ("""{"orders":"first_date","op":"before","value":"2026-01-01"}""", "B,E"),
        // tags: expired assignments do not count
        ("""{"tag":"vip","op":"has"}""", "A,B"),
        ("""{"tag":"vip","op":"has_not"}""", "C,D,E,F"),
        ("""{"tag":"vip","source":"manual"}""", "A"),
        ("""{"tag":"vip","within":"P7D"}""", "A"),
        ("""{"tag":"level","values":["high"]}""", "B"),
        ("""{"tag":"level","values":["low"]}""", ""),
        ("""{"tag":"level"}""", "B"),
        // segments, identities, accounts
        ("""{"segment":"shanghai","op":"in"}""", "A,F"),
        ("""{"segment":"shanghai","op":"not_in"}""", "B,C,D,E"),
        ("""{"segment":"frozen"}""", "D"),
        ("""{"identity":"phone","op":"has"}""", "A"),
        ("""{"identity":"email"}""", "A,B"),
        ("""{"identity":"wechat_openid","op":"has_not"}""", "A,B,C,D,F"),
        ("""{"account":"member"}""", "A,B,D"),
        ("""{"account":"member","roles":["decision_maker"]}""", "B"),
        ("""{"account":"member","kind":"household"}""", "A,D"),
        ("""{"account":"not_member"}""", "C,E,F"),
        // groups
        ("""{"all":[{"attr":"province","op":"eq","value":"上海"},{"attr":"created_at","op":"in_last","value":"P14D"}]}""", "A,F"),
        ("""{"any":[{"attr":"gender","op":"eq","value":"female"},{"attr":"lead_score","op":"gte","value":100}]}""", "A,E"),
        ("""{"not":{"any":[{"attr":"gender","op":"eq","value":"female"},{"attr":"lead_score","op":"gte","value":100}]}}""", "B,C,D,F"),
        ("""{"all":[{"any":[{"attr":"gender","op":"eq","value":"female"},{"attr":"lead_score","op":"gte","value":100}]},{"not":{"tag":"vip"}}]}""", "E"),
        ("""{"not":{"attr":"province","op":"eq","value":"北京"}}""", "A,C,D,E,F"),
        // the example: 华东 AND ≥3 pricing views in 7 days AND NOT tag
        ("""{"all":[{"attr":"province","op":"in","value":["上海","江苏","浙江"]},{"event":"page_view","where":[{"prop":"path","op":"contains","value":"/pricing"}],"count":{"op":"gte","value":3},"within":"P7D"},{"not":{"tag":"level"}}]}""", "A"),
    ];

    public static TheoryData<DatabaseProvider, int> Rows()
    {
        var data = new TheoryData<DatabaseProvider, int>();
        foreach (var provider in new[] { DatabaseProvider.Sqlite, DatabaseProvider.PostgreSql })
            for (var i = 0; i < Table.Length; i++)
                data.Add(provider, i);
        return data;
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Each_row_selects_exactly_its_customers_and_single_customer_evaluation_agrees(DatabaseProvider provider, int row)
    {
        var (json, expected) = Table[row];
        await using var db = world.For(provider).CreateContext();
        var compiled = await Compile(db, json);
        Assert.True(compiled.Ok, string.Join("; ", compiled.Errors));

        var keyOf = world.Ids.ToDictionary(kv => kv.Value, kv => kv.Key);
        var selected = (await Audience.Query(db, compiled.Predicate!).Select(c => c.Id).ToListAsync())
            .Select(id => keyOf[id]).Order().ToList();
        Assert.Equal(expected.Split(',', StringSplitOptions.RemoveEmptyEntries), selected);
        Assert.Equal(selected.Count, await Audience.CountAsync(db, compiled.Predicate!));

        // The per-customer shape (journeys) must agree with the set shape for every customer.
        var one = await Compile(db, json, oneCustomer: true);
        foreach (var key in Live)
        {
            Assert.True(selected.Contains(key) == await Audience.ContainsAsync(db, compiled.Predicate!, world.Ids[key]),
                $"single-customer evaluation disagrees for {key} on row {row}: {json}");
            Assert.True(selected.Contains(key) == await Audience.ContainsAsync(db, one.Predicate!, world.Ids[key]),
                $"per-customer compilation disagrees for {key} on row {row}: {json}");
        }
        Assert.False(await Audience.ContainsAsync(db, compiled.Predicate!, world.Ids["M"]), "a merged-away customer never matches");
    }

    [Fact]
    public async Task Dynamic_segments_are_inlined_so_serialising_and_reading_back_gives_the_same_result()
    {
        await using var db = world.For(DatabaseProvider.Sqlite).CreateContext();
        foreach (var (json, _) in Table)
        {
            var parsed = ConditionJson.Parse(json);
            Assert.True(parsed.Ok);
            var again = ConditionJson.Parse(ConditionJson.ToJson(parsed.Condition!));
            Assert.Equal(ConditionJson.ToJson(parsed.Condition!), ConditionJson.ToJson(again.Condition!));
        }
    }

    internal static async Task<CompiledCondition> Compile(StudioDbContext db, string json, bool oneCustomer = false)
    {
        var catalog = await ConditionCatalog.LoadAsync(db);
        var context = new ConditionContext(ConditionWorld.Now, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"));
        return new ConditionCompiler(db, catalog, context) { OneCustomer = oneCustomer }.Compile(json);
    }
}
