using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Journeys.Definition;

namespace CustomerStudio.Web.Features.Journeys.Designer;

/// <summary>A node on the canvas: the definition's node with a mutable position.</summary>
public sealed class DiagramNode
{
    public required string Id { get; init; }
    public required JourneyNodeKind Kind { get; init; }
    public string? Label { get; set; }
    public required JourneyNodeSettings Settings { get; set; }
    public double X { get; set; }
    public double Y { get; set; }

    public JourneyNodeCategory Category => JourneyNodeKinds.CategoryOf(Kind);
    public IReadOnlyList<string> Ports => JourneyNodeKinds.PortsOf(Kind, Settings);
    public double Height => DiagramGeometry.NodeHeight(Ports.Count);
    public bool HasInput => Category is not JourneyNodeCategory.Trigger && Kind != JourneyNodeKind.Goal;

    /// <summary>Where an output port sits, relative to the node's top-left corner.</summary>
    public (double X, double Y) PortOffset(string port)
    {
        var ports = Ports;
        var index = Math.Max(0, DiagramGeometry.IndexOf(ports, port));
        return (DiagramGeometry.NodeWidth, DiagramGeometry.PortY(index, ports.Count, Height));
    }
}

/// <summary>Sizes shared by the canvas, the layout and the JS module (which reads them from the DOM).</summary>
public static class DiagramGeometry
{
    public const double NodeWidth = 208;
    public const double PortSpacing = 22;

    public static int IndexOf(IReadOnlyList<string> list, string value)
    {
        for (var i = 0; i < list.Count; i++)
            if (list[i] == value) return i;
        return -1;
    }

    public static double NodeHeight(int ports) => Math.Max(64, 26 + ports * PortSpacing);

    public static double PortY(int index, int count, double height) =>
        count <= 1 ? height / 2 : height / 2 + (index - (count - 1) / 2.0) * PortSpacing;

    /// <summary>The edge from an output port to a node's input, as an SVG path; the JS module draws the same curve while dragging.</summary>
    public static string EdgePath(double x1, double y1, double x2, double y2)
    {
        var dx = Math.Max(40, Math.Abs(x2 - x1) / 2);
        return string.Create(CultureInfo.InvariantCulture, $"M {x1:0.#} {y1:0.#} C {x1 + dx:0.#} {y1:0.#}, {x2 - dx:0.#} {y2:0.#}, {x2:0.#} {y2:0.#}");
    }
}

/// <summary>
/// The journey being designed: nodes with positions, edges, entry and message rules, the selection, and undo/redo over
/// snapshots of the definition's JSON. Every edit ends with <see cref="Commit"/>; <see cref="Changed"/> tells the page.
/// </summary>
public sealed class JourneyDiagram
{
    public const int HistoryLimit = 100;
    private const double PasteOffset = 40;

    private readonly List<string> _history = [];
    private int _position = -1;

    public List<DiagramNode> Nodes { get; } = [];
    public List<JourneyEdge> Edges { get; } = [];
    public JourneyEntryRules Entry { get; set; } = new();
    public JourneyMessageRules Messages { get; set; } = new();
    public HashSet<string> Selected { get; } = [];
    public JourneyEdge? SelectedEdge { get; private set; }

    /// <summary>Raised after every edit, undo and redo (not after selection changes).</summary>
    public event Action? Changed;

    public bool CanUndo => _position > 0;
    public bool CanRedo => _position < _history.Count - 1;

    /// <summary>True after an edit since <see cref="MarkSaved"/>.</summary>
    public bool Dirty => _position >= 0 && _history[_position] != _saved;
    private string? _saved;

    public JourneyDiagram() => Record();

    /// <summary>
    /// A diagram for a stored draft. Nodes of an unknown kind cannot be drawn and are left out; settings that cannot be
    /// read are reset to the kind's defaults; both are reported in <paramref name="problems"/>. Nodes without a position
    /// are laid out.
    /// </summary>
    public static JourneyDiagram Open(string? json, out IReadOnlyList<ConditionError> problems)
    {
        var diagram = new JourneyDiagram();
        diagram.Load(json, out problems);
        if (diagram.Nodes.Count > 0 && diagram._unplaced) DiagramLayout.Apply(diagram);
        diagram._history.Clear();
        diagram._position = -1;
        diagram.Record();
        diagram.MarkSaved();
        return diagram;
    }

