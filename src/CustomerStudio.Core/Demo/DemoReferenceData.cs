using CustomerStudio.Core.Tags;

namespace CustomerStudio.Core.Demo;

/// <summary>A list of items with relative weights, sampled with a binary search over the cumulative weights.</summary>
internal sealed class Weighted<T>
{
    private readonly T[] _items;
    private readonly double[] _cumulative;

    public Weighted(IEnumerable<(T Item, double Weight)> items)
    {
        var list = items.Where(x => x.Weight > 0).ToArray();
        if (list.Length == 0) throw new ArgumentException("At least one item needs a positive weight.", nameof(items));
        _items = list.Select(x => x.Item).ToArray();
        _cumulative = new double[list.Length];
        double sum = 0;
        for (var i = 0; i < list.Length; i++) _cumulative[i] = sum += list[i].Weight;
    }

    public IReadOnlyList<T> Items => _items;

    public T Next(Random rng)
    {
        var x = rng.NextDouble() * _cumulative[^1];
        var i = Array.BinarySearch(_cumulative, x);
        if (i < 0) i = ~i;
        return _items[Math.Min(i, _items.Length - 1)];
    }
}

internal sealed record NamePart(string Han, string Pinyin);

internal sealed record CityDef(string Name, string Pinyin, double Weight);

internal sealed record ProvinceDef(string Name, double Weight, CityDef[] Cities);

internal sealed record ProductDef(string Sku, string Name, string Category, decimal Price, double Weight);

internal sealed record CategoryDef(string Code, string? ParentCode, string NameZh, string NameEn, int SortOrder, string? EditorRoles = null);

internal sealed record TagValueDef(string Code, string NameZh, string NameEn);

internal sealed record TagDef(
    string Code, string CategoryCode, string NameZh, string NameEn, string Description, string DataSource,
    TagKind Kind, RefreshRule Refresh, int? ExpiryDays, int SortOrder, TagValueDef[] Values, string? Definition = null);

/// <summary>Reference lists for the demo workspace: names, places, channels, products and the starter tag taxonomy.</summary>
internal static class DemoReferenceData
{
    // Common surnames with approximate frequencies (per cent of the population).
    public static readonly Weighted<NamePart> Surnames = new(new (string, string, double)[]
    {
        ("王", "wang", 7.1), ("李", "li", 7.0), ("张", "zhang", 6.7), ("刘", "liu", 5.4), ("陈", "chen", 4.5),
        ("杨", "yang", 3.1), ("黄", "huang", 2.2), ("赵", "zhao", 2.0), ("吴", "wu", 2.0), ("周", "zhou", 1.9),
        ("徐", "xu", 1.6), ("孙", "sun", 1.5), ("马", "ma", 1.5), ("朱", "zhu", 1.3), ("胡", "hu", 1.3),
        ("郭", "guo", 1.1), ("何", "he", 1.1), ("高", "gao", 1.0), ("林", "lin", 1.0), ("罗", "luo", 0.9),
        ("郑", "zheng", 0.8), ("梁", "liang", 0.8), ("谢", "xie", 0.6), ("宋", "song", 0.6), ("唐", "tang", 0.6),
        ("许", "xu", 0.5), ("韩", "han", 0.5), ("冯", "feng", 0.5), ("邓", "deng", 0.5), ("曹", "cao", 0.5),
        ("彭", "peng", 0.5), ("曾", "zeng", 0.4), ("肖", "xiao", 0.4), ("田", "tian", 0.4), ("董", "dong", 0.4),
        ("袁", "yuan", 0.4), ("潘", "pan", 0.4), ("于", "yu", 0.4), ("蒋", "jiang", 0.4), ("蔡", "cai", 0.4),
        ("余", "yu", 0.4), ("杜", "du", 0.4), ("叶", "ye", 0.4), ("程", "cheng", 0.3), ("苏", "su", 0.3),
        ("魏", "wei", 0.3), ("吕", "lv", 0.3), ("丁", "ding", 0.3), ("任", "ren", 0.3), ("沈", "shen", 0.3),
        ("姚", "yao", 0.3), ("卢", "lu", 0.3), ("姜", "jiang", 0.3), ("崔", "cui", 0.3), ("钟", "zhong", 0.3),
        ("谭", "tan", 0.3), ("陆", "lu", 0.3), ("汪", "wang", 0.3), ("范", "fan", 0.3), ("金", "jin", 0.3),
        ("石", "shi", 0.3), ("廖", "liao", 0.3), ("贾", "jia", 0.3), ("夏", "xia", 0.3), ("韦", "wei", 0.2),
        ("付", "fu", 0.2), ("方", "fang", 0.2), ("白", "bai", 0.2), ("邹", "zou", 0.2), ("孟", "meng", 0.2),
        ("熊", "xiong", 0.2), ("秦", "qin", 0.2), ("邱", "qiu", 0.2), ("江", "jiang", 0.2), ("尹", "yin", 0.2),
        ("薛", "xue", 0.2), ("闫", "yan", 0.2), ("段", "duan", 0.2), ("雷", "lei", 0.2), ("侯", "hou", 0.2),
        ("龙", "long", 0.2), ("史", "shi", 0.2), ("陶", "tao", 0.2), ("黎", "li", 0.2), ("贺", "he", 0.2),
        ("顾", "gu", 0.2), ("毛", "mao", 0.2), ("郝", "hao", 0.2), ("龚", "gong", 0.2), ("邵", "shao", 0.2),
        ("万", "wan", 0.2), ("钱", "qian", 0.2), ("严", "yan", 0.2), ("武", "wu", 0.2), ("戴", "dai", 0.2),
        ("莫", "mo", 0.1), ("孔", "kong", 0.1), ("向", "xiang", 0.1), ("汤", "tang", 0.1), ("欧阳", "ouyang", 0.05),
        ("司马", "sima", 0.01), ("诸葛", "zhuge", 0.01),
    }.Select(x => (new NamePart(x.Item1, x.Item2), x.Item3)));

