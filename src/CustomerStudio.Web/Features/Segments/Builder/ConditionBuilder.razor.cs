using System.Globalization;
using CustomerStudio.Core.Conditions;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;

namespace CustomerStudio.Web.Features.Segments.Builder;

/// <summary>
/// Edits a <see cref="ConditionTree"/>: a palette of condition kinds dragged into groups (or added with a button),
/// groups toggled between all/any, negation, nesting, reordering and moving by drag, undo/redo (buttons, Ctrl+Z / Ctrl+Y).
/// </summary>
public sealed partial class ConditionBuilder : IAsyncDisposable
{
    public static readonly ConditionKind[] PaletteKinds =
    [
        ConditionKind.Attribute, ConditionKind.Event, ConditionKind.Orders, ConditionKind.Tag,
        ConditionKind.Segment, ConditionKind.Identity, ConditionKind.Group,
    ];

    private readonly List<PaletteEntry> _palette = [.. PaletteKinds.Select(k => new PaletteEntry(k))];
    private MudDropContainer<BuilderItem>? _container;
    private ConditionTree? _subscribed;
    private bool _refreshZones;
    private IJSObjectReference? _module;
    private IJSObjectReference? _keys;
    private DotNetObjectReference<ConditionBuilder>? _self;

    [Inject] private IJSRuntime JS { get; set; } = default!;

    [Parameter, EditorRequired] public ConditionTree Tree { get; set; } = default!;
    [Parameter, EditorRequired] public ConditionCatalog Catalog { get; set; } = default!;
    /// <summary>Event types seen in the workspace, suggested by the event editor.</summary>
    [Parameter] public IReadOnlyList<string> EventTypes { get; set; } = [];
    /// <summary>The segment being edited, which its own conditions may not refer to.</summary>
    [Parameter] public string? SelfSegmentCode { get; set; }
    /// <summary>Validation errors of the current condition, shown on the nodes they point into.</summary>
    [Parameter] public IReadOnlyList<ConditionError> Errors { get; set; } = [];

    private IEnumerable<BuilderItem> Items => _palette.Concat<BuilderItem>(Tree.Descendants());

    internal bool IsZh => CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase);

    protected override void OnParametersSet()
    {
        if (!ReferenceEquals(_subscribed, Tree))
        {
            if (_subscribed is not null) _subscribed.Changed -= OnTreeChanged;
            Tree.Changed += OnTreeChanged;
            _subscribed = Tree;
            _refreshZones = true;
        }
    }

    private void OnTreeChanged()
    {
        _refreshZones = true;
        StateHasChanged();
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        // Drop zones keep their own order of the items they have seen: rebuild it from the tree after each change.
        if (_refreshZones)
        {
            _refreshZones = false;
            _container?.Refresh();
        }
        if (firstRender)
        {
            try
            {
                _self = DotNetObjectReference.Create(this);
                _module = await JS.InvokeAsync<IJSObjectReference>("import", "./Features/Segments/Builder/ConditionBuilder.razor.js");
                if (_module is not null) _keys = await _module.InvokeAsync<IJSObjectReference>("listen", _self);
            }
            catch (JSException)
            {
                // Keyboard shortcuts are a convenience; the buttons do the same.
            }
        }
    }

    // ------------------------------------------------------------------ drag and drop

    private static bool Selects(BuilderItem item, string zone) => item.Zone == zone;

    private bool CanDrop(BuilderItem item, string zone) =>
        zone != ConditionTree.PaletteZone && Tree.Find(zone) is GroupNode target
        && (item is not GroupNode group || !group.Contains(target));

    private void OnItemDropped(MudItemDropInfo<BuilderItem> drop)
    {
        if (drop.Item is null || Tree.Find(drop.DropzoneIdentifier) is not GroupNode target) return;
        var index = drop.IndexInZone < 0 ? target.Items.Count : drop.IndexInZone;
        switch (drop.Item)
        {
            case PaletteEntry entry:
                Tree.Insert(target, NewNode(entry.Kind), index);
                break;
            case ConditionNode node when CanDrop(node, target.Id):
                Tree.Move(node, target, index);
                break;
        }
    }

    // ------------------------------------------------------------------ actions the group and condition views call

    internal ConditionNode Add(GroupNode group, ConditionKind kind) => Tree.Insert(group, NewNode(kind));

    /// <summary>A new condition of a kind, filled with what the workspace offers first.</summary>
    public ConditionNode NewNode(ConditionKind kind) => kind switch
    {
        ConditionKind.Attribute => new AttributeNode(),
        ConditionKind.Event => new EventNode { Type = EventTypes.FirstOrDefault() ?? "" },
        ConditionKind.Orders => new OrdersNode(),
        ConditionKind.Tag => new TagConditionNode { Tag = Catalog.Tags.Keys.Order().FirstOrDefault() ?? "" },
        ConditionKind.Segment => new SegmentConditionNode { Segment = OtherSegments().FirstOrDefault()?.Code ?? "" },
        ConditionKind.Identity => new IdentityNode(),
        _ => new GroupNode(),
    };

    internal IEnumerable<SegmentInfo> OtherSegments() =>
        Catalog.Segments.Values.Where(s => s.Code != SelfSegmentCode).OrderBy(s => s.Name, StringComparer.CurrentCulture);

    internal void Changed() => Tree.Commit();

    internal IEnumerable<ConditionError> ErrorsOf(ConditionNode node) =>
        Errors.Where(e => e.Path.StartsWith('$') && ReferenceEquals(Tree.NodeAt(e.Path), node));

    internal string FieldLabel(FieldInfo field) => IsZh ? field.NameZh : field.NameEn;

    internal string TagLabel(TagInfo tag) => IsZh ? tag.NameZh : tag.NameEn;

    [JSInvokable]
    public Task UndoFromKeyboard() => InvokeAsync(() => Tree.Undo());

    [JSInvokable]
    public Task RedoFromKeyboard() => InvokeAsync(() => Tree.Redo());

    public async ValueTask DisposeAsync()
    {
        if (_subscribed is not null) _subscribed.Changed -= OnTreeChanged;
        try
        {
            if (_keys is not null)
            {
                await _keys.InvokeVoidAsync("dispose");
                await _keys.DisposeAsync();
            }
            if (_module is not null) await _module.DisposeAsync();
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone, and the listener with it.
        }
        _self?.Dispose();
    }
}
