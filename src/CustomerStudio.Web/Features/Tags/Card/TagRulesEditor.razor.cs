using System.Globalization;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Tags;
using CustomerStudio.Web.Features.Segments.Builder;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerStudio.Web.Features.Tags.Card;

/// <summary>
/// Edits a rule tag's rules with the segment builder's <see cref="ConditionBuilder"/>, one per rule, and keeps a live,
/// debounced preview of how many customers each value would get (<see cref="TagRuleEngine.PreviewAsync"/>): like the
/// segment builder's audience count, an edit cancels the query before it. The preview's errors are shown on the nodes.
/// </summary>
public sealed partial class TagRulesEditor : IDisposable
{
    private readonly HashSet<ConditionTree> _subscribed = [];
    private CancellationTokenSource? _cts;
    private string? _previewKey;
    private bool _running;
    private bool _previewed;
    private IReadOnlyList<RulePreview>? _preview;
    private IReadOnlyList<ConditionError> _previewErrors = [];
    private string? _failure;

    [Inject] private IServiceScopeFactory Scopes { get; set; } = default!;

    [Parameter, EditorRequired] public TagCardModel Model { get; set; } = default!;
    [Parameter, EditorRequired] public ConditionCatalog Catalog { get; set; } = default!;
    [Parameter] public IReadOnlyList<string> EventTypes { get; set; } = [];
    [Parameter] public bool ReadOnly { get; set; }
    /// <summary>Errors from the last save, with paths into the card (<c>definition.rules[0].condition.all[1].op</c>).</summary>
    [Parameter] public IReadOnlyList<ConditionError> Errors { get; set; } = [];
    [Parameter] public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(400);

    internal IReadOnlyList<RulePreview>? Preview => _preview;

    private string PreviewState => _running ? "running" : _preview is not null ? "done" : _previewErrors.Count > 0 ? "invalid" : "idle";

    private bool IsZh => CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase);

    protected override void OnParametersSet()
    {
        Subscribe();
        SchedulePreview();
    }

    private void Subscribe()
    {
        foreach (var rule in Model.Rules)
            if (_subscribed.Add(rule.Tree))
                rule.Tree.Changed += OnTreeChanged;
    }

    private void OnTreeChanged()
    {
        SchedulePreview();
        StateHasChanged();
    }

    /// <summary>Counts again when the rules, the values or the code changed since the last count.</summary>
    public void SchedulePreview()
    {
        var code = (Model.Code ?? "").Trim();
        var values = Model.Values.Select(v => (v.Code ?? "").Trim()).Where(v => v.Length > 0).Distinct().ToList();
        var definition = Model.RuleDefinition();
        var key = $"{code}|{string.Join(",", values)}|{definition.ToJson()}";
        if (key == _previewKey) return;
        _previewKey = key;
        _cts?.Cancel();
        _cts = new CancellationTokenSource();
        _ = RunPreviewAsync(code, definition, values, _cts.Token);
    }

    private async Task RunPreviewAsync(string code, TagDefinition definition, IReadOnlyList<string> values, CancellationToken ct)
    {
        try
        {
            await Task.Delay(Delay, ct);
            await InvokeAsync(() =>
            {
                _running = true;
                StateHasChanged();
            });
            var (preview, errors) = await Scopes.RunAsync(sp => sp.GetRequiredService<TagRuleEngine>().PreviewAsync(code, definition, values, ct));
            await InvokeAsync(() =>
            {
                if (ct.IsCancellationRequested) return;
                (_running, _previewed, _preview, _previewErrors, _failure) = (false, true, errors.Count > 0 ? null : preview, errors, null);
                StateHasChanged();
            });
        }
        catch (Exception ex)
        {
            if (ct.IsCancellationRequested) return; // a newer edit took over
            await InvokeAsync(() =>
            {
                (_running, _preview, _failure) = (false, null, ex.Message);
                StateHasChanged();
            });
        }
    }

    // ------------------------------------------------------------------ errors by rule

    /// <summary>The freshest errors: the live preview's once it has run (it compiles exactly what a save would), else the save's.</summary>
    private IEnumerable<ConditionError> Current =>
        _previewed ? _previewErrors : Errors.Where(e => e.Path.StartsWith("definition", StringComparison.Ordinal)).Select(e => e with { Path = "$" + e.Path["definition".Length..] });

    private IEnumerable<ConditionError> SectionErrors => Current.Where(e => e.Path is "$.rules" or "$" or "$.match");

    private IReadOnlyList<ConditionError> ConditionErrors(int index)
    {
        var prefix = $"$.rules[{index}].condition";
        // A single condition is stored without the builder's root group: its errors point below that group.
        var root = TagCardModel.UnwrappedPrefix(Model.Rules[index].Tree) ?? "$";
        return [.. Current.Where(e => e.Path == prefix || e.Path.StartsWith(prefix + ".", StringComparison.Ordinal) || e.Path.StartsWith(prefix + "[", StringComparison.Ordinal))
            .Select(e => e with { Path = root + e.Path[prefix.Length..] })];
    }

    private string? ValueError(int index)
    {
        var messages = Current.Where(e => e.Path == $"$.rules[{index}].value").Select(e => e.Message()).ToList();
        return messages.Count == 0 ? null : string.Join("; ", messages);
    }

    private int? CountOf(RuleRow rule)
    {
        var value = string.IsNullOrWhiteSpace(rule.Value) ? null : rule.Value.Trim();
        return _preview?.FirstOrDefault(p => p.Value == value)?.Customers;
    }

    // ------------------------------------------------------------------ editing

    private string MatchText(RuleMatch match) => L["TagRulesMatch_" + match];

    private string ValueText(string? code) =>
        Model.Values.FirstOrDefault(v => v.Code == code) is { } v ? $"{(IsZh ? v.NameZh : v.NameEn)} ({v.Code})" : code ?? "";

    private string ValueName(string code) =>
        Model.Values.FirstOrDefault(v => v.Code == code) is { } v ? (IsZh ? v.NameZh : v.NameEn) : code;

    private string Sentence(RuleRow rule) => ConditionSentence.Render(rule.Tree.ToStoredCondition(), Catalog, CultureInfo.CurrentUICulture);

    private void SetMatch(RuleMatch match)
    {
        Model.Match = match;
        SchedulePreview();
    }

    private void SetValue(RuleRow rule, string? value)
    {
        rule.Value = value;
        SchedulePreview();
    }

    private void Add()
    {
        Model.AddRule();
        Subscribe();
        SchedulePreview();
    }

    private void Remove(int index)
    {
        var rule = Model.Rules[index];
        Model.Rules.RemoveAt(index);
        if (_subscribed.Remove(rule.Tree)) rule.Tree.Changed -= OnTreeChanged;
        SchedulePreview();
    }

    private void Move(int index, int by)
    {
        var rule = Model.Rules[index];
        Model.Rules.RemoveAt(index);
        Model.Rules.Insert(index + by, rule);
        SchedulePreview();
    }

    public void Dispose()
    {
        foreach (var tree in _subscribed) tree.Changed -= OnTreeChanged;
        _subscribed.Clear();
        _cts?.Cancel();
        _cts = null;
    }
}
