using System.Globalization;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Segments;

namespace CustomerStudio.Tests.Conditions;

public class ConditionSentenceTests
{
    private static readonly CultureInfo Zh = new("zh-CN");
    private static readonly CultureInfo En = new("en");

    private static readonly ConditionCatalog Catalog = new(
        [new FieldInfo("vip_level", FieldType.Number, "会员等级", "VIP level", CustomFieldId: 1)],
        [new TagInfo(1, "vip", "重要客户", "Key account", new Dictionary<string, int>()),
         new TagInfo(2, "level", "等级", "Level", new Dictionary<string, int> { ["high"] = 1 })],
        [new SegmentInfo(1, "beijing", "北京客户", SegmentKind.Dynamic, """{"attr":"province","op":"eq","value":"北京"}""")]);

    private static string Say(string json, CultureInfo culture) =>
        ConditionSentence.Render(ConditionJson.Parse(json).Condition!, Catalog, culture);

    [Theory]
    [InlineData("""{"attr":"province","op":"in","value":["上海","江苏","浙江"]}""", "省份 属于 上海、江苏、浙江", "Province is one of 上海, 江苏, 浙江")]
    [InlineData("""{"attr":"lead_score","op":"between","value":[10,50]}""", "线索评分 介于 10 和 50 之间", "Lead score is between 10 and 50")]
    [InlineData("""{"attr":"created_at","op":"in_last","value":"P7D"}""", "创建时间 在最近 7 天 内", "Created is within the last 7 days")]
    [InlineData("""{"attr":"birth_date","op":"anniversary_in_next","value":"P1W"}""", "出生日期 的周年日在未来 1 周 内", "Birth date has its anniversary within the next 1 week")]
    [InlineData("""{"attr":"gender","op":"eq","value":"female"}""", "性别 等于 女", "Gender is female")]
    [InlineData("""{"attr":"email","op":"is_empty"}""", "邮箱 为空", "Email is empty")]
    [InlineData("""{"attr":"vip_level","op":"gte","value":3}""", "会员等级 大于等于 3", "VIP level is at least 3")]
    [InlineData("""{"attr":"nope","op":"eq","value":"x"}""", "nope 等于 x", "nope is x")]
    public void Attributes_read_with_the_field_name_operator_and_value(string json, string zh, string en)
    {
        Assert.Equal(zh, Say(json, Zh));
        Assert.Equal(en, Say(json, En));
    }

    [Fact]
    public void Groups_join_with_and_or_and_nested_groups_are_bracketed()
    {
        const string json = """
            {"all":[{"attr":"province","op":"eq","value":"上海"},
                    {"any":[{"tag":"vip"},{"segment":"beijing","op":"not_in"}]},
                    {"not":{"identity":"phone","op":"has"}}]}
            """;
        Assert.Equal("省份 等于 上海 且 （拥有标签「重要客户」 或 不属于分群「北京客户」） 且 并非（有手机号）", Say(json, Zh));
        Assert.Equal("Province is 上海 and (has tag Key account or is not in segment 北京客户) and not (has a phone number)", Say(json, En));
        Assert.Equal("拥有标签「重要客户」", Say("""{"all":[{"any":[{"tag":"vip"}]}]}""", Zh));
        Assert.Equal("has tag Key account or has an email address", Say("""{"all":[{"any":[{"tag":"vip"},{"identity":"email","op":"has"}]}]}""", En));
        Assert.Equal("(no conditions)", ConditionSentence.Render(new AllCondition([]), Catalog, En));
    }

    [Fact]
    public void Events_say_what_how_often_where_and_when()
    {
        const string json = """
            {"event":"page_view","where":[{"prop":"path","op":"eq","value":"/pricing"}],"channel":"web","count":{"op":"gte","value":3},"within":"P7D"}
            """;
        Assert.Equal("最近 7 天 内发生事件「page_view」（path 等于 /pricing），渠道为 web，次数大于等于 3", Say(json, Zh));
        Assert.Equal("did page_view where path is /pricing via web at least 3 times in the last 7 days", Say(json, En));
        Assert.Equal("did signup, last time is before 2026-01-01", Say("""{"event":"signup","last":{"op":"before","value":"2026-01-01"}}""", En));
        Assert.Equal("发生事件「signup」，首次发生时间在最近 1 个月 内", Say("""{"event":"signup","first":{"op":"in_last","value":"P1M"}}""", Zh));
    }

    [Fact]
    public void Orders_tags_segments_identities_and_accounts_read_naturally()
    {
        Assert.Equal("最近 3 个月 内订单总金额 大于 500（状态：已支付、已退款）",
            Say("""{"orders":"sum","op":"gt","value":500,"within":"P3M","status":["paid","refunded"]}""", Zh));
        Assert.Equal("Order total is greater than 500 in the last 3 months (status paid, refunded)",
            Say("""{"orders":"sum","op":"gt","value":500,"within":"P3M","status":["paid","refunded"]}""", En));
        Assert.Equal("Number of orders is at least 1", Say("""{"orders":"count","op":"gte","value":1}""", En));
        Assert.Equal("没有标签「等级」，值为 high，最近 1 年 内打上，来源为 rule",
            Say("""{"tag":"level","op":"has_not","values":["high"],"within":"P1Y","source":"rule"}""", Zh));
        Assert.Equal("has tag Level with value high assigned in the last 2 weeks", Say("""{"tag":"level","values":["high"],"within":"P2W"}""", En));
        Assert.Equal("属于分群「北京客户」", Say("""{"segment":"beijing"}""", Zh));
        Assert.Equal("is in segment unknown_one", Say("""{"segment":"unknown_one"}""", En));
        Assert.Equal("没有微信 OpenID", Say("""{"identity":"wechat_openid","op":"has_not"}""", Zh));
        Assert.Equal("has an email address", Say("""{"identity":"email","op":"has"}""", En));
        Assert.Equal("是账户成员（公司），角色为 决策人", Say("""{"account":"member","roles":["decision_maker"],"kind":"company"}""", Zh));
        Assert.Equal("is a member of an account (household)", Say("""{"account":"member","kind":"household"}""", En));
        Assert.Equal("RFM R score is at least 4", Say("""{"rfm":"r","op":"gte","value":4}""", En));
    }

    [Fact]
    public void Without_a_catalog_built_in_fields_are_still_named()
    {
        var condition = ConditionJson.Parse("""{"attr":"city","op":"contains","value":"州"}""").Condition!;
        Assert.Equal("城市 包含 州", ConditionSentence.Render(condition, null, Zh));
        Assert.Equal("City contains 州", ConditionSentence.Render(condition, null, En));
    }
}
