using System.Globalization;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Imports.Cleansing;
using CustomerStudio.Core.Tags;

namespace CustomerStudio.Core.Imports;

/// <summary>A problem with one cell of one row: the row is rejected and the report lists it.</summary>
public sealed record RowProblem(int Line, string Field, string Code, params string[] Args);

/// <summary>A row after cleansing: typed values by target, its identities, and tags to assign.</summary>
public sealed class CleanRow
{
    public int Line { get; init; }
    public Dictionary<string, object?> Fields { get; } = [];
    public List<(IdentityKind Kind, string Value)> Identities { get; } = [];
    public Dictionary<int, object?> Custom { get; } = [];
    public List<(int TagId, int ValueId)> Tags { get; } = [];
}

/// <summary>The workspace facts cleansing needs: custom fields and manual tags by code, the time zone.</summary>
public sealed record ImportCatalog(
    IReadOnlyDictionary<string, CustomFieldDefinition> CustomFields,
    IReadOnlyDictionary<string, (Tag Tag, IReadOnlyList<TagValue> Values)> Tags,
    TimeZoneInfo Zone);

/// <summary>Cleanses the mapped cells of a row; any bad cell rejects the whole row (nothing of it is written).</summary>
public sealed class CustomerRowCleaner(ImportPlan plan, ImportCatalog catalog)
{
    private readonly PhoneCleaner _phones = new(plan.DefaultRegion);

    public static readonly IReadOnlySet<string> IdentityTargets = new HashSet<string> { "phone", "email", "external_id", "wechat_openid", "wechat_unionid" };

    public (CleanRow? Row, List<RowProblem> Problems) Clean(ImportRow row)
    {
        var clean = new CleanRow { Line = row.Line };
        var problems = new List<RowProblem>();
        foreach (var column in plan.Columns)
        {
            if (column.Target == "ignore") continue;
            var raw = column.Index < row.Cells.Length ? row.Cells[column.Index] : null;
            if (string.IsNullOrWhiteSpace(raw)) continue;
            void Fail(string code, params string[] args) => problems.Add(new RowProblem(row.Line, column.Header, code, args));
            switch (column.Target)
            {
                case "phone":
                    var phone = _phones.Normalize(raw);
                    if (!phone.Ok) Fail(phone.Error!, phone.Args);
                    else { clean.Identities.Add((IdentityKind.Phone, phone.Value!)); clean.Fields.TryAdd("phone", phone.Value); }
                    break;
                case "email":
                    var email = EmailCleaner.Normalize(raw);
                    if (!email.Ok) Fail(email.Error!, email.Args);
                    else { clean.Identities.Add((IdentityKind.Email, email.Value!)); clean.Fields.TryAdd("email", email.Value); }
                    break;
                case "external_id": clean.Identities.Add((IdentityKind.ExternalId, ExternalId(raw))); break;
                case "wechat_openid": clean.Identities.Add((IdentityKind.WeChatOpenId, raw.Trim())); break;
                case "wechat_unionid": clean.Identities.Add((IdentityKind.WeChatUnionId, raw.Trim())); break;
                case "gender":
                    var gender = GenderCleaner.Normalize(raw);
                    if (!gender.Ok) Fail(gender.Error!, gender.Args); else clean.Fields["gender"] = gender.Value;
                    break;
                case "birth_date":
                    var birth = DateCleaner.ParseDate(raw);
                    if (!birth.Ok) Fail(birth.Error!, birth.Args); else clean.Fields["birth_date"] = birth.Value;
                    break;
                case "created_at":
                    var created = DateCleaner.Parse(raw);
                    if (!created.Ok) Fail(created.Error!, created.Args); else clean.Fields["created_at"] = ToUtc(created.Value!.Value);
                    break;
                case "province":
                    var province = RegionCleaner.Province(raw);
                    if (!province.Ok) Fail(province.Error!, province.Args); else clean.Fields["province"] = province.Value;
                    break;
                case "city": clean.Fields["city"] = RegionCleaner.City(raw).Value; break;
                case "lead_score":
                    if (int.TryParse(raw.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var score) && score is >= 0 and <= 100_000) clean.Fields["lead_score"] = score;
                    else Fail("InvalidNumber", raw.Trim());
                    break;
                case "lifecycle_stage":
                    var stage = Stage(raw);
                    if (stage is null) Fail("InvalidStage", raw.Trim()); else clean.Fields["lifecycle_stage"] = stage;
                    break;
                case "name" or "company" or "industry" or "company_size" or "source_channel":
                    var text = raw.Trim();
                    if (text.Length > 200) Fail("TooLong", "200");
                    else clean.Fields[column.Target] = text;
                    break;
                default:
                    if (column.Target.StartsWith("custom:", StringComparison.Ordinal)) Custom(column, raw, clean, Fail);
                    else if (column.Target.StartsWith("tag:", StringComparison.Ordinal)) TagCell(column, raw, clean, Fail);
                    else Fail("UnknownTarget", column.Target);
                    break;
            }
        }
        if (problems.Count == 0 && clean.Identities.Count == 0)
            problems.Add(new RowProblem(row.Line, "", "NoIdentity"));
        return problems.Count > 0 ? (null, problems) : (clean, problems);
    }

