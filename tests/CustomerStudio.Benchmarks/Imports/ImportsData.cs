namespace CustomerStudio.Benchmarks.Imports;

/// <summary>Reference data of the generated customer file: provinces as files write them, names with their pinyin.</summary>
public static class ImportsData
{
    /// <summary>The file's header, as a Chinese CRM export writes it.</summary>
    public static readonly string[] Header = ["姓名", "手机", "邮箱", "性别", "生日", "省份", "城市", "会员编号"];

    /// <summary>Where each column goes in the studio (<see cref="CustomerStudio.Core.Imports.ImportPlan"/> targets).</summary>
    public static readonly string[] Targets = ["name", "phone", "email", "gender", "birth_date", "province", "city", "external_id"];

    public const int Name = 0, Phone = 1, Email = 2, Gender = 3, Birth = 4, Province = 5, City = 6, Member = 7;

    /// <summary>The plan the benchmark uploads with the file (fill-empty, the wizard's default policy).</summary>
    public static string PlanJson()
    {
        var columns = string.Join(",", Header.Select((h, i) => $$"""{"index":{{i}},"header":"{{h}}","target":"{{Targets[i]}}"}"""));
        return $$"""{"policy":"fillEmpty","delimiter":",","encoding":"utf-8","hasHeader":true,"defaultRegion":"CN","columns":[{{columns}}]}""";
    }

    /// <summary>Short name, full name, English / pinyin name, weight (≈ population share), cities.</summary>
    public static readonly (string Short, string Full, string Latin, double Weight, string[] Cities)[] Provinces =
    [
        ("北京", "北京市", "Beijing", 2.2, ["北京"]),
        ("天津", "天津市", "Tianjin", 1.0, ["天津"]),
        ("上海", "上海市", "Shanghai", 2.5, ["上海"]),
        ("重庆", "重庆市", "Chongqing", 2.3, ["重庆"]),
        ("河北", "河北省", "Hebei", 5.3, ["石家庄", "唐山", "保定"]),
        ("山西", "山西省", "Shanxi", 2.5, ["太原", "大同"]),
        ("辽宁", "辽宁省", "Liaoning", 3.0, ["沈阳", "大连"]),
        ("吉林", "吉林省", "Jilin", 1.7, ["长春", "吉林"]),
        ("黑龙江", "黑龙江省", "Heilongjiang", 2.2, ["哈尔滨", "齐齐哈尔"]),
        ("江苏", "江苏省", "Jiangsu", 6.0, ["南京", "苏州", "无锡"]),
        ("浙江", "浙江省", "Zhejiang", 4.6, ["杭州", "宁波", "温州"]),
        ("安徽", "安徽省", "Anhui", 4.3, ["合肥", "芜湖"]),
        ("福建", "福建省", "Fujian", 2.9, ["福州", "厦门", "泉州"]),
        ("江西", "江西省", "Jiangxi", 3.2, ["南昌", "赣州"]),
        ("山东", "山东省", "Shandong", 7.2, ["济南", "青岛", "烟台"]),
        ("河南", "河南省", "Henan", 7.0, ["郑州", "洛阳"]),
        ("湖北", "湖北省", "Hubei", 4.1, ["武汉", "宜昌"]),
        ("湖南", "湖南省", "Hunan", 4.7, ["长沙", "株洲"]),
        ("广东", "广东省", "Guangdong", 9.0, ["广州", "深圳", "东莞", "佛山"]),
        ("海南", "海南省", "Hainan", 0.7, ["海口", "三亚"]),
        ("四川", "四川省", "Sichuan", 5.9, ["成都", "绵阳"]),
        ("贵州", "贵州省", "Guizhou", 2.7, ["贵阳", "遵义"]),
        ("云南", "云南省", "Yunnan", 3.3, ["昆明", "大理"]),
        ("陕西", "陕西省", "Shaanxi", 2.8, ["西安", "咸阳"]),
        ("甘肃", "甘肃省", "Gansu", 1.8, ["兰州", "天水"]),
        ("青海", "青海省", "Qinghai", 0.4, ["西宁"]),
        ("内蒙古", "内蒙古自治区", "Inner Mongolia", 1.7, ["呼和浩特", "包头"]),
        ("广西", "广西壮族自治区", "Guangxi", 3.5, ["南宁", "桂林"]),
        ("西藏", "西藏自治区", "Xizang", 0.3, ["拉萨"]),
        ("宁夏", "宁夏回族自治区", "Ningxia", 0.5, ["银川"]),
        ("新疆", "新疆维吾尔自治区", "Xinjiang", 1.8, ["乌鲁木齐"]),
        ("香港", "香港特别行政区", "Hong Kong", 0.5, ["香港"]),
        ("澳门", "澳门特别行政区", "Macau", 0.1, ["澳门"]),
    ];

    public static readonly (string Zh, string Pinyin)[] Surnames =
    [
        ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"), ("黄", "huang"),
        ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"), ("徐", "xu"), ("孙", "sun"), ("马", "ma"), ("朱", "zhu"),
        ("胡", "hu"), ("郭", "guo"), ("何", "he"), ("林", "lin"), ("高", "gao"), ("罗", "luo"), ("郑", "zheng"),
        ("梁", "liang"), ("谢", "xie"), ("宋", "song"), ("唐", "tang"), ("许", "xu"), ("韩", "han"), ("冯", "feng"),
        ("邓", "deng"), ("曹", "cao"), ("欧阳", "ouyang"), ("司马", "sima"),
    ];

    public static readonly (string Zh, string Pinyin)[] Given =
    [
        ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("丽", "li"), ("强", "qiang"),
        ("磊", "lei"), ("军", "jun"), ("洋", "yang"), ("勇", "yong"), ("艳", "yan"), ("杰", "jie"), ("娟", "juan"),
        ("涛", "tao"), ("明", "ming"), ("超", "chao"), ("秀", "xiu"), ("霞", "xia"), ("平", "ping"), ("刚", "gang"),
        ("桂", "gui"), ("华", "hua"), ("建", "jian"), ("国", "guo"), ("文", "wen"), ("辉", "hui"), ("玲", "ling"),
        ("婷", "ting"), ("宇", "yu"), ("浩", "hao"), ("欣", "xin"), ("怡", "yi"), ("子", "zi"), ("轩", "xuan"),
        ("涵", "han"), ("雨", "yu"), ("晨", "chen"), ("博", "bo"), ("思", "si"),
    ];

    public static readonly string[] EmailDomains = ["qq.com", "163.com", "126.com", "gmail.com", "outlook.com", "sina.com", "foxmail.com", "139.com"];

    /// <summary>
    /// Mobile prefixes libphonenumber accepts for CN and the demo workspace never uses (it draws from 130–139 without
    /// 134, 15x, 166, 17x, 18x, 198, 199), so the file's customers never collide with the demo's.
    /// </summary>
    public static readonly string[] MobilePrefixes = ["134", "147", "190", "191", "193", "195", "196", "197", "162", "167"];
}
