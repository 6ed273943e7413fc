using System.Diagnostics;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Demo;
using CustomerStudio.Core.Scoring;
using CustomerStudio.Core.Tags;
using CustomerStudio.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace CustomerStudio.Tests.Tags;

/// <summary>
/// The demo workspace (20,000 customers, 200,000 events, 30,000 orders) on SQLite with one buyer merged away and a churn
/// tag (high ≥ 0.6, medium ≥ 0.3, low ≥ 0) trained and scored once.
/// </summary>
public sealed class PredictionWorld : IAsyncLifetime
{
    public static readonly DateTime Now = new(2026, 11, 24, 0, 0, 0, DateTimeKind.Utc);
    public const string ChurnDefinition =
        """{"model":{"target":"churn","horizonDays":90,"thresholds":[{"value":"high","min":0.6},{"value":"medium","min":0.3},{"value":"low","min":0}]}}""";

    public TestDatabase Database { get; private set; } = default!;
    public int ChurnTagId { get; private set; }
    public long MergedBuyerId { get; private set; }
    public RecomputeResult FirstRefresh { get; private set; } = default!;

    private sealed class FixedClock(DateTime now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    public static TagPredictions Predictions(StudioDbContext db, DateTime now)
    {
        var clock = new FixedClock(now);
        return new TagPredictions(db, new TagAssignments(db, clock), clock);
    }

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var db = Database.CreateContext();
        await new DemoWorkspaceSeeder(db, NullLogger<DemoWorkspaceSeeder>.Instance).SeedAsync(new DemoSeedOptions { Now = Now }, CancellationToken.None);

        var buyers = await db.Orders.Where(o => o.Status == OrderStatus.Paid).Select(o => o.CustomerId).Distinct().OrderBy(id => id).Take(2).ToListAsync();
        MergedBuyerId = buyers[0];
        await db.Customers.Where(c => c.Id == MergedBuyerId).ExecuteUpdateAsync(u => u.SetProperty(c => c.MergedIntoId, buyers[1]));

        ChurnTagId = await CreateTagAsync(db, "churn_forecast", ChurnDefinition, "high", "medium", "low");
        FirstRefresh = await Predictions(db, Now).RefreshAsync(ChurnTagId, retrain: true);
    }

    public static async Task<int> CreateTagAsync(StudioDbContext db, string code, string definition, params string[] values)
    {
        var tag = new Tag
        {
            CategoryId = await db.TagCategories.OrderBy(c => c.Id).Select(c => c.Id).FirstAsync(),
            Code = code, NameZh = code, NameEn = code, Kind = TagKind.Predictive, Status = TagStatus.Active, RefreshRule = RefreshRule.Daily,
            DefinitionJson = definition, CreatedAt = Now, UpdatedAt = Now, ActivatedAt = Now,
            Values = values.Select((v, i) => new TagValue { Code = v, NameZh = v, NameEn = v, SortOrder = i }).ToList(),
        };
        db.Tags.Add(tag);
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
        return tag.Id;
    }

    public async Task DisposeAsync() => await Database.DisposeAsync();
}

public class TagPredictionsTests(PredictionWorld world, ITestOutputHelper output) : IClassFixture<PredictionWorld>
{
    private static readonly DateTime Now = PredictionWorld.Now;

    private static IQueryable<long> LiveBuyers(StudioDbContext db) =>
        db.Customers.Where(c => c.MergedIntoId == null && db.Orders.Any(o => o.CustomerId == c.Id && o.Status == OrderStatus.Paid && o.OrderedAt < Now))
            .Select(c => c.Id);