    private bool _unplaced;

    private void Load(string? json, out IReadOnlyList<ConditionError> problems)
    {
        var list = new List<ConditionError>();
        problems = list;
        Nodes.Clear();
        Edges.Clear();
        _unplaced = false;
        JsonObject? root;
        try
        {
            root = JsonNode.Parse(string.IsNullOrWhiteSpace(json) ? "{}" : json) as JsonObject;
        }
        catch (JsonException ex)
        {
            list.Add(new ConditionError("$", "InvalidJson", ex.Message));
            return;
        }
        if (root is null) return;
        Entry = Read<JourneyEntryRules>(root["entry"]) ?? new JourneyEntryRules();
        Messages = Read<JourneyMessageRules>(root["messages"]) ?? new JourneyMessageRules();
        var nodes = root["nodes"] as JsonArray ?? [];
        for (var i = 0; i < nodes.Count; i++)
        {
            if (nodes[i] is not JsonObject obj) continue;
            var id = (obj["id"] as JsonValue)?.TryGetValue<string>(out var s) == true ? s : null;
            var code = (obj["kind"] as JsonValue)?.TryGetValue<string>(out var k) == true ? k : null;
            if (id is null || JourneyNodeKinds.Find(code) is not { } kind || Nodes.Any(n => n.Id == id))
            {
                list.Add(new ConditionError($"$.nodes[{i}]", "NodeLeftOut", id ?? "?", code ?? "?"));
                continue;
            }
            var settings = ReadSettings(obj["settings"], kind.SettingsType);
            if (settings is null)
            {
                list.Add(new ConditionError($"$.nodes[{i}].settings", "SettingsReset", id));
                settings = (JourneyNodeSettings)Activator.CreateInstance(kind.SettingsType)!;
            }
            var position = Read<CanvasPosition>(obj["position"]);
            if (position is null) _unplaced = true;
            Nodes.Add(new DiagramNode
            {
                Id = id, Kind = kind.Kind, Label = (obj["label"] as JsonValue)?.TryGetValue<string>(out var l) == true ? l : null,
                Settings = settings, X = position?.X ?? 0, Y = position?.Y ?? 0,
            });
        }
        foreach (var edge in (root["edges"] as JsonArray ?? []).Select(Read<JourneyEdge>).OfType<JourneyEdge>())
            Edges.Add(edge);
    }

    private static T? Read<T>(JsonNode? node) where T : class
    {
        if (node is null) return null;
        try
        {
            return node.Deserialize<T>(JourneyDefinitionJson.Options);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or NotSupportedException)
        {
            return null;
        }
    }

    private static JourneyNodeSettings? ReadSettings(JsonNode? node, Type type)
    {
        try
        {
            return (JourneyNodeSettings?)(node ?? new JsonObject()).Deserialize(type, JourneyDefinitionJson.Options);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or NotSupportedException)
        {
            return null;
        }
    }

    // ------------------------------------------------------------------ reading

    public DiagramNode? Node(string id) => Nodes.FirstOrDefault(n => n.Id == id);

    public JourneyDefinition ToDefinition() => new()
    {
        Entry = Entry,
        Messages = Messages,
        Nodes = Nodes.Select(n => new JourneyNode
        {
            Id = n.Id, Kind = n.Kind, Label = string.IsNullOrWhiteSpace(n.Label) ? null : n.Label, Settings = n.Settings,
            Position = new CanvasPosition(Math.Round(n.X), Math.Round(n.Y)),
        }).ToList(),
        Edges = [.. Edges],
    };

    public string ToJson() => ToDefinition().ToJson();

    /// <summary>The node or edge a validation error's path points into (<c>$.nodes[3].settings.x</c>, <c>$.edges[1].to</c>).</summary>
    public (DiagramNode? Node, JourneyEdge? Edge) Target(string path)
    {
        if (Index(path, "$.nodes[") is { } n && n < Nodes.Count) return (Nodes[n], null);
        if (Index(path, "$.edges[") is { } e && e < Edges.Count) return (null, Edges[e]);
        return (null, null);
    }

