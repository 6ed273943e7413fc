using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms;

namespace CustomerStudio.Core.Tags;

/// <summary>A feature as the model sees it: log(1 + x) or not, then <c>(x − Offset) × Scale</c>, weighted by <see cref="Weight"/>.</summary>
internal sealed record ModelFeature(string Name, bool Log, double Offset, double Scale, double Weight);

/// <summary>What <see cref="Scoring.PredictiveModel"/>'s MetricsJson holds: quality on the holdout and the linear model's parameters.</summary>
internal sealed record ModelMetrics(
    PredictionTarget Target, int HorizonDays, DateTime Cutoff, double Auc, double AucPr, double LogLoss,
    int TrainingRows, int HoldoutRows, double PositiveRate, IReadOnlyList<CalibrationBin> Calibration,
    double Bias, IReadOnlyList<ModelFeature> Features)
{
    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ModelMetrics? Parse(string? json) => json is null ? null : JsonSerializer.Deserialize<ModelMetrics>(json, Json);

    /// <summary>True when the model was trained on the features this code computes (a change to the feature set means retraining).</summary>
    public bool Fits => Features.Select(f => f.Name).SequenceEqual(CustomerFeatures.Names);
}

/// <summary>
/// A churn or purchase model with ML.NET: mean-variance normalization and L-BFGS logistic regression. Linear on
/// normalized features, so every score explains itself as a sum of weight × value, and its probabilities are
/// calibrated by construction (the calibration table on the holdout shows how well).
/// </summary>
internal sealed class TagModel
{
    public const int MinimumTrainingRows = 200;
    private const int CalibrationBins = 10;

    private sealed class Input
    {
        public bool Label { get; set; }

        [VectorType(CustomerFeatures.Count)]
        public float[] Features { get; set; } = [];
    }

    private sealed class Output
    {
        public bool Label { get; set; }
        public float Probability { get; set; }
    }

    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private readonly DataViewSchema _schema;

    public ModelMetrics Metrics { get; }

    private TagModel(MLContext ml, ITransformer model, DataViewSchema schema, ModelMetrics metrics)
    {
        _ml = ml;
        _model = model;
        _schema = schema;
        Metrics = metrics;
    }

    /// <summary>Trains on <paramref name="training"/>, measures on <paramref name="holdout"/>.</summary>
    public static TagModel Train(IReadOnlyList<FeatureRow> training, IReadOnlyList<FeatureRow> holdout, PredictionTarget target, int horizonDays, DateTime cutoff)
    {
        // Seeded and single-threaded: the same history trains the same model.
        var ml = new MLContext(seed: 20261124);
        // Materialized once: L-BFGS passes over the rows many times.
        var trainView = ml.Data.LoadFromEnumerable(training.Select(ToInput).ToList());
        var pipeline = ml.Transforms.NormalizeMeanVariance("Features", fixZero: false)
            .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
            {
                NumberOfThreads = 1,
                L1Regularization = 0,
                L2Regularization = 1,
            }));
        var model = pipeline.Fit(trainView);

        var predictions = model.Transform(ml.Data.LoadFromEnumerable(holdout.Select(ToInput).ToList()));
        var evaluation = ml.BinaryClassification.Evaluate(predictions);
        var scored = ml.Data.CreateEnumerable<Output>(predictions, reuseRowObject: false).ToList();

        var normalizer = AffineParameters(model.First());
        var linear = model.LastTransformer.Model.SubModel;
        var weights = linear.Weights;
        var features = CustomerFeatures.Names.Select((name, i) => new ModelFeature(
            name, CustomerFeatures.Logged.Contains(name),
            normalizer.Offset.Length == 0 ? 0 : normalizer.Offset[i], normalizer.Scale[i], weights[i])).ToList();

        var positives = training.Count(r => r.Label) + holdout.Count(r => r.Label);
        var metrics = new ModelMetrics(target, horizonDays, cutoff, evaluation.AreaUnderRocCurve, evaluation.AreaUnderPrecisionRecallCurve,
            evaluation.LogLoss, training.Count, holdout.Count, (double)positives / (training.Count + holdout.Count),
            Calibration(scored), linear.Bias, features);
        return new TagModel(ml, model, trainView.Schema, metrics);
    }

    public static TagModel Load(byte[] blob, ModelMetrics metrics)
    {
        var ml = new MLContext(seed: 20261124);
        using var stream = new MemoryStream(blob, writable: false);
        var model = ml.Model.Load(stream, out var schema);
        return new TagModel(ml, model, schema, metrics);
    }

    public byte[] Save()
    {
        using var stream = new MemoryStream();
        _ml.Model.Save(_model, _schema, stream);
        return stream.ToArray();
    }

    /// <summary>The probability of the outcome for each row, in order.</summary>
    public float[] Predict(IReadOnlyList<FeatureRow> rows)
    {
        if (rows.Count == 0) return [];
        var view = _model.Transform(_ml.Data.LoadFromEnumerable(rows.Select(ToInput)));
        var result = new float[rows.Count];
        var i = 0;
        foreach (var output in _ml.Data.CreateEnumerable<Output>(view, reuseRowObject: true)) result[i++] = output.Probability;
        return result;
    }

    /// <summary>The features that moved this row's score most (by |contribution|), with their raw values.</summary>
    public IReadOnlyList<FeatureContribution> Explain(FeatureRow row, int top = 3)
    {
        var features = Metrics.Features;
        var best = new List<FeatureContribution>(top + 1);
        for (var i = 0; i < features.Count; i++)
        {
            var f = features[i];
            double raw = row.Values[i];
            var x = f.Log ? Math.Log(1 + Math.Max(0, raw)) : raw;
            var contribution = f.Weight * (x - f.Offset) * f.Scale;
            best.Add(new FeatureContribution(f.Name, Math.Round(raw, 2), Math.Round(contribution, 4)));
            if (best.Count > top)
                best.Remove(best.MinBy(c => Math.Abs(c.Contribution))!);
        }
        return best.OrderByDescending(c => Math.Abs(c.Contribution)).ToList();
    }

    private static Input ToInput(FeatureRow row)
    {
        var v = new float[CustomerFeatures.Count];
        for (var i = 0; i < v.Length; i++)
            v[i] = CustomerFeatures.Logged.Contains(CustomerFeatures.Names[i]) ? MathF.Log(1 + Math.Max(0, row.Values[i])) : row.Values[i];
        return new Input { Label = row.Label, Features = v };
    }

    private static NormalizingTransformer.AffineNormalizerModelParameters<ImmutableArray<float>> AffineParameters(ITransformer first) =>
        ((NormalizingTransformer)first).GetNormalizerModelParameters(0) as NormalizingTransformer.AffineNormalizerModelParameters<ImmutableArray<float>>
        ?? throw new InvalidOperationException("Mean-variance normalization did not give affine parameters.");

    /// <summary>Ten equal-width bins of predicted probability: the mean prediction against the observed rate in each.</summary>
    private static List<CalibrationBin> Calibration(IReadOnlyList<Output> scored) =>
        Enumerable.Range(0, CalibrationBins).Select(b =>
        {
            var inBin = scored.Where(s => Math.Min((int)(s.Probability * CalibrationBins), CalibrationBins - 1) == b).ToList();
            return new CalibrationBin((double)b / CalibrationBins, (double)(b + 1) / CalibrationBins, inBin.Count,
                inBin.Count == 0 ? null : Math.Round(inBin.Average(s => (double)s.Probability), 4),
                inBin.Count == 0 ? null : Math.Round(inBin.Count(s => s.Label) / (double)inBin.Count, 4));
        }).ToList();
}