    public static readonly NamePart[] MaleGiven = Parts(
        "伟 wei,强 qiang,磊 lei,军 jun,勇 yong,杰 jie,涛 tao,斌 bin,超 chao,明 ming,刚 gang,平 ping,辉 hui,鹏 peng,华 hua," +
        "飞 fei,鑫 xin,波 bo,宇 yu,浩 hao,凯 kai,健 jian,俊 jun,帆 fan,旭 xu,宁 ning,龙 long,林 lin,阳 yang,博 bo," +
        "文 wen,晨 chen,子 zi,轩 xuan,睿 rui,泽 ze,然 ran,航 hang,毅 yi,峰 feng,志 zhi,建 jian,国 guo,成 cheng,海 hai," +
        "东 dong,天 tian,嘉 jia,一 yi,铭 ming,昊 hao,皓 hao,宏 hong,振 zhen,立 li,思 si,远 yuan,家 jia,永 yong,佳 jia");

    public static readonly NamePart[] FemaleGiven = Parts(
        "芳 fang,娜 na,敏 min,静 jing,丽 li,艳 yan,婷 ting,雪 xue,玲 ling,燕 yan,霞 xia,慧 hui,颖 ying,琳 lin,倩 qian," +
        "晶 jing,欣 xin,怡 yi,佳 jia,梦 meng,雨 yu,诗 shi,涵 han,萱 xuan,悦 yue,琪 qi,瑶 yao,婉 wan,思 si,月 yue," +
        "洁 jie,秀 xiu,英 ying,红 hong,梅 mei,莉 li,蕾 lei,薇 wei,楠 nan,璐 lu,晓 xiao,文 wen,子 zi,可 ke,馨 xin," +
        "雅 ya,欢 huan,丹 dan,宁 ning,露 lu,清 qing,若 ruo,安 an,琴 qin,云 yun,冰 bing,桐 tong,一 yi,语 yu,嘉 jia");

    private static NamePart[] Parts(string list) =>
        list.Split(',').Select(x => x.Split(' ')).Select(x => new NamePart(x[0], x[1])).ToArray();

