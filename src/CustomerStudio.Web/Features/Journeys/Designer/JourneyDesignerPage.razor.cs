using System.Diagnostics;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Journeys;
using CustomerStudio.Core.Journeys.Definition;
using CustomerStudio.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace CustomerStudio.Web.Features.Journeys.Designer;

/// <summary>
/// The journey designer: palette, canvas and side panel (node settings, journey rules, problems). The draft is checked
/// after every edit against the workspace loaded when the page opened, so markers and the problem list are what
/// publishing would refuse. Saving keeps the draft even with problems; publishing saves first, then creates the next
/// version. A published journey shows its figures per node, and its runs (instances, parked messages) to operate.
/// </summary>
public sealed partial class JourneyDesignerPage : IDisposable
{
    /// <summary>The side panel's tab index of the runs (after settings, problems and dry run).</summary>
    private const int RunsTab = 3;

    private int? _loadedId;
    private bool _notFound;
    private bool _busy;
    private Journey? _journey;
    private JourneyDiagram? _diagram;
    private DesignerCatalog? _catalog;
    private NodeText? _text;
    private JourneyCanvas? _canvas;
    private string? _name;
    private string? _description;
    private IReadOnlyList<ConditionError> _loadProblems = [];
    private IReadOnlyList<ConditionError> _problems = [];
    private Dictionary<string, IReadOnlyList<string>> _nodeProblems = [];
    private HashSet<JourneyEdge> _edgeProblems = [];
    private JourneyStatsResult? _stats;
    private bool _showStats;
    private int _statsVersion;
    private CanvasPath? _path;
    private int _tab;
    private JourneyRunsPanel? _runs;
    private string? _savedNote;

