using CustomerStudio.Core.Data;

namespace CustomerStudio.Core.Tags;

/// <summary>Predictive tags: trains a model on the workspace's history, scores customers, assigns values from score thresholds.</summary>
public sealed class TagPredictions(StudioDbContext db, TagAssignments assignments, TimeProvider clock)
{
    /// <summary>Scores every live customer (training first when asked, or when there is no model or it is older than its retrain period).</summary>
    public Task<RecomputeResult> RefreshAsync(int tagId, bool retrain, CancellationToken ct = default) =>
        throw new NotImplementedException($"{db}{assignments}{clock}{tagId}{retrain}{ct}");
}
