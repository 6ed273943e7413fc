using System.Collections.Immutable;
using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Scoring;
using CustomerStudio.Core.Segments;
using CustomerStudio.Core.Tags;
using Microsoft.EntityFrameworkCore;
using static CustomerStudio.Core.Conditions.ConditionOperators;

namespace CustomerStudio.Core.Conditions;

/// <summary>A condition turned into a predicate the database runs, or the errors that stopped it.</summary>
public sealed record CompiledCondition(Expression<Func<Customer, bool>>? Predicate, IReadOnlyList<ConditionError> Errors)
{
    public bool Ok => Predicate is not null && Errors.Count == 0;

    public Expression<Func<Customer, bool>> Require() => Ok ? Predicate! : throw new ConditionException(Errors);
}

/// <summary>
/// Compiles the condition tree into one LINQ predicate over customers: EXISTS / COUNT subqueries per customer, or
/// IN (SELECT customer_id … GROUP BY … HAVING …) sets where those read fewer rows; values as parameters, no SQL
/// text. Validation (fields, operators, value types, windows, references, cycles) happens in the same walk, so a
/// condition with any error never reaches the database.
/// </summary>
public sealed class ConditionCompiler(StudioDbContext db, ConditionCatalog catalog, ConditionContext context)
{
    private readonly ParameterExpression _c = Expression.Parameter(typeof(Customer), "c");
    private List<ConditionError> _errors = [];

    /// <summary>
    /// Compile for testing one customer at a time (<see cref="Audience.ContainsAsync"/>: journey branches, triggers):
    /// every subquery stays correlated, so a check reads only that customer's rows. The default shape is for
    /// counting and listing many customers, where some subqueries are sets computed once (see "events and orders").
    /// </summary>
    public bool OneCustomer { get; init; }

    public CompiledCondition Compile(string? json)
    {
        var parsed = ConditionJson.Parse(json);
        return parsed.Ok ? Compile(parsed.Condition!) : new CompiledCondition(null, parsed.Errors);
    }

    public CompiledCondition Compile(Condition condition)
    {
        _errors = [];
        var body = Node(condition, "$", []);
        return _errors.Count == 0 && body is not null
            ? new CompiledCondition(Expression.Lambda<Func<Customer, bool>>(body, _c), [])
            : new CompiledCondition(null, _errors);
    }

    private Expression? Node(Condition condition, string path, ImmutableStack<string> segments) => condition switch
    {
        AllCondition all => Group(all.Items, "all", path, segments, Expression.AndAlso),
        AnyCondition any => Group(any.Items, "any", path, segments, Expression.OrElse),
        NotCondition not => Node(not.Inner, $"{path}.not", segments) is { } inner ? Expression.Not(inner) : null,
        AttributeCondition a => Attribute(a, path),
        EventCondition e => Event(e, path),
        OrderCondition o => Orders(o, path),
        RfmCondition r => Rfm(r, path),
        TagCondition t => TagNode(t, path),
        SegmentCondition s => SegmentNode(s, path, segments),
        IdentityCondition i => IdentityNode(i, path),
        AccountCondition a => AccountNode(a, path),
        _ => Fail(path, "UnknownConditionKind"),
    };

    private Expression? Group(IReadOnlyList<Condition> items, string kind, string path, ImmutableStack<string> segments,
        Func<Expression, Expression, BinaryExpression> combine)
    {
        if (items.Count == 0) return Fail($"{path}.{kind}", "EmptyGroup");
        Expression? result = null;
        for (var i = 0; i < items.Count; i++)
        {
            var part = Node(items[i], $"{path}.{kind}[{i}]", segments);
            if (part is not null) result = result is null ? part : combine(result, part);
        }
        return result;
    }

    // ------------------------------------------------------------------ attributes

    private Expression? Attribute(AttributeCondition a, string path)
    {
        if (!catalog.Fields.TryGetValue(a.Field, out var field)) return Fail($"{path}.attr", "UnknownField", a.Field);
        if (!CheckOp(field.Type, a.Op, path)) return null;

        if (field.CustomFieldId is { } fieldId)
        {
            var member = CustomMember(field.Type);
            return Related(db.CustomFieldValues, v => v.CustomerId, v => v.FieldId == fieldId, member, field, a.Op, a.Value, path);
        }
        return Direct(field.Member!, field, a.Op, a.Value, path);
    }

    private static LambdaExpression CustomMember(FieldType type) => type switch
    {
        FieldType.Number => (Expression<Func<CustomFieldValue, decimal?>>)(v => v.NumberValue),
        FieldType.Date => (Expression<Func<CustomFieldValue, DateTime?>>)(v => v.DateValue),
        FieldType.Bool => (Expression<Func<CustomFieldValue, bool?>>)(v => v.BoolValue),
        _ => (Expression<Func<CustomFieldValue, string?>>)(v => v.TextValue),
    };

    /// <summary>A predicate on a customer column; negative operators are NOT of the positive one.</summary>
    private Expression? Direct(LambdaExpression member, FieldInfo field, string op, JsonNode? value, string path) =>
        Direct(Rebind(member, _c), field, op, value, path);