    [Fact]
    public async Task Training_on_the_demo_history_gives_auc_above_0_6_and_calibration_bins_covering_the_holdout()
    {
        await using var db = world.Database.CreateContext();
        var quality = await PredictionWorld.Predictions(db, Now).QualityAsync(world.ChurnTagId);

        Assert.NotNull(quality);
        output.WriteLine($"refresh with training: {world.FirstRefresh.Elapsed.TotalSeconds:F2} s, AUC {quality.Auc:F3}, " +
                         $"log-loss {quality.LogLoss:F3}, {quality.TrainingRows} training / {quality.HoldoutRows} holdout rows, positive rate {quality.PositiveRate:P1}");
        foreach (var bin in quality.Calibration) output.WriteLine($"  {bin.From:F1}–{bin.To:F1}: {bin.Count} predicted {bin.MeanPredicted:F3} observed {bin.ObservedRate:F3}");
        foreach (var f in quality.TopFeatures) output.WriteLine($"  {f.Feature}: {f.Weight:F3}");

        Assert.Equal((1, PredictionTarget.Churn, 90, Now.AddDays(-90)), (quality.Version, quality.Target, quality.HorizonDays, quality.Cutoff));
        Assert.True(quality.Auc > 0.6, $"AUC {quality.Auc}");
        Assert.True(quality.TrainingRows >= 200 && quality.HoldoutRows > 0);
        Assert.InRange(quality.HoldoutRows / (double)(quality.TrainingRows + quality.HoldoutRows), 0.15, 0.25);
        Assert.Equal(10, quality.Calibration.Count);
        Assert.Equal(quality.HoldoutRows, quality.Calibration.Sum(b => b.Count));
        Assert.All(quality.Calibration.Where(b => b.Count > 0), b => Assert.InRange(b.MeanPredicted!.Value, b.From, b.To));
        Assert.Equal(CustomerFeatures.Names.Order(), quality.TopFeatures.Select(f => f.Feature).Order());
        Assert.Equal(await LiveBuyers(db).CountAsync(), quality.ScoredCustomers);
    }

    [Fact]
    public async Task Scores_are_stored_for_every_live_buyer_and_for_no_merged_or_never_buying_customer()
    {
        await using var db = world.Database.CreateContext();
        var modelIds = await db.PredictiveModels.Where(m => m.TagId == world.ChurnTagId).Select(m => m.Id).ToListAsync();
        var scored = await db.PredictiveScores.Where(s => modelIds.Contains(s.ModelId)).Select(s => s.CustomerId).ToListAsync();

        var eligible = await LiveBuyers(db).ToListAsync();
        Assert.Equal(eligible.Order(), scored.Order());
        Assert.DoesNotContain(world.MergedBuyerId, scored);
        var neverBought = await db.Customers.Where(c => !db.Orders.Any(o => o.CustomerId == c.Id && o.Status == OrderStatus.Paid))
            .Select(c => c.Id).FirstAsync();
        Assert.DoesNotContain(neverBought, scored);
        Assert.All(await db.PredictiveScores.Where(s => modelIds.Contains(s.ModelId)).Select(s => s.Score).ToListAsync(), s => Assert.InRange(s, 0, 1));
    }

    [Fact]
    public async Task Customers_get_the_value_of_the_highest_threshold_their_score_reaches_from_the_model()
    {
        await using var db = world.Database.CreateContext();
        var values = await db.TagValues.Where(v => v.TagId == world.ChurnTagId).ToDictionaryAsync(v => v.Id, v => v.Code);
        var scores = await (from s in db.PredictiveScores
                            join m in db.PredictiveModels on s.ModelId equals m.Id
                            where m.TagId == world.ChurnTagId
                            select new { s.CustomerId, s.Score }).ToDictionaryAsync(s => s.CustomerId, s => s.Score);
        var assigned = await db.TagAssignments.Where(a => a.TagId == world.ChurnTagId).ToListAsync();

        Assert.Equal(scores.Count, assigned.Count);
        Assert.All(assigned, a =>
        {
            Assert.Equal(AssignmentSource.Model, a.Source);
            Assert.Equal("model v1", a.SourceRef);
            var score = scores[a.CustomerId];
            Assert.Equal(score >= 0.6 ? "high" : score >= 0.3 ? "medium" : "low", values[a.TagValueId]);
        });
        // The demo's buyers spread over the bands: each value is used.
        Assert.Equal(3, assigned.Select(a => a.TagValueId).Distinct().Count());
        Assert.Equal(scores.Count, world.FirstRefresh.Coverage);
        Assert.Equal((scores.Count, 0, 0), (world.FirstRefresh.Added, world.FirstRefresh.Removed, world.FirstRefresh.Changed));
        Assert.NotNull((await db.Tags.SingleAsync(t => t.Id == world.ChurnTagId)).LastComputedAt);
    }

