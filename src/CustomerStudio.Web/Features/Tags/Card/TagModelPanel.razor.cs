using CustomerStudio.Core.Data;
using CustomerStudio.Core.Scoring;
using CustomerStudio.Core.Tags;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CustomerStudio.Web.Features.Tags.Card;

/// <summary>
/// The model tab of a predictive tag. Reads the tag's trained models (newest first) and the quality figures stored
/// with each (<see cref="ModelQuality"/> in <see cref="PredictiveModel.MetricsJson"/>); "Retrain now" trains and scores at once.
/// </summary>
public sealed partial class TagModelPanel
{
    private List<PredictiveModel>? _models;
    private ModelQuality? _quality;
    private List<ChartSeries<double>> _calibration = [];
    private string[] _bins = [];
    private List<ChartSeries<double>> _aucSeries = [];
    private string[] _versions = [];
    private bool _training;
    private string? _explainId;
    private string? _explainError;
    private CustomerScore? _explained;
    private string? _failure;

    [Inject] private IDbContextFactory<StudioDbContext> DbFactory { get; set; } = default!;
    [Inject] private IServiceScopeFactory Scopes { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [Parameter, EditorRequired] public Tag Tag { get; set; } = default!;
    [Parameter] public bool CanRetrain { get; set; }
    [Parameter] public EventCallback OnRetrained { get; set; }

    private double MaxWeight => Math.Max(1e-9, _quality?.TopFeatures.Take(10).Max(f => Math.Abs(f.Weight)) ?? 1);

    protected override Task OnParametersSetAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            _models = await db.PredictiveModels.AsNoTracking().Where(m => m.TagId == Tag.Id)
                .OrderByDescending(m => m.Version).ThenByDescending(m => m.TrainedAt)
                .Select(m => new PredictiveModel { Id = m.Id, TagId = m.TagId, Name = m.Name, Version = m.Version, Auc = m.Auc, TrainedAt = m.TrainedAt })
                .ToListAsync();
        }
        _quality = _models.Count == 0 ? null : await Scopes.RunAsync(sp => sp.GetRequiredService<TagPredictions>().QualityAsync(Tag.Id));
        if (_quality is { } q)
        {
            // Rates as percentages: the chart's axis ticks are whole numbers.
            _bins = [.. q.Calibration.Select(b => b.From.ToString("0.0"))];
            _calibration =
            [
                new ChartSeries<double> { Name = L["TagModel_Predicted"], Data = new ChartData<double>([.. q.Calibration.Select(b => Math.Round((b.MeanPredicted ?? 0) * 100, 1))]) },
                new ChartSeries<double> { Name = L["TagModel_Observed"], Data = new ChartData<double>([.. q.Calibration.Select(b => Math.Round((b.ObservedRate ?? 0) * 100, 1))]) },
            ];
        }
        var history = _models.AsEnumerable().Reverse().ToList();
        _versions = [.. history.Select(m => $"v{m.Version}")];
        _aucSeries = [new ChartSeries<double> { Name = L["TagModel_Auc"] + " (%)", Data = new ChartData<double>([.. history.Select(m => Math.Round((m.Auc ?? 0) * 100, 1))]) }];
    }

    private async Task ExplainAsync()
    {
        _explainError = null;
        _explained = null;
        if (!long.TryParse(_explainId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var customerId))
        {
            _explainError = L["TagAssign_NoIds"];
            return;
        }
        _explained = await Scopes.RunAsync(sp => sp.GetRequiredService<TagPredictions>().ScoreOfAsync(Tag.Id, customerId));
        if (_explained is null) _explainError = string.Format(L["TagModel_NoScore"], customerId);
    }

    private string FeatureText(string feature) => L["Feature_" + feature] is { ResourceNotFound: false } text ? text : feature;

    private async Task RetrainAsync()
    {
        _training = true;
        _failure = null;
        try
        {
            var result = await Scopes.RunAsync(sp => sp.GetRequiredService<TagPredictions>().RefreshAsync(Tag.Id, retrain: true));
            Snackbar.Add(string.Format(L["TagModel_Retrained"], result.Coverage.ToString("N0")), Severity.Success);
            await LoadAsync();
            await OnRetrained.InvokeAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _failure = string.Format(L["TagModel_RetrainFailed"], ex.Message);
        }
        finally
        {
            _training = false;
        }
    }
}
