using System.Globalization;
using CustomerStudio.Core.Journeys;
using CustomerStudio.Core.Journeys.Definition;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.JSInterop;

namespace CustomerStudio.Web.Features.Journeys.Designer;

/// <summary>
/// A dry run's path on the canvas: the step number of each node it visited and the ports it left through; for a sample
/// (<see cref="Counts"/>), how many sampled customers reached each node and the ports any of them took.
/// </summary>
public sealed record CanvasPath(IReadOnlyDictionary<string, int> Steps, IReadOnlySet<(string From, string Port)> Edges)
{
    /// <summary>The badges count customers instead of numbering steps.</summary>
    public bool Counts { get; init; }
}

/// <summary>
/// The journey drawn as SVG by Blazor. Moving nodes, drawing connections, panning, zooming and dropping palette entries
/// happen in the browser (JourneyCanvas.razor.js) and only their results come back here, as edits of the
/// <see cref="JourneyDiagram"/>; clicks select. Keyboard: Delete, Ctrl+Z / Ctrl+Y, Ctrl+C / Ctrl+V, Ctrl+A, Esc.
/// </summary>
public sealed partial class JourneyCanvas : IAsyncDisposable
{
    public const double MinZoom = 0.2;
    public const double MaxZoom = 2.5;

    private ElementReference _wrap;
    private IJSObjectReference? _module;
    private IJSObjectReference? _handle;
    private DotNetObjectReference<JourneyCanvas>? _self;
    private bool _interactive;
    private double _x = 0, _y = 0, _zoom = 1;

    [Inject] private IJSRuntime JS { get; set; } = default!;
    [Inject] private DesignerClipboard Clipboard { get; set; } = default!;

    [Parameter, EditorRequired] public JourneyDiagram Diagram { get; set; } = default!;
    [Parameter, EditorRequired] public NodeText Text { get; set; } = default!;
    /// <summary>Problem messages per node id, shown as markers.</summary>
    [Parameter] public IReadOnlyDictionary<string, IReadOnlyList<string>> NodeProblems { get; set; } = new Dictionary<string, IReadOnlyList<string>>();
    [Parameter] public IReadOnlySet<JourneyEdge> EdgeProblems { get; set; } = new HashSet<JourneyEdge>();
    [Parameter] public JourneyStatsResult? Stats { get; set; }
    [Parameter] public bool ShowStats { get; set; }
    [Parameter] public CanvasPath? Path { get; set; }
    /// <summary>Archived journeys are shown, not edited.</summary>
    [Parameter] public bool ReadOnly { get; set; }
    /// <summary>Raised when the selection changes (the page shows the selected node's settings).</summary>
    [Parameter] public EventCallback SelectionChanged { get; set; }
    /// <summary>Raised once the canvas answers the pointer (the module is attached).</summary>
    [Parameter] public EventCallback Interactive { get; set; }

    public double Zoom => _zoom;

