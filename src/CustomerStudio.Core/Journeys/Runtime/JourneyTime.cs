using System.Globalization;
using System.Xml;
using CustomerStudio.Core.Journeys.Definition;

namespace CustomerStudio.Core.Journeys.Runtime;

/// <summary>The runtime's clock arithmetic: ISO 8601 durations, local times of day and weekdays, quiet hours — in the workspace's zone.</summary>
public static class JourneyTime
{
    /// <summary>An ISO 8601 duration (P3D, PT2H, P1W); months and years count as 30 and 365 days.</summary>
    public static TimeSpan Duration(string iso) => XmlConvert.ToTimeSpan(iso);

    public static TimeOnly TimeOfDay(string hhmm) => TimeOnly.ParseExact(hhmm, "HH:mm", CultureInfo.InvariantCulture);

    /// <summary>The next moment (UTC, strictly after <paramref name="utcNow"/>) that is <paramref name="time"/> local on one of the weekdays (any when empty).</summary>
    public static DateTime NextLocal(DateTime utcNow, TimeOnly time, IReadOnlyCollection<Weekday> weekdays, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(utcNow, zone);
        for (var day = 0; day <= 7; day++)
        {
            var date = DateOnly.FromDateTime(local).AddDays(day);
            var candidate = date.ToDateTime(time, DateTimeKind.Unspecified);
            if (candidate <= local) continue;
            var weekday = date.DayOfWeek == DayOfWeek.Sunday ? Weekday.Sunday : (Weekday)(int)date.DayOfWeek;
            if (weekdays.Count > 0 && !weekdays.Contains(weekday)) continue;
            return ToUtc(candidate, zone);
        }
        return utcNow.AddDays(7);
    }

    /// <summary>When the quiet hours around <paramref name="utcNow"/> end, or null when it is not inside them.</summary>
    public static DateTime? QuietUntil(DateTime utcNow, TimeOnly start, TimeOnly end, TimeZoneInfo zone)
    {
        if (start == end) return null;
        var local = TimeZoneInfo.ConvertTimeFromUtc(utcNow, zone);
        var now = TimeOnly.FromDateTime(local);
        var today = DateOnly.FromDateTime(local);
        bool inside;
        DateOnly endDate;
        if (start < end)
        {
            inside = now >= start && now < end;
            endDate = today;
        }
        else
        {
            // Spans midnight (21:00–08:00).
            inside = now >= start || now < end;
            endDate = now >= start ? today.AddDays(1) : today;
        }
        return inside ? ToUtc(endDate.ToDateTime(end, DateTimeKind.Unspecified), zone) : null;
    }

    public static DateTime ToUtc(DateTime local, TimeZoneInfo zone)
    {
        // A local time skipped by a DST change moves past the gap.
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(30);
        return TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), zone);
    }

    /// <summary>The A/B variant an instance takes at a split: fixed by (instance, node), so a retry takes the same branch.</summary>
    public static string Variant(long instanceId, string nodeId, IReadOnlyList<SplitVariant> variants)
    {
        var total = variants.Sum(v => Math.Max(1, v.Weight));
        var hash = BitConverter.ToUInt64(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{instanceId}/{nodeId}")));
        var pick = (long)(hash % (ulong)total);
        foreach (var v in variants)
        {
            pick -= Math.Max(1, v.Weight);
            if (pick < 0) return v.Port;
        }
        return variants[^1].Port;
    }
}
