using System.Text;
using CustomerStudio.Core.Imports;
using CustomerStudio.Core.Imports.Cleansing;

namespace CustomerStudio.Web.Features.Imports.Wizard;

/// <summary>
/// One place a column can go: a built-in field or identity, a custom field (<c>custom:code</c>), a manual tag
/// (<c>tag:code</c>), an event property (<c>prop:name</c>) or <c>ignore</c>.
/// </summary>
public sealed record ImportTarget(string Value, string Group, string? Name = null);

/// <summary>
/// The targets an import kind offers, and suggestions for order and event files (the core suggests customer columns:
/// <see cref="ColumnSuggestions"/>; order columns such as 订单号 or InvoiceNo and event columns such as 事件 or
/// EventTime are matched here the same way).
/// </summary>
public static class ImportTargets
{
    public const string Ignore = "ignore";
    public const string PropertyPrefix = "prop:";

    /// <summary>What <see cref="EventImporter"/> reads besides identities and <c>prop:</c> columns.</summary>
    public static readonly IReadOnlyList<string> EventFields = ["event_type", "occurred_at", "channel"];

    /// <summary>What <see cref="OrderImporter"/> reads, in the order the wizard lists them.</summary>
    public static readonly IReadOnlyList<string> OrderFields =
        ["order_no", "ordered_at", "sku", "product_name", "quantity", "unit_price", "amount", "status", "currency", "channel"];

    /// <summary>The identities an order row may name its customer by.</summary>
    public static readonly IReadOnlyList<string> OrderIdentities = ["external_id", "phone", "email", "wechat_openid"];

    private static readonly Dictionary<string, string[]> OrderWords = new()
    {
        ["order_no"] = ["订单号", "订单编号", "单号", "orderno", "ordernumber", "orderid", "invoiceno", "invoice", "invoicenumber"],
        ["ordered_at"] = ["下单时间", "下单日期", "订单时间", "订单日期", "日期", "orderedat", "orderdate", "invoicedate", "date", "purchasedate"],
        ["sku"] = ["sku", "商品编码", "商品编号", "货号", "stockcode", "productcode", "itemcode"],
        ["product_name"] = ["商品名称", "商品", "品名", "产品名称", "productname", "description", "product", "itemname"],
        ["quantity"] = ["数量", "件数", "购买数量", "quantity", "qty"],
        ["unit_price"] = ["单价", "unitprice", "price"],
        ["amount"] = ["金额", "订单金额", "实付金额", "总金额", "amount", "total", "ordertotal"],
        ["status"] = ["订单状态", "状态", "status", "orderstatus"],
        ["currency"] = ["币种", "货币", "currency"],
        ["channel"] = ["渠道", "销售渠道", "下单渠道", "channel", "saleschannel"],
    };

    private static readonly Dictionary<string, string[]> EventWords = new()
    {
        ["event_type"] = ["事件", "事件类型", "事件名称", "事件名", "行为", "行为类型", "event", "eventtype", "eventname", "type", "action"],
        ["occurred_at"] = ["时间", "发生时间", "事件时间", "行为时间", "日期", "occurredat", "time", "timestamp", "eventtime", "date", "datetime"],
        ["channel"] = ["渠道", "来源渠道", "触点", "channel"],
    };

    private static readonly Dictionary<string, string> OrderLookup = LookupOf(OrderWords);

    private static readonly Dictionary<string, string> EventLookup = LookupOf(EventWords);