    [Fact]
    public async Task A_second_refresh_without_data_changes_writes_no_assignment_changes_and_keeps_the_model()
    {
        await using var db = world.Database.CreateContext();
        var history = await db.TagAssignmentHistory.CountAsync(h => h.TagId == world.ChurnTagId);

        var watch = Stopwatch.StartNew();
        var again = await PredictionWorld.Predictions(db, Now).RefreshAsync(world.ChurnTagId, retrain: false);
        output.WriteLine($"refresh without training: {watch.Elapsed.TotalSeconds:F2} s");

        Assert.Equal((0, 0, 0, world.FirstRefresh.Coverage), (again.Added, again.Removed, again.Changed, again.Coverage));
        Assert.Equal(history, await db.TagAssignmentHistory.CountAsync(h => h.TagId == world.ChurnTagId));
        Assert.Equal([1], await db.PredictiveModels.Where(m => m.TagId == world.ChurnTagId).Select(m => m.Version).ToListAsync());
    }

    [Fact]
    public async Task Explain_returns_the_three_features_that_moved_a_customer_score_most()
    {
        await using var db = world.Database.CreateContext();
        var predictions = PredictionWorld.Predictions(db, Now);
        var top = await (from s in db.PredictiveScores
                         join m in db.PredictiveModels on s.ModelId equals m.Id
                         where m.TagId == world.ChurnTagId
                         orderby s.Score descending, s.CustomerId
                         select new { s.CustomerId, s.Score }).FirstAsync();

        var features = await predictions.ExplainAsync(world.ChurnTagId, top.CustomerId);
        var score = await predictions.ScoreOfAsync(world.ChurnTagId, top.CustomerId);

        Assert.Equal(3, features.Count);
        Assert.All(features, f => Assert.Contains(f.Feature, CustomerFeatures.Names));
        Assert.Equal(features.Select(f => Math.Abs(f.Contribution)).OrderDescending(), features.Select(f => Math.Abs(f.Contribution)));
        // The riskiest customer's score is pushed up, so its strongest reason raises it.
        Assert.True(features[0].Contribution > 0);
        Assert.NotNull(score);
        Assert.Equal((top.Score, 1), (score.Score, score.ModelVersion));
        Assert.Equal(features, score.TopFeatures);
        Assert.Empty(await predictions.ExplainAsync(world.ChurnTagId, world.MergedBuyerId));
    }

    [Fact]
    public async Task Contributions_of_all_features_add_up_to_the_stored_score()
    {
        await using var db = world.Database.CreateContext();
        var stored = await db.PredictiveModels.SingleAsync(m => m.TagId == world.ChurnTagId && m.Version == 1);
        var model = TagModel.Load(stored.ModelBlob!, ModelMetrics.Parse(stored.MetricsJson)!);
        var rows = (await CustomerFeatures.ComputeAsync(db, PredictionTarget.Churn, Now, 1, 2_000, CancellationToken.None)).Take(50).ToList();
        var scores = await db.PredictiveScores.Where(s => s.ModelId == stored.Id && s.CustomerId < 2_000).ToDictionaryAsync(s => s.CustomerId, s => s.Score);

        Assert.NotEmpty(rows);
        Assert.All(rows, row =>
        {
            var logOdds = model.Metrics.Bias + model.Explain(row, top: CustomerFeatures.Count).Sum(f => f.Contribution);
            Assert.Equal(scores[row.CustomerId], 1 / (1 + Math.Exp(-logOdds)), 2);
        });
    }

