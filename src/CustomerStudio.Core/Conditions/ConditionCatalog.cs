using System.Linq.Expressions;
using System.Text.Json;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Segments;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Core.Conditions;

public enum FieldType { Text, Number, Date, Bool, Enum }

/// <summary>
/// A field conditions can test. Built-in fields read a customer column; custom fields read
/// <see cref="CustomFieldValue"/> rows. <see cref="IsInstant"/> dates are moments (evaluated in the workspace's zone),
/// the others are calendar dates.
/// </summary>
public sealed record FieldInfo(
    string Code, FieldType Type, string NameZh, string NameEn,
    IReadOnlyList<string>? Values = null, LambdaExpression? Member = null, int? CustomFieldId = null,
    bool IsInstant = false, IReadOnlyDictionary<string, object>? EnumMap = null);

public sealed record TagInfo(int Id, string Code, string NameZh, string NameEn, IReadOnlyDictionary<string, int> Values);

public sealed record SegmentInfo(int Id, string Code, string Name, SegmentKind Kind, string DefinitionJson);

/// <summary>What conditions may refer to in this workspace: fields, tags, segments.</summary>
public sealed class ConditionCatalog
{
    public IReadOnlyDictionary<string, FieldInfo> Fields { get; }
    public IReadOnlyDictionary<string, TagInfo> Tags { get; }
    public IReadOnlyDictionary<string, SegmentInfo> Segments { get; }

    public ConditionCatalog(IEnumerable<FieldInfo> customFields, IEnumerable<TagInfo> tags, IEnumerable<SegmentInfo> segments)
    {
        var fields = BuiltInFields.ToDictionary(f => f.Code, StringComparer.Ordinal);
        fields["region"] = fields["province"] with { Code = "region" };
        foreach (var f in customFields) fields.TryAdd(f.Code, f);
        Fields = fields;
        Tags = tags.ToDictionary(t => t.Code, StringComparer.Ordinal);
        Segments = segments.ToDictionary(s => s.Code, StringComparer.Ordinal);
    }

    public static async Task<ConditionCatalog> LoadAsync(StudioDbContext db, CancellationToken ct = default)
    {
        var custom = await db.CustomFields.AsNoTracking().ToListAsync(ct);
        // Archived tags no longer exist for conditions (nothing live may use them: archiving checks that).
        var tags = await db.Tags.AsNoTracking().Include(t => t.Values).Where(t => t.Status != CustomerStudio.Core.Tags.TagStatus.Archived).ToListAsync(ct);
        var segments = await db.Segments.AsNoTracking()
            .Select(s => new SegmentInfo(s.Id, s.Code, s.Name, s.Kind, s.DefinitionJson)).ToListAsync(ct);
        return new ConditionCatalog(
            custom.Select(f => new FieldInfo(f.Code, f.Type switch
                {
                    CustomFieldType.Number => FieldType.Number,
                    CustomFieldType.Date => FieldType.Date,
                    CustomFieldType.Bool => FieldType.Bool,
                    CustomFieldType.Enum => FieldType.Enum,
                    _ => FieldType.Text,
                }, f.NameZh, f.NameEn,
                f.EnumValuesJson is null ? null : CustomFieldOptions.Codes(f), CustomFieldId: f.Id)),
            tags.Select(t => new TagInfo(t.Id, t.Code, t.NameZh, t.NameEn, t.Values.ToDictionary(v => v.Code, v => v.Id))),
            segments);
    }

    private static LambdaExpression M<T>(Expression<Func<Customer, T>> member) => member;

    private static readonly Dictionary<string, object> Genders = new()
    {
        ["male"] = Gender.Male, ["female"] = Gender.Female, ["unknown"] = Gender.Unknown,
    };

    private static readonly Dictionary<string, object> Stages = new()
    {
        ["lead"] = LifecycleStage.Lead, ["mql"] = LifecycleStage.Mql, ["sql"] = LifecycleStage.Sql,
        ["customer"] = LifecycleStage.Customer, ["churned"] = LifecycleStage.Churned,
    };

    public static readonly IReadOnlyList<FieldInfo> BuiltInFields =
    [
        new("name", FieldType.Text, "姓名", "Name", Member: M(c => c.Name)),
        new("gender", FieldType.Enum, "性别", "Gender", [.. Genders.Keys], M(c => c.Gender), EnumMap: Genders),
        new("birth_date", FieldType.Date, "出生日期", "Birth date", Member: M(c => c.BirthDate)),
        new("province", FieldType.Text, "省份", "Province", Member: M(c => c.Province)),
        new("city", FieldType.Text, "城市", "City", Member: M(c => c.City)),
        new("phone", FieldType.Text, "手机号", "Phone", Member: M(c => c.Phone)),
        new("email", FieldType.Text, "邮箱", "Email", Member: M(c => c.Email)),
        new("source_channel", FieldType.Text, "来源渠道", "Source channel", Member: M(c => c.SourceChannel)),
        new("owner", FieldType.Text, "负责人", "Owner", Member: M(c => c.OwnerId)),
        new("lifecycle_stage", FieldType.Enum, "生命周期阶段", "Lifecycle stage", [.. Stages.Keys], M(c => c.LifecycleStage), EnumMap: Stages),
        new("lead_score", FieldType.Number, "线索评分", "Lead score", Member: M(c => c.LeadScore)),
        new("company", FieldType.Text, "公司", "Company", Member: M(c => c.Company)),
        new("industry", FieldType.Text, "行业", "Industry", Member: M(c => c.Industry)),
        new("company_size", FieldType.Text, "公司规模", "Company size", Member: M(c => c.CompanySize)),
        new("email_opt_out", FieldType.Bool, "退订邮件", "Email opt-out", Member: M(c => c.EmailOptOut)),
        new("sms_opt_out", FieldType.Bool, "退订短信", "SMS opt-out", Member: M(c => c.SmsOptOut)),
        new("created_at", FieldType.Date, "创建时间", "Created", Member: M(c => c.CreatedAt), IsInstant: true),
        new("updated_at", FieldType.Date, "更新时间", "Updated", Member: M(c => c.UpdatedAt), IsInstant: true),
    ];
}