    // Provinces in their short form (no 省/市/自治区 suffix) and their main cities, weighted roughly by online shoppers.
    public static readonly ProvinceDef[] Provinces =
    [
        new("广东", 13, [new("广州", "guangzhou", 30), new("深圳", "shenzhen", 30), new("东莞", "dongguan", 10), new("佛山", "foshan", 10), new("珠海", "zhuhai", 4), new("惠州", "huizhou", 4)]),
        new("江苏", 9, [new("南京", "nanjing", 25), new("苏州", "suzhou", 30), new("无锡", "wuxi", 12), new("常州", "changzhou", 8), new("南通", "nantong", 7), new("徐州", "xuzhou", 6)]),
        new("浙江", 9, [new("杭州", "hangzhou", 40), new("宁波", "ningbo", 20), new("温州", "wenzhou", 12), new("绍兴", "shaoxing", 7), new("嘉兴", "jiaxing", 7), new("金华", "jinhua", 8)]),
        new("上海", 8, [new("上海", "shanghai", 1)]),
        new("北京", 7, [new("北京", "beijing", 1)]),
        new("山东", 6, [new("济南", "jinan", 25), new("青岛", "qingdao", 30), new("烟台", "yantai", 12), new("潍坊", "weifang", 10), new("临沂", "linyi", 8)]),
        new("四川", 5, [new("成都", "chengdu", 70), new("绵阳", "mianyang", 8), new("宜宾", "yibin", 5)]),
        new("湖北", 4, [new("武汉", "wuhan", 70), new("宜昌", "yichang", 10), new("襄阳", "xiangyang", 10)]),
        new("河南", 4, [new("郑州", "zhengzhou", 50), new("洛阳", "luoyang", 15), new("南阳", "nanyang", 8)]),
        new("福建", 4, [new("福州", "fuzhou", 30), new("厦门", "xiamen", 35), new("泉州", "quanzhou", 25)]),
        new("湖南", 3, [new("长沙", "changsha", 60), new("株洲", "zhuzhou", 10), new("岳阳", "yueyang", 8)]),
        new("安徽", 3, [new("合肥", "hefei", 60), new("芜湖", "wuhu", 15)]),
        new("河北", 3, [new("石家庄", "shijiazhuang", 35), new("保定", "baoding", 20), new("唐山", "tangshan", 20), new("廊坊", "langfang", 12)]),
        new("天津", 2, [new("天津", "tianjin", 1)]),
        new("重庆", 2, [new("重庆", "chongqing", 1)]),
        new("陕西", 2, [new("西安", "xian", 80), new("咸阳", "xianyang", 10)]),
        new("辽宁", 2, [new("沈阳", "shenyang", 45), new("大连", "dalian", 45)]),
        new("云南", 1.5, [new("昆明", "kunming", 80), new("大理", "dali", 10)]),
        new("江西", 1.5, [new("南昌", "nanchang", 70), new("赣州", "ganzhou", 15)]),
        new("广西", 1.5, [new("南宁", "nanning", 60), new("桂林", "guilin", 20), new("柳州", "liuzhou", 15)]),
        new("山西", 1, [new("太原", "taiyuan", 80), new("大同", "datong", 15)]),
        new("黑龙江", 1, [new("哈尔滨", "haerbin", 80), new("大庆", "daqing", 15)]),
        new("吉林", 0.8, [new("长春", "changchun", 70), new("吉林", "jilin", 25)]),
        new("贵州", 0.8, [new("贵阳", "guiyang", 80), new("遵义", "zunyi", 20)]),
        new("内蒙古", 0.6, [new("呼和浩特", "huhehaote", 50), new("包头", "baotou", 40)]),
        new("新疆", 0.5, [new("乌鲁木齐", "wulumuqi", 1)]),
        new("海南", 0.6, [new("海口", "haikou", 60), new("三亚", "sanya", 40)]),
        new("甘肃", 0.5, [new("兰州", "lanzhou", 1)]),
    ];

    public static readonly Weighted<ProvinceDef> ProvinceWeights = new(Provinces.Select(p => (p, p.Weight)));

    public static readonly Dictionary<string, Weighted<CityDef>> CityWeights =
        Provinces.ToDictionary(p => p.Name, p => new Weighted<CityDef>(p.Cities.Select(c => (c, c.Weight))));