    private Expression? Direct(Expression body, FieldInfo field, string op, JsonNode? value, string path)
    {
        var positive = Negations.GetValueOrDefault(op, op);
        var predicate = Predicate(body, field, positive, value, path);
        return predicate is null ? null : positive == op ? predicate : Expression.Not(predicate);
    }

    /// <summary>A predicate on a related row (custom field value, RFM score): EXISTS a row that matches.</summary>
    private Expression? Related<TRow>(IQueryable<TRow> rows, Expression<Func<TRow, long>> customerKey,
        Expression<Func<TRow, bool>>? filter, LambdaExpression member, FieldInfo field, string op, JsonNode? value, string path)
    {
        var positive = Negations.GetValueOrDefault(op, op);
        var row = Expression.Parameter(typeof(TRow), "r");
        var body = Rebind(member, row);
        // "is empty" on a related row: no row with a value.
        var test = positive == "is_empty" ? NotEmpty(body) : Predicate(body, field, positive, value, path);
        if (test is null) return null;

        Expression where = Expression.Equal(Rebind(customerKey, row), Expression.Property(_c, nameof(Customer.Id)));
        if (filter is not null) where = Expression.AndAlso(where, Rebind(filter, row));
        where = Expression.AndAlso(where, test);
        var exists = Expression.Call(typeof(Queryable), nameof(Queryable.Any), [typeof(TRow)], rows.Expression,
            Expression.Quote(Expression.Lambda<Func<TRow, bool>>(where, row)));
        var positiveResult = positive == "is_empty" ? Expression.Not(exists) : (Expression)exists;
        return positive == op ? positiveResult : Expression.Not(positiveResult);
    }

    private static Expression NotEmpty(Expression body) => body.Type == typeof(string)
        ? Expression.AndAlso(Expression.NotEqual(body, Expression.Constant(null, typeof(string))), Expression.NotEqual(body, Expression.Constant("")))
        : IsNullable(body.Type) ? Expression.NotEqual(body, Expression.Constant(null, body.Type)) : Expression.Constant(true);

    /// <summary>The positive operator applied to a value expression of any supported type.</summary>
    private Expression? Predicate(Expression body, FieldInfo field, string op, JsonNode? value, string path)
    {
        if (NoValue.Contains(op))
        {
            if (value is not null) return Fail($"{path}.value", "ValueNotExpected", op);
        }
        else if (value is null)
        {
            return Fail($"{path}.value", "ValueMissing", op);
        }

        if (op == "is_empty")
            return body.Type == typeof(string)
                ? Expression.OrElse(Expression.Equal(body, Expression.Constant(null, typeof(string))), Expression.Equal(body, Expression.Constant("")))
                : IsNullable(body.Type) ? Expression.Equal(body, Expression.Constant(null, body.Type)) : Expression.Constant(false);

        return field.Type switch
        {
            FieldType.Text => TextPredicate(body, field, op, value!, path),
            FieldType.Enum => EnumPredicate(body, field, op, value!, path),
            FieldType.Number => NumberPredicate(body, op, value!, path),
            FieldType.Bool => Expression.Equal(body, Expression.Constant(op == "is_true", body.Type)),
            FieldType.Date => DatePredicate(body, field, op, value!, path),
            _ => Fail(path, "UnknownField", field.Code),
        };
    }

    private static readonly MethodInfo ToLower = typeof(string).GetMethod(nameof(string.ToLower), Type.EmptyTypes)!;

    private Expression? TextPredicate(Expression body, FieldInfo field, string op, JsonNode value, string path)
    {
        if (op == "in")
            return Strings(value, $"{path}.value", field) is { } list ? Contains(TypedList(typeof(string), list), body) : null;
        if (Text(value, $"{path}.value") is not { } text) return null;
        if (op == "eq")
        {
            if (field.Values is { } allowed && !allowed.Contains(text)) return Fail($"{path}.value", "ValueNotAllowed", text, string.Join(", ", allowed));
            return Expression.Equal(body, Param(text));
        }
        // contains / starts_with / ends_with ignore case (lower() on both sides, the same on every provider).
        var method = typeof(string).GetMethod(op switch
        {
            "contains" => nameof(string.Contains),
            "starts_with" => nameof(string.StartsWith),
            _ => nameof(string.EndsWith),
        }, [typeof(string)])!;
        return Expression.AndAlso(
            Expression.NotEqual(body, Expression.Constant(null, typeof(string))),
            Expression.Call(Expression.Call(body, ToLower), method, Param(text.ToLowerInvariant())));
    }

    private Expression? EnumPredicate(Expression body, FieldInfo field, string op, JsonNode value, string path)
    {
        if (field.EnumMap is null) return TextPredicate(body, field, op, value, path); // custom enum fields are stored as text
        object? Map(string code, string at)
        {
            if (field.EnumMap.TryGetValue(code, out var v)) return v;
            Fail(at, "ValueNotAllowed", code, string.Join(", ", field.EnumMap.Keys));
            return null;
        }
        if (op == "in")
        {
            if (Strings(value, $"{path}.value", field: null) is not { } codes) return null;
            var mapped = codes.Select((code, i) => Map(code, $"{path}.value[{i}]")).ToList();
            if (mapped.Any(m => m is null)) return null;
            return Contains(TypedList(body.Type, mapped!), body);
        }
        return Text(value, $"{path}.value") is { } text && Map(text, $"{path}.value") is { } one
            ? Expression.Equal(body, Expression.Convert(Param(one, one.GetType()), body.Type))
            : null;
    }

