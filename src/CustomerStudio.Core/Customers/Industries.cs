namespace CustomerStudio.Core.Customers;

/// <summary>
/// The industry codes the studio knows (the demo, the bundled packs' rule tags and conditions use them), with their names
/// in both languages. A customer's or account's industry is free text: a code shows by its name, anything else as typed.
/// </summary>
public static class Industries
{
    public sealed record Industry(string Code, string NameZh, string NameEn);

    public static readonly IReadOnlyList<Industry> All =
    [
        new("retail", "零售", "Retail"),
        new("consumer_goods", "快消品", "Consumer goods"),
        new("internet", "互联网", "Internet"),
        new("manufacturing", "制造业", "Manufacturing"),
        new("education", "教育", "Education"),
        new("healthcare", "医疗健康", "Healthcare"),
        new("finance", "金融", "Finance"),
        new("logistics", "物流", "Logistics"),
        new("hospitality", "酒店餐饮", "Hospitality"),
    ];

    private static readonly Dictionary<string, Industry> ByCode = All.ToDictionary(i => i.Code, StringComparer.OrdinalIgnoreCase);

    /// <summary>The name of a known code in the language asked for; other text as it is; null stays null.</summary>
    public static string? Name(string? industry, bool zh) =>
        industry is not null && ByCode.TryGetValue(industry, out var known) ? zh ? known.NameZh : known.NameEn : industry;

    /// <summary>The name of a known code in the UI's language (Chinese for zh-*, else English); other text as it is.</summary>
    public static string? Name(string? industry) =>
        Name(industry, System.Globalization.CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase));

    /// <summary>What a person typed, as the code when it names a known industry in either language ("制造业" → manufacturing).</summary>
    public static string? Code(string? typed)
    {
        var text = typed?.Trim();
        if (string.IsNullOrEmpty(text)) return null;
        return All.FirstOrDefault(i => string.Equals(i.Code, text, StringComparison.OrdinalIgnoreCase)
                                       || i.NameZh == text || string.Equals(i.NameEn, text, StringComparison.OrdinalIgnoreCase))?.Code ?? text;
    }
}
