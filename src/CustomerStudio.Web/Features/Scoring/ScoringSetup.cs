using CustomerStudio.Core.Scoring;
using Quartz;

namespace CustomerStudio.Web.Features.Scoring;

public static class ScoringSetup
{
    /// <summary>RFM (daily; checked hourly) and lead scoring with lifecycle moves (hourly), as Quartz jobs.</summary>
    public static void AddScoring(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<RfmScoring>();
        builder.Services.AddScoped<LeadScoring>();
        builder.Services.AddQuartz(q =>
        {
            q.ScheduleJob<RfmJob>(
                t => t.WithIdentity("rfm", "scoring").ForJob(RfmJob.Key).StartAt(DateTimeOffset.UtcNow.AddSeconds(30))
                    .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromHours(1)).RepeatForever()),
                j => j.WithIdentity(RfmJob.Key));
            q.ScheduleJob<LeadScoringJob>(
                t => t.WithIdentity("lead-scoring", "scoring").ForJob(LeadScoringJob.Key).StartAt(DateTimeOffset.UtcNow.AddMinutes(2))
                    .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromHours(1)).RepeatForever()),
                j => j.WithIdentity(LeadScoringJob.Key));
        });
    }
}
