using System.Globalization;

namespace CustomerStudio.Core.Imports.Cleansing;

/// <summary>
/// Provinces and cities in the studio's one form: the short name without 省 / 市 / 自治区 (北京, 上海, 内蒙古, 广西),
/// whatever the file wrote (北京市, 内蒙古自治区, 广西壮族自治区, Beijing, Inner Mongolia). An unknown province is
/// refused so a typo does not become a new region; cities lose their 市 / 地区 / 自治州 suffix.
/// </summary>
public static class RegionCleaner
{
    // Short name, full name, pinyin / English names.
    private static readonly (string Short, string Full, string[] Latin)[] Provinces =
    [
        ("北京", "北京市", ["beijing", "peking"]), ("天津", "天津市", ["tianjin"]), ("上海", "上海市", ["shanghai"]),
        ("重庆", "重庆市", ["chongqing"]), ("河北", "河北省", ["hebei"]), ("山西", "山西省", ["shanxi"]),
        ("辽宁", "辽宁省", ["liaoning"]), ("吉林", "吉林省", ["jilin"]), ("黑龙江", "黑龙江省", ["heilongjiang"]),
        ("江苏", "江苏省", ["jiangsu"]), ("浙江", "浙江省", ["zhejiang"]), ("安徽", "安徽省", ["anhui"]),
        ("福建", "福建省", ["fujian"]), ("江西", "江西省", ["jiangxi"]), ("山东", "山东省", ["shandong"]),
        ("河南", "河南省", ["henan"]), ("湖北", "湖北省", ["hubei"]), ("湖南", "湖南省", ["hunan"]),
        ("广东", "广东省", ["guangdong"]), ("海南", "海南省", ["hainan"]), ("四川", "四川省", ["sichuan"]),
        ("贵州", "贵州省", ["guizhou"]), ("云南", "云南省", ["yunnan"]), ("陕西", "陕西省", ["shaanxi"]),
        ("甘肃", "甘肃省", ["gansu"]), ("青海", "青海省", ["qinghai"]), ("台湾", "台湾省", ["taiwan"]),
        ("内蒙古", "内蒙古自治区", ["neimenggu", "inner mongolia", "nei mongol"]),
        ("广西", "广西壮族自治区", ["guangxi"]), ("西藏", "西藏自治区", ["xizang", "tibet"]),
        ("宁夏", "宁夏回族自治区", ["ningxia"]), ("新疆", "新疆维吾尔自治区", ["xinjiang"]),
        ("香港", "香港特别行政区", ["hong kong", "hongkong", "hk"]), ("澳门", "澳门特别行政区", ["macau", "macao"]),
    ];

    private static readonly Dictionary<string, string> Lookup = Build();

    private static Dictionary<string, string> Build()
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (s, full, latin) in Provinces)
        {
            map[s] = s;
            map[full] = s;
            foreach (var suffix in new[] { "省", "市", "自治区" }) map.TryAdd(s + suffix, s);
            foreach (var name in latin)
            {
                map[name] = s;
                map[name.Replace(" ", "", StringComparison.Ordinal)] = s;
                foreach (var suffix in new[] { " province", " shi", " sheng", " city" }) map.TryAdd(name + suffix, s);
            }
        }
        map["广西自治区"] = "广西";
        map["宁夏自治区"] = "宁夏";
        map["新疆自治区"] = "新疆";
        map["香港特区"] = "香港";
        map["澳门特区"] = "澳门";
        return map;
    }

    public static Cleaned<string> Province(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return Cleaned<string>.Empty;
        var text = raw.Trim().Normalize(System.Text.NormalizationForm.FormKC);
        return Lookup.TryGetValue(text, out var province) || Lookup.TryGetValue(text.Replace(" ", "", StringComparison.Ordinal), out province)
            ? Cleaned<string>.Of(province)
            : Cleaned<string>.Refused("UnknownProvince", raw.Trim());
    }

    private static readonly string[] CitySuffixes = ["特别行政区", "自治州", "地区", "盟", "市"];

    public static Cleaned<string> City(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return Cleaned<string>.Empty;
        var text = raw.Trim().Normalize(System.Text.NormalizationForm.FormKC);
        // The four municipalities are also cities: 北京市 → 北京.
        if (Lookup.TryGetValue(text, out var municipality) && municipality is "北京" or "天津" or "上海" or "重庆" or "香港" or "澳门")
            return Cleaned<string>.Of(municipality);
        foreach (var suffix in CitySuffixes)
            if (text.Length > suffix.Length + 1 && text.EndsWith(suffix, StringComparison.Ordinal))
                return Cleaned<string>.Of(text[..^suffix.Length]);
        // Latin names in title case: "hangzhou" and "HANGZHOU" are one city.
        return Cleaned<string>.Of(text.All(c => c < 128) ? CultureInfo.InvariantCulture.TextInfo.ToTitleCase(text.ToLowerInvariant()) : text);
    }
}
