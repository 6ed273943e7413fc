using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Journeys.Definition;
using CustomerStudio.Web.Features.Segments.Builder;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Web.Features.Journeys.Designer;

/// <summary>
/// The selected node's label and settings: one MudBlazor form per settings type, with pickers of the workspace's
/// segments, tags, email templates and fields, and the segment builder's condition editor for condition and goal nodes.
/// Every change becomes one undoable edit of the diagram (settings are immutable records, replaced with <c>with</c>).
/// </summary>
public sealed partial class NodeSettingsPanel : IDisposable
{
    private ConditionTree? _tree;
    private string? _treeNode;
    private string? _treeJson;
    private string? _payloadText;
    private string? _payloadError;
    private string? _payloadNode;

    [Inject] private IDbContextFactory<StudioDbContext> DbFactory { get; set; } = default!;

    [Parameter, EditorRequired] public JourneyDiagram Diagram { get; set; } = default!;
    [Parameter, EditorRequired] public DiagramNode Node { get; set; } = default!;
    [Parameter, EditorRequired] public DesignerCatalog Catalog { get; set; } = default!;
    [Parameter, EditorRequired] public NodeText Text { get; set; } = default!;
    /// <summary>Every problem of the journey; the panel shows this node's.</summary>
    [Parameter] public IReadOnlyList<ConditionError> AllProblems { get; set; } = [];
    [Parameter] public bool ReadOnly { get; set; }
    [Parameter] public EventCallback Deleted { get; set; }

    private string NodePath => $"$.nodes[{Diagram.Nodes.IndexOf(Node)}]";

    /// <summary>This node's problems (not the journey-wide ones).</summary>
    private IReadOnlyList<ConditionError> Problems =>
        AllProblems.Where(e => e.Path == NodePath || e.Path.StartsWith(NodePath + ".", StringComparison.Ordinal)).ToList();

    /// <summary>The condition's problems with paths from its root, as the condition builder shows them on its rows.</summary>
    private IReadOnlyList<ConditionError> ConditionErrors
    {
        get
        {
            var root = NodePath + ".settings.condition";
            return AllProblems.Where(e => e.Path == root || e.Path.StartsWith(root + ".", StringComparison.Ordinal) || e.Path.StartsWith(root + "[", StringComparison.Ordinal))
                .Select(e => e with { Path = "$" + e.Path[root.Length..] }).ToList();
        }
    }

    /// <summary>True when a problem points at the setting (a relative path under settings; "" for the settings object itself).</summary>
    private bool Has(string setting)
    {
        var path = NodePath + ".settings" + (setting.Length == 0 ? "" : "." + setting);
        return AllProblems.Any(e => e.Path == path || e.Path.StartsWith(path + ".", StringComparison.Ordinal));
    }

    protected override async Task OnParametersSetAsync()
    {
        SyncTree();
        if (Node.Settings is WebhookSettings webhook && (_payloadNode != Node.Id || _payloadError is null))
        {
            _payloadNode = Node.Id;
            _payloadText = webhook.Payload?.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            _payloadError = null;
        }
        if (!Catalog.EventTypesLoaded && Node.Kind is JourneyNodeKind.EventReceived or JourneyNodeKind.WaitForEvent or JourneyNodeKind.Goal or JourneyNodeKind.Condition)
            await Catalog.LoadEventTypesAsync(DbFactory);
    }

    /// <summary>Keeps one condition tree per node while it is edited; an undo or another node brings a fresh one.</summary>
    private void SyncTree()
    {
        var condition = Node.Settings switch
        {
            ConditionSettings c => c.Condition,
            GoalSettings g => g.Condition,
            _ => null,
        };
        if (condition is null)
        {
            DropTree();
            return;
        }
        var json = condition.ToJsonString();
        if (_tree is not null && _treeNode == Node.Id && _treeJson == json) return;
        DropTree();
        _tree = ConditionTree.Open(json, out _);
        _treeNode = Node.Id;
        _treeJson = _tree.ToJson();
        _tree.Changed += OnTreeChanged;
    }

