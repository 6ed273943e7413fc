using CustomerStudio.Core.Scoring;
using Quartz;

namespace CustomerStudio.Web.Features.Scoring;

public static class ScoringSetup
{
    /// <summary>RFM scoring, recomputed daily by a Quartz job that checks hourly whether the scores are a day old.</summary>
    public static void AddScoring(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<RfmScoring>();
        builder.Services.AddQuartz(q => q.ScheduleJob<RfmJob>(
            t => t.WithIdentity("rfm", "scoring").ForJob(RfmJob.Key).StartAt(DateTimeOffset.UtcNow.AddSeconds(30))
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromHours(1)).RepeatForever()),
            j => j.WithIdentity(RfmJob.Key)));
    }
}
