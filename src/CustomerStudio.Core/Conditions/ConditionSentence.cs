using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CustomerStudio.Core.Conditions;

/// <summary>
/// A condition read aloud: "省份 属于 上海、江苏、浙江 且 拥有标签「VIP」" / "Province is one of 上海, 江苏, 浙江 and has tag VIP".
/// Fields, tags and segments are named as the catalog names them; anything unknown is shown by its code.
/// </summary>
public static partial class ConditionSentence
{
    public static string Render(Condition condition, ConditionCatalog? catalog = null, CultureInfo? culture = null)
    {
        culture ??= CultureInfo.CurrentUICulture;
        var words = culture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? Words.Zh : Words.En;
        return new Writer(words, catalog).Node(condition, nested: false);
    }

    private sealed class Writer(Words w, ConditionCatalog? catalog)
    {
        public string Node(Condition condition, bool nested) => condition switch
        {
            AllCondition all => Group(all.Items, w.And, nested),
            AnyCondition any => Group(any.Items, w.Or, nested),
            NotCondition not => string.Format(w.Not, Node(not.Inner, nested: false)),
            AttributeCondition a => $"{FieldName(a.Field)} {Op(a.Op, a.Value, FieldOf(a.Field))}",
            EventCondition e => Event(e),
            OrderCondition o => Orders(o),
            RfmCondition r => $"{Lookup(w.RfmMetrics, r.Metric)} {Op(r.Op, r.Value, null)}",
            TagCondition t => Tag(t),
            SegmentCondition s => string.Format(s.Op == "not_in" ? w.NotInSegment : w.InSegment, SegmentName(s.Segment)),
            IdentityCondition i => string.Format(i.Op == "has_not" ? w.HasNoIdentity : w.HasIdentity, Lookup(w.IdentityKinds, i.Kind)),
            AccountCondition a => Account(a),
            _ => condition.GetType().Name,
        };

        private string Group(IReadOnlyList<Condition> items, string joiner, bool nested)
        {
            if (items.Count == 0) return w.Empty;
            // A group inside another needs brackets only when it has siblings to be told apart from.
            var text = string.Join(joiner, items.Select(i => Node(i, nested: items.Count > 1)));
            return nested && items.Count > 1 ? string.Format(w.Parens, text) : text;
        }

        private FieldInfo? FieldOf(string code) =>
            catalog?.Fields.GetValueOrDefault(code) ?? ConditionCatalog.BuiltInFields.FirstOrDefault(f => f.Code == code);

        private string FieldName(string code) => FieldOf(code) is { } f ? w.IsZh ? f.NameZh : f.NameEn : code;

        private string SegmentName(string code) => catalog?.Segments.GetValueOrDefault(code)?.Name ?? code;

        private string TagName(string code) =>
            catalog?.Tags.GetValueOrDefault(code) is { } t ? w.IsZh ? t.NameZh : t.NameEn : code;

        /// <summary>An operator with its value: "is one of 上海, 江苏", "在最近 7 天内".</summary>
        public string Op(string op, JsonNode? value, FieldInfo? field)
        {
            var template = w.Ops.GetValueOrDefault(op) ?? op + " {0}";
            if (op == "between" && value is JsonArray { Count: 2 } pair)
                return string.Format(template, Value(pair[0], field), Value(pair[1], field));
            var text = ConditionOperators.TakesWindow.Contains(op) ? WindowText(Str(value)) : Value(value, field);
            return string.Format(template, text, "?").Trim();
        }

        private string Value(JsonNode? value, FieldInfo? field) => value switch
        {
            null => "?",
            JsonArray array => string.Join(w.ListSeparator, array.Select(v => Value(v, field))),
            JsonValue v when v.GetValueKind() == JsonValueKind.String => EnumLabel(field, v.GetValue<string>()),
            _ => value.ToJsonString(),
        };

