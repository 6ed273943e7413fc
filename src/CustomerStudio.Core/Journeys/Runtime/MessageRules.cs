using CustomerStudio.Core.Journeys.Definition;
using CustomerStudio.Core.Workspace;

namespace CustomerStudio.Core.Journeys.Runtime;

/// <summary>
/// Quiet hours and frequency caps of a journey's messages — the journey's own and, unless it opts out, the
/// workspace's — as both the engine and the dry run apply them.
/// </summary>
public static class MessageRules
{
    /// <summary>When the quiet hours around <paramref name="utcNow"/> end, or null when a message may go now.</summary>
    public static DateTime? QuietUntil(JourneyDefinition journey, WorkspaceSettings workspace, DateTime utcNow, TimeZoneInfo zone)
    {
        if (journey.Messages.QuietHours is { } quiet)
            return JourneyTime.QuietUntil(utcNow, JourneyTime.TimeOfDay(quiet.Start), JourneyTime.TimeOfDay(quiet.End), zone);
        if (journey.Messages.UseWorkspaceLimits && workspace.QuietHoursStart is { } start && workspace.QuietHoursEnd is { } end)
            return JourneyTime.QuietUntil(utcNow, new TimeOnly(start % 24, 0), new TimeOnly(end % 24, 0), zone);
        return null;
    }

    /// <summary>Whether one more message would break a cap, given the customer's messages already counted (channel, time).</summary>
    public static bool Capped(JourneyDefinition journey, WorkspaceSettings workspace, IReadOnlyCollection<(string Channel, DateTime At)> sent, DateTime utcNow)
    {
        foreach (var cap in journey.Messages.FrequencyCaps)
        {
            var since = utcNow - JourneyTime.Duration(cap.Per);
            var wanted = cap.Channel switch { MessageChannel.Email => OutboxChannelNames.Email, MessageChannel.Sms => OutboxChannelNames.Sms, _ => null };
            if (sent.Count(s => s.At >= since && (wanted is null || s.Channel == wanted)) >= cap.Max) return true;
        }
        return journey.Messages.UseWorkspaceLimits && workspace.DailyMessageCap is { } daily && sent.Count(s => s.At >= utcNow.AddDays(-1)) >= daily;
    }
}
