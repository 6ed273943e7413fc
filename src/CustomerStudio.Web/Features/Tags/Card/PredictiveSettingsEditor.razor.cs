using System.Globalization;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Tags;
using Microsoft.AspNetCore.Components;

namespace CustomerStudio.Web.Features.Tags.Card;

/// <summary>A predictive tag's model: what it foresees, how far ahead, how often it retrains, and the score bands that become values.</summary>
public sealed partial class PredictiveSettingsEditor
{
    [Parameter, EditorRequired] public TagCardModel Model { get; set; } = default!;
    [Parameter] public bool ReadOnly { get; set; }
    [Parameter] public IReadOnlyList<ConditionError> Errors { get; set; } = [];

    private bool IsZh => CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase);

    private string? Error(string path)
    {
        var messages = Errors.Where(e => e.Path == path).Select(e => e.Message()).ToList();
        return messages.Count == 0 ? null : string.Join("; ", messages);
    }

    private string TargetText(PredictionTarget target) => L["TagModelTarget_" + target];

    private string ValueText(string? code) =>
        Model.Values.FirstOrDefault(v => v.Code == code) is { } v ? $"{(IsZh ? v.NameZh : v.NameEn)} ({v.Code})" : code ?? "";

    private void Add()
    {
        // Bands run from the highest score down: a new one starts below the last.
        var last = Model.Thresholds.LastOrDefault()?.Min ?? 1;
        Model.Thresholds.Add(new ThresholdRow { Value = Model.Values.Skip(Model.Thresholds.Count).FirstOrDefault()?.Code, Min = Math.Max(0, Math.Round(last - 0.3, 2)) });
    }
}
