using System.Text.Json.Nodes;
using CustomerStudio.Core.Conditions;

namespace CustomerStudio.Web.Features.Segments.Builder;

/// <summary>The kinds of condition the builder offers, in palette order.</summary>
public enum ConditionKind { Attribute, Event, Orders, Tag, Segment, Identity, Group, Other }

/// <summary>What the builder's drop container moves around: a palette entry or a node of the tree.</summary>
public abstract class BuilderItem
{
    /// <summary>The drop zone the item sits in: the palette, or the id of its parent group.</summary>
    public abstract string Zone { get; }
}

/// <summary>A kind of condition in the palette; dropping it into a group adds a new condition of that kind.</summary>
public sealed class PaletteEntry(ConditionKind kind) : BuilderItem
{
    public ConditionKind Kind { get; } = kind;
    public override string Zone => ConditionTree.PaletteZone;
}

/// <summary>
/// A mutable node of the condition being edited. A NOT over a node is its <see cref="Negated"/> flag,
/// so "not" never appears as a node of its own.
/// </summary>
public abstract class ConditionNode : BuilderItem
{
    public string Id { get; internal set; } = "";
    public GroupNode? Parent { get; internal set; }
    public bool Negated { get; set; }
    public abstract ConditionKind Kind { get; }
    public override string Zone => Parent?.Id ?? "";

    /// <summary>The condition this node stands for, without its negation.</summary>
    protected abstract Condition Build();

    public Condition ToCondition() => Negated ? new NotCondition(Build()) : Build();

    protected static JsonNode? Copy(JsonNode? value) => value?.DeepClone();
    protected static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

    /// <summary>The node for a condition; a NOT flips the inner node's flag (so NOT NOT x is x).</summary>
    public static ConditionNode From(Condition condition)
    {
        switch (condition)
        {
            case NotCondition not:
                var inner = From(not.Inner);
                inner.Negated = !inner.Negated;
                return inner;
            case AllCondition or AnyCondition:
                var group = new GroupNode { IsAny = condition is AnyCondition };
                foreach (var item in condition is AllCondition all ? all.Items : ((AnyCondition)condition).Items)
                    group.Add(From(item));
                return group;
            case AttributeCondition a:
                return new AttributeNode { Field = a.Field, Op = a.Op, Value = Copy(a.Value) };
            case EventCondition e:
                var ev = new EventNode
                {
                    Type = e.Type, Channel = e.Channel, Within = e.Within,
                    CountOp = e.Count?.Op, CountValue = Copy(e.Count?.Value),
                    FirstOp = e.First?.Op, FirstValue = Copy(e.First?.Value),
                    LastOp = e.Last?.Op, LastValue = Copy(e.Last?.Value),
                };
                ev.Where.AddRange(e.Where.Select(w => new PropertyFilterRow { Prop = w.Prop, Op = w.Op, Value = Copy(w.Value) }));
                return ev;
            case OrderCondition o:
                return new OrdersNode { Metric = o.Metric, Op = o.Op, Value = Copy(o.Value), Within = o.Within, Status = [.. o.Status] };
            case TagCondition t:
                return new TagConditionNode { Tag = t.Tag, Op = t.Op, Values = [.. t.Values], Within = t.Within, Source = t.Source };
            case SegmentCondition s:
                return new SegmentConditionNode { Segment = s.Segment, Op = s.Op };
            case IdentityCondition i:
                return new IdentityNode { IdentityKind = i.Kind, Op = i.Op };
            default:
                return new OtherNode { Condition = condition };
        }
    }
}

public sealed class GroupNode : ConditionNode
{
    /// <summary>false: all must hold (AND); true: any may hold (OR).</summary>
    public bool IsAny { get; set; }
    public List<ConditionNode> Items { get; } = [];
    public override ConditionKind Kind => ConditionKind.Group;

    internal void Add(ConditionNode node, int? index = null)
    {
        node.Parent = this;
        Items.Insert(Math.Clamp(index ?? Items.Count, 0, Items.Count), node);
    }

