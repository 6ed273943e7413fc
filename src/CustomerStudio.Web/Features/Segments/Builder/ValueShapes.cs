using System.Globalization;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using CustomerStudio.Core.Conditions;

namespace CustomerStudio.Web.Features.Segments.Builder;

/// <summary>What value an operator takes, and converting editor input to and from the condition's JSON values.</summary>
public static partial class ValueShapes
{
    public enum Shape { None, Window, Pair, List, Single }

    public const string DefaultWindow = "P7D";

    public static Shape Of(string? op) =>
        op is null || ConditionOperators.NoValue.Contains(op) ? Shape.None
        : ConditionOperators.TakesWindow.Contains(op) ? Shape.Window
        : op == "between" ? Shape.Pair
        : ConditionOperators.TakesList.Contains(op) ? Shape.List
        : Shape.Single;

    /// <summary>The value kept when the operator changes: a single value becomes a list of one and back; otherwise it starts again.</summary>
    public static JsonNode? Reshape(JsonNode? value, string? oldOp, string? newOp)
    {
        var (from, to) = (Of(oldOp), Of(newOp));
        if (from == to) return value;
        return (from, to) switch
        {
            (_, Shape.None) => null,
            (_, Shape.Window) => JsonValue.Create(DefaultWindow),
            (Shape.Single, Shape.List) when value is not null => new JsonArray(value.DeepClone()),
            (Shape.List, Shape.Single) when value is JsonArray { Count: > 0 } list => list[0]?.DeepClone(),
            _ => null,
        };
    }

    public static string? Text(JsonNode? value) => value switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v => v.ToJsonString(),
        _ => null,
    };

    public static decimal? Number(JsonNode? value) =>
        value is JsonValue v && v.TryGetValue<decimal>(out var d) ? d
        : decimal.TryParse(Text(value), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;

    public static DateTime? Date(JsonNode? value) =>
        DateTime.TryParseExact(Text(value), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    public static JsonNode? FromText(string? text) => string.IsNullOrEmpty(text) ? null : JsonValue.Create(text);

    public static JsonNode? FromNumber(decimal? number) => number is { } n ? JsonValue.Create(n) : null;

    public static JsonNode? FromDate(DateTime? date) =>
        date is { } d ? JsonValue.Create(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)) : null;

    public static IReadOnlyList<string> Texts(JsonNode? value) =>
        value is JsonArray list ? [.. list.Select(Text).OfType<string>()] : [];

    /// <summary>A typed list: numbers stay numbers (what is not a number is kept as text, for validation to report).</summary>
    public static JsonNode? FromList(IEnumerable<string> items, FieldType type)
    {
        var list = new JsonArray();
        foreach (var item in items)
            list.Add(type == FieldType.Number && decimal.TryParse(item, NumberStyles.Float, CultureInfo.InvariantCulture, out var n)
                ? JsonValue.Create(n) : JsonValue.Create(item));
        return list.Count == 0 ? null : list;
    }

    /// <summary>"上海, 江苏、浙江" → [上海, 江苏, 浙江]: commas (half or full width), 、 , semicolons and new lines separate.</summary>
    public static string[] Split(string? text) =>
        (text ?? "").Split([',', '，', '、', ';', '；', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static JsonNode? Pair(JsonNode? from, JsonNode? to) =>
        from is null && to is null ? null : new JsonArray(from?.DeepClone(), to?.DeepClone());

    public static JsonNode? At(JsonNode? value, int index) => value is JsonArray list && list.Count > index ? list[index] : null;

    /// <summary>A window the number-and-unit editor can show: P7D, P2W, P3M, P1Y.</summary>
    public static (int Amount, string Unit)? SimpleWindow(string? window)
    {
        var m = SimpleWindowPattern().Match(window ?? "");
        return m.Success && int.TryParse(m.Groups[1].Value, out var n) ? (n, m.Groups[2].Value) : null;
    }

    [GeneratedRegex(@"^P(\d{1,5})([DWMY])$")]
    private static partial Regex SimpleWindowPattern();
}