    private static int? Index(string path, string prefix) =>
        path.StartsWith(prefix, StringComparison.Ordinal) && path.IndexOf(']', prefix.Length) is > 0 and var end
        && int.TryParse(path.AsSpan(prefix.Length, end - prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : null;

    // ------------------------------------------------------------------ editing

    /// <summary>A new node of the kind at a canvas position (its top-left corner), with the kind's default settings.</summary>
    public DiagramNode Add(JourneyNodeKind kind, double x, double y, JourneyNodeSettings? settings = null)
    {
        var node = new DiagramNode
        {
            Id = NewId(kind), Kind = kind, X = Math.Round(x), Y = Math.Round(y),
            Settings = settings ?? DefaultSettings(kind),
        };
        Nodes.Add(node);
        Select(node.Id);
        Commit();
        return node;
    }

    public static JourneyNodeSettings DefaultSettings(JourneyNodeKind kind) => kind switch
    {
        JourneyNodeKind.AbSplit => new AbSplitSettings
        {
            Variants = [new SplitVariant { Port = "a", Weight = 50 }, new SplitVariant { Port = "b", Weight = 50 }],
        },
        JourneyNodeKind.Condition => new ConditionSettings { Condition = new JsonObject { ["all"] = new JsonArray() } },
        _ => (JourneyNodeSettings)Activator.CreateInstance(JourneyNodeKinds.SettingsType(kind))!,
    };

    private string NewId(JourneyNodeKind kind)
    {
        var stem = JourneyNodeKinds.CodeOf(kind);
        for (var n = 1; ; n++)
            if (Nodes.All(x => x.Id != $"{stem}_{n}")) return $"{stem}_{n}";
    }

    /// <summary>Moves nodes to the positions a drag ended at; one undo step.</summary>
    public void Move(IEnumerable<(string Id, double X, double Y)> moves)
    {
        var changed = false;
        foreach (var (id, x, y) in moves)
            if (Node(id) is { } node && (node.X != Math.Round(x) || node.Y != Math.Round(y)))
            {
                (node.X, node.Y) = (Math.Round(x), Math.Round(y));
                changed = true;
            }
        if (changed) Commit();
    }

    /// <summary>
    /// Connects an output port to a node; a port already connected is moved to the new target. Refused (false) for an
    /// unknown port, a loop onto the same node, and edges into triggers or goals (goals are listened to, not reached).
    /// </summary>
    public bool Connect(string from, string port, string to)
    {
        if (Node(from) is not { } source || Node(to) is not { } target || from == to) return false;
        if (!source.Ports.Contains(port) || !target.HasInput) return false;
        var existing = Edges.FindIndex(e => e.From == from && e.Port == port);
        if (existing >= 0 && Edges[existing].To == to) return false;
        var edge = new JourneyEdge { From = from, Port = port, To = to };
        if (existing >= 0) Edges[existing] = edge;
        else Edges.Add(edge);
        SelectedEdge = null;
        Commit();
        return true;
    }

    public void Remove(JourneyEdge edge)
    {
        if (!Edges.Remove(edge)) return;
        if (SelectedEdge == edge) SelectedEdge = null;
        Commit();
    }

    /// <summary>Deletes the selected nodes with their edges, or the selected edge.</summary>
    public bool DeleteSelection()
    {
        if (Selected.Count > 0)
        {
            var ids = Selected.ToHashSet();
            Nodes.RemoveAll(n => ids.Contains(n.Id));
            Edges.RemoveAll(e => ids.Contains(e.From) || ids.Contains(e.To));
            Selected.Clear();
            Commit();
            return true;
        }
        if (SelectedEdge is { } edge)
        {
            Remove(edge);
            return true;
        }
        return false;
    }

    /// <summary>
    /// New label and settings of a node. For an A/B split, a variant whose port was renamed keeps its edge, and edges of
    /// removed variants go.
    /// </summary>
    public void Update(string id, string? label, JourneyNodeSettings settings)
    {
        if (Node(id) is not { } node) return;
        if (node.Settings is AbSplitSettings before && settings is AbSplitSettings after)
            for (var i = 0; i < Math.Min(before.Variants.Count, after.Variants.Count); i++)
            {
                var (oldPort, newPort) = (before.Variants[i].Port, after.Variants[i].Port);
                if (oldPort == newPort || after.Variants.Any(v => v.Port == oldPort)) continue;
                for (var e = 0; e < Edges.Count; e++)
                    if (Edges[e].From == id && Edges[e].Port == oldPort) Edges[e] = Edges[e] with { Port = newPort };
            }
        node.Label = string.IsNullOrWhiteSpace(label) ? null : label;
        node.Settings = settings;
        var ports = node.Ports;
        Edges.RemoveAll(e => e.From == id && !ports.Contains(e.Port));
        Commit();
    }

    public void SetRules(JourneyEntryRules entry, JourneyMessageRules messages)
    {
        (Entry, Messages) = (entry, messages);
        Commit();
    }

    // ------------------------------------------------------------------ selection

    public void Select(string id, bool add = false)
    {
        if (!add) Selected.Clear();
        if (add && Selected.Contains(id)) Selected.Remove(id);
        else Selected.Add(id);
        SelectedEdge = null;
    }

    public void SelectEdge(JourneyEdge edge)
    {
        Selected.Clear();
        SelectedEdge = edge;
    }

    public void SelectAll()
    {
        Selected.Clear();
        Selected.UnionWith(Nodes.Select(n => n.Id));
        SelectedEdge = null;
    }

    public void ClearSelection()
    {
        Selected.Clear();
        SelectedEdge = null;
    }

    /// <summary>The one selected node, for the settings panel.</summary>
    public DiagramNode? SelectedNode => Selected.Count == 1 ? Node(Selected.First()) : null;

    // ------------------------------------------------------------------ clipboard

    /// <summary>The selected nodes and the edges between them, as JSON (a definition fragment), or null when nothing is selected.</summary>
    public string? Copy()
    {
        if (Selected.Count == 0) return null;
        var ids = Selected.ToHashSet();
        var fragment = new JourneyDefinition
        {
            Nodes = ToDefinition().Nodes.Where(n => ids.Contains(n.Id)).ToList(),
            Edges = Edges.Where(e => ids.Contains(e.From) && ids.Contains(e.To)).ToList(),
        };
        return fragment.ToJson();
    }

    /// <summary>Adds copies of a copied fragment with new ids, offset from the originals; the copies are selected.</summary>
    public IReadOnlyList<DiagramNode> Paste(string? fragment)
    {
        var copy = Open(fragment, out _);
        if (copy.Nodes.Count == 0) return [];
        var ids = new Dictionary<string, string>();
        var pasted = new List<DiagramNode>();
        // Pasting the same thing again lands further along, not on top of the previous paste.
        var offset = PasteOffset;
        while (copy.Nodes.All(c => Nodes.Any(n => n.X == c.X + offset && n.Y == c.Y + offset))) offset += PasteOffset;
        foreach (var node in copy.Nodes)
        {
            var added = new DiagramNode { Id = NewId(node.Kind), Kind = node.Kind, Label = node.Label, Settings = node.Settings, X = node.X + offset, Y = node.Y + offset };
            ids[node.Id] = added.Id;
            Nodes.Add(added);
            pasted.Add(added);
        }
        foreach (var edge in copy.Edges)
            if (ids.TryGetValue(edge.From, out var from) && ids.TryGetValue(edge.To, out var to))
                Edges.Add(new JourneyEdge { From = from, Port = edge.Port, To = to });
        Selected.Clear();
        Selected.UnionWith(pasted.Select(p => p.Id));
        SelectedEdge = null;
        Commit();
        return pasted;
    }

    // ------------------------------------------------------------------ layout

    /// <summary>Lays the nodes out left to right by layers (<see cref="DiagramLayout"/>); one undo step.</summary>
    public void AutoLayout()
    {
        DiagramLayout.Apply(this);
        Commit();
    }

    // ------------------------------------------------------------------ history

    public void Commit()
    {
        Record();
        Changed?.Invoke();
    }

    private void Record()
    {
        var json = ToJson();
        if (_position >= 0 && _history[_position] == json) return;
        _history.RemoveRange(_position + 1, _history.Count - _position - 1);
        _history.Add(json);
        if (_history.Count > HistoryLimit) _history.RemoveAt(0);
        _position = _history.Count - 1;
    }

    public void MarkSaved() => _saved = _position >= 0 ? _history[_position] : null;

    public bool Undo()
    {
        if (!CanUndo) return false;
        Restore(_history[--_position]);
        return true;
    }

    public bool Redo()
    {
        if (!CanRedo) return false;
        Restore(_history[++_position]);
        return true;
    }

    private void Restore(string json)
    {
        var selected = Selected.ToHashSet();
        Load(json, out _);
        Selected.Clear();
        Selected.UnionWith(selected.Where(id => Node(id) is not null));
        SelectedEdge = null;
        Changed?.Invoke();
    }
}
