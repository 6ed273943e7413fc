using CustomerStudio.Core.Journeys.Definition;

namespace CustomerStudio.Web.Features.Journeys.Designer;

/// <summary>
/// Left-to-right layered layout (a small Sugiyama): edges that close a loop are set aside, each node goes one layer
/// right of its furthest predecessor, nodes within a layer are ordered by the average position of their neighbours
/// (a few sweeps each way, ports in order), then placed near the ports that lead to them without overlapping. Goals and
/// other nodes nothing leads to start in the first layer, below the triggers.
/// </summary>
public static class DiagramLayout
{
    public const double LayerGap = 96;
    public const double RowGap = 36;
    public const double Margin = 40;
    private const int Sweeps = 4;

    public static void Apply(JourneyDiagram diagram)
    {
        var nodes = diagram.Nodes;
        if (nodes.Count == 0) return;
        var byId = nodes.ToDictionary(n => n.Id);
        var edges = diagram.Edges.Where(e => byId.ContainsKey(e.From) && byId.ContainsKey(e.To) && e.From != e.To).ToList();
        var forward = Forward(nodes, edges);

        // Layers: longest path from the nodes nothing leads to.
        var outgoing = forward.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.OrderBy(e => PortIndex(byId[e.From], e.Port)).ToList());
        var incoming = forward.GroupBy(e => e.To).ToDictionary(g => g.Key, g => g.ToList());
        var layer = new Dictionary<string, int>();
        foreach (var node in TopologicalOrder(nodes, outgoing, incoming))
            layer[node.Id] = incoming.TryGetValue(node.Id, out var ins) ? ins.Max(e => layer[e.From]) + 1 : 0;

        var layers = nodes.GroupBy(n => layer[n.Id]).OrderBy(g => g.Key)
            .Select(g => g.OrderBy(n => n.Category == JourneyNodeCategory.Trigger ? 0 : 1)
                .ThenBy(n => n.Kind == JourneyNodeKind.Goal ? 1 : 0).ThenBy(n => n.Y).ThenBy(n => nodes.IndexOf(n)).ToList())
            .ToList();

        // Order within layers: barycenters of the layer before (by port) on the way right, of the layer after on the way back.
        var order = new Dictionary<string, double>();
        void Number(List<DiagramNode> l) { for (var i = 0; i < l.Count; i++) order[l[i].Id] = i; }
        layers.ForEach(Number);
        for (var sweep = 0; sweep < Sweeps; sweep++)
        {
            for (var i = 1; i < layers.Count; i++) Reorder(layers[i], n => incoming.GetValueOrDefault(n.Id)?.Select(e => order[e.From] + Fraction(byId[e.From], e.Port)));
            for (var i = layers.Count - 2; i >= 0; i--) Reorder(layers[i], n => outgoing.GetValueOrDefault(n.Id)?.Where(e => layer[e.To] == layer[n.Id] + 1).Select(e => order[e.To]));
        }

        void Reorder(List<DiagramNode> l, Func<DiagramNode, IEnumerable<double>?> neighbours)
        {
            var keys = l.Select((n, i) => (Node: n, Key: neighbours(n)?.DefaultIfEmpty(order[n.Id]).Average() ?? order[n.Id], Index: i)).ToList();
            l.Clear();
            l.AddRange(keys.OrderBy(k => k.Key).ThenBy(k => k.Index).Select(k => k.Node));
            Number(l);
        }

        // Coordinates: each node as close as it can get to the ports leading to it, keeping its layer's order.
        var x = Margin;
        foreach (var l in layers)
        {
            var bottom = double.NegativeInfinity;
            foreach (var node in l)
            {
                var wanted = incoming.TryGetValue(node.Id, out var ins) && ins.Count > 0
                    ? ins.Average(e => byId[e.From].Y + byId[e.From].PortOffset(e.Port).Y) - node.Height / 2
                    : Margin;
                node.X = x;
                node.Y = Math.Round(double.IsNegativeInfinity(bottom) ? Math.Max(Margin, wanted) : Math.Max(wanted, bottom + RowGap));
                bottom = node.Y + node.Height;
            }
            x += DiagramGeometry.NodeWidth + LayerGap;
        }
    }

    private static int PortIndex(DiagramNode node, string port) => Math.Max(0, DiagramGeometry.IndexOf(node.Ports, port));

    private static double Fraction(DiagramNode node, string port) => node.Ports.Count <= 1 ? 0 : (PortIndex(node, port) - (node.Ports.Count - 1) / 2.0) * 0.3;

    /// <summary>The edges without those closing a loop (found by a depth-first walk from the nodes nothing leads to).</summary>
    private static List<JourneyEdge> Forward(List<DiagramNode> nodes, List<JourneyEdge> edges)
    {
        var next = edges.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.ToList());
        var state = new Dictionary<string, int>();
        var back = new HashSet<JourneyEdge>();
        var starts = nodes.Where(n => edges.All(e => e.To != n.Id)).Concat(nodes);
        foreach (var start in starts)
        {
            if (state.ContainsKey(start.Id)) continue;
            var stack = new Stack<(string Id, int Next)>();
            stack.Push((start.Id, 0));
            state[start.Id] = 1;
            while (stack.Count > 0)
            {
                var (id, i) = stack.Pop();
                var outs = next.GetValueOrDefault(id) ?? [];
                if (i >= outs.Count)
                {
                    state[id] = 2;
                    continue;
                }
                stack.Push((id, i + 1));
                var edge = outs[i];
                switch (state.GetValueOrDefault(edge.To))
                {
                    case 0:
                        state[edge.To] = 1;
                        stack.Push((edge.To, 0));
                        break;
                    case 1:
                        back.Add(edge);
                        break;
                }
            }
        }
        return edges.Where(e => !back.Contains(e)).ToList();
    }

    private static IEnumerable<DiagramNode> TopologicalOrder(List<DiagramNode> nodes, Dictionary<string, List<JourneyEdge>> outgoing,
        Dictionary<string, List<JourneyEdge>> incoming)
    {
        var remaining = nodes.ToDictionary(n => n.Id, n => incoming.GetValueOrDefault(n.Id)?.Count ?? 0);
        var byId = nodes.ToDictionary(n => n.Id);
        var ready = new Queue<string>(nodes.Where(n => remaining[n.Id] == 0).Select(n => n.Id));
        while (ready.TryDequeue(out var id))
        {
            yield return byId[id];
            foreach (var edge in outgoing.GetValueOrDefault(id) ?? [])
                if (--remaining[edge.To] == 0) ready.Enqueue(edge.To);
        }
    }
}
