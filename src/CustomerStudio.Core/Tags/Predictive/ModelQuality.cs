namespace CustomerStudio.Core.Tags;

/// <summary>
/// How good a predictive tag's latest model is, as shown on the tag card: AUC on the holdout, a calibration table and
/// the features that weigh most. Feature names are stable codes (<see cref="CustomerFeatures.Names"/>) for the UI to localize.
/// </summary>
/// <param name="Cutoff">Features were taken as of this moment; the outcome was observed from it until training.</param>
/// <param name="PositiveRate">Share of the population (training and holdout) with the outcome: churned, or bought.</param>
/// <param name="TopFeatures">Every feature with its weight on the normalized feature, largest |weight| first.</param>
/// <param name="ScoredCustomers">Customers holding a score from this model now.</param>
public sealed record ModelQuality(
    int TagId,
    int ModelId,
    int Version,
    DateTime TrainedAt,
    PredictionTarget Target,
    int HorizonDays,
    DateTime Cutoff,
    double Auc,
    double LogLoss,
    int TrainingRows,
    int HoldoutRows,
    double PositiveRate,
    IReadOnlyList<CalibrationBin> Calibration,
    IReadOnlyList<FeatureWeight> TopFeatures,
    int ScoredCustomers);

/// <summary>Holdout customers whose predicted score fell in [From, To): what the model said on average, and what happened.</summary>
public sealed record CalibrationBin(double From, double To, int Count, double? MeanPredicted, double? ObservedRate);

/// <summary>A feature's weight in the linear model, on the normalized (mean 0, variance 1) feature: positive raises the score.</summary>
public sealed record FeatureWeight(string Feature, double Weight);

/// <summary>
/// Why a customer scored as they did: the feature's raw value (days, counts, yuan, 0/1) and its contribution to the
/// score's log-odds against an average customer (weight × normalized value).
/// </summary>
public sealed record FeatureContribution(string Feature, double Value, double Contribution);

/// <summary>A customer's latest score for a predictive tag, with the features that moved it most.</summary>
public sealed record CustomerScore(long CustomerId, int ModelVersion, double Score, DateTime ComputedAt, IReadOnlyList<FeatureContribution> TopFeatures);