    [Inject] private IDbContextFactory<StudioDbContext> DbFactory { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Auth { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private DesignerClipboard Clipboard { get; set; } = default!;
    [Inject] private ILogger<JourneyDesignerPage> Log { get; set; } = default!;

    [Parameter] public int Id { get; set; }

    internal JourneyDiagram? Diagram => _diagram;
    internal JourneyCanvas? Canvas => _canvas;
    internal IReadOnlyList<ConditionError> Problems => _problems;
    internal Journey? Journey => _journey;

    private bool ReadOnly => _journey?.Status == JourneyStatus.Archived;

    /// <summary>A journey that was ever published (published, paused or archived) has runs to operate.</summary>
    private bool HasRuns => _journey?.PublishedVersion is not null;

    private bool Dirty => _diagram is not null && _journey is not null
        && (_diagram.Dirty || (_name ?? "") != _journey.Name || (_description ?? "") != (_journey.Description ?? ""));

    protected override async Task OnParametersSetAsync()
    {
        if (_loadedId == Id) return;
        _loadedId = Id;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var started = Stopwatch.StartNew();
        await using var db = await DbFactory.CreateDbContextAsync();
        var journey = await db.Journeys.AsNoTracking().FirstOrDefaultAsync(j => j.Id == Id);
        if (journey is null)
        {
            _notFound = true;
            return;
        }
        _catalog = await DesignerCatalog.LoadAsync(db, Clock.GetUtcNow().UtcDateTime);
        _text = new NodeText(L, _catalog);
        UseDiagram(JourneyDiagram.Open(journey.DraftJson, out _loadProblems));
        _journey = journey;
        // Another journey opened in the same page starts at its settings (it may have no runs tab).
        _tab = 0;
        (_name, _description) = (journey.Name, journey.Description);
        _showStats = journey.PublishedVersion is not null;
        _stats = null;
        Check();
        Log.LogDebug("Journey {Id} loaded in {Ms} ms ({Nodes} nodes)", Id, started.ElapsedMilliseconds, _diagram!.Nodes.Count);
    }

    private void UseDiagram(JourneyDiagram diagram)
    {
        if (_diagram is not null) _diagram.Changed -= OnDiagramChanged;
        _diagram = diagram;
        _diagram.Changed += OnDiagramChanged;
    }

    /// <summary>Highlights a dry run's path on the canvas (null clears it).</summary>
    internal void ShowPath(CanvasPath? path)
    {
        _path = path;
        StateHasChanged();
    }

    private async Task OnCanvasInteractive()
    {
        // Figures after the canvas is up: opening stays fast, counts follow.
        if (_showStats && _stats is null) await LoadStatsAsync();
    }

    private void OnDiagramChanged()
    {
        Check();
        StateHasChanged();
    }

    /// <summary>Every problem of the draft as publishing would find it, and which node or edge each belongs to.</summary>
    private void Check()
    {
        if (_diagram is null || _catalog is null) return;
        using var db = DbFactory.CreateDbContext();
        _problems = _catalog.Workspace.Validate(db, _diagram.ToJson()).Errors;
        var nodes = new Dictionary<string, List<string>>();
        var edges = new HashSet<JourneyEdge>();
        foreach (var problem in _problems)
        {
            var (node, edge) = _diagram.Target(problem.Path);
            if (node is not null) (nodes.TryGetValue(node.Id, out var list) ? list : nodes[node.Id] = []).Add(problem.Message());
            else if (edge is not null) edges.Add(edge);
        }
        _nodeProblems = nodes.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value);
        _edgeProblems = edges;
    }

    // ------------------------------------------------------------------ editing

    private async Task AddFromPaletteAsync(JourneyNodeKind kind)
    {
        if (_canvas is null) return;
        await _canvas.AddAtCentreAsync(kind);
        _tab = 0;
    }

    private void OnSelectionChanged()
    {
        // With the runs open, a click on a node shows the customers at it instead of its settings.
        if (_tab == RunsTab && HasRuns && _runs is not null)
        {
            if (_diagram?.SelectedNode is { } node) _runs.FilterByNode(node.Id);
        }
        else if (_diagram?.SelectedNode is not null || _diagram?.SelectedEdge is not null)
        {
            _tab = 0;
        }
        StateHasChanged();
    }

    private void OnProblemSelected()
    {
        _tab = 0;
        StateHasChanged();
    }

    private void Undo() => _diagram?.Undo();

    private void Redo() => _diagram?.Redo();

    private void DeleteSelection()
    {
        _diagram?.DeleteSelection();
        StateHasChanged();
    }

    private void Copy() => _canvas?.Copy();

    private void Paste() => _canvas?.Paste();

    private void AutoLayout()
    {
        _diagram?.AutoLayout();
        _canvas?.FitAfterRender();
    }

    private void SetName(string? name) => _name = name?.Trim();

    private void SetDescription(string? description) => _description = description?.Trim();

    private string EdgeText(JourneyEdge edge)
    {
        var from = _diagram!.Node(edge.From);
        var to = _diagram.Node(edge.To);
        var port = from is null ? edge.Port : _text!.Port(from, edge.Port);
        return $"{Title(from) ?? edge.From}{(port.Length > 0 ? $" ({port})" : "")} → {Title(to) ?? edge.To}";
    }

    private string? Title(DiagramNode? node) => node is null ? null : _text!.Title(node);

    // ------------------------------------------------------------------ saving and publishing

    private async Task<bool> SaveAsync()
    {
        if (_diagram is null || _journey is null) return false;
        _busy = true;
        try
        {
            var actor = (await Auth.GetAuthenticationStateAsync()).User.ToActor();
            await using var db = await DbFactory.CreateDbContextAsync();
            var result = await new JourneyService(db, Clock).SaveDraftAsync(Id, new JourneyEdit(_name ?? "", _description ?? "", _diagram.ToJson()), actor, _journey.UpdatedAt);
            if (!result.Ok)
            {
                Snackbar.Add(string.Join("; ", result.Errors.Select(e => e.Message())), Severity.Error);
                return false;
            }
            _journey = result.Journey!;
            (_name, _description) = (_journey.Name, _journey.Description);
            _diagram.MarkSaved();
            // Said beside the title, not in a snackbar: one would sit on the publish button right after saving.
            _savedNote = result.DraftErrors.Count == 0 ? L["Designer_Saved"] : string.Format(L["Designer_SavedWithProblems"], result.DraftErrors.Count);
            return true;
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task PublishAsync()
    {
        if (_diagram is null || _journey is null) return;
        if (Dirty && !await SaveAsync()) return;
        _busy = true;
        try
        {
            var actor = (await Auth.GetAuthenticationStateAsync()).User.ToActor();
            await using var db = await DbFactory.CreateDbContextAsync();
            var result = await new JourneyService(db, Clock).PublishAsync(Id, actor);
            if (!result.Ok)
            {
                if (result.DraftErrors.Count > 0)
                {
                    _problems = result.DraftErrors;
                    _tab = 1;
                    Snackbar.Add(string.Format(L["Designer_PublishRefused"], result.DraftErrors.Count), Severity.Error);
                }
                else
                {
                    Snackbar.Add(string.Join("; ", result.Errors.Select(e => e.Message())), Severity.Error);
                }
                return;
            }
            _journey = result.Journey!;
            Snackbar.Add(string.Format(L["Designer_Published"], result.Version!.Version), Severity.Success);
            _showStats = true;
            await LoadStatsAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task ChangeStatusAsync(JourneyStatus status)
    {
        if (_journey is null) return;
        if (status == JourneyStatus.Archived)
        {
            var confirmed = await Dialogs.ShowMessageBoxAsync(L["Designer_Archive"], string.Format(L["Designer_ArchiveConfirm"], _journey.Name),
                yesText: L["Designer_Archive"], cancelText: L["Common_Cancel"]);
            if (confirmed != true) return;
        }
        var actor = (await Auth.GetAuthenticationStateAsync()).User.ToActor();
        await using var db = await DbFactory.CreateDbContextAsync();
        var service = new JourneyService(db, Clock);
        var result = status switch
        {
            JourneyStatus.Paused => await service.PauseAsync(Id, actor),
            JourneyStatus.Archived => await service.ArchiveAsync(Id, actor),
            _ => await service.ResumeAsync(Id, actor),
        };
        if (!result.Ok)
        {
            Snackbar.Add(string.Join("; ", result.Errors.Select(e => e.Message())), Severity.Error);
            return;
        }
        _journey = result.Journey!;
        Snackbar.Add(string.Format(L["Designer_StatusChanged"], L["JourneyStatus_" + _journey.Status]), Severity.Success);
    }

    private async Task DuplicateAsync()
    {
        if (_journey is null) return;
        var actor = (await Auth.GetAuthenticationStateAsync()).User.ToActor();
        await using var db = await DbFactory.CreateDbContextAsync();
        var service = new JourneyService(db, Clock);
        var code = await service.FreeCodeAsync(_journey.Code + "_copy");
        var result = await service.DuplicateAsync(Id, code, string.Format(L["Journey_CopyName"], _journey.Name), actor);
        if (!result.Ok)
        {
            Snackbar.Add(string.Join("; ", result.Errors.Select(e => e.Message())), Severity.Error);
            return;
        }
        Navigation.NavigateTo($"/journeys/{result.Journey!.Id}");
    }

    private async Task ConfirmLeaveAsync(LocationChangingContext context)
    {
        if (!Dirty) return;
        var leave = await Dialogs.ShowMessageBoxAsync(L["Designer_Unsaved"], L["Designer_LeaveConfirm"], yesText: L["Designer_Leave"], cancelText: L["Common_Cancel"]);
        if (leave != true) context.PreventNavigation();
    }

    // ------------------------------------------------------------------ figures

    private async Task ToggleStatsAsync(bool on)
    {
        _showStats = on;
        if (on) await LoadStatsAsync();
    }

    private async Task SetStatsVersionAsync(int version)
    {
        _statsVersion = version;
        await LoadStatsAsync();
    }

    private async Task OnRunsChanged()
    {
        // Retried or removed instances move the figures on the nodes.
        if (_showStats) await LoadStatsAsync();
    }

    private async Task LoadStatsAsync()
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        _stats = await new JourneyStats(db).ForAsync(Id, _statsVersion == 0 ? null : _statsVersion);
        StateHasChanged();
    }

    private static Color StatusColor(JourneyStatus status) => status switch
    {
        JourneyStatus.Published => Color.Success,
        JourneyStatus.Paused => Color.Warning,
        JourneyStatus.Archived => Color.Dark,
        _ => Color.Default,
    };

    public void Dispose()
    {
        if (_diagram is not null) _diagram.Changed -= OnDiagramChanged;
    }
}
