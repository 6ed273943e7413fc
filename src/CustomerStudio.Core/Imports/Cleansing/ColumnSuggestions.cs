using System.Text;

namespace CustomerStudio.Core.Imports.Cleansing;

/// <summary>
/// Suggests what an uploaded column holds from its header, in Chinese or English ("手机号码", "Mobile", "E-mail",
/// "CustomerID"): a built-in field or identity code (<see cref="Targets"/>), a custom field by its code or names, or
/// nothing (the wizard then offers "ignore").
/// </summary>
public static class ColumnSuggestions
{
    /// <summary>Built-in targets and the header words that point at them (compared without case, spaces, _ - . or brackets).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Targets = new Dictionary<string, string[]>
    {
        ["name"] = ["姓名", "名字", "客户姓名", "客户名称", "联系人", "name", "fullname", "customername", "contactname"],
        ["phone"] = ["手机", "手机号", "手机号码", "电话", "电话号码", "联系电话", "移动电话", "mobile", "mobilephone", "phone", "phonenumber", "tel", "telephone", "cellphone"],
        ["email"] = ["邮箱", "电子邮箱", "电子邮件", "邮件", "email", "emailaddress", "mail"],
        ["gender"] = ["性别", "gender", "sex"],
        ["birth_date"] = ["生日", "出生日期", "出生年月日", "birthday", "birthdate", "dateofbirth", "dob"],
        ["province"] = ["省", "省份", "所在省份", "省/直辖市", "province", "state", "region"],
        ["city"] = ["城市", "市", "所在城市", "city", "town"],
        ["company"] = ["公司", "公司名称", "单位", "企业", "company", "companyname", "organization", "organisation"],
        ["industry"] = ["行业", "所属行业", "industry"],
        ["company_size"] = ["公司规模", "企业规模", "companysize", "employees"],
        ["source_channel"] = ["来源", "来源渠道", "渠道", "source", "channel", "sourcechannel", "leadsource"],
        ["lead_score"] = ["线索评分", "评分", "leadscore", "score"],
        ["lifecycle_stage"] = ["生命周期", "生命周期阶段", "阶段", "lifecyclestage", "stage"],
        ["created_at"] = ["注册时间", "创建时间", "注册日期", "createdat", "created", "signupdate", "registeredat"],
        ["external_id"] = ["客户id", "客户编号", "会员号", "会员编号", "会员id", "用户id", "编号", "customerid", "externalid", "memberid", "userid", "id"],
        ["wechat_openid"] = ["openid", "微信openid", "wechatopenid"],
        ["wechat_unionid"] = ["unionid", "微信unionid", "wechatunionid"],
    };

    private static readonly Dictionary<string, string> Lookup = Targets
        .SelectMany(t => t.Value.Select(word => (Key: Key(word), t.Key)))
        .GroupBy(x => x.Key).ToDictionary(g => g.Key, g => g.First().Item2);

    /// <summary>The target for a header, trying built-ins first, then custom fields by code or name; null when nothing fits.</summary>
    public static string? Suggest(string header, IEnumerable<(string Code, string NameZh, string NameEn)>? customFields = null)
    {
        var key = Key(header);
        if (key.Length == 0) return null;
        if (Lookup.TryGetValue(key, out var target)) return target;
        foreach (var (code, zh, en) in customFields ?? [])
            if (key == Key(code) || key == Key(zh) || key == Key(en)) return "custom:" + code;
        return null;
    }

    private static string Key(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var ch in text.Normalize(NormalizationForm.FormKC))
            if (char.IsLetterOrDigit(ch)) builder.Append(char.ToLowerInvariant(ch));
        return builder.ToString();
    }
}
