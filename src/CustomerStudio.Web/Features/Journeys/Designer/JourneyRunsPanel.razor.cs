using CustomerStudio.Core.Data;
using CustomerStudio.Core.Journeys;
using CustomerStudio.Core.Journeys.Runtime;
using CustomerStudio.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace CustomerStudio.Web.Features.Journeys.Designer;

/// <summary>
/// The designer's runs tab for a published journey: its instances a page at a time (by status, customer id, or the
/// node clicked on the canvas), failed ones with their error and retried from the node that failed, customers taken out
/// of the journey after a confirmation, and the journey's parked messages put back in the queue. Every change goes
/// through <see cref="JourneyOperations"/>, which audits it as the signed-in user. Customer names stay masked for roles
/// without the personal-data right. An archived journey's runs are shown read-only.
/// </summary>
public sealed partial class JourneyRunsPanel
{
    /// <summary>Instances per page of the table.</summary>
    public const int PageSize = 20;

    /// <summary>Parked messages listed (newest first).</summary>
    public const int ParkedLimit = 100;

    private const string AllStatuses = "all";

    private static readonly string[] StatusFilters =
    [
        AllStatuses,
        nameof(InstanceStatus.Running), nameof(InstanceStatus.Waiting), nameof(InstanceStatus.Failed), nameof(InstanceStatus.Completed),
        nameof(InstanceStatus.Converted), nameof(InstanceStatus.Removed), nameof(InstanceStatus.Exited),
    ];

    private static readonly int[] PageSizes = [PageSize];

    private int? _loadedJourney;
    private MudTable<InstanceRow>? _table;
    private int _generation;
    private string _status = AllStatuses;
    private long? _customerId;
    private string? _node;
    private bool _canSee;
    private bool _busy;
    private string? _error;
    private int _failedTotal;
    private readonly HashSet<long> _selected = [];
    private IReadOnlyList<OutboxRow> _parked = [];
    private string? _parkedError;
    private readonly HashSet<long> _parkedSelected = [];
    private InstanceRow? _expanded;
    private IReadOnlyList<InstanceStep>? _steps;