    private void DropTree()
    {
        if (_tree is not null) _tree.Changed -= OnTreeChanged;
        (_tree, _treeNode, _treeJson) = (null, null, null);
    }

    private void OnTreeChanged()
    {
        if (_tree is null || ReadOnly) return;
        var json = _tree.ToJson();
        if (json == _treeJson) return;
        _treeJson = json;
        var condition = JsonNode.Parse(json)!;
        switch (Node.Settings)
        {
            case ConditionSettings c: Diagram.Update(Node.Id, Node.Label, c with { Condition = condition }); break;
            case GoalSettings g: Diagram.Update(Node.Id, Node.Label, g with { Condition = condition }); break;
        }
    }

    private void Set(JourneyNodeSettings settings)
    {
        if (ReadOnly) return;
        Diagram.Update(Node.Id, Node.Label, settings);
    }

    private void SetLabel(string? label)
    {
        if (ReadOnly) return;
        Diagram.Update(Node.Id, label?.Trim(), Node.Settings);
    }

    private void SetVariant(AbSplitSettings split, int index, SplitVariant variant) =>
        Set(split with { Variants = split.Variants.Select((v, i) => i == index ? variant : v).ToList() });

    private void AddVariant(AbSplitSettings split)
    {
        var port = Enumerable.Range(0, 26).Select(i => ((char)('a' + i)).ToString()).First(p => split.Variants.All(v => v.Port != p));
        Set(split with { Variants = [.. split.Variants, new SplitVariant { Port = port, Weight = 50 }] });
    }

    private void SetPayload(WebhookSettings webhook, string? text)
    {
        _payloadText = text;
        if (string.IsNullOrWhiteSpace(text))
        {
            _payloadError = null;
            Set(webhook with { Payload = null });
            return;
        }
        try
        {
            if (JsonNode.Parse(text) is JsonObject obj)
            {
                _payloadError = null;
                Set(webhook with { Payload = obj });
                return;
            }
            _payloadError = L["Designer_PayloadNotObject"];
        }
        catch (JsonException ex)
        {
            _payloadError = ex.Message;
        }
    }

    private async Task DeleteAsync()
    {
        Diagram.Select(Node.Id);
        Diagram.DeleteSelection();
        await Deleted.InvokeAsync();
    }

    private TagChoice? Tag(string? code) => Catalog.Tags.FirstOrDefault(t => t.Code == code);

    private IReadOnlyList<Choice> TagChoices(bool actions) =>
        Catalog.Tags.Where(t => !actions || t.Kind == Core.Tags.TagKind.Manual).Select(t => new Choice(t.Code, t.Name)).ToList();

    private IReadOnlyList<Choice> DateFields => Catalog.Fields.Where(f => f.Type == FieldType.Date && !f.IsInstant)
        .Select(f => new Choice(f.Code, DesignerCatalog.FieldName(f))).ToList();

    private IReadOnlyList<Choice> AllFields => Catalog.Fields.Where(f => f.Code is not ("created_at" or "updated_at" or "phone" or "email"))
        .Select(f => new Choice(f.Code, DesignerCatalog.FieldName(f))).ToList();

    private string EnumLabel(FieldInfo field, string value) =>
        field.Code == "lifecycle_stage" && !L["Stage_" + Capitalized(value)].ResourceNotFound ? L["Stage_" + Capitalized(value)] : value;

    private static string Capitalized(string value) => value.Length == 0 ? value : char.ToUpperInvariant(value[0]) + value[1..];

    private Task<IEnumerable<string>> SearchEvents(string? text, CancellationToken ct) =>
        Task.FromResult(string.IsNullOrWhiteSpace(text)
            ? Catalog.EventTypes.AsEnumerable()
            : Catalog.EventTypes.Where(t => t.Contains(text.Trim(), StringComparison.OrdinalIgnoreCase)));

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    public void Dispose() => DropTree();
}