    private Expression? NumberPredicate(Expression body, string op, JsonNode value, string path)
    {
        var type = Nullable.GetUnderlyingType(body.Type) ?? body.Type;
        if (op == "in")
        {
            if (value is not JsonArray array || array.Count == 0) return Fail($"{path}.value", "WrongValueType", op, "[number, …]");
            var numbers = array.Select((n, i) => Number(n, $"{path}.value[{i}]")).ToList();
            return numbers.Any(n => n is null) ? null : Contains(TypedList(body.Type, numbers.Select(n => Convert.ChangeType(n!.Value, type, CultureInfo.InvariantCulture))), body);
        }
        if (op == "between")
        {
            if (value is not JsonArray { Count: 2 } pair) return Fail($"{path}.value", "BetweenNeedsTwo");
            var (from, to) = (Number(pair[0], $"{path}.value[0]"), Number(pair[1], $"{path}.value[1]"));
            if (from is null || to is null) return null;
            if (from > to) return Fail($"{path}.value", "BetweenNeedsTwo");
            return Expression.AndAlso(
                Expression.GreaterThanOrEqual(body, NumberParam(from.Value, body.Type)),
                Expression.LessThanOrEqual(body, NumberParam(to.Value, body.Type)));
        }
        if (Number(value, $"{path}.value") is not { } number) return null;
        return Compare(op, body, NumberParam(number, body.Type));
    }

    private static Expression Compare(string op, Expression left, Expression right) => op switch
    {
        "eq" => Expression.Equal(left, right),
        "neq" => Expression.NotEqual(left, right),
        "gt" => Expression.GreaterThan(left, right),
        "gte" => Expression.GreaterThanOrEqual(left, right),
        "lt" => Expression.LessThan(left, right),
        _ => Expression.LessThanOrEqual(left, right),
    };

    private Expression NumberParam(decimal number, Type target)
    {
        var type = Nullable.GetUnderlyingType(target) ?? target;
        var converted = Convert.ChangeType(number, type, CultureInfo.InvariantCulture);
        return Expression.Convert(Param(converted, type), target);
    }

    // ------------------------------------------------------------------ dates

    private Expression? DatePredicate(Expression body, FieldInfo field, string op, JsonNode value, string path)
    {
        var type = Nullable.GetUnderlyingType(body.Type) ?? body.Type;
        var isDateOnly = type == typeof(DateOnly);
        // A calendar day's start: local midnight for moments, the date itself for calendar dates (stored at 00:00 UTC).
        Expression Point(DateOnly day) => isDateOnly
            ? Expression.Convert(Param(day), body.Type)
            : Expression.Convert(Param(field.IsInstant ? context.DayStartUtc(day) : day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc)), body.Type);
        Expression Moment(DateTime utc) => Expression.Convert(Param(utc), body.Type);
        Expression Range(Expression from, Expression toExclusive) =>
            Expression.AndAlso(Expression.GreaterThanOrEqual(body, from), Expression.LessThan(body, toExclusive));

        if (op is "on" or "before" or "after")
        {
            if (Date(value, $"{path}.value") is not { } day) return null;
            return op switch
            {
                "on" => Range(Point(day), Point(day.AddDays(1))),
                "before" => Expression.LessThan(body, Point(day)),
                _ => Expression.GreaterThanOrEqual(body, Point(day.AddDays(1))),
            };
        }
        if (op == "between")
        {
            if (value is not JsonArray { Count: 2 } pair) return Fail($"{path}.value", "BetweenNeedsTwo");
            var (from, to) = (Date(pair[0], $"{path}.value[0]"), Date(pair[1], $"{path}.value[1]"));
            if (from is null || to is null) return null;
            if (from > to) return Fail($"{path}.value", "BetweenNeedsTwo");
            return Range(Point(from.Value), Point(to.Value.AddDays(1)));
        }