    [Inject] private IDbContextFactory<StudioDbContext> DbFactory { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Auth { get; set; } = default!;
    [Inject] private PersonalDataMask PersonalData { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;

    [Parameter, EditorRequired] public int JourneyId { get; set; }
    [Parameter, EditorRequired] public JourneyDiagram Diagram { get; set; } = default!;
    /// <summary>Shows the runs without the actions (an archived journey).</summary>
    [Parameter] public bool ReadOnly { get; set; }
    /// <summary>Instances or messages changed (retried, removed): the designer's figures may follow.</summary>
    [Parameter] public EventCallback Changed { get; set; }
    /// <summary>The opened instance's path to draw on the canvas (null clears it).</summary>
    [Parameter] public EventCallback<CanvasPath?> PathChanged { get; set; }
    /// <summary>Node titles and port captions as the canvas writes them.</summary>
    [Parameter, EditorRequired] public NodeText Text { get; set; } = default!;

    protected override async Task OnParametersSetAsync()
    {
        if (_loadedJourney == JourneyId) return;
        _canSee = await PersonalData.CanSeeAsync();
        if (_loadedJourney is not null)
        {
            // Another journey in the same designer: its runs from the start.
            (_status, _customerId, _node) = (AllStatuses, null, null);
            _parkedSelected.Clear();
            Restart();
        }
        _loadedJourney = JourneyId;
        await LoadParkedAsync();
    }

    // ------------------------------------------------------------------ instances

    private async Task<TableData<InstanceRow>> LoadAsync(TableState state, CancellationToken ct)
    {
        try
        {
            await using var db = await DbFactory.CreateDbContextAsync(ct);
            var ops = new JourneyOperations(db, Clock);
            var page = await ops.InstancesAsync(JourneyId, Status(_status), _customerId, _node, state.Page, PageSize, ct);
            var failed = await ops.CountAsync(JourneyId, InstanceStatus.Failed, ct);
            await ShowAsync(failed, null);
            return new TableData<InstanceRow> { Items = page.Items, TotalItems = page.Total };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await ShowAsync(_failedTotal, string.Format(L["Runs_LoadFailed"], ex.Message));
            return new TableData<InstanceRow> { Items = [], TotalItems = 0 };
        }
    }

    /// <summary>The table loads on its own: what the panel shows around it (the failed count, an error) follows.</summary>
    private async Task ShowAsync(int failedTotal, string? error)
    {
        if (failedTotal == _failedTotal && error == _error) return;
        (_failedTotal, _error) = (failedTotal, error);
        await InvokeAsync(StateHasChanged);
    }

    /// <summary>Shows only the instances at the node (null: all); the designer calls it when a node is clicked with this tab open.</summary>
    public void FilterByNode(string? nodeId)
    {
        if (_node == nodeId) return;
        _node = nodeId;
        Restart();
    }

    private void ClearNode() => FilterByNode(null);

    private void SetStatus(string? status)
    {
        _status = status ?? AllStatuses;
        Restart();
    }

    private void SetCustomer(long? customerId)
    {
        _customerId = customerId;
        Restart();
    }

    /// <summary>Opens (or closes) an instance's path: its steps under the table, numbered on the canvas.</summary>
    private async Task TogglePathAsync(InstanceRow row)
    {
        if (_expanded?.Id == row.Id)
        {
            (_expanded, _steps) = (null, null);
            await PathChanged.InvokeAsync(null);
            return;
        }
        try
        {
            await using var db = await DbFactory.CreateDbContextAsync();
            _steps = await new JourneyOperations(db, Clock).StepsAsync(JourneyId, row.Id) ?? [];
            _expanded = row;
            await PathChanged.InvokeAsync(PathOf(_steps));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Snackbar.Add(string.Format(L["Runs_LoadFailed"], ex.Message), Severity.Error);
        }
    }

    /// <summary>An instance's path on the canvas: each node numbered by its first step, the ports it left by.</summary>
    public static CanvasPath PathOf(IReadOnlyList<InstanceStep> steps)
    {
        var numbers = new Dictionary<string, int>(StringComparer.Ordinal);
        var edges = new HashSet<(string, string)>();
        for (var i = 0; i < steps.Count; i++)
        {
            numbers.TryAdd(steps[i].NodeId, numbers.Count + 1);
            if (steps[i].Port is { } port) edges.Add((steps[i].NodeId, port));
        }
        return new CanvasPath(numbers, edges);
    }

    /// <summary>The port as the canvas captions it (nothing for a node's single "next"); its name on a node the draft no longer has.</summary>
    private string PortText(InstanceStep step) =>
        step.Port is not { } port ? "" : Diagram.Node(step.NodeId) is { } node ? Text.Port(node, port) : port;

    /// <summary>What happened at a step, in the reader's language; free text (an error) as stored.</summary>
    private string StepText(string? message) => StepMessages.Code(message) switch
    {
        ({ } code, var argument) => string.Format(L["Step_" + code], argument),
        null => message ?? "",
    };

    /// <summary>A new filter starts again at the first page: the table is made anew (it loads when it renders).</summary>
    private void Restart()
    {
        _selected.Clear();
        (_expanded, _steps) = (null, null);
        _generation++;
        StateHasChanged();
    }

    /// <summary>Reloads the current page of instances and the parked messages.</summary>
    public async Task RefreshAsync()
    {
        if (_table is not null) await _table.ReloadServerData();
        await LoadParkedAsync();
        StateHasChanged();
    }

    private void Select(long id, bool on)
    {
        if (on) _selected.Add(id);
        else _selected.Remove(id);
    }

    private Task RetrySelectedAsync() => _selected.Count == 0 ? Task.CompletedTask : RetryAsync([.. _selected]);

    private Task RetryAllAsync() => RetryAsync(null);

    /// <summary>Failed instances (those given, or all of the journey) run again from the node that failed.</summary>
    private async Task RetryAsync(IReadOnlyCollection<long>? ids)
    {
        var retried = await RunAsync((ops, actor) => ops.RetryFailedAsync(JourneyId, ids, actor));
        if (retried is null) return;
        _selected.Clear();
        Snackbar.Add(string.Format(L["Runs_Retried"], retried), retried > 0 ? Severity.Success : Severity.Info);
        await RefreshAsync();
        await Changed.InvokeAsync();
    }

    /// <summary>Takes the row's customer out of the journey once the user confirms.</summary>
    private async Task RemoveAsync(InstanceRow row)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(L["Runs_Remove"], string.Format(L["Runs_RemoveConfirm"], CustomerName(row)),
            yesText: L["Runs_RemoveYes"], cancelText: L["Common_Cancel"]);
        if (confirmed != true) return;
        var removed = await RunAsync((ops, actor) => ops.RemoveCustomerAsync(JourneyId, row.CustomerId, actor));
        if (removed is null) return;
        Snackbar.Add(string.Format(L["Runs_Removed"], removed), removed > 0 ? Severity.Success : Severity.Info);
        await RefreshAsync();
        await Changed.InvokeAsync();
    }

    // ------------------------------------------------------------------ parked messages

    private async Task LoadParkedAsync()
    {
        try
        {
            await using var db = await DbFactory.CreateDbContextAsync();
            _parked = await new JourneyOperations(db, Clock).OutboxAsync(OutboxStatus.Parked, JourneyId, ParkedLimit);
            _parkedSelected.IntersectWith(_parked.Select(p => p.Id));
            _parkedError = null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _parkedError = string.Format(L["Runs_LoadFailed"], ex.Message);
        }
    }

    private void SelectParked(long id, bool on)
    {
        if (on) _parkedSelected.Add(id);
        else _parkedSelected.Remove(id);
    }

    private Task RetryParkedSelectedAsync() => RetryParkedAsync([.. _parkedSelected]);

    private Task RetryParkedAllAsync() => RetryParkedAsync([.. _parked.Select(p => p.Id)]);

    /// <summary>Parked messages go back in the queue.</summary>
    private async Task RetryParkedAsync(IReadOnlyCollection<long> ids)
    {
        if (ids.Count == 0) return;
        var retried = await RunAsync((ops, actor) => ops.RetryParkedAsync(ids, actor));
        if (retried is null) return;
        _parkedSelected.Clear();
        Snackbar.Add(string.Format(L["Runs_ParkedRetried"], retried), retried > 0 ? Severity.Success : Severity.Info);
        await RefreshAsync();
        await Changed.InvokeAsync();
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>Runs one change as the signed-in user with a context of its own; null when it failed (said in a snackbar).</summary>
    private async Task<int?> RunAsync(Func<JourneyOperations, Core.Security.Actor, Task<int>> change)
    {
        if (_busy) return null;
        _busy = true;
        try
        {
            var actor = (await Auth.GetAuthenticationStateAsync()).User.ToActor();
            await using var db = await DbFactory.CreateDbContextAsync();
            return await change(new JourneyOperations(db, Clock), actor);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Snackbar.Add(string.Format(L["Runs_ActionFailed"], ex.Message), Severity.Error);
            return null;
        }
        finally
        {
            _busy = false;
        }
    }

    private static InstanceStatus? Status(string filter) =>
        Enum.TryParse<InstanceStatus>(filter, out var status) && Enum.IsDefined(status) ? status : null;

    private string StatusText(string? filter) =>
        filter is null or AllStatuses ? L["Runs_AllStatuses"] : L["InstanceStatus_" + filter];

    private string CustomerName(InstanceRow row) =>
        PersonalDataMask.Name(row.CustomerName, _canSee) is { Length: > 0 } name ? name : $"#{row.CustomerId}";

    private string NodeTitle(string nodeId) => Text.Title(Diagram, nodeId);

    private string ChannelText(string channel) =>
        L["Runs_Channel_" + channel] is { ResourceNotFound: false } text ? text : channel;

    private static Color StatusColor(InstanceStatus status) => status switch
    {
        InstanceStatus.Running or InstanceStatus.Waiting => Color.Info,
        InstanceStatus.Converted or InstanceStatus.Completed => Color.Success,
        InstanceStatus.Failed => Color.Error,
        InstanceStatus.Removed => Color.Warning,
        _ => Color.Default,
    };
}
