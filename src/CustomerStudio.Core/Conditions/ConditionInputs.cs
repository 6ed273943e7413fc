namespace CustomerStudio.Core.Conditions;

/// <summary>
/// The data a condition reads, so that work following arriving data (real-time tags) runs only when something it reads
/// has arrived: the event types it counts, whether it reads orders, whether it reads the customer's own data (attributes,
/// custom fields, identities, account membership), and the tags it reads. RFM scores and static segments are computed
/// on their own schedules and read as stored; dynamic segments are inlined, as the compiler does.
/// </summary>
public sealed record ConditionInputs(IReadOnlySet<string> EventTypes, bool Orders, bool CustomerData, IReadOnlySet<string> Tags)
{
    /// <summary>Inputs of a condition; <paramref name="dynamicSegments"/> maps a dynamic segment's code to its condition JSON.</summary>
    public static ConditionInputs Of(Condition condition, IReadOnlyDictionary<string, string>? dynamicSegments = null)
    {
        var events = new HashSet<string>(StringComparer.Ordinal);
        var tags = new HashSet<string>(StringComparer.Ordinal);
        var (orders, customer) = (false, false);
        var inlined = new HashSet<string>(StringComparer.Ordinal);
        void Walk(Condition c)
        {
            foreach (var leaf in c.Leaves())
                switch (leaf)
                {
                    case EventCondition e: events.Add(e.Type); break;
                    case OrderCondition: orders = true; break;
                    case AttributeCondition or IdentityCondition or AccountCondition: customer = true; break;
                    case TagCondition t: tags.Add(t.Tag); break;
                    case SegmentCondition s when dynamicSegments?.TryGetValue(s.Segment, out var json) == true && inlined.Add(s.Segment):
                        if (ConditionJson.Parse(json) is { Ok: true } parsed) Walk(parsed.Condition!);
                        break;
                }
        }
        Walk(condition);
        return new ConditionInputs(events, orders, customer, tags);
    }

    /// <summary>The union of several conditions' inputs (a rule tag's rules).</summary>
    public static ConditionInputs Union(IEnumerable<ConditionInputs> inputs)
    {
        var list = inputs.ToList();
        return new ConditionInputs(list.SelectMany(i => i.EventTypes).ToHashSet(StringComparer.Ordinal), list.Any(i => i.Orders),
            list.Any(i => i.CustomerData), list.SelectMany(i => i.Tags).ToHashSet(StringComparer.Ordinal));
    }
}