    private static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
        {
            // Fitting measures the drawing, so it waits for the render that moved the nodes.
            if (_fitPending)
            {
                _fitPending = false;
                await FitAsync();
            }
            return;
        }
        try
        {
            _self = DotNetObjectReference.Create(this);
            _module = await JS.InvokeAsync<IJSObjectReference>("import", "./Features/Journeys/Designer/JourneyCanvas.razor.js");
            _handle = await _module.InvokeAsync<IJSObjectReference>("attach", _wrap, _self);
            if (_handle is not null && Diagram.Nodes.Count > 0) await FitAsync();
        }
        catch (JSException)
        {
            // Without the module the canvas still shows, selects and edits through the panels and the toolbar.
        }
        // The marker browser tests and the designer benchmark wait for: the pointer module is attached.
        _interactive = _handle is not null;
        StateHasChanged();
        await Interactive.InvokeAsync();
    }

    // ------------------------------------------------------------------ from the browser

    public sealed record NodeMove(string Id, double X, double Y);

    [JSInvokable]
    public Task MoveNodes(NodeMove[] moves) => InvokeAsync(() =>
    {
        if (ReadOnly) return;
        Diagram.Move(moves.Select(m => (m.Id, m.X, m.Y)));
        StateHasChanged();
    });

    [JSInvokable]
    public Task Connect(string from, string port, string to) => InvokeAsync(() =>
    {
        if (ReadOnly) return;
        if (!Diagram.Connect(from, port, to)) StateHasChanged();
    });

    /// <summary>A palette entry dropped on the canvas at a canvas position.</summary>
    [JSInvokable]
    public Task DropKind(string code, double x, double y) => InvokeAsync(async () =>
    {
        if (ReadOnly || JourneyNodeKinds.Find(code) is not { } kind) return;
        Diagram.Add(kind.Kind, x, y);
        await SelectionChanged.InvokeAsync();
    });

    [JSInvokable]
    public Task SetView(double x, double y, double zoom) => InvokeAsync(() =>
    {
        (_x, _y, _zoom) = (x, y, Math.Clamp(zoom, MinZoom, MaxZoom));
        StateHasChanged();
    });

    /// <summary>A keyboard command: DeleteSelection, Undo, Redo, Copy, Paste, SelectAll, ClearSelection.</summary>
    [JSInvokable]
    public Task Command(string command) => InvokeAsync(async () =>
    {
        if (ReadOnly && command is not ("Copy" or "SelectAll" or "ClearSelection")) return;
        switch (command)
        {
            case "DeleteSelection": Diagram.DeleteSelection(); break;
            case "Undo": Diagram.Undo(); break;
            case "Redo": Diagram.Redo(); break;
            case "Copy": Copy(); break;
            case "Paste": Paste(); break;
            case "SelectAll": Diagram.SelectAll(); break;
            case "ClearSelection": Diagram.ClearSelection(); break;
            default: return;
        }
        StateHasChanged();
        await SelectionChanged.InvokeAsync();
    });

    // ------------------------------------------------------------------ from the page's toolbar and palette

    /// <summary>Adds a node of the kind in the middle of what is visible (a palette entry clicked rather than dragged).</summary>
    public async Task AddAtCentreAsync(JourneyNodeKind kind)
    {
        var (x, y) = (120.0, 120.0);
        if (_handle is not null)
        {
            try
            {
                if (await _handle.InvokeAsync<CanvasPoint?>("centre") is { } centre)
                    (x, y) = (centre.X - DiagramGeometry.NodeWidth / 2, centre.Y - 32);
            }
            catch (JSException)
            {
                // The default place will do.
            }
        }
        // Clicking twice does not stack nodes exactly on top of each other.
        while (Diagram.Nodes.Any(n => Math.Abs(n.X - x) < 8 && Math.Abs(n.Y - y) < 8)) (x, y) = (x + 24, y + 24);
        Diagram.Add(kind, x, y);
        await SelectionChanged.InvokeAsync();
    }

    private sealed record CanvasPoint(double X, double Y);

    public bool Copy()
    {
        var fragment = Diagram.Copy();
        if (fragment is null) return false;
        Clipboard.Fragment = fragment;
        return true;
    }

    public bool Paste() => Clipboard.Fragment is { } fragment && Diagram.Paste(fragment).Count > 0;

    public void ZoomBy(double factor)
    {
        var zoom = Math.Clamp(_zoom * factor, MinZoom, MaxZoom);
        // Zoom around the top-left corner of what is visible.
        (_x, _y, _zoom) = (_x * zoom / _zoom, _y * zoom / _zoom, zoom);
        StateHasChanged();
    }

    /// <summary>Fits the drawing into view once the pending render (say, an auto-layout) has reached the browser.</summary>
    public void FitAfterRender()
    {
        _fitPending = true;
        StateHasChanged();
    }

    private bool _fitPending;

    public async Task FitAsync()
    {
        if (_handle is null) return;
        try
        {
            if (await _handle.InvokeAsync<CanvasView?>("fit") is { Z: > 0 } view)
            {
                (_x, _y, _zoom) = (view.X, view.Y, view.Z);
                StateHasChanged();
            }
        }
        catch (JSException)
        {
            // Keep the current view.
        }
    }

    private sealed record CanvasView(double X, double Y, double Z);

    // ------------------------------------------------------------------ clicks

    private async Task OnNodeClick(DiagramNode node, MouseEventArgs e)
    {
        Diagram.Select(node.Id, e.ShiftKey || e.CtrlKey || e.MetaKey);
        await SelectionChanged.InvokeAsync();
    }

    private async Task SelectEdge(JourneyEdge edge)
    {
        Diagram.SelectEdge(edge);
        await SelectionChanged.InvokeAsync();
    }

    private async Task OnBackgroundClick()
    {
        if (Diagram.Selected.Count == 0 && Diagram.SelectedEdge is null) return;
        Diagram.ClearSelection();
        await SelectionChanged.InvokeAsync();
    }

    private string StatsLine(DiagramNode node, NodeStats? stats)
    {
        var s = stats ?? new NodeStats(node.Id, 0, 0, new Dictionary<string, int>(), 0, 0);
        var parts = new List<string> { string.Format(L["Designer_StatEntered"], s.Entered.ToString("N0")) };
        if (s.Waiting > 0 || node.Kind is JourneyNodeKind.Wait or JourneyNodeKind.WaitUntil or JourneyNodeKind.WaitForEvent)
            parts.Add(string.Format(L["Designer_StatWaiting"], s.Waiting.ToString("N0")));
        if (node.Kind == JourneyNodeKind.Goal || s.Converted > 0) parts.Add(string.Format(L["Designer_StatConverted"], s.Converted.ToString("N0")));
        if (s.Failed > 0) parts.Add(string.Format(L["Designer_StatFailed"], s.Failed.ToString("N0")));
        return string.Join(" · ", parts);
    }

    private string SplitLine(SplitStats split) => string.Join(" · ", split.Comparisons.Select(c =>
        string.Format(L["Designer_SplitOnNode"], c.Port.ToUpperInvariant(), split.Variants[0].Port.ToUpperInvariant(), SplitResults.Pp(c.Difference),
            SplitResults.Pp(c.Low), SplitResults.Pp(c.High))));

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_handle is not null)
            {
                await _handle.InvokeVoidAsync("dispose");
                await _handle.DisposeAsync();
            }
            if (_module is not null) await _module.DisposeAsync();
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone, and the listeners with it.
        }
        _self?.Dispose();
    }
}

/// <summary>What Ctrl+C copied, for Ctrl+V in this journey or another one opened in the same session.</summary>
public sealed class DesignerClipboard
{
    public string? Fragment { get; set; }
}