    [Fact]
    public async Task Training_features_see_only_what_was_known_at_the_cutoff()
    {
        await using var db = world.Database.CreateContext();
        var cutoff = Now.AddDays(-90);
        // A live buyer who paid both before and after the cutoff and had events in the 90 days before it.
        var id = await db.Customers.Where(c => c.MergedIntoId == null
                && db.Orders.Any(o => o.CustomerId == c.Id && o.Status == OrderStatus.Paid && o.OrderedAt < cutoff)
                && db.Orders.Any(o => o.CustomerId == c.Id && o.Status == OrderStatus.Paid && o.OrderedAt >= cutoff)
                && db.Events.Any(e => e.CustomerId == c.Id && e.Type == "page_view" && e.OccurredAt >= cutoff.AddDays(-30) && e.OccurredAt < cutoff))
            .OrderBy(c => c.Id).Select(c => c.Id).FirstAsync();
        var paid = await db.Orders.Where(o => o.CustomerId == id && o.Status == OrderStatus.Paid && o.OrderedAt < cutoff).ToListAsync();
        var events = await db.Events.Where(e => e.CustomerId == id && e.OccurredAt < cutoff).ToListAsync();
        // The lead score was 40 at the cutoff and 60 since: training must see 40.
        db.LeadScoreChanges.AddRange(
            new LeadScoreChange { CustomerId = id, Points = 5, Total = 40, Reason = "test", At = cutoff.AddDays(-10) },
            new LeadScoreChange { CustomerId = id, Points = 20, Total = 60, Reason = "test", At = cutoff.AddDays(5) });
        await db.SaveChangesAsync();
        try
        {
            var row = Assert.Single(await CustomerFeatures.ComputeAsync(db, PredictionTarget.Churn, cutoff, id, id + 1, CancellationToken.None));
            var features = CustomerFeatures.Names.Select((name, i) => (name, (double)row.Values[i])).ToDictionary();

            Assert.Equal((cutoff - paid.Max(o => o.OrderedAt)).TotalDays, features["recency_days"], 3);
            Assert.Equal(paid.Count, features["orders_total"]);
            Assert.Equal(paid.Count(o => o.OrderedAt >= cutoff.AddDays(-365)), features["orders_365d"]);
            Assert.Equal((double)paid.Where(o => o.OrderedAt >= cutoff.AddDays(-365)).Sum(o => o.Amount), features["amount_365d"], 1);
            Assert.Equal(events.Count(e => e.OccurredAt >= cutoff.AddDays(-90)), features["events_90d"]);
            Assert.Equal(events.Count(e => e.Type == "page_view" && e.OccurredAt >= cutoff.AddDays(-30)), features["page_view_30d"]);
            Assert.Equal((cutoff - events.Max(e => e.OccurredAt)).TotalDays, features["days_since_event"], 3);
            Assert.Equal(40, features["lead_score"]);
        }
        finally
        {
            await db.LeadScoreChanges.Where(x => x.CustomerId == id).ExecuteDeleteAsync();
        }
    }

    [Fact]
    public async Task Retraining_creates_version_2_and_its_scores_replace_those_of_version_1()
    {
        await using var db = world.Database.CreateContext();
        // A purchase tag without values: one threshold, value id 0.
        var tagId = await PredictionWorld.CreateTagAsync(db, "purchase_forecast",
            """{"model":{"target":"purchase","horizonDays":60,"retrainDays":7,"thresholds":[{"min":0.2}]}}""");

        await PredictionWorld.Predictions(db, Now).RefreshAsync(tagId, retrain: false);
        var retrained = await PredictionWorld.Predictions(db, Now).RefreshAsync(tagId, retrain: true);

        var models = await db.PredictiveModels.Where(m => m.TagId == tagId).OrderBy(m => m.Version).ToListAsync();
        Assert.Equal([1, 2], models.Select(m => m.Version));
        var scores = await db.PredictiveScores.Where(s => s.ModelId == models[0].Id || s.ModelId == models[1].Id).ToListAsync();
        Assert.All(scores, s => Assert.Equal(models[1].Id, s.ModelId));
        // Purchase looks at every live customer, buyer or not.
        Assert.Equal(await db.Customers.CountAsync(c => c.MergedIntoId == null), scores.Count);
        var assigned = await db.TagAssignments.Where(a => a.TagId == tagId).ToListAsync();
        Assert.Equal(scores.Where(s => s.Score >= 0.2).Select(s => s.CustomerId).Order(), assigned.Select(a => a.CustomerId).Order());
        Assert.All(assigned, a => Assert.Equal((0, AssignmentSource.Model), (a.TagValueId, a.Source)));
        Assert.Equal(assigned.Count, retrained.Coverage);

        // Past its retrain period the model is retrained on schedule, without being asked.
        await PredictionWorld.Predictions(db, Now.AddDays(8)).RefreshAsync(tagId, retrain: false);
        Assert.Equal(3, await db.PredictiveModels.Where(m => m.TagId == tagId).MaxAsync(m => m.Version));
    }

