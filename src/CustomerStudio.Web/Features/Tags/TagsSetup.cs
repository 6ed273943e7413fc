using CustomerStudio.Core.Tags;
using Quartz;

namespace CustomerStudio.Web.Features.Tags;

public static class TagsSetup
{
    /// <summary>
    /// Tag services and their two sweeping jobs on the studio's Quartz scheduler: due computed tags every minute,
    /// expired assignments every minute (docs/decisions/0005).
    /// </summary>
    public static void AddTags(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddScoped<TagAssignments>();
        services.AddScoped<TagRuleEngine>();
        services.AddScoped<TagPredictions>();
        services.AddScoped<TagService>();
        services.AddSingleton<TagRefreshBackoff>();

        var sweeps = builder.Configuration.GetValue("Tags:SweepSeconds", 60);
        services.AddQuartz(q =>
        {
            q.ScheduleJob<TagRefreshJob>(t => t.WithIdentity("tag-refresh", "tags").ForJob(TagRefreshJob.Key)
                    .StartAt(DateTimeOffset.UtcNow.AddSeconds(20))
                    .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(sweeps)).RepeatForever()),
                j => j.WithIdentity(TagRefreshJob.Key));
            q.ScheduleJob<TagExpiryJob>(t => t.WithIdentity("tag-expiry", "tags").ForJob(TagExpiryJob.Key)
                    .StartAt(DateTimeOffset.UtcNow.AddSeconds(10))
                    .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(sweeps)).RepeatForever()),
                j => j.WithIdentity(TagExpiryJob.Key));
        });
    }
}
