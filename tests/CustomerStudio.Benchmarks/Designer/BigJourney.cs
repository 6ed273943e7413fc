using System.Text.Json.Nodes;
using CustomerStudio.Core.Journeys.Definition;

namespace CustomerStudio.Benchmarks.Designer;

/// <summary>
/// A valid journey of a given size that needs nothing from the workspace: a manual trigger, then blocks of eleven nodes
/// (condition → SMS and score, or task and owner notification → join → wait → A/B split → webhook or score → join),
/// a tail of score adjustments to reach the size, an exit and a goal. Every node has a canvas position, as a saved
/// draft does.
/// </summary>
public static class BigJourney
{
    private const double Column = 260, Row = 110;

    public static JourneyDefinition Generate(int size)
    {
        var nodes = new List<JourneyNode>();
        var edges = new List<JourneyEdge>();
        JourneyNode Add(string id, JourneyNodeKind kind, JourneyNodeSettings settings, double col, double row, string? label = null)
        {
            var node = new JourneyNode { Id = id, Kind = kind, Settings = settings, Label = label, Position = new CanvasPosition(40 + col * Column, 40 + row * Row) };
            nodes.Add(node);
            return node;
        }
        void Edge(string from, string port, string to) => edges.Add(new JourneyEdge { From = from, Port = port, To = to });

        var last = Add("start", JourneyNodeKind.Manual, new ManualSettings(), 0, 0, "手动加入");
        var lastPort = JourneyPorts.Next;
        var blocks = (size - 3) / 11;
        for (var b = 0; b < blocks; b++)
        {
            double x = 1 + (b % 2) * 9, y = (b / 2) * 3;
            string Id(string name) => $"b{b}_{name}";
            var condition = Add(Id("company"), JourneyNodeKind.Condition,
                new ConditionSettings { Condition = new JsonObject { ["attr"] = "company", ["op"] = "is_not_empty" } }, x, y + 1, $"是否企业客户 {b + 1}");
            Edge(last.Id, lastPort, condition.Id);
            Add(Id("sms"), JourneyNodeKind.SendSms, new SendSmsSettings { Text = "{{name}}，您好，欢迎了解我们的企业方案" }, x + 1, y);
            Add(Id("score_yes"), JourneyNodeKind.AdjustLeadScore, new AdjustLeadScoreSettings { Points = 5, Reason = "企业客户" }, x + 2, y);
            Add(Id("task"), JourneyNodeKind.CreateTask, new CreateTaskSettings { Title = "电话回访 {{name}}", DueInDays = 2 }, x + 1, y + 2);
            Add(Id("notify"), JourneyNodeKind.NotifyOwner, new NotifyOwnerSettings { Message = "请跟进 {{name}}" }, x + 2, y + 2);
            Add(Id("join"), JourneyNodeKind.Join, new JoinSettings(), x + 3, y + 1);
            Add(Id("wait"), JourneyNodeKind.Wait, new WaitSettings { Duration = "P2D" }, x + 4, y + 1);
            Add(Id("split"), JourneyNodeKind.AbSplit, new AbSplitSettings
            {
                Variants = [new SplitVariant { Port = "a", Weight = 50, Label = "Webhook" }, new SplitVariant { Port = "b", Weight = 50, Label = "加分" }],
            }, x + 5, y + 1);
            Add(Id("hook"), JourneyNodeKind.Webhook, new WebhookSettings { Url = "https://crm.example.com/hooks/journey" }, x + 6, y + 0.5);
            Add(Id("score_b"), JourneyNodeKind.AdjustLeadScore, new AdjustLeadScoreSettings { Points = 10 }, x + 6, y + 1.5);
            var join = Add(Id("join2"), JourneyNodeKind.Join, new JoinSettings(), x + 7, y + 1);
            Edge(condition.Id, JourneyPorts.Yes, Id("sms"));
            Edge(condition.Id, JourneyPorts.No, Id("task"));
            Edge(Id("sms"), JourneyPorts.Next, Id("score_yes"));
            Edge(Id("score_yes"), JourneyPorts.Next, Id("join"));
            Edge(Id("task"), JourneyPorts.Next, Id("notify"));
            Edge(Id("notify"), JourneyPorts.Next, Id("join"));
            Edge(Id("join"), JourneyPorts.Next, Id("wait"));
            Edge(Id("wait"), JourneyPorts.Next, Id("split"));
            Edge(Id("split"), "a", Id("hook"));
            Edge(Id("split"), "b", Id("score_b"));
            Edge(Id("hook"), JourneyPorts.Next, join.Id);
            Edge(Id("score_b"), JourneyPorts.Next, join.Id);
            (last, lastPort) = (join, JourneyPorts.Next);
        }
        var tailRow = (blocks + 1) / 2 * 3 + 1;
        for (var i = 0; nodes.Count < size - 2; i++)
        {
            var score = Add($"tail_{i}", JourneyNodeKind.AdjustLeadScore, new AdjustLeadScoreSettings { Points = 1 }, 1 + i, tailRow);
            Edge(last.Id, lastPort, score.Id);
            (last, lastPort) = (score, JourneyPorts.Next);
        }
        var exit = Add("done", JourneyNodeKind.Exit, new ExitSettings(), 2 + nodes.Count(n => n.Id.StartsWith("tail_")), tailRow);
        Edge(last.Id, lastPort, exit.Id);
        Add("goal", JourneyNodeKind.Goal, new GoalSettings { Event = "purchase" }, 0, 2, "下单即转化");
        return new JourneyDefinition { Nodes = nodes, Edges = edges };
    }
}