    [Fact]
    public async Task Training_on_too_little_history_fails_with_a_message_naming_the_tag_and_the_counts()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var db = database.CreateContext();
        await new DemoWorkspaceSeeder(db, NullLogger<DemoWorkspaceSeeder>.Instance)
            .SeedAsync(new DemoSeedOptions { Customers = 150, Events = 1_500, Orders = 200, Now = Now }, CancellationToken.None);
        var tagId = await PredictionWorld.CreateTagAsync(db, "churn_small", PredictionWorld.ChurnDefinition, "high", "medium", "low");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => PredictionWorld.Predictions(db, Now).RefreshAsync(tagId, retrain: false));

        output.WriteLine(error.Message);
        Assert.StartsWith("Predictive tag churn_small cannot be trained: as of 2026-08-26 there are ", error.Message);
        Assert.Matches(@"there are \d+ training rows \(\d+ churned, \d+ not\) and \d+ holdout rows", error.Message);
        Assert.Contains("at least 200 rows", error.Message);
        Assert.False(await db.PredictiveModels.AnyAsync());
        Assert.False(await db.TagAssignments.AnyAsync(a => a.TagId == tagId));
    }

    [Fact]
    public async Task Refresh_trains_scores_and_assigns_the_same_way_on_PostgreSQL()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.PostgreSql);
        await using var db = database.CreateContext();
        await new DemoWorkspaceSeeder(db, NullLogger<DemoWorkspaceSeeder>.Instance)
            .SeedAsync(new DemoSeedOptions { Customers = 3_000, Events = 30_000, Orders = 4_500, Now = Now }, CancellationToken.None);
        var tagId = await PredictionWorld.CreateTagAsync(db, "churn_pg", PredictionWorld.ChurnDefinition, "high", "medium", "low");
        // A lead score change after the cutoff makes training rebuild lead scores from the change log.
        db.LeadScoreChanges.Add(new LeadScoreChange { CustomerId = 1, Points = 5, Total = 5, Reason = "test", At = Now.AddDays(-1) });
        await db.SaveChangesAsync();

        var first = await PredictionWorld.Predictions(db, Now).RefreshAsync(tagId, retrain: false);
        var again = await PredictionWorld.Predictions(db, Now).RefreshAsync(tagId, retrain: false);

        var quality = await PredictionWorld.Predictions(db, Now).QualityAsync(tagId);
        Assert.NotNull(quality);
        output.WriteLine($"PostgreSQL, 3,000 customers: AUC {quality.Auc:F3}, {quality.TrainingRows} training rows, first refresh {first.Elapsed.TotalSeconds:F2} s");
        Assert.Equal(quality.HoldoutRows, quality.Calibration.Sum(b => b.Count));
        Assert.Equal(await LiveBuyers(db).CountAsync(), quality.ScoredCustomers);
        Assert.Equal((quality.ScoredCustomers, quality.ScoredCustomers), (first.Added, first.Coverage));
        Assert.Equal((0, 0, 0), (again.Added, again.Removed, again.Changed));
    }
}
