using System.Text.RegularExpressions;
using CustomerStudio.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Core.Conditions;

/// <summary>When and where a condition is evaluated: "now" in UTC and the workspace's time zone.</summary>
public sealed record ConditionContext(DateTime UtcNow, TimeZoneInfo Zone)
{
    public DateTime LocalNow => TimeZoneInfo.ConvertTimeFromUtc(UtcNow, Zone);
    public DateOnly Today => DateOnly.FromDateTime(LocalNow);

    /// <summary>The UTC instant at which a calendar day starts in the workspace's zone.</summary>
    public DateTime DayStartUtc(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        while (Zone.IsInvalidTime(local)) local = local.AddMinutes(30); // a DST gap at midnight
        return TimeZoneInfo.ConvertTimeToUtc(local, Zone);
    }

    public static async Task<ConditionContext> ForWorkspaceAsync(StudioDbContext db, DateTime utcNow, CancellationToken ct = default)
    {
        var zone = await Workspace.WorkspaceTimeZone.LoadAsync(db, ct);
        return new ConditionContext(DateTime.SpecifyKind(utcNow, DateTimeKind.Utc), zone);
    }
}

/// <summary>An ISO 8601 duration with a unit: P7D, P2W, P3M, P1Y, PT12H, P1DT6H.</summary>
public sealed partial record Window(int Years, int Months, int Days, TimeSpan Time)
{
    public static Window? TryParse(string? text)
    {
        var m = Pattern().Match(text ?? "");
        if (!m.Success || m.Groups.Cast<Group>().Skip(1).All(g => !g.Success)) return null;
        int N(string name) => m.Groups[name].Success ? int.Parse(m.Groups[name].Value) : 0;
        try
        {
            return new Window(N("y"), N("mo"), N("w") * 7 + N("d"), new TimeSpan(N("h"), N("mi"), N("s")));
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    public bool IsLongerThanYears(int years) => Years * 365 + Months * 31 + Days + Time.TotalDays > years * 366;

    public DateTime Before(DateTime local) => local.AddYears(-Years).AddMonths(-Months).AddDays(-Days) - Time;
    public DateTime After(DateTime local) => local.AddYears(Years).AddMonths(Months).AddDays(Days) + Time;
    public DateOnly Before(DateOnly day) => day.AddYears(-Years).AddMonths(-Months).AddDays(-Days - (int)Time.TotalDays);
    public DateOnly After(DateOnly day) => day.AddYears(Years).AddMonths(Months).AddDays(Days + (int)Time.TotalDays);

    [GeneratedRegex(@"^P(?:(?<y>\d{1,4})Y)?(?:(?<mo>\d{1,5})M)?(?:(?<w>\d{1,5})W)?(?:(?<d>\d{1,6})D)?(?:T(?:(?<h>\d{1,6})H)?(?:(?<mi>\d{1,6})M)?(?:(?<s>\d{1,7})S)?)?$")]
    private static partial Regex Pattern();
}
