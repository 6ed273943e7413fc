using System.Diagnostics;
using System.Text.Json;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Scoring;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Core.Tags;

/// <summary>
/// Predictive tags: trains a model on the workspace's own history (features as of <c>now − horizon</c>, the outcome
/// observed since), scores every live customer of the model's population, stores the scores with the features that
/// moved them, and assigns values from score thresholds, writing only the differences (docs/decisions/0006).
/// </summary>
public sealed class TagPredictions(StudioDbContext db, TagAssignments assignments, TimeProvider clock)
{
    /// <summary>Customer ids per pass: bounds memory and keeps each grouping query on an index range at a million customers.</summary>
    private const long RangeWidth = 100_000;
    /// <summary>Above this, training keeps a stable random sample: more rows add little to a 21-weight model.</summary>
    private const int MaxTrainingRows = 300_000;

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>Scores every live customer (training first when asked, or when there is no model or it is older than its retrain period).</summary>
    public async Task<RecomputeResult> RefreshAsync(int tagId, bool retrain, CancellationToken ct = default)
    {
        var started = Stopwatch.StartNew();
        var now = Now;
        var tag = await db.Tags.AsNoTracking().Include(t => t.Values).FirstAsync(t => t.Id == tagId, ct);
        if (tag.Kind != TagKind.Predictive) throw new InvalidOperationException($"Tag {tag.Code} is not a predictive tag.");
        var settings = SettingsOf(tag);
        var bands = BandsOf(tag, settings);

        var latest = await db.PredictiveModels.AsNoTracking().Where(m => m.TagId == tagId)
            .OrderByDescending(m => m.Version).FirstOrDefaultAsync(ct);
        var metrics = ModelMetrics.Parse(latest?.MetricsJson);
        TagModel model;
        int modelId, version;
        if (retrain || latest?.ModelBlob is null || metrics is null || !metrics.Fits
            || metrics.Target != settings.Target || metrics.HorizonDays != settings.HorizonDays
            || latest.TrainedAt <= now.AddDays(-settings.RetrainDays))
        {
            model = await TrainAsync(tag, settings, now, ct);
            version = (latest?.Version ?? 0) + 1;
            var entity = new PredictiveModel
            {
                TagId = tagId, Name = $"{tag.Code} v{version}", Version = version, Auc = model.Metrics.Auc,
                MetricsJson = model.Metrics.ToJson(), ModelBlob = model.Save(), TrainedAt = now,
            };
            db.PredictiveModels.Add(entity);
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            (modelId, version) = (entity.Id, entity.Version);
        }
        else
        {
            model = TagModel.Load(latest.ModelBlob, metrics);
            (modelId, version) = (latest.Id, latest.Version);
        }

        var (scores, wanted) = await ScoreAsync(tag, settings.Target, model, modelId, bands, now, ct);
        var diff = await assignments.ApplyComputedAsync(tag, wanted, AssignmentSource.Model, $"model v{version}", scores, ct);
        await db.Tags.Where(t => t.Id == tagId).ExecuteUpdateAsync(u => u.SetProperty(t => t.LastComputedAt, now), ct);
        await TagCoverage.RecordAsync(db, tagId, diff.Carrying, now, ct);
        return new RecomputeResult(tagId, diff.Added, diff.Removed, diff.Changed, diff.Carrying, started.Elapsed);
    }

    /// <summary>The latest model's quality for the tag card; null before the first training.</summary>
    public async Task<ModelQuality?> QualityAsync(int tagId, CancellationToken ct = default)
    {
        var latest = await db.PredictiveModels.AsNoTracking().Where(m => m.TagId == tagId).OrderByDescending(m => m.Version)
            .Select(m => new { m.Id, m.Version, m.TrainedAt, m.MetricsJson }).FirstOrDefaultAsync(ct);
        if (ModelMetrics.Parse(latest?.MetricsJson) is not { } metrics) return null;
        var scored = await db.PredictiveScores.CountAsync(s => s.ModelId == latest!.Id, ct);
        return new ModelQuality(tagId, latest!.Id, latest.Version, latest.TrainedAt, metrics.Target, metrics.HorizonDays, metrics.Cutoff,
            metrics.Auc, metrics.LogLoss, metrics.TrainingRows, metrics.HoldoutRows, metrics.PositiveRate, metrics.Calibration,
            metrics.Features.OrderByDescending(f => Math.Abs(f.Weight)).Select(f => new FeatureWeight(f.Name, Math.Round(f.Weight, 4))).ToList(),
            scored);
    }