        private string EnumLabel(FieldInfo? field, string code) =>
            field?.Code switch
            {
                "gender" => Lookup(w.Genders, code),
                "lifecycle_stage" => Lookup(w.Stages, code),
                _ => code,
            };

        private static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node?.ToJsonString();

        public string WindowText(string? window)
        {
            var m = WindowPattern().Match(window ?? "");
            if (!m.Success || m.Groups.Cast<Group>().Skip(1).All(g => !g.Success)) return window ?? "?";
            var parts = new List<string>();
            foreach (var (group, unit) in new[] { ("y", 0), ("mo", 1), ("w", 2), ("d", 3), ("h", 4), ("mi", 5), ("s", 6) })
                if (m.Groups[group].Success)
                {
                    var n = int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);
                    parts.Add(string.Format(n == 1 ? w.UnitsOne[unit] : w.UnitsMany[unit], n));
                }
            return string.Join(w.IsZh ? "" : " ", parts);
        }

        private string Event(EventCondition e)
        {
            var where = e.Where.Count == 0 ? null
                : string.Join(w.And, e.Where.Select(f => $"{f.Prop} {Op(f.Op, f.Value, null)}"));
            var count = e.Count is null ? null
                : string.Format(w.CountOps.GetValueOrDefault(e.Count.Op) ?? e.Count.Op + " {0}",
                    e.Count.Value is JsonArray { Count: 2 } p ? Value(p[0], null) : Value(e.Count.Value, null),
                    e.Count.Value is JsonArray { Count: 2 } q ? Value(q[1], null) : "?");
            var first = e.First is null ? null : string.Format(w.FirstTime, Op(e.First.Op, e.First.Value, null));
            var last = e.Last is null ? null : string.Format(w.LastTime, Op(e.Last.Op, e.Last.Value, null));
            return w.EventSentence(e.Type, where, e.Channel, e.Within is null ? null : WindowText(e.Within), count, first, last);
        }

        private string Orders(OrderCondition o)
        {
            var field = o.Metric is "last_date" or "first_date" ? new FieldInfo(o.Metric, FieldType.Date, "", "") : null;
            var text = $"{Lookup(w.OrderMetrics, o.Metric)} {Op(o.Op, o.Value, field)}";
            if (o.Within is not null) text = string.Format(w.WithinPrefix, WindowText(o.Within), text);
            if (o.Status.Count > 0) text += string.Format(w.Statuses, string.Join(w.ListSeparator, o.Status.Select(s => Lookup(w.OrderStatuses, s))));
            return text;
        }

        private string Tag(TagCondition t)
        {
            var text = string.Format(t.Op == "has_not" ? w.HasNotTag : w.HasTag, TagName(t.Tag));
            if (t.Values.Count > 0) text += string.Format(w.TagValues, string.Join(w.ListSeparator, t.Values));
            if (t.Within is not null) text += string.Format(w.AssignedWithin, WindowText(t.Within));
            if (t.Source is not null) text += string.Format(w.FromSource, t.Source);
            return text;
        }

        private string Account(AccountCondition a)
        {
            var text = a.Op == "not_member" ? w.NotAccountMember : w.AccountMember;
            if (a.Kind is not null) text += (w.IsZh ? "" : " ") + string.Format(w.Parens, Lookup(w.AccountKinds, a.Kind));
            if (a.Roles.Count > 0) text += string.Format(w.AsRoles, string.Join(w.ListSeparator, a.Roles.Select(r => Lookup(w.AccountRoles, r))));
            return text;
        }

