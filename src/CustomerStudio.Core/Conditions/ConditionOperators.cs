namespace CustomerStudio.Core.Conditions;

/// <summary>The operators of each field type. Negative operators are defined as NOT of their positive twin,
/// which is what makes "region is not 北京" include customers with no region.</summary>
public static class ConditionOperators
{
    public static readonly IReadOnlyDictionary<FieldType, string[]> ByType = new Dictionary<FieldType, string[]>
    {
        [FieldType.Text] = ["eq", "neq", "in", "not_in", "contains", "not_contains", "starts_with", "ends_with", "is_empty", "is_not_empty"],
        [FieldType.Number] = ["eq", "neq", "gt", "gte", "lt", "lte", "between", "in", "not_in", "is_empty", "is_not_empty"],
        [FieldType.Date] = ["on", "not_on", "before", "after", "between", "in_last", "not_in_last", "more_than_ago", "in_next",
                            "anniversary_in_next", "is_empty", "is_not_empty"],
        [FieldType.Bool] = ["is_true", "is_false", "is_empty", "is_not_empty"],
        [FieldType.Enum] = ["eq", "neq", "in", "not_in", "is_empty", "is_not_empty"],
    };

    /// <summary>Negative operator → the positive one it negates.</summary>
    public static readonly IReadOnlyDictionary<string, string> Negations = new Dictionary<string, string>
    {
        ["neq"] = "eq", ["not_in"] = "in", ["not_contains"] = "contains", ["not_on"] = "on",
        ["not_in_last"] = "in_last", ["is_not_empty"] = "is_empty",
    };

    public static readonly string[] CountOps = ["eq", "neq", "gt", "gte", "lt", "lte", "between"];
    public static readonly string[] NoValue = ["is_empty", "is_not_empty", "is_true", "is_false"];
    public static readonly string[] TakesList = ["in", "not_in"];
    public static readonly string[] TakesWindow = ["in_last", "not_in_last", "more_than_ago", "in_next", "anniversary_in_next"];

    public static readonly string[] TagOps = ["has", "has_not"];
    public static readonly string[] SegmentOps = ["in", "not_in"];
    public static readonly string[] IdentityOps = ["has", "has_not"];
    public static readonly string[] AccountOps = ["member", "not_member"];
    public static readonly string[] OrderMetrics = ["count", "sum", "avg", "last_date", "first_date"];
    public static readonly string[] RfmMetrics = ["r", "f", "m", "recency_days", "frequency", "monetary", "segment"];
    public static readonly string[] IdentityKinds = ["phone", "email", "wechat_openid", "wechat_unionid", "external_id"];
    public static readonly string[] AccountRoles = ["member", "registrant", "decision_maker", "user"];
    public static readonly string[] AccountKinds = ["company", "household"];
    public static readonly string[] OrderStatuses = ["paid", "pending", "cancelled", "refunded"];
    public static readonly string[] Sources = ["manual", "rule", "model", "import", "journey", "api", "template"];
}