    /// <summary>
    /// Every target of a kind; custom fields and tags only for customer imports. Event properties are per column
    /// (<see cref="PropertyOf"/>), so they are not in this list.
    /// </summary>
    public static IReadOnlyList<ImportTarget> Of(ImportKind kind, IEnumerable<(string Code, string Name)> customFields, IEnumerable<(string Code, string Name)> tags)
    {
        var list = new List<ImportTarget> { new(Ignore, "ignore") };
        if (kind == ImportKind.Orders)
        {
            list.AddRange(OrderFields.Select(f => new ImportTarget(f, "order")));
            list.AddRange(OrderIdentities.Select(f => new ImportTarget(f, "identity")));
            return list;
        }
        if (kind == ImportKind.Events)
        {
            list.AddRange(EventFields.Select(f => new ImportTarget(f, "event")));
            list.AddRange(OrderIdentities.Select(f => new ImportTarget(f, "identity")));
            return list;
        }
        list.AddRange(ColumnSuggestions.Targets.Keys.Select(t => new ImportTarget(t, IsIdentity(t) ? "identity" : "field")));
        list.AddRange(customFields.Select(f => new ImportTarget("custom:" + f.Code, "custom", f.Name)));
        list.AddRange(tags.Select(t => new ImportTarget("tag:" + t.Code, "tag", t.Name)));
        return list;
    }

    /// <summary>Customer columns an event file may carry that are not suggested as event properties: personal data, and an id events are not matched by.</summary>
    private static readonly HashSet<string> NotEventProperties = ["name", "gender", "birth_date", "wechat_unionid"];

    /// <summary>
    /// The suggested target of a header, or <see cref="Ignore"/>. In an event file a column that is neither an event
    /// field nor an identity becomes a property named after its header, unless it holds personal data (name, gender,
    /// birth date), which is not copied into events.
    /// </summary>
    public static string Suggest(ImportKind kind, string header, IEnumerable<(string Code, string NameZh, string NameEn)> customFields)
    {
        if (kind == ImportKind.Orders)
        {
            if (OrderLookup.TryGetValue(Key(header), out var order)) return order;
            return ColumnSuggestions.Suggest(header) is { } identity && OrderIdentities.Contains(identity) ? identity : Ignore;
        }
        if (kind == ImportKind.Events)
        {
            if (EventLookup.TryGetValue(Key(header), out var field)) return field;
            return ColumnSuggestions.Suggest(header) switch
            {
                { } identity when OrderIdentities.Contains(identity) => identity,
                { } personal when NotEventProperties.Contains(personal) => Ignore,
                _ => PropertyOf(header) ?? Ignore,
            };
        }
        return ColumnSuggestions.Suggest(header, customFields) ?? Ignore;
    }

    /// <summary>
    /// The property target of a column (<c>prop:name</c>): the header without a <c>prop:</c> prefix; Latin headers in
    /// snake_case ("Page Path" → page_path), others as written; at most 64 characters. Null for an empty header.
    /// </summary>
    public static string? PropertyOf(string header)
    {
        var name = header.Trim();
        if (name.StartsWith(PropertyPrefix, StringComparison.OrdinalIgnoreCase)) name = name[PropertyPrefix.Length..].Trim();
        if (name.All(char.IsAscii))
        {
            var builder = new StringBuilder(name.Length);
            foreach (var ch in name)
                if (char.IsLetterOrDigit(ch)) builder.Append(char.ToLowerInvariant(ch));
                else if (builder.Length > 0 && builder[^1] != '_') builder.Append('_');
            name = builder.ToString().Trim('_');
        }
        else
        {
            name = string.Join('_', name.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        }
        if (name.Length > 64) name = name[..64];
        return name.Length == 0 ? null : PropertyPrefix + name;
    }

    private static Dictionary<string, string> LookupOf(Dictionary<string, string[]> words) => words
        .SelectMany(t => t.Value.Select(word => (Key: Key(word), Target: t.Key)))
        .GroupBy(x => x.Key).ToDictionary(g => g.Key, g => g.First().Target);

    private static bool IsIdentity(string target) => target is "phone" or "email" or "external_id" or "wechat_openid" or "wechat_unionid";

    /// <summary>Headers compare without case, spaces or punctuation, like the core's suggestions.</summary>
    private static string Key(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var ch in text.Normalize(NormalizationForm.FormKC))
            if (char.IsLetterOrDigit(ch)) builder.Append(char.ToLowerInvariant(ch));
        return builder.ToString();
    }
}
