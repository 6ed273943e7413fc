using System.Globalization;

namespace CustomerStudio.Core.Imports.Cleansing;

/// <summary>
/// Dates and date-times in the forms files carry: ISO (2024-03-05, 2024-03-05T14:30:00, 2024-03-05 14:30), slashes
/// and dots year first (2024/3/5, 2024.03.05), 20240305, 2024年3月5日, day-first European (05/03/2024, 5.3.2024) and
/// Excel serial numbers (45356). A value with an offset or Z is converted to UTC; otherwise it is the workspace's
/// local time, and the caller converts it. Ambiguous month/day orders are read day first unless the month would be
/// over 12 — files from Chinese systems write the year first, which is never ambiguous.
/// </summary>
public static class DateCleaner
{
    private static readonly string[] Formats =
    [
        "yyyy-M-d", "yyyy/M/d", "yyyy.M.d", "yyyyMMdd", "yyyy年M月d日", "yyyy年M月d号",
        "yyyy-M-d H:m", "yyyy-M-d H:m:s", "yyyy/M/d H:m", "yyyy/M/d H:m:s", "yyyy-M-dTH:m:s", "yyyy-M-dTH:m:s.FFFFFFF",
        "yyyy年M月d日 H:m", "yyyy年M月d日 H:m:s", "yyyy年M月d日H时m分", "yyyyMMddHHmmss",
        "d/M/yyyy", "d.M.yyyy", "d-M-yyyy", "d/M/yyyy H:m", "d/M/yyyy H:m:s", "d.M.yyyy H:m",
    ];

    private static readonly string[] MonthFirst = ["M/d/yyyy", "M/d/yyyy H:m", "M/d/yyyy H:m:s"];

    /// <summary>The date and time as written (Kind Unspecified), or as UTC when the text carries an offset.</summary>
    public static Cleaned<DateTime?> Parse(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return Cleaned<DateTime?>.Empty;
        var text = raw.Trim().Normalize(System.Text.NormalizationForm.FormKC);

        if ((text.EndsWith('Z') || HasOffset(text))
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var withOffset))
            return Cleaned<DateTime?>.Of(withOffset.UtcDateTime);
        if (DateTime.TryParseExact(text, Formats, CultureInfo.InvariantCulture, DateTimeStyles.AllowInnerWhite, out var parsed)
            || DateTime.TryParseExact(text, MonthFirst, CultureInfo.InvariantCulture, DateTimeStyles.AllowInnerWhite, out parsed))
            return Plausible(parsed) ? Cleaned<DateTime?>.Of(DateTime.SpecifyKind(parsed, DateTimeKind.Unspecified)) : Cleaned<DateTime?>.Refused("InvalidDate", raw.Trim());
        // Excel stores dates as days since 1899-12-30; MiniExcel hands unformatted cells over as numbers.
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var serial) && serial is > 10_000 and < 80_000)
            return Cleaned<DateTime?>.Of(DateTime.FromOADate(serial));
        return Cleaned<DateTime?>.Refused("InvalidDate", raw.Trim());
    }

    public static Cleaned<DateOnly?> ParseDate(string? raw)
    {
        var parsed = Parse(raw);
        return parsed.Value is { } value ? Cleaned<DateOnly?>.Of(DateOnly.FromDateTime(value))
            : parsed.Error is null ? Cleaned<DateOnly?>.Empty : Cleaned<DateOnly?>.Refused(parsed.Error, parsed.Args);
    }

    private static bool HasOffset(string text) =>
        text.Length > 6 && (text[^6] is '+' or '-') && text[^3] == ':' && text.Contains('T', StringComparison.Ordinal);

    private static bool Plausible(DateTime value) => value.Year is >= 1900 and <= 2100;
}