    /// <summary>The features that moved a customer's latest score most (empty when the customer has no score).</summary>
    public async Task<IReadOnlyList<FeatureContribution>> ExplainAsync(int tagId, long customerId, CancellationToken ct = default) =>
        (await ScoreOfAsync(tagId, customerId, ct))?.TopFeatures ?? [];

    /// <summary>A customer's latest score for the tag with its top features; null when the customer has none.</summary>
    public async Task<CustomerScore?> ScoreOfAsync(int tagId, long customerId, CancellationToken ct = default)
    {
        var row = await (from s in db.PredictiveScores.AsNoTracking()
                         join m in db.PredictiveModels on s.ModelId equals m.Id
                         where m.TagId == tagId && s.CustomerId == customerId
                         orderby m.Version descending
                         select new { s.Score, s.TopFeaturesJson, s.ComputedAt, m.Version }).FirstOrDefaultAsync(ct);
        if (row is null) return null;
        var features = row.TopFeaturesJson is null ? [] : JsonSerializer.Deserialize<List<FeatureContribution>>(row.TopFeaturesJson, Json) ?? [];
        return new CustomerScore(customerId, row.Version, row.Score, row.ComputedAt, features);
    }

    // ------------------------------------------------------------------ training

    private async Task<TagModel> TrainAsync(Tag tag, PredictiveSettings settings, DateTime now, CancellationToken ct)
    {
        var cutoff = now.AddDays(-settings.HorizonDays);
        var candidates = await db.Customers.CountAsync(c => c.MergedIntoId == null && c.CreatedAt < cutoff, ct);
        var sample = Math.Min(1.0, (double)MaxTrainingRows / Math.Max(1, candidates) / 0.8);
        var training = new List<FeatureRow>();
        var holdout = new List<FeatureRow>();
        foreach (var (from, to) in await RangesAsync(ct))
        {
            var rows = await CustomerFeatures.ComputeAsync(db, settings.Target, cutoff, from, to, ct);
            if (rows.Count == 0) continue;
            var bought = await CustomerFeatures.BuyersAsync(db, cutoff, now, from, to, ct);
            foreach (var row in rows)
            {
                var hash = Mix(row.CustomerId);
                if ((hash >> 16) % 1_000_000 >= sample * 1_000_000) continue;
                row.Label = settings.Target == PredictionTarget.Churn ? !bought.Contains(row.CustomerId) : bought.Contains(row.CustomerId);
                // The split follows the customer id, so a customer stays on the same side from one training to the next.
                (hash % 5 == 0 ? holdout : training).Add(row);
            }
        }

        var (trainPositive, holdoutPositive) = (training.Count(r => r.Label), holdout.Count(r => r.Label));
        if (training.Count < TagModel.MinimumTrainingRows || trainPositive == 0 || trainPositive == training.Count
            || holdoutPositive == 0 || holdoutPositive == holdout.Count)
        {
            var outcome = settings.Target == PredictionTarget.Churn ? "churned" : "bought";
            throw new InvalidOperationException(
                $"Predictive tag {tag.Code} cannot be trained: as of {cutoff:yyyy-MM-dd} there are {training.Count} training rows " +
                $"({trainPositive} {outcome}, {training.Count - trainPositive} not) and {holdout.Count} holdout rows " +
                $"({holdoutPositive} {outcome}, {holdout.Count - holdoutPositive} not); training needs at least " +
                $"{TagModel.MinimumTrainingRows} rows and both outcomes in each.");
        }
        return TagModel.Train(training, holdout, settings.Target, settings.HorizonDays, cutoff);
    }

    // ------------------------------------------------------------------ scoring

