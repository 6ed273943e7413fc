using System.Globalization;
using System.Security.Claims;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Security;
using CustomerStudio.Core.Segments;
using CustomerStudio.Web.Components.Shared;
using CustomerStudio.Web.Features.Segments.Builder;
using CustomerStudio.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CustomerStudio.Web.Features.Segments;

/// <summary>Creates or edits a segment: details, the condition builder, its live audience, and its size over time.</summary>
public sealed partial class SegmentBuilderPage : IDisposable
{
    private static readonly string[] FieldPaths = ["code", "name", "refreshCron"];

    private int? _loadedId = -1;
    private int _memberCount;
    private bool _notFound;
    private bool _saving;
    private ConditionCatalog? _catalog;
    private ConditionTree? _tree;
    private IReadOnlyList<string> _eventTypes = [];
    private IReadOnlyList<ConditionError> _loadErrors = [];
    private IReadOnlyList<ConditionError> _conditionErrors = [];
    private List<ConditionError> _saveErrors = [];
    private Dictionary<string, string> _fieldErrors = [];
    private string _json = "";
    private Condition? _condition;
    private string _sentence = "";
    private string? _savedCode;
    private string? _savedName;
    private string? _code;
    private string? _name;
    private string? _description;
    private SegmentKind _kind = SegmentKind.Dynamic;
    private string? _cron;
    private List<ChartSeries<double>> _sizeSeries = [];
    private string[] _sizeLabels = [];

    [Inject] private IDbContextFactory<StudioDbContext> DbFactory { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Auth { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private WorkspaceClock WorkspaceClock { get; set; } = default!;
    [Inject] private IServiceProvider Services { get; set; } = default!;

    [Parameter] public int? Id { get; set; }

    internal ConditionTree? Tree => _tree;
    internal string Json => _json;

    protected override async Task OnParametersSetAsync()
    {
        if (_loadedId == Id) return;
        _loadedId = Id;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        (_notFound, _saveErrors, _fieldErrors, _conditionErrors, _loadErrors) = (false, [], [], [], []);
        await using var db = await DbFactory.CreateDbContextAsync();
        _catalog = await ConditionCatalog.LoadAsync(db);
        _eventTypes = await db.Events.AsNoTracking().Select(e => e.Type).Distinct().OrderBy(t => t).Take(500).ToListAsync();

        ConditionTree tree;
        if (Id is { } id)
        {
            var segment = await db.Segments.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id);
            if (segment is null)
            {
                _notFound = true;
                return;
            }
            (_savedCode, _savedName, _code, _name, _description, _kind, _cron) =
                (segment.Code, segment.Name, segment.Code, segment.Name, segment.Description, segment.Kind, segment.RefreshCron);
            tree = ConditionTree.Open(segment.DefinitionJson, out _loadErrors);
            _memberCount = segment.MemberCount;
            await LoadSizesAsync(db, id);
        }
        else
        {
            (_savedCode, _savedName, _code, _name, _description, _kind, _cron) = (null, null, "", "", null, SegmentKind.Dynamic, null);
            (_sizeSeries, _sizeLabels) = ([], []);
            tree = new ConditionTree();
        }
        UseTree(tree);
    }

    private async Task LoadSizesAsync(StudioDbContext db, int id)
    {
        var sizes = await db.SegmentSizeSnapshots.AsNoTracking().Where(s => s.SegmentId == id)
            .OrderByDescending(s => s.At).ThenByDescending(s => s.Id).Take(60).ToListAsync();
        sizes.Reverse();
        var zone = await WorkspaceClock.ZoneAsync();
        _sizeLabels = [.. sizes.Select(s => TimeZoneInfo.ConvertTimeFromUtc(s.At, zone).ToString("M/d HH:mm", CultureInfo.CurrentCulture))];
        _sizeSeries = sizes.Count == 0 ? [] :
        [
            new ChartSeries<double> { Name = L["Segment_Size"], Data = new ChartData<double>([.. sizes.Select(s => (double)s.Size)]) },
        ];
    }

    private void UseTree(ConditionTree tree)
    {
        if (_tree is not null) _tree.Changed -= OnTreeChanged;
        _tree = tree;
        _tree.Changed += OnTreeChanged;
        Describe();
    }

    private void OnTreeChanged()
    {
        Describe();
        StateHasChanged();
    }

    private void Describe()
    {
        var condition = _condition = _tree!.ToStoredCondition();
        _json = ConditionJson.ToJson(condition);
        _sentence = ConditionSentence.Render(condition, _catalog, CultureInfo.CurrentUICulture);
    }

    private void OnConditionErrors(IReadOnlyList<ConditionError> errors) => _conditionErrors = errors;

    private string? FieldError(string path) => _fieldErrors.GetValueOrDefault(path);

    private string KindText(SegmentKind kind) => L["SegmentKind_" + kind];

    private async Task SaveAsync()
    {
        if (_tree is null) return;
        _saving = true;
        try
        {
            var user = (await Auth.GetAuthenticationStateAsync()).User;
            var actor = user.ToActor();
            var draft = new SegmentDraft((_code ?? "").Trim(), _name ?? "", string.IsNullOrWhiteSpace(_description) ? null : _description,
                _kind, _tree.ToJson(), string.IsNullOrWhiteSpace(_cron) ? null : _cron.Trim());

            await using var db = await DbFactory.CreateDbContextAsync();
            var result = await new SegmentService(db, Clock).SaveAsync(Id, draft, actor);
            if (!result.Ok)
            {
                _fieldErrors = result.Errors.Where(e => FieldPaths.Contains(e.Path))
                    .GroupBy(e => e.Path).ToDictionary(g => g.Key, g => string.Join("; ", g.Select(e => e.Message())));
                _saveErrors = [.. result.Errors.Where(e => !FieldPaths.Contains(e.Path))];
                var conditionErrors = result.Errors.Where(e => e.Path.StartsWith('$')).ToList();
                if (conditionErrors.Count > 0) _conditionErrors = conditionErrors;
                Snackbar.Add(L["Segment_SaveFailed"], Severity.Error);
                return;
            }

            (_fieldErrors, _saveErrors) = ([], []);
            var saved = result.Segment!;
            // The refresh schedule follows the saved cron (the scheduler is absent where segments are not scheduled).
            if (Services.GetService<SegmentSchedule>() is { } schedule) await schedule.SyncAsync(saved.Id);
            Snackbar.Add(result.Refresh is { } r
                ? string.Format(L["Segment_SavedWithSize"], saved.Name, r.Members.ToString("N0"))
                : string.Format(L["Segment_Saved"], saved.Name), Severity.Success);
            if (Id == saved.Id)
            {
                _loadedId = saved.Id;
                await LoadAsync();
            }
            else
            {
                Navigation.NavigateTo($"/segments/{saved.Id}");
            }
        }
        finally
        {
            _saving = false;
        }
    }

    public void Dispose()
    {
        if (_tree is not null) _tree.Changed -= OnTreeChanged;
    }
}
