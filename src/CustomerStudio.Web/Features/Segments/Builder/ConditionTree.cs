using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerStudio.Core.Conditions;

namespace CustomerStudio.Web.Features.Segments.Builder;

/// <summary>
/// The condition being edited as a tree of mutable nodes under one root group, with undo and redo.
/// Converted to and from the Core <see cref="Condition"/> records (and their JSON, through <see cref="ConditionJson"/>);
/// every edit ends with <see cref="Commit"/>, which records a snapshot of the JSON for undo.
/// </summary>
public sealed class ConditionTree
{
    public const string PaletteZone = "palette";
    public const int HistoryLimit = 100;

    private readonly List<string> _history = [];
    private int _position = -1;
    private int _nextId;

    /// <summary>Raised after every edit, undo and redo.</summary>
    public event Action? Changed;

    public GroupNode Root { get; private set; }

    public ConditionTree(string? json = null)
    {
        Root = Load(json);
        Record();
    }

    /// <summary>A tree for a stored definition; an unreadable one gives an empty tree and its errors.</summary>
    public static ConditionTree Open(string? json, out IReadOnlyList<ConditionError> errors)
    {
        try
        {
            errors = [];
            return new ConditionTree(json);
        }
        catch (ConditionException ex)
        {
            errors = ex.Errors;
        }
        catch (JsonException ex)
        {
            errors = [new ConditionError("$", "InvalidJson", ex.Message)];
        }
        return new ConditionTree();
    }

    public Condition ToCondition() => Root.ToCondition();

    /// <summary>
    /// The condition as it will be stored: read back from its JSON, so values are exactly what the saved definition
    /// holds. Groups may be empty here (an edit in progress), where the strict parser would stop at the first one.
    /// </summary>
    public Condition ToStoredCondition() => Read(JsonNode.Parse(ToJson()));

    public string ToJson() => ConditionJson.ToJson(ToCondition());

    // ------------------------------------------------------------------ reading

    /// <summary>The groups and conditions under the root, depth first, in order.</summary>
    public IEnumerable<ConditionNode> Descendants() => Walk(Root).Skip(1);

    private static IEnumerable<ConditionNode> Walk(ConditionNode node)
    {
        yield return node;
        if (node is GroupNode group)
            foreach (var child in group.Items)
                foreach (var n in Walk(child))
                    yield return n;
    }

    public ConditionNode? Find(string id) => Walk(Root).FirstOrDefault(n => n.Id == id);

    /// <summary>The JSON path of each node, as validation reports it: $, $.all[1], $.all[1].not.any[0] …</summary>
    public IReadOnlyDictionary<string, ConditionNode> Paths()
    {
        var map = new Dictionary<string, ConditionNode>(StringComparer.Ordinal);
        void Visit(ConditionNode node, string path)
        {
            map[path] = node;
            if (node.Negated) map[path += ".not"] = node;
            if (node is GroupNode group)
                for (var i = 0; i < group.Items.Count; i++)
                    Visit(group.Items[i], $"{path}.{(group.IsAny ? "any" : "all")}[{i}]");
        }
        Visit(Root, "$");
        return map;
    }

    /// <summary>The deepest node an error path points into.</summary>
    public ConditionNode? NodeAt(string errorPath)
    {
        ConditionNode? best = null;
        var length = -1;
        foreach (var (path, node) in Paths())
            if (path.Length > length && (errorPath == path || errorPath.StartsWith(path + ".", StringComparison.Ordinal)
                                                           || errorPath.StartsWith(path + "[", StringComparison.Ordinal)))
            {
                best = node;
                length = path.Length;
            }
        return best;
    }

    // ------------------------------------------------------------------ editing

    /// <summary>Adds a node to a group at an index (the end by default).</summary>
    public T Insert<T>(GroupNode group, T node, int? index = null) where T : ConditionNode
    {
        Assign(node);
        group.Add(node, index);
        Commit();
        return node;
    }

    /// <summary>Moves a node into a group (its own or another) at the index it should have there.</summary>
    public bool Move(ConditionNode node, GroupNode target, int index)
    {
        if (node == Root || node.Parent is null || (node is GroupNode g && g.Contains(target))) return false;
        node.Parent.Items.Remove(node);
        target.Add(node, index);
        Commit();
        return true;
    }

    public void Remove(ConditionNode node)
    {
        if (node.Parent is null) return;
        node.Parent.Items.Remove(node);
        node.Parent = null;
        Commit();
    }

    public void SetAny(GroupNode group, bool any)
    {
        group.IsAny = any;
        Commit();
    }

    public void SetNegated(ConditionNode node, bool negated)
    {
        node.Negated = negated;
        Commit();
    }

    /// <summary>Ends an edit: records the state for undo when it changed, and tells listeners.</summary>
    public void Commit()
    {
        Record();
        Changed?.Invoke();
    }

    // ------------------------------------------------------------------ undo / redo

    public bool CanUndo => _position > 0;
    public bool CanRedo => _position < _history.Count - 1;
    public int HistoryCount => _history.Count;

    public bool Undo()
    {
        if (!CanUndo) return false;
        Root = Load(_history[--_position]);
        Changed?.Invoke();
        return true;
    }

    public bool Redo()
    {
        if (!CanRedo) return false;
        Root = Load(_history[++_position]);
        Changed?.Invoke();
        return true;
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

    // ------------------------------------------------------------------ loading

    private GroupNode Load(string? json)
    {
        var condition = string.IsNullOrWhiteSpace(json) ? new AllCondition([]) : Read(JsonNode.Parse(json));
        var node = ConditionNode.From(condition);
        if (node is not GroupNode root)
        {
            root = new GroupNode();
            root.Add(node);
        }
        root.Parent = null;
        Assign(root);
        return root;
    }

    private void Assign(ConditionNode node)
    {
        foreach (var n in Walk(node)) n.Id = $"node-{++_nextId}";
    }

    /// <summary>
    /// Groups are read here, because an edit in progress may hold an empty group, which the strict parser refuses;
    /// every other condition is read by <see cref="ConditionJson"/>.
    /// </summary>
    private static Condition Read(JsonNode? node)
    {
        if (node is JsonObject { Count: 1 } obj)
        {
            if (obj["all"] is JsonArray all) return new AllCondition([.. all.Select(Read)]);
            if (obj["any"] is JsonArray any) return new AnyCondition([.. any.Select(Read)]);
            if (obj.ContainsKey("not")) return new NotCondition(Read(obj["not"]));
        }
        var parsed = ConditionJson.Parse(node);
        return parsed.Ok ? parsed.Condition! : throw new ConditionException(parsed.Errors);
    }
}
