using System.Text.Json.Nodes;

namespace CustomerStudio.Core.Conditions;

/// <summary>
/// A node of the condition tree that tags, segments, journey branches and triggers share.
/// Stored as JSON (see docs/conditions.md); <see cref="ConditionJson"/> reads and writes it.
/// </summary>
public abstract record Condition
{
    /// <summary>The conditions that are not groups (all / any / not), at any depth, in order.</summary>
    public IEnumerable<Condition> Leaves() => this switch
    {
        AllCondition all => all.Items.SelectMany(i => i.Leaves()),
        AnyCondition any => any.Items.SelectMany(i => i.Leaves()),
        NotCondition not => not.Inner.Leaves(),
        _ => [this],
    };
}

public sealed record AllCondition(IReadOnlyList<Condition> Items) : Condition;
public sealed record AnyCondition(IReadOnlyList<Condition> Items) : Condition;
public sealed record NotCondition(Condition Inner) : Condition;

/// <summary>A customer attribute, built-in or custom field: <c>{"attr":"province","op":"in","value":["上海"]}</c>.</summary>
public sealed record AttributeCondition(string Field, string Op, JsonNode? Value) : Condition;

/// <summary>Events of a type, filtered, counted within a window, or their first/last time.</summary>
public sealed record EventCondition(
    string Type, IReadOnlyList<PropertyFilter> Where, string? Channel,
    Comparison? Count, string? Within, DateComparison? First, DateComparison? Last) : Condition;

public sealed record PropertyFilter(string Prop, string Op, JsonNode? Value);

/// <summary>A numeric comparison: <c>{"op":"gte","value":3}</c>.</summary>
public sealed record Comparison(string Op, JsonNode? Value);

/// <summary>A date comparison with the same operators as date attributes.</summary>
public sealed record DateComparison(string Op, JsonNode? Value);

/// <summary>Order metrics: count, sum, avg, last_date, first_date, within a window, of given statuses.</summary>
public sealed record OrderCondition(string Metric, string Op, JsonNode? Value, string? Within, IReadOnlyList<string> Status) : Condition;

/// <summary>RFM figures (r, f, m scores 1–5, recency_days, frequency, monetary) or the RFM segment name.</summary>
public sealed record RfmCondition(string Metric, string Op, JsonNode? Value) : Condition;

/// <summary>Tag carried (has / has_not), optionally with values, assigned within a window, from a source.</summary>
public sealed record TagCondition(string Tag, string Op, IReadOnlyList<string> Values, string? Within, string? Source) : Condition;

/// <summary>Member (in / not_in) of another segment; dynamic segments are inlined, so the answer is live.</summary>
public sealed record SegmentCondition(string Segment, string Op) : Condition;

/// <summary>Has (or has not) an identity of a kind: phone, email, wechat_openid, wechat_unionid, external_id.</summary>
public sealed record IdentityCondition(string Kind, string Op) : Condition;

/// <summary>Member of an account or household, optionally with given roles and account kind.</summary>
public sealed record AccountCondition(string Op, IReadOnlyList<string> Roles, string? Kind) : Condition;