    public static readonly Weighted<string> SourceChannels = new(new (string, double)[]
    {
        ("wechat", 28), ("tmall", 20), ("jd", 14), ("douyin", 12), ("offline_store", 10), ("website", 10), ("referral", 6),
    });

    /// <summary>Chance that a customer from this source channel buys at all.</summary>
    public static double BuyerRate(string channel) => channel switch
    {
        "tmall" or "jd" => 0.78,
        "offline_store" => 0.70,
        "douyin" => 0.50,
        "wechat" => 0.48,
        "referral" => 0.45,
        _ => 0.28,
    };

    // Mainland mobile prefixes (China Mobile, Unicom, Telecom); weights favour the older, larger ranges.
    public static readonly Weighted<string> MobilePrefixes = new(new (string, double)[]
    {
        ("130", 3), ("131", 3), ("132", 3), ("133", 3), ("135", 4), ("136", 4), ("137", 4), ("138", 5), ("139", 5),
        ("150", 3), ("151", 3), ("152", 3), ("153", 2), ("155", 2), ("156", 2), ("157", 2), ("158", 3), ("159", 3),
        ("166", 1), ("173", 1), ("175", 1), ("176", 1), ("177", 1), ("178", 1),
        ("180", 2), ("181", 2), ("182", 3), ("183", 2), ("184", 1), ("185", 2), ("186", 3), ("187", 3), ("188", 3), ("189", 3),
        ("198", 1), ("199", 1),
    });

    public static readonly Weighted<string> EmailDomains = new(new (string, double)[]
    {
        ("qq.com", 35), ("163.com", 20), ("126.com", 8), ("foxmail.com", 5), ("gmail.com", 5), ("outlook.com", 5),
        ("sina.com", 4), ("hotmail.com", 3), ("139.com", 3), ("yeah.net", 2),
    });

    public static readonly (string Code, double Weight)[] Industries =
    [
        ("retail", 20), ("consumer_goods", 15), ("internet", 15), ("manufacturing", 15), ("education", 8),
        ("healthcare", 8), ("finance", 7), ("logistics", 7), ("hospitality", 5),
    ];

    public static readonly Weighted<string> IndustryWeights = new(Industries.Select(x => (x.Code, x.Weight)));

    public static readonly Dictionary<string, string> IndustrySuffix = new()
    {
        ["retail"] = "商贸", ["consumer_goods"] = "日化", ["internet"] = "网络科技", ["manufacturing"] = "智能制造",
        ["education"] = "教育科技", ["healthcare"] = "医疗科技", ["finance"] = "金融信息服务", ["logistics"] = "供应链管理",
        ["hospitality"] = "酒店管理",
    };

    public static readonly Weighted<string> CompanySizes = new(new (string, double)[]
    {
        ("1-49", 40), ("50-199", 30), ("200-999", 20), ("1000+", 10),
    });

    public static readonly NamePart[] CompanyBrands = Parts(
        "云启 yunqi,华信 huaxin,创新 chuangxin,博远 boyuan,鼎盛 dingsheng,星河 xinghe,汇达 huida,恒通 hengtong,瑞丰 ruifeng," +
        "天成 tiancheng,金桥 jinqiao,新锐 xinrui,嘉禾 jiahe,明德 mingde,宏图 hongtu,远航 yuanhang,智联 zhilian,优选 youxuan," +
        "佳和 jiahe,卓越 zhuoyue,万象 wanxiang,青禾 qinghe,光合 guanghe,数澜 shulan,易达 yida,合众 hezhong,中科 zhongke,蓝海 lanhai");