    protected override Condition Build()
    {
        var items = Items.Select(i => i.ToCondition()).ToList();
        return IsAny ? new AnyCondition(items) : new AllCondition(items);
    }

    /// <summary>This group and every group inside it.</summary>
    public bool Contains(ConditionNode node)
    {
        for (var n = node; n is not null; n = n.Parent)
            if (ReferenceEquals(n, this)) return true;
        return false;
    }
}

public sealed class AttributeNode : ConditionNode
{
    public string Field { get; set; } = "province";
    public string Op { get; set; } = "eq";
    public JsonNode? Value { get; set; }
    public override ConditionKind Kind => ConditionKind.Attribute;
    protected override Condition Build() => new AttributeCondition(Field, Op, Copy(Value));
}

public sealed class PropertyFilterRow
{
    public string Prop { get; set; } = "";
    public string Op { get; set; } = "eq";
    public JsonNode? Value { get; set; }
}

public sealed class EventNode : ConditionNode
{
    public string Type { get; set; } = "";
    public List<PropertyFilterRow> Where { get; } = [];
    public string? Channel { get; set; }
    /// <summary>null: did it at least once.</summary>
    public string? CountOp { get; set; }
    public JsonNode? CountValue { get; set; }
    public string? Within { get; set; }
    public string? FirstOp { get; set; }
    public JsonNode? FirstValue { get; set; }
    public string? LastOp { get; set; }
    public JsonNode? LastValue { get; set; }
    public override ConditionKind Kind => ConditionKind.Event;

    protected override Condition Build() => new EventCondition(
        Type, [.. Where.Select(w => new PropertyFilter(w.Prop, w.Op, Copy(w.Value)))], Blank(Channel),
        CountOp is null ? null : new Comparison(CountOp, Copy(CountValue)), Blank(Within),
        FirstOp is null ? null : new DateComparison(FirstOp, Copy(FirstValue)),
        LastOp is null ? null : new DateComparison(LastOp, Copy(LastValue)));
}

public sealed class OrdersNode : ConditionNode
{
    public string Metric { get; set; } = "count";
    public string Op { get; set; } = "gte";
    public JsonNode? Value { get; set; } = JsonValue.Create(1);
    public string? Within { get; set; }
    public List<string> Status { get; set; } = [];
    public override ConditionKind Kind => ConditionKind.Orders;
    public bool IsDateMetric => Metric is "last_date" or "first_date";
    protected override Condition Build() => new OrderCondition(Metric, Op, Copy(Value), Blank(Within), [.. Status]);
}

public sealed class TagConditionNode : ConditionNode
{
    public string Tag { get; set; } = "";
    public string Op { get; set; } = "has";
    public List<string> Values { get; set; } = [];
    public string? Within { get; set; }
    public string? Source { get; set; }
    public override ConditionKind Kind => ConditionKind.Tag;
    protected override Condition Build() => new TagCondition(Tag, Op, [.. Values], Blank(Within), Blank(Source));
}

public sealed class SegmentConditionNode : ConditionNode
{
    public string Segment { get; set; } = "";
    public string Op { get; set; } = "in";
    public override ConditionKind Kind => ConditionKind.Segment;
    protected override Condition Build() => new SegmentCondition(Segment, Op);
}

public sealed class IdentityNode : ConditionNode
{
    public string IdentityKind { get; set; } = "phone";
    public string Op { get; set; } = "has";
    public override ConditionKind Kind => ConditionKind.Identity;
    protected override Condition Build() => new IdentityCondition(IdentityKind, Op);
}

/// <summary>A kind the builder has no editor for (RFM, accounts): kept as it is, editable as JSON.</summary>
public sealed class OtherNode : ConditionNode
{
    public Condition Condition { get; set; } = new AllCondition([]);
    public override ConditionKind Kind => ConditionKind.Other;
    protected override Condition Build() => Condition;
}