    private async Task<(Dictionary<long, double> Scores, HashSet<(long, int)> Wanted)> ScoreAsync(
        Tag tag, PredictionTarget target, TagModel model, int modelId, IReadOnlyList<(double Min, int ValueId)> bands, DateTime now, CancellationToken ct)
    {
        var tagModels = await db.PredictiveModels.Where(m => m.TagId == tag.Id).Select(m => m.Id).ToListAsync(ct);
        var scores = new Dictionary<long, double>();
        var wanted = new HashSet<(long, int)>();
        foreach (var (from, to) in await RangesAsync(ct))
        {
            var rows = await CustomerFeatures.ComputeAsync(db, target, now, from, to, ct);
            var probabilities = model.Predict(rows);
            var stored = new List<PredictiveScore>(rows.Count);
            for (var i = 0; i < rows.Count; i++)
            {
                var id = rows[i].CustomerId;
                double score = probabilities[i];
                scores[id] = score;
                stored.Add(new PredictiveScore
                {
                    CustomerId = id, ModelId = modelId, Score = score, ComputedAt = now,
                    TopFeaturesJson = JsonSerializer.Serialize(model.Explain(rows[i]), Json),
                });
                foreach (var (min, valueId) in bands)
                    if (score >= min)
                    {
                        wanted.Add((id, valueId));
                        break;
                    }
            }

            // Replaces the range's scores of every model of the tag: merged-away and no longer eligible customers lose theirs.
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await db.PredictiveScores.Where(s => tagModels.Contains(s.ModelId) && s.CustomerId >= from && s.CustomerId < to).ExecuteDeleteAsync(ct);
            await ModelBulkInsert.InsertAsync(db, transaction, stored, ct);
            await transaction.CommitAsync(ct);
        }
        return (scores, wanted);
    }

    // ------------------------------------------------------------------ helpers

    private static PredictiveSettings SettingsOf(Tag tag)
    {
        var (definition, errors) = TagDefinition.Parse(tag.DefinitionJson);
        if (definition is null) throw new InvalidOperationException($"Predictive tag {tag.Code} has an invalid definition: {string.Join("; ", errors)}");
        var settings = definition.Model ?? throw new InvalidOperationException($"Predictive tag {tag.Code} has no model settings.");
        if (settings.HorizonDays <= 0) throw new InvalidOperationException($"Predictive tag {tag.Code}: the horizon must be at least one day.");
        return settings;
    }

    /// <summary>Score bands, highest minimum first, with the value id each one assigns (0 for a tag without values).</summary>
    private static List<(double Min, int ValueId)> BandsOf(Tag tag, PredictiveSettings settings)
    {
        if (settings.Thresholds.Count == 0) throw new InvalidOperationException($"Predictive tag {tag.Code} has no score thresholds.");
        var values = tag.Values.ToDictionary(v => v.Code, v => v.Id);
        return settings.Thresholds.OrderByDescending(t => t.Min).Select(t =>
        {
            if (values.Count == 0) return (t.Min, 0);
            if (t.Value is null || !values.TryGetValue(t.Value, out var id))
                throw new InvalidOperationException($"Predictive tag {tag.Code}: threshold value '{t.Value}' is not one of its values.");
            return (t.Min, id);
        }).ToList();
    }

    /// <summary>Consecutive id ranges covering every customer id (the first and last open-ended).</summary>
    private async Task<List<(long From, long To)>> RangesAsync(CancellationToken ct)
    {
        var min = await db.Customers.MinAsync(c => (long?)c.Id, ct);
        var max = await db.Customers.MaxAsync(c => (long?)c.Id, ct);
        if (min is null || max is null) return [(long.MinValue, long.MaxValue)];
        var ranges = new List<(long, long)>();
        for (var start = min.Value; start <= max.Value; start += RangeWidth)
            ranges.Add((start == min.Value ? long.MinValue : start, start + RangeWidth > max.Value ? long.MaxValue : start + RangeWidth));
        return ranges;
    }

    /// <summary>A fixed 64-bit mix of the customer id (SplitMix64): a stable, well-spread coin for splitting and sampling.</summary>
    private static ulong Mix(long id)
    {
        var z = unchecked((ulong)id + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