    public static readonly ProductDef[] Products =
    [
        new("SKU-1001", "玻尿酸补水面膜（5片）", "skincare", 59m, 14),
        new("SKU-1002", "烟酰胺精华液 30ml", "skincare", 299m, 6),
        new("SKU-1003", "修护面霜 50g", "skincare", 399m, 4),
        new("SKU-1004", "氨基酸洁面乳", "skincare", 89m, 10),
        new("SKU-1005", "清爽防晒乳 SPF50+", "skincare", 129m, 9),
        new("SKU-1006", "抗皱紧致眼霜", "skincare", 459m, 3),
        new("SKU-2001", "丝绒雾面口红", "makeup", 199m, 7),
        new("SKU-2002", "持妆粉底液", "makeup", 329m, 4),
        new("SKU-2003", "大地色眼影盘", "makeup", 259m, 3),
        new("SKU-2004", "控油定妆散粉", "makeup", 169m, 4),
        new("SKU-3001", "无硅油洗发水 500ml", "personal_care", 69m, 12),
        new("SKU-3002", "香氛沐浴露", "personal_care", 49m, 12),
        new("SKU-3003", "美白牙膏三支装", "personal_care", 39.9m, 12),
        new("SKU-3004", "声波电动牙刷", "personal_care", 299m, 4),
        new("SKU-4001", "纯棉四件套", "home", 459m, 3),
        new("SKU-4002", "天然乳胶枕", "home", 299m, 3),
        new("SKU-4003", "香薰蜡烛礼盒", "home", 129m, 5),
        new("SKU-4004", "桌面收纳盒", "home", 59.9m, 7),
        new("SKU-5001", "空气炸锅 5L", "appliance", 499m, 3),
        new("SKU-5002", "扫地机器人", "appliance", 2999m, 0.6),
        new("SKU-5003", "空气净化器", "appliance", 1899m, 0.8),
        new("SKU-5004", "高速吹风机", "appliance", 699m, 2),
        new("SKU-5005", "全自动咖啡机", "appliance", 3999m, 0.3),
        new("SKU-5006", "无线洗地机", "appliance", 3299m, 0.5),
        new("SKU-6001", "婴儿配方奶粉 800g", "mother_baby", 368m, 3),
        new("SKU-6002", "婴儿纸尿裤 L码", "mother_baby", 159m, 4),
        new("SKU-7001", "每日坚果礼盒", "food", 129m, 6),
        new("SKU-7002", "明前龙井 250g", "food", 399m, 2),
        new("SKU-7003", "精品咖啡豆 454g", "food", 89m, 5),
    ];

    public static readonly Weighted<ProductDef> ProductWeights = new(Products.Select(p => (p, p.Weight)));

    public static readonly Weighted<string> SearchQueries = new(new (string, double)[]
    {
        ("面膜", 8), ("防晒", 7), ("口红", 6), ("精华", 5), ("洗发水", 4), ("空气炸锅", 4), ("扫地机器人", 3), ("咖啡机", 2),
        ("优惠券", 6), ("会员积分", 3), ("双11", 3), ("618", 2), ("新品", 3), ("退货", 2), ("发票", 2), ("企业采购", 2),
        ("价格", 3), ("礼盒", 3), ("纸尿裤", 2), ("茶叶", 2),
    });

    public static readonly Weighted<string> PagePaths = new(new (string, double)[]
    {
        ("/", 30), ("/products", 25), ("/blog", 15), ("/pricing", 8), ("/cart", 8), ("/checkout", 5), ("/demo", 4),
    });

    public static readonly Weighted<string> EventTypes = new(new (string, double)[]
    {
        ("page_view", 38), ("product_view", 20), ("app_open", 12), ("email_open", 9), ("search", 8), ("add_to_cart", 7),
        ("email_click", 4), ("demo_request", 0.8),
    });

    public static readonly Weighted<string> WebChannels = new(new (string, double)[] { ("web", 55), ("app", 25), ("wechat", 20) });

    public static readonly Weighted<string> AppPlatforms = new(new (string, double)[] { ("ios", 45), ("android", 45), ("harmonyos", 10) });

    public static readonly Weighted<string> OrderChannels = new(new (string, double)[]
    {
        ("tmall", 30), ("jd", 20), ("wechat", 20), ("offline_store", 12), ("website", 10), ("douyin", 8),
    });

    /// <summary>Relative activity by hour of day in China (UTC+8): mornings, lunch and evenings.</summary>
    public static readonly Weighted<int> LocalHours = new(new double[]
    {
        1.0, 0.5, 0.3, 0.2, 0.2, 0.3, 0.8, 1.5, 2.5, 3.5, 4.0, 4.0, 3.5, 3.2, 3.2, 3.2, 3.3, 3.5, 3.5, 4.0, 4.5, 5.0, 4.0, 2.5,
    }.Select((w, h) => (h, w)));