    // Excel writes numeric ids as 12345.0 (the Online Retail file's CustomerID is float-formatted).
    internal static string ExternalId(string raw)
    {
        var text = raw.Trim();
        return text.EndsWith(".0", StringComparison.Ordinal) && long.TryParse(text[..^2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
            ? n.ToString(CultureInfo.InvariantCulture) : text;
    }

    private DateTime ToUtc(DateTime value) => value.Kind == DateTimeKind.Utc
        ? value
        : TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(value, DateTimeKind.Unspecified), catalog.Zone);

    private static LifecycleStage? Stage(string raw) => raw.Trim().ToLowerInvariant() switch
    {
        "lead" or "线索" => LifecycleStage.Lead,
        "mql" or "营销认可线索" => LifecycleStage.Mql,
        "sql" or "销售认可线索" => LifecycleStage.Sql,
        "customer" or "客户" or "成交客户" => LifecycleStage.Customer,
        "churned" or "流失" => LifecycleStage.Churned,
        _ => null,
    };

    private void Custom(ImportColumn column, string raw, CleanRow clean, Action<string, string[]> fail)
    {
        var code = column.Target["custom:".Length..];
        if (!catalog.CustomFields.TryGetValue(code, out var field)) { fail("UnknownField", [code]); return; }
        var text = raw.Trim();
        switch (field.Type)
        {
            case CustomFieldType.Number:
                if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n)) clean.Custom[field.Id] = n;
                else fail("InvalidNumber", [text]);
                break;
            case CustomFieldType.Date:
                var date = DateCleaner.ParseDate(text);
                if (date.Ok) clean.Custom[field.Id] = date.Value;
                else fail(date.Error!, date.Args);
                break;
            case CustomFieldType.Bool:
                if (Truthy(text) is { } b) clean.Custom[field.Id] = b;
                else fail("InvalidBool", [text]);
                break;
            case CustomFieldType.Enum:
                var allowed = CustomFieldOptions.Codes(field);
                var match = allowed.FirstOrDefault(v => string.Equals(v, text, StringComparison.OrdinalIgnoreCase));
                if (match is not null) clean.Custom[field.Id] = match;
                else fail("ValueNotAllowed", [text, string.Join(", ", allowed)]);
                break;
            default:
                clean.Custom[field.Id] = text.Length > 200 ? text[..200] : text;
                break;
        }
    }

    private void TagCell(ImportColumn column, string raw, CleanRow clean, Action<string, string[]> fail)
    {
        var code = column.Target["tag:".Length..];
        if (!catalog.Tags.TryGetValue(code, out var tag)) { fail("UnknownTag", [code]); return; }
        var text = raw.Trim();
        if (tag.Values.Count == 0)
        {
            if (Truthy(text) is { } yes) { if (yes) clean.Tags.Add((tag.Tag.Id, 0)); }
            else fail("InvalidBool", [text]);
            return;
        }
        // A multi-valued tag's cell may list several values: "高;中".
        foreach (var part in text.Split([';', '；', '|', '、'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var value = tag.Values.FirstOrDefault(v => string.Equals(v.Code, part, StringComparison.OrdinalIgnoreCase) || v.NameZh == part
                                                       || string.Equals(v.NameEn, part, StringComparison.OrdinalIgnoreCase));
            if (value is null) fail("UnknownTagValue", [code, part]);
            else clean.Tags.Add((tag.Tag.Id, value.Id));
        }
    }

    private static bool? Truthy(string text) => text.ToLowerInvariant() switch
    {
        "1" or "y" or "yes" or "true" or "是" or "有" or "✓" or "√" => true,
        "0" or "n" or "no" or "false" or "否" or "无" => false,
        _ => null,
    };
}