        private static string Lookup(IReadOnlyDictionary<string, string> labels, string code) => labels.GetValueOrDefault(code) ?? code;
    }

    [GeneratedRegex(@"^P(?:(?<y>\d+)Y)?(?:(?<mo>\d+)M)?(?:(?<w>\d+)W)?(?:(?<d>\d+)D)?(?:T(?:(?<h>\d+)H)?(?:(?<mi>\d+)M)?(?:(?<s>\d+)S)?)?$")]
    private static partial Regex WindowPattern();

    private sealed record Words
    {
        public required bool IsZh { get; init; }
        public required string And { get; init; }
        public required string Or { get; init; }
        public required string Not { get; init; }
        public required string Parens { get; init; }
        public required string Empty { get; init; }
        public required string ListSeparator { get; init; }
        public required IReadOnlyDictionary<string, string> Ops { get; init; }
        public required IReadOnlyDictionary<string, string> CountOps { get; init; }
        public required string[] UnitsOne { get; init; }
        public required string[] UnitsMany { get; init; }
        public required Func<string, string?, string?, string?, string?, string?, string?, string> EventSentence { get; init; }
        public required string FirstTime { get; init; }
        public required string LastTime { get; init; }
        public required string WithinPrefix { get; init; }
        public required string Statuses { get; init; }
        public required string HasTag { get; init; }
        public required string HasNotTag { get; init; }
        public required string TagValues { get; init; }
        public required string AssignedWithin { get; init; }
        public required string FromSource { get; init; }
        public required string InSegment { get; init; }
        public required string NotInSegment { get; init; }
        public required string HasIdentity { get; init; }
        public required string HasNoIdentity { get; init; }
        public required string AccountMember { get; init; }
        public required string NotAccountMember { get; init; }
        public required string AsRoles { get; init; }
        public required IReadOnlyDictionary<string, string> OrderMetrics { get; init; }
        public required IReadOnlyDictionary<string, string> OrderStatuses { get; init; }
        public required IReadOnlyDictionary<string, string> RfmMetrics { get; init; }
        public required IReadOnlyDictionary<string, string> IdentityKinds { get; init; }
        public required IReadOnlyDictionary<string, string> AccountRoles { get; init; }
        public required IReadOnlyDictionary<string, string> AccountKinds { get; init; }
        public required IReadOnlyDictionary<string, string> Genders { get; init; }
        public required IReadOnlyDictionary<string, string> Stages { get; init; }

        public static readonly Words En = new()
        {
            IsZh = false,
            And = " and ",
            Or = " or ",
            Not = "not ({0})",
            Parens = "({0})",
            Empty = "(no conditions)",
            ListSeparator = ", ",
            Ops = new Dictionary<string, string>
            {
                ["eq"] = "is {0}", ["neq"] = "is not {0}", ["in"] = "is one of {0}", ["not_in"] = "is none of {0}",
                ["contains"] = "contains {0}", ["not_contains"] = "does not contain {0}", ["starts_with"] = "starts with {0}",
                ["ends_with"] = "ends with {0}", ["is_empty"] = "is empty", ["is_not_empty"] = "is not empty",
                ["gt"] = "is greater than {0}", ["gte"] = "is at least {0}", ["lt"] = "is less than {0}", ["lte"] = "is at most {0}",
                ["between"] = "is between {0} and {1}", ["on"] = "is on {0}", ["not_on"] = "is not on {0}",
                ["before"] = "is before {0}", ["after"] = "is after {0}", ["in_last"] = "is within the last {0}",
                ["not_in_last"] = "is not within the last {0}", ["more_than_ago"] = "is more than {0} ago",
                ["in_next"] = "is within the next {0}", ["anniversary_in_next"] = "has its anniversary within the next {0}",
                ["is_true"] = "is yes", ["is_false"] = "is no",
            },
            CountOps = new Dictionary<string, string>
            {
                ["eq"] = "exactly {0} times", ["neq"] = "not exactly {0} times", ["gt"] = "more than {0} times",
                ["gte"] = "at least {0} times", ["lt"] = "fewer than {0} times", ["lte"] = "at most {0} times",
                ["between"] = "between {0} and {1} times",
            },
            UnitsOne = ["{0} year", "{0} month", "{0} week", "{0} day", "{0} hour", "{0} minute", "{0} second"],
            UnitsMany = ["{0} years", "{0} months", "{0} weeks", "{0} days", "{0} hours", "{0} minutes", "{0} seconds"],
            EventSentence = (type, where, channel, within, count, first, last) =>
                $"did {type}" + (where is null ? "" : $" where {where}") + (channel is null ? "" : $" via {channel}")
                + (count is null ? "" : $" {count}") + (within is null ? "" : $" in the last {within}")
                + (first is null ? "" : $", {first}") + (last is null ? "" : $", {last}"),
            FirstTime = "first time {0}",
            LastTime = "last time {0}",
            WithinPrefix = "{1} in the last {0}",
            Statuses = " (status {0})",
            HasTag = "has tag {0}",
            HasNotTag = "does not have tag {0}",
            TagValues = " with value {0}",
            AssignedWithin = " assigned in the last {0}",
            FromSource = " from {0}",
            InSegment = "is in segment {0}",
            NotInSegment = "is not in segment {0}",
            HasIdentity = "has {0}",
            HasNoIdentity = "has no {0}",
            AccountMember = "is a member of an account",
            NotAccountMember = "is not a member of an account",
            AsRoles = " as {0}",
            OrderMetrics = new Dictionary<string, string>
            {
                ["count"] = "Number of orders", ["sum"] = "Order total", ["avg"] = "Average order value",
                ["last_date"] = "Last order date", ["first_date"] = "First order date",
            },
            OrderStatuses = new Dictionary<string, string>
            {
                ["paid"] = "paid", ["pending"] = "pending", ["cancelled"] = "cancelled", ["refunded"] = "refunded",
            },
            RfmMetrics = new Dictionary<string, string>
            {
                ["r"] = "RFM R score", ["f"] = "RFM F score", ["m"] = "RFM M score", ["recency_days"] = "Days since last purchase",
                ["frequency"] = "Purchase frequency", ["monetary"] = "Monetary value", ["segment"] = "RFM segment",
            },
            IdentityKinds = new Dictionary<string, string>
            {
                ["phone"] = "a phone number", ["email"] = "an email address", ["wechat_openid"] = "a WeChat OpenID",
                ["wechat_unionid"] = "a WeChat UnionID", ["external_id"] = "an external ID",
            },
            AccountRoles = new Dictionary<string, string>
            {
                ["member"] = "member", ["registrant"] = "registrant", ["decision_maker"] = "decision maker", ["user"] = "user",
            },
            AccountKinds = new Dictionary<string, string> { ["company"] = "company", ["household"] = "household" },
            Genders = new Dictionary<string, string> { ["male"] = "male", ["female"] = "female", ["unknown"] = "unknown" },
            Stages = new Dictionary<string, string>
            {
                ["lead"] = "lead", ["mql"] = "MQL", ["sql"] = "SQL", ["customer"] = "customer", ["churned"] = "churned",
            },
        };

        public static readonly Words Zh = new()
        {
            IsZh = true,
            And = " 且 ",
            Or = " 或 ",
            Not = "并非（{0}）",
            Parens = "（{0}）",
            Empty = "（无条件）",
            ListSeparator = "、",
            Ops = new Dictionary<string, string>
            {
                ["eq"] = "等于 {0}", ["neq"] = "不等于 {0}", ["in"] = "属于 {0}", ["not_in"] = "不属于 {0}",
                ["contains"] = "包含 {0}", ["not_contains"] = "不包含 {0}", ["starts_with"] = "以 {0} 开头",
                ["ends_with"] = "以 {0} 结尾", ["is_empty"] = "为空", ["is_not_empty"] = "不为空",
                ["gt"] = "大于 {0}", ["gte"] = "大于等于 {0}", ["lt"] = "小于 {0}", ["lte"] = "小于等于 {0}",
                ["between"] = "介于 {0} 和 {1} 之间", ["on"] = "是 {0}", ["not_on"] = "不是 {0}",
                ["before"] = "早于 {0}", ["after"] = "晚于 {0}", ["in_last"] = "在最近 {0} 内",
                ["not_in_last"] = "不在最近 {0} 内", ["more_than_ago"] = "在 {0} 之前",
                ["in_next"] = "在未来 {0} 内", ["anniversary_in_next"] = "的周年日在未来 {0} 内",
                ["is_true"] = "为是", ["is_false"] = "为否",
            },
            CountOps = new Dictionary<string, string>
            {
                ["eq"] = "次数等于 {0}", ["neq"] = "次数不等于 {0}", ["gt"] = "次数大于 {0}", ["gte"] = "次数大于等于 {0}",
                ["lt"] = "次数小于 {0}", ["lte"] = "次数小于等于 {0}", ["between"] = "次数介于 {0} 和 {1} 之间",
            },
            UnitsOne = ["{0} 年", "{0} 个月", "{0} 周", "{0} 天", "{0} 小时", "{0} 分钟", "{0} 秒"],
            UnitsMany = ["{0} 年", "{0} 个月", "{0} 周", "{0} 天", "{0} 小时", "{0} 分钟", "{0} 秒"],
            EventSentence = (type, where, channel, within, count, first, last) =>
                (within is null ? "" : $"最近 {within} 内") + $"发生事件「{type}」"
                + (where is null ? "" : $"（{where}）") + (channel is null ? "" : $"，渠道为 {channel}")
                + (count is null ? "" : $"，{count}") + (first is null ? "" : $"，{first}") + (last is null ? "" : $"，{last}"),
            FirstTime = "首次发生时间{0}",
            LastTime = "最近一次发生时间{0}",
            WithinPrefix = "最近 {0} 内{1}",
            Statuses = "（状态：{0}）",
            HasTag = "拥有标签「{0}」",
            HasNotTag = "没有标签「{0}」",
            TagValues = "，值为 {0}",
            AssignedWithin = "，最近 {0} 内打上",
            FromSource = "，来源为 {0}",
            InSegment = "属于分群「{0}」",
            NotInSegment = "不属于分群「{0}」",
            HasIdentity = "有{0}",
            HasNoIdentity = "没有{0}",
            AccountMember = "是账户成员",
            NotAccountMember = "不是账户成员",
            AsRoles = "，角色为 {0}",
            OrderMetrics = new Dictionary<string, string>
            {
                ["count"] = "订单数", ["sum"] = "订单总金额", ["avg"] = "平均订单金额",
                ["last_date"] = "最近下单日期", ["first_date"] = "首次下单日期",
            },
            OrderStatuses = new Dictionary<string, string>
            {
                ["paid"] = "已支付", ["pending"] = "待支付", ["cancelled"] = "已取消", ["refunded"] = "已退款",
            },
            RfmMetrics = new Dictionary<string, string>
            {
                ["r"] = "RFM 的 R 分", ["f"] = "RFM 的 F 分", ["m"] = "RFM 的 M 分", ["recency_days"] = "距上次购买天数",
                ["frequency"] = "购买频次", ["monetary"] = "消费金额", ["segment"] = "RFM 分层",
            },
            IdentityKinds = new Dictionary<string, string>
            {
                ["phone"] = "手机号", ["email"] = "邮箱", ["wechat_openid"] = "微信 OpenID",
                ["wechat_unionid"] = "微信 UnionID", ["external_id"] = "外部 ID",
            },
            AccountRoles = new Dictionary<string, string>
            {
                ["member"] = "成员", ["registrant"] = "登记人", ["decision_maker"] = "决策人", ["user"] = "使用者",
            },
            AccountKinds = new Dictionary<string, string> { ["company"] = "公司", ["household"] = "家庭" },
            Genders = new Dictionary<string, string> { ["male"] = "男", ["female"] = "女", ["unknown"] = "未知" },
            Stages = new Dictionary<string, string>
            {
                ["lead"] = "线索", ["mql"] = "MQL", ["sql"] = "SQL", ["customer"] = "客户", ["churned"] = "已流失",
            },
        };
    }
}