    // ---- starter tag taxonomy ----

    public static readonly CategoryDef[] Categories =
    [
        new("basic", null, "基本属性", "Basic attributes", 10),
        new("basic_demographics", "basic", "人口统计", "Demographics", 11),
        new("purchase", null, "消费行为", "Purchase behaviour", 20),
        new("purchase_value", "purchase", "消费价值", "Customer value", 21),
        new("engagement", null, "互动偏好", "Engagement", 30, "Marketer"),
        new("marketing", null, "营销", "Marketing", 40, "Marketer"),
        new("marketing_lifecycle", "marketing", "生命周期", "Lifecycle", 41),
    ];

    public const string AgeGroup = "age_group";
    public const string SpendingPower = "spending_power";
    public const string Purchased = "purchased";
    public const string RepeatBuyer = "repeat_buyer";
    public const string Vip = "vip";
    public const string HighIntent = "high_intent";
    public const string EmailEngaged = "email_engaged";
    public const string Dormant = "dormant";
    public const string ChurnRisk = "churn_risk";
    public const string RfmSegment = "rfm_segment";
    public const string HotLead = "hot_lead";

    public static readonly TagDef[] Tags =
    [
        new(AgeGroup, "basic_demographics", "年龄段", "Age group", "按出生日期计算的年龄区间。", "customers",
            TagKind.Rule, RefreshRule.Daily, null, 10,
            [new("age_18_24", "18-24岁", "18-24"), new("age_25_34", "25-34岁", "25-34"), new("age_35_44", "35-44岁", "35-44"),
             new("age_45_54", "45-54岁", "45-54"), new("age_55_plus", "55岁及以上", "55+")],
            """
            {"match":"first","rules":[
              {"value":"age_18_24","condition":{"attr":"birth_date","op":"in_last","value":"P25Y"}},
              {"value":"age_25_34","condition":{"attr":"birth_date","op":"in_last","value":"P35Y"}},
              {"value":"age_35_44","condition":{"attr":"birth_date","op":"in_last","value":"P45Y"}},
              {"value":"age_45_54","condition":{"attr":"birth_date","op":"in_last","value":"P55Y"}},
              {"value":"age_55_plus","condition":{"attr":"birth_date","op":"is_not_empty"}}]}
            """),
        new(SpendingPower, "purchase_value", "消费能力", "Spending power",
            "按累计实付金额划分：≥¥1,300 为高，≥¥400 为中，其余已购客户为低（演示数据中约为前20% / 其后40% / 其余）。", "orders",
            TagKind.Rule, RefreshRule.Daily, null, 10,
            [new("high", "高", "High"), new("medium", "中", "Medium"), new("low", "低", "Low")],
            """
            {"match":"first","rules":[
              {"value":"high","condition":{"orders":"sum","op":"gte","value":1300}},
              {"value":"medium","condition":{"orders":"sum","op":"gte","value":400}},
              {"value":"low","condition":{"orders":"count","op":"gte","value":1}}]}
            """),
        new(Purchased, "purchase", "已购", "Purchased", "至少有一笔已支付订单。", "orders",
            TagKind.Rule, RefreshRule.RealTime, null, 10, [],
            """{"rules":[{"condition":{"orders":"count","op":"gte","value":1}}]}"""),
        new(RepeatBuyer, "purchase", "复购客户", "Repeat buyer", "已支付订单不少于2笔。", "orders",
            TagKind.Rule, RefreshRule.Daily, null, 20, [],
            """{"rules":[{"condition":{"orders":"count","op":"gte","value":2}}]}"""),
        new(Vip, "purchase_value", "VIP", "VIP", "由运营人工认定的重要客户。", "manual",
            TagKind.Manual, RefreshRule.Manual, null, 20, []),
        new(HotLead, "engagement", "热线索", "Hot lead", "旅程或销售标记的近期热线索：已申请演示或明确表达购买意向，需要销售在两天内跟进。", "journeys, sales",
            TagKind.Manual, RefreshRule.Manual, 30, 25, []),
        new(HighIntent, "engagement", "高意向", "High intent", "近7天浏览价格页不少于3次，或近30天提交过演示申请。", "events",
            TagKind.Rule, RefreshRule.Hourly, 14, 10, [],
            """
            {"rules":[{"condition":{"any":[
              {"event":"page_view","where":[{"prop":"path","op":"eq","value":"/pricing"}],"count":{"op":"gte","value":3},"within":"P7D"},
              {"event":"demo_request","count":{"op":"gte","value":1},"within":"P30D"}]}}]}
            """),
        new(EmailEngaged, "engagement", "邮件活跃", "Email engaged", "近90天点击过营销邮件。", "events",
            TagKind.Rule, RefreshRule.Daily, null, 20, [],
            """{"rules":[{"condition":{"event":"email_click","count":{"op":"gte","value":1},"within":"P90D"}}]}"""),
        new(Dormant, "marketing_lifecycle", "沉睡客户", "Dormant", "曾经购买，但180天内无订单且90天内无互动。", "orders,events",
            TagKind.Rule, RefreshRule.Daily, null, 10, [],
            """
            {"rules":[{"condition":{"all":[
              {"orders":"count","op":"gte","value":1},
              {"orders":"count","op":"eq","value":0,"within":"P180D"},
              {"event":"page_view","count":{"op":"eq","value":0},"within":"P90D"},
              {"event":"product_view","count":{"op":"eq","value":0},"within":"P90D"},
              {"event":"app_open","count":{"op":"eq","value":0},"within":"P90D"},
              {"event":"email_open","count":{"op":"eq","value":0},"within":"P90D"},
              {"event":"search","count":{"op":"eq","value":0},"within":"P90D"},
              {"event":"add_to_cart","count":{"op":"eq","value":0},"within":"P90D"},
              {"event":"email_click","count":{"op":"eq","value":0},"within":"P90D"},
              {"event":"demo_request","count":{"op":"eq","value":0},"within":"P90D"}]}}]}
            """),
        new(ChurnRisk, "marketing_lifecycle", "流失风险", "Churn risk",
            "模型预测：已购客户在未来90天内没有任何已支付订单的概率。高 ≥ 0.6，中 ≥ 0.3。", "model: orders, events, attributes",
            TagKind.Predictive, RefreshRule.Daily, null, 20,
            [new("high", "高", "High"), new("medium", "中", "Medium"), new("low", "低", "Low")],
            """
            {"model":{"target":"churn","horizonDays":90,"retrainDays":7,"thresholds":[
              {"value":"high","min":0.6},{"value":"medium","min":0.3},{"value":"low","min":0}]}}
            """),
        new(RfmSegment, "purchase_value", "RFM客户分层", "RFM segment",
            "按近365天的最近购买、购买频次、消费金额五分位打分（1–5），R/F/M 各以 ≥3 为高，分为八类。", "orders (RFM)",
            TagKind.Rule, RefreshRule.Daily, null, 30,
            [new("important_value", "重要价值客户", "Champions"), new("important_keep", "重要保持客户", "Loyal, slipping away"),
             new("important_develop", "重要发展客户", "Big spenders to develop"), new("important_retain", "重要挽留客户", "Can't lose them"),
             new("general_value", "一般价值客户", "Frequent small spenders"), new("general_keep", "一般保持客户", "At risk"),
             new("general_develop", "一般发展客户", "New customers"), new("general_retain", "一般挽留客户", "Hibernating")],
            """
            {"match":"first","rules":[
              {"value":"important_value","condition":{"rfm":"segment","op":"eq","value":"important_value"}},
              {"value":"important_keep","condition":{"rfm":"segment","op":"eq","value":"important_keep"}},
              {"value":"important_develop","condition":{"rfm":"segment","op":"eq","value":"important_develop"}},
              {"value":"important_retain","condition":{"rfm":"segment","op":"eq","value":"important_retain"}},
              {"value":"general_value","condition":{"rfm":"segment","op":"eq","value":"general_value"}},
              {"value":"general_keep","condition":{"rfm":"segment","op":"eq","value":"general_keep"}},
              {"value":"general_develop","condition":{"rfm":"segment","op":"eq","value":"general_develop"}},
              {"value":"general_retain","condition":{"rfm":"segment","op":"eq","value":"general_retain"}}]}
            """),
    ];
}