        var moment = field.IsInstant && !isDateOnly;
        // Calendar dates such as birth dates reach back a lifetime ("born in the last 25 years"); moments stay within 10 years.
        if (WindowValue(value, $"{path}.value", moment ? 10 : 150) is not { } w) return null;
        var today = context.Today;
        switch (op)
        {
            case "in_last":
                return moment
                    ? Expression.AndAlso(Expression.GreaterThanOrEqual(body, Moment(ToUtc(w.Before(context.LocalNow)))), Expression.LessThanOrEqual(body, Moment(context.UtcNow)))
                    : Range(Point(w.Before(today)), Point(today.AddDays(1)));
            case "more_than_ago":
                return moment
                    ? Expression.LessThan(body, Moment(ToUtc(w.Before(context.LocalNow))))
                    : Expression.LessThan(body, Point(w.Before(today)));
            case "in_next":
                return moment
                    ? Expression.AndAlso(Expression.GreaterThanOrEqual(body, Moment(context.UtcNow)), Expression.LessThanOrEqual(body, Moment(ToUtc(w.After(context.LocalNow)))))
                    : Range(Point(today), Point(w.After(today).AddDays(1)));
            default: // anniversary_in_next: month and day fall within the next days (birthdays)
                var days = new HashSet<int>();
                for (var d = today; d <= w.After(today); d = d.AddDays(1))
                {
                    days.Add(d.Month * 100 + d.Day);
                    if (d.Month == 3 && d.Day == 1 && !DateTime.IsLeapYear(d.Year)) days.Add(229); // 29 Feb birthdays on 1 Mar
                }
                var valueOf = IsNullable(body.Type) ? Expression.Property(body, "Value") : body;
                var monthDay = Expression.Add(
                    Expression.Multiply(Expression.Property(valueOf, "Month"), Expression.Constant(100)),
                    Expression.Property(valueOf, "Day"));
                var test = Contains(TypedList(typeof(int), days.Order().Cast<object>()), monthDay);
                return IsNullable(body.Type) ? Expression.AndAlso(Expression.NotEqual(body, Expression.Constant(null, body.Type)), test) : test;
        }
    }

    private DateTime ToUtc(DateTime local) => TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), context.Zone);

    // ------------------------------------------------------------------ events and orders
    //
    // Two shapes, chosen per condition (same results; docs/benchmarks.md has the figures):
    //  • per customer, correlated: EXISTS / COUNT / SUM … WHERE customer_id = c.id — one index seek on
    //    (customer_id, type, occurred_at) per customer, however many rows there are;
    //  • as a set: c.id IN (SELECT customer_id … [GROUP BY customer_id HAVING …]) — reads only the rows that match,
    //    via (type, occurred_at, customer_id); customers without rows are decided by evaluating the comparison
    //    on the empty value (0 or null) here, which turns the IN into NOT IN (… HAVING NOT …) when they qualify.
    // The set wins when the rows are few (a short recent window); on PostgreSQL and SQL Server also for aggregates,
    // which they hash-aggregate but would otherwise run once per customer. SQLite sorts to group, so for long or
    // open windows it keeps the per-customer seek. With OneCustomer everything stays per customer: a set would be
    // computed in full to answer for a single customer.

    /// <summary>Windows up to a month read few enough rows to start from them.</summary>
    private const double ShortWindowDays = 31;

    private bool AsSet(Window? within, bool aggregate) =>
        !OneCustomer && (within is { } w && w.Years * 365 + w.Months * 31 + w.Days + w.Time.TotalDays <= ShortWindowDays
                         || aggregate && !db.Database.IsSqlite());

    private Expression? Event(EventCondition e, string path)
    {
        if (string.IsNullOrWhiteSpace(e.Type)) return Fail($"{path}.event", "Required", "event");
        if (e.Count is not null && (e.First is not null || e.Last is not null)) return Fail(path, "EventNeedsMeasure");

        var type = e.Type;
        Window? window = null;
        Expression<Func<CustomerEvent, bool>> filter = ev => ev.Type == type;
        if (e.Within is not null)
        {
            if (WindowValue(JsonValue.Create(e.Within), $"{path}.within") is not { } w) return null;
            window = w;
            var since = ToUtc(w.Before(context.LocalNow));
            filter = And(filter, ev => ev.OccurredAt >= since);
        }
        if (e.Channel is { } channel) filter = And(filter, ev => ev.Channel == channel);
        for (var i = 0; i < e.Where.Count; i++)
            if (PropertyFilterOf(e.Where[i], $"{path}.where[{i}]") is { } pf) filter = And(filter, pf);
            else return null;

        var rows = new Rows<CustomerEvent>(db.Events.Where(filter), ev => ev.CustomerId, window);
        if (e.First is not null || e.Last is not null)
        {
            var first = e.First is not null;
            var measure = (first ? e.First : e.Last)!;
            var at = $"{path}.{(first ? "first" : "last")}";
            return first
                ? DateMeasure(rows, c => db.Events.Where(ev => ev.CustomerId == c.Id).Where(filter).Min(ev => (DateTime?)ev.OccurredAt),
                    g => g.Min(ev => (DateTime?)ev.OccurredAt), measure.Op, measure.Value, at)
                : DateMeasure(rows, c => db.Events.Where(ev => ev.CustomerId == c.Id).Where(filter).Max(ev => (DateTime?)ev.OccurredAt),
                    g => g.Max(ev => (DateTime?)ev.OccurredAt), measure.Op, measure.Value, at);
        }

        Expression<Func<Customer, bool>> any = c => db.Events.Where(ev => ev.CustomerId == c.Id).Any(filter);
        Expression<Func<Customer, int>> count = c => db.Events.Where(ev => ev.CustomerId == c.Id).Count(filter);
        return CountMeasure(rows, any, count, e.Count, $"{path}.count");
    }

    private Expression<Func<CustomerEvent, bool>>? PropertyFilterOf(PropertyFilter f, string path)
    {
        var key = f.Prop;
        if (string.IsNullOrWhiteSpace(key)) { Fail($"{path}.prop", "Required", "prop"); return null; }
        var positive = Negations.GetValueOrDefault(f.Op, f.Op);
        if (!ByType[FieldType.Text].Contains(f.Op)) { Fail($"{path}.op", "UnknownOperator", f.Op, "text", string.Join(", ", ByType[FieldType.Text])); return null; }
        var field = new FieldInfo(key, FieldType.Text, key, key);
        var p = Expression.Parameter(typeof(EventProperty), "p");
        var test = positive == "is_empty" ? NotEmpty(Expression.Property(p, nameof(EventProperty.Value)))
            : Predicate(Expression.Property(p, nameof(EventProperty.Value)), field, positive, f.Value, path);
        if (test is null) return null;
        var matches = Expression.Lambda<Func<EventProperty, bool>>(
            Expression.AndAlso(Expression.Equal(Expression.Property(p, nameof(EventProperty.Key)), Param(key)), test), p);
        Expression<Func<CustomerEvent, bool>> exists;
        if (positive is "eq" or "in" && !OneCustomer)
        {
            // Exact values: the events carrying them, from the (key, value, event_id) index, instead of a lookup per event.
            var ids = db.EventProperties.Where(matches).Select(x => x.EventId);
            var ev = Expression.Parameter(typeof(CustomerEvent), "ev");
            exists = Expression.Lambda<Func<CustomerEvent, bool>>(
                InQuery(ids.Expression, Expression.Property(ev, nameof(CustomerEvent.Id))), ev);
        }
        else
        {
            exists = ev => ev.Properties.AsQueryable().Any(matches);
        }
        var positiveResult = positive == "is_empty" ? Not(exists) : exists;
        return positive == f.Op ? positiveResult : Not(positiveResult);
    }

    private Expression? Orders(OrderCondition o, string path)
    {
        if (!OrderMetrics.Contains(o.Metric)) return Fail($"{path}.orders", "UnknownMetric", o.Metric, string.Join(", ", OrderMetrics));
        var statuses = new List<OrderStatus>();
        var statusCodes = o.Status.Count == 0 ? ["paid"] : o.Status;
        for (var i = 0; i < statusCodes.Count; i++)
        {
            if (!OrderStatuses.Contains(statusCodes[i])) return Fail($"{path}.status[{i}]", "ValueNotAllowed", statusCodes[i], string.Join(", ", OrderStatuses));
            statuses.Add(Enum.Parse<OrderStatus>(statusCodes[i], ignoreCase: true));
        }
        Expression<Func<Order, bool>> filter = x => statuses.Contains(x.Status);
        Window? window = null;
        if (o.Within is not null)
        {
            if (WindowValue(JsonValue.Create(o.Within), $"{path}.within") is not { } w) return null;
            window = w;
            var since = ToUtc(w.Before(context.LocalNow));
            filter = And(filter, x => x.OrderedAt >= since);
        }

        var rows = new Rows<Order>(db.Orders.Where(filter), x => x.CustomerId, window);
        switch (o.Metric)
        {
            case "count":
                Expression<Func<Customer, bool>> any = c => db.Orders.Where(x => x.CustomerId == c.Id).Any(filter);
                Expression<Func<Customer, int>> count = c => db.Orders.Where(x => x.CustomerId == c.Id).Count(filter);
                if (!CountOps.Contains(o.Op)) return Fail($"{path}.op", "UnknownOperator", o.Op, "number", string.Join(", ", CountOps));
                return CountMeasure(rows, any, count, new Comparison(o.Op, o.Value), path);
            case "sum":
                return NumberMeasure(rows, c => db.Orders.Where(x => x.CustomerId == c.Id).Where(filter).Sum(x => (double)x.Amount),
                    g => g.Sum(x => (double)x.Amount), 0.0, o.Op, o.Value, path);
            case "avg":
                return NumberMeasure(rows, c => db.Orders.Where(x => x.CustomerId == c.Id).Where(filter).Average(x => (double?)(double)x.Amount),
                    g => g.Average(x => (double?)(double)x.Amount), null, o.Op, o.Value, path);
            case "last_date":
                return DateMeasure(rows, c => db.Orders.Where(x => x.CustomerId == c.Id).Where(filter).Max(x => (DateTime?)x.OrderedAt),
                    g => g.Max(x => (DateTime?)x.OrderedAt), o.Op, o.Value, path);
            default:
                return DateMeasure(rows, c => db.Orders.Where(x => x.CustomerId == c.Id).Where(filter).Min(x => (DateTime?)x.OrderedAt),
                    g => g.Min(x => (DateTime?)x.OrderedAt), o.Op, o.Value, path);
        }
    }

    /// <summary>The rows a measure reads (already filtered), the customer they belong to, and their window.</summary>
    private sealed record Rows<TRow>(IQueryable<TRow> Filtered, Expression<Func<TRow, long>> Customer, Window? Within);

    private Expression? CountMeasure<TRow>(Rows<TRow> rows, Expression<Func<Customer, bool>> any, Expression<Func<Customer, int>> count,
        Comparison? comparison, string path)
    {
        Expression Any() => AsSet(rows.Within, aggregate: false)
            ? InQuery(rows.Filtered.Select(rows.Customer).Expression, Expression.Property(_c, nameof(Customer.Id)))
            : Rebind(any, _c);
        if (comparison is null) return Any(); // "did it at least once"
        if (!CountOps.Contains(comparison.Op)) return Fail($"{path}.op", "UnknownOperator", comparison.Op, "number", string.Join(", ", CountOps));
        if (comparison.Op != "between" && Number(comparison.Value, $"{path}.value") is { } n)
        {
            // EXISTS is cheaper than COUNT when the question is "at least once" or "never".
            if ((comparison.Op == "gte" && n == 1) || (comparison.Op == "gt" && n == 0)) return Any();
            if ((comparison.Op == "eq" && n == 0) || (comparison.Op == "lt" && n == 1) || (comparison.Op == "lte" && n == 0)) return Expression.Not(Any());
        }
        var numberField = new FieldInfo("count", FieldType.Number, "count", "count");
        return Measure(rows, count, g => g.Count(), 0, body =>
            Predicate(body, numberField, comparison.Op == "neq" ? "eq" : comparison.Op, comparison.Value, path) is { } p
                ? comparison.Op == "neq" ? Expression.Not(p) : p
                : null);
    }

    private Expression? NumberMeasure<TRow, TValue>(Rows<TRow> rows, Expression<Func<Customer, TValue>> measure,
        Expression<Func<IGrouping<long, TRow>, TValue>> grouped, TValue empty, string op, JsonNode? value, string path)
    {
        var field = new FieldInfo("measure", FieldType.Number, "measure", "measure");
        return CheckOp(FieldType.Number, op, path) ? Measure(rows, measure, grouped, empty, body => Direct(body, field, op, value, path)) : null;
    }

    private Expression? DateMeasure<TRow>(Rows<TRow> rows, Expression<Func<Customer, DateTime?>> measure,
        Expression<Func<IGrouping<long, TRow>, DateTime?>> grouped, string op, JsonNode? value, string path)
    {
        var field = new FieldInfo("measure", FieldType.Date, "measure", "measure", IsInstant: true);
        return CheckOp(FieldType.Date, op, path) ? Measure(rows, measure, grouped, null, body => Direct(body, field, op, value, path)) : null;
    }

    /// <summary>
    /// A test on an aggregate of each customer's rows: per customer (correlated), or as the set of customers whose
    /// group passes (HAVING), with customers without rows decided by the test on <paramref name="empty"/>.
    /// </summary>
    private Expression? Measure<TRow, TValue>(Rows<TRow> rows, Expression<Func<Customer, TValue>> correlated,
        Expression<Func<IGrouping<long, TRow>, TValue>> grouped, TValue empty, Func<Expression, Expression?> test)
    {
        if (!AsSet(rows.Within, aggregate: true)) return test(Rebind(correlated, _c));

        var v = Expression.Parameter(typeof(TValue), "v");
        if (test(v) is not { } predicate) return null;
        // Parameters are boxed constants, so the test runs here as it would in SQL (C# null semantics, which EF keeps).
        var emptyPasses = Expression.Lambda<Func<TValue, bool>>(predicate, v).Compile(preferInterpretation: true)(empty);
        var having = new Replacer(v, grouped.Body).Visit(predicate);
        if (emptyPasses) having = Expression.Not(having);
        var groups = rows.Filtered.GroupBy(rows.Customer)
            .Where(Expression.Lambda<Func<IGrouping<long, TRow>, bool>>(having, grouped.Parameters[0]))
            .Select(g => g.Key);
        var member = InQuery(groups.Expression, Expression.Property(_c, nameof(Customer.Id)));
        return emptyPasses ? Expression.Not(member) : member;
    }

    // ------------------------------------------------------------------ scores, tags, segments, identities, accounts

    private static readonly Dictionary<string, (FieldType Type, LambdaExpression Member)> RfmFields = new()
    {
        ["r"] = (FieldType.Number, (Expression<Func<RfmScore, byte>>)(r => r.R)),
        ["f"] = (FieldType.Number, (Expression<Func<RfmScore, byte>>)(r => r.F)),
        ["m"] = (FieldType.Number, (Expression<Func<RfmScore, byte>>)(r => r.M)),
        ["recency_days"] = (FieldType.Number, (Expression<Func<RfmScore, int>>)(r => r.RecencyDays)),
        ["frequency"] = (FieldType.Number, (Expression<Func<RfmScore, int>>)(r => r.Frequency)),
        ["monetary"] = (FieldType.Number, (Expression<Func<RfmScore, double>>)(r => (double)r.Monetary)),
        ["segment"] = (FieldType.Text, (Expression<Func<RfmScore, string>>)(r => r.Segment)),
    };

    private Expression? Rfm(RfmCondition r, string path)
    {
        if (!RfmFields.TryGetValue(r.Metric, out var f)) return Fail($"{path}.rfm", "UnknownMetric", r.Metric, string.Join(", ", RfmMetrics));
        if (!CheckOp(f.Type, r.Op, path)) return null;
        var field = new FieldInfo(r.Metric, f.Type, r.Metric, r.Metric);
        return Related(db.RfmScores, s => s.CustomerId, null, f.Member, field, r.Op, r.Value, path);
    }

    private Expression? TagNode(TagCondition t, string path)
    {
        if (!TagOps.Contains(t.Op)) return Fail($"{path}.op", "UnknownOperator", t.Op, "tag", string.Join(", ", TagOps));
        if (!catalog.Tags.TryGetValue(t.Tag, out var tag)) return Fail($"{path}.tag", "UnknownTag", t.Tag);
        var tagId = tag.Id;
        var now = context.UtcNow;
        Expression<Func<TagAssignment, bool>> filter = a => a.TagId == tagId && (a.ExpiresAt == null || a.ExpiresAt > now);
        if (t.Values.Count > 0)
        {
            var valueIds = new List<int>();
            for (var i = 0; i < t.Values.Count; i++)
                if (tag.Values.TryGetValue(t.Values[i], out var id)) valueIds.Add(id);
                else return Fail($"{path}.values[{i}]", "UnknownTagValue", t.Tag, t.Values[i]);
            filter = And(filter, a => valueIds.Contains(a.TagValueId));
        }
        if (t.Within is not null)
        {
            if (WindowValue(JsonValue.Create(t.Within), $"{path}.within") is not { } w) return null;
            var since = ToUtc(w.Before(context.LocalNow));
            filter = And(filter, a => a.AssignedAt >= since);
        }
        if (t.Source is not null)
        {
            if (!Sources.Contains(t.Source)) return Fail($"{path}.source", "UnknownSource", t.Source, string.Join(", ", Sources));
            var source = Enum.Parse<AssignmentSource>(t.Source, ignoreCase: true);
            filter = And(filter, a => a.Source == source);
        }
        Expression<Func<Customer, bool>> has = c => db.TagAssignments.Where(a => a.CustomerId == c.Id).Any(filter);
        var result = Rebind(has, _c);
        return t.Op == "has" ? result : Expression.Not(result);
    }

    private Expression? SegmentNode(SegmentCondition s, string path, ImmutableStack<string> segments)
    {
        if (!SegmentOps.Contains(s.Op)) return Fail($"{path}.op", "UnknownOperator", s.Op, "segment", string.Join(", ", SegmentOps));
        if (!catalog.Segments.TryGetValue(s.Segment, out var segment)) return Fail($"{path}.segment", "UnknownSegment", s.Segment);
        if (segments.Contains(segment.Code))
            return Fail($"{path}.segment", "SegmentCycle", string.Join(" → ", segments.Reverse().Append(segment.Code)));

        Expression? member;
        if (segment.Kind == SegmentKind.Static)
        {
            var id = segment.Id;
            Expression<Func<Customer, bool>> stored = c => db.SegmentMemberships.Any(m => m.SegmentId == id && m.CustomerId == c.Id);
            member = Rebind(stored, _c);
        }
        else
        {
            // Dynamic segments are inlined, so membership is as live as the rest of the condition.
            var parsed = ConditionJson.Parse(segment.DefinitionJson);
            if (!parsed.Ok)
            {
                foreach (var e in parsed.Errors) _errors.Add(e with { Path = $"{path}.segment({segment.Code}){e.Path[1..]}" });
                return null;
            }
            member = Node(parsed.Condition!, $"{path}.segment({segment.Code})", segments.Push(segment.Code));
        }
        return member is null ? null : s.Op == "in" ? member : Expression.Not(member);
    }

    private Expression? IdentityNode(IdentityCondition i, string path)
    {
        if (!IdentityOps.Contains(i.Op)) return Fail($"{path}.op", "UnknownOperator", i.Op, "identity", string.Join(", ", IdentityOps));
        var index = Array.IndexOf(IdentityKinds, i.Kind);
        if (index < 0) return Fail($"{path}.identity", "UnknownIdentityKind", i.Kind, string.Join(", ", IdentityKinds));
        var kind = (IdentityKind)index;
        Expression<Func<Customer, bool>> has = c => db.CustomerIdentities.Any(x => x.CustomerId == c.Id && x.Kind == kind);
        var result = Rebind(has, _c);
        return i.Op == "has" ? result : Expression.Not(result);
    }

    private Expression? AccountNode(AccountCondition a, string path)
    {
        if (!AccountOps.Contains(a.Op)) return Fail($"{path}.account", "UnknownOperator", a.Op, "account", string.Join(", ", AccountOps));
        var roles = new List<AccountRole>();
        for (var i = 0; i < a.Roles.Count; i++)
        {
            var index = Array.IndexOf(AccountRoles, a.Roles[i]);
            if (index < 0) return Fail($"{path}.roles[{i}]", "UnknownRole", a.Roles[i], string.Join(", ", AccountRoles));
            roles.Add((AccountRole)index);
        }
        Expression<Func<AccountMember, bool>> filter = m => true;
        if (roles.Count > 0) filter = m => roles.Contains(m.Role);
        if (a.Kind is not null)
        {
            var index = Array.IndexOf(AccountKinds, a.Kind);
            if (index < 0) return Fail($"{path}.kind", "UnknownAccountKind", a.Kind, string.Join(", ", AccountKinds));
            var kind = (AccountKind)index;
            filter = And(filter, m => db.Accounts.Any(x => x.Id == m.AccountId && x.Kind == kind));
        }
        Expression<Func<Customer, bool>> member = c => db.AccountMembers.Where(m => m.CustomerId == c.Id).Any(filter);
        var result = Rebind(member, _c);
        return a.Op == "member" ? result : Expression.Not(result);
    }

    // ------------------------------------------------------------------ values

    private bool CheckOp(FieldType type, string op, string path)
    {
        if (ByType[type].Contains(op)) return true;
        Fail($"{path}.op", "UnknownOperator", op, type.ToString().ToLowerInvariant(), string.Join(", ", ByType[type]));
        return false;
    }

    private string? Text(JsonNode? node, string path)
    {
        if (node is JsonValue v && v.TryGetValue<string>(out var s)) return s;
        Fail(path, "WrongValueType", path, "text");
        return null;
    }

    private List<string>? Strings(JsonNode? node, string path, FieldInfo? field)
    {
        if (node is not JsonArray array || array.Count == 0) { Fail(path, "WrongValueType", path, "[text, …]"); return null; }
        var result = new List<string>();
        for (var i = 0; i < array.Count; i++)
        {
            if (Text(array[i], $"{path}[{i}]") is not { } s) return null;
            if (field?.Values is { } allowed && !allowed.Contains(s)) { Fail($"{path}[{i}]", "ValueNotAllowed", s, string.Join(", ", allowed)); return null; }
            result.Add(s);
        }
        return result;
    }

    private decimal? Number(JsonNode? node, string path)
    {
        // Parsed JSON and values built in code (JsonValue.Create(3)) both read through their JSON text.
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            && decimal.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
        Fail(path, "WrongValueType", path, "number");
        return null;
    }

    private DateOnly? Date(JsonNode? node, string path)
    {
        if (node is JsonValue v && v.TryGetValue<string>(out var s)
            && DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
        Fail(path, "InvalidDate", node?.ToJsonString() ?? "null");
        return null;
    }

    private Window? WindowValue(JsonNode? node, string path, int maxYears = 10)
    {
        var text = node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node?.ToJsonString();
        var window = Window.TryParse(text);
        if (window is null) { Fail(path, "InvalidWindow", text ?? "null"); return null; }
        if (window.IsLongerThanYears(maxYears)) { Fail(path, "WindowTooLong", text!, maxYears.ToString(CultureInfo.InvariantCulture)); return null; }
        return window;
    }

    private Expression? Fail(string path, string code, params string[] args)
    {
        _errors.Add(new ConditionError(path, code, args));
        return null;
    }

    // ------------------------------------------------------------------ expression plumbing

    /// <summary>Values travel as members of a closure object, so EF sends them as SQL parameters.</summary>
    private sealed class Box<T>(T value)
    {
        public T Value = value;
    }

    private static Expression Param<T>(T value) => Expression.Field(Expression.Constant(new Box<T>(value)), nameof(Box<T>.Value));

    private static Expression Param(object value, Type type)
    {
        var box = Activator.CreateInstance(typeof(Box<>).MakeGenericType(type), value)!;
        return Expression.Field(Expression.Constant(box), "Value");
    }

    private static Expression TypedList(Type elementType, IEnumerable<object> values)
    {
        var listType = typeof(List<>).MakeGenericType(elementType);
        var list = (System.Collections.IList)Activator.CreateInstance(listType)!;
        foreach (var v in values) list.Add(v);
        return Param(list, listType);
    }

    private static Expression Contains(Expression list, Expression item) =>
        Expression.Call(typeof(Enumerable), nameof(Enumerable.Contains), [item.Type], list, item);

    /// <summary><c>item IN (subquery)</c>.</summary>
    private static Expression InQuery(Expression query, Expression item) =>
        Expression.Call(typeof(Queryable), nameof(Queryable.Contains), [item.Type], query, item);

    private static bool IsNullable(Type type) => !type.IsValueType || Nullable.GetUnderlyingType(type) is not null;

    private static Expression<Func<T, bool>> And<T>(Expression<Func<T, bool>> a, Expression<Func<T, bool>> b) =>
        Expression.Lambda<Func<T, bool>>(Expression.AndAlso(a.Body, Rebind(b, a.Parameters[0])), a.Parameters[0]);

    private static Expression<Func<T, bool>> Not<T>(Expression<Func<T, bool>> a) =>
        Expression.Lambda<Func<T, bool>>(Expression.Not(a.Body), a.Parameters[0]);

    private static Expression Rebind(LambdaExpression lambda, ParameterExpression parameter) =>
        new Rebinder(lambda.Parameters[0], parameter).Visit(lambda.Body);

    private sealed class Rebinder(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }

    private sealed class Replacer(ParameterExpression from, Expression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }
}
