using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Core.Scoring;

/// <summary>
/// Points for a behaviour or a trait: an event type (optionally with property filters, the condition language's
/// <c>where</c>), or any condition (firmographics: industry, company size…). Event points decay with age.
/// </summary>
public sealed record LeadRule(string? Event, JsonNode? Where, [property: Definitions.ConditionReference] JsonNode? Condition, int Points, string? Label = null);

/// <summary>The workspace's lead scoring: rules, decay, lookback and the thresholds that move a lead along.</summary>
public sealed record LeadScoringRules
{
    public IReadOnlyList<LeadRule> Rules { get; init; } = [];
    /// <summary>An event's points halve every this many days.</summary>
    public int HalfLifeDays { get; init; } = 30;
    /// <summary>Events older than this count for nothing.</summary>
    public int LookbackDays { get; init; } = 180;
    public int Mql { get; init; } = 50;
    public int Sql { get; init; } = 100;

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The starting rules: pricing visits, demo requests, e-mail clicks, trials and company size.</summary>
    public static readonly LeadScoringRules Default = new()
    {
        Rules =
        [
            new("page_view", JsonNode.Parse("""[{"prop":"path","op":"eq","value":"/pricing"}]"""), null, 10, "pricing page"),
            new("demo_request", null, null, 20, "demo request"),
            new("email_click", null, null, 5, "e-mail click"),
            new("trial_start", null, null, 15, "trial"),
            new(null, null, JsonNode.Parse("""{"attr":"company_size","op":"in","value":["200-999","1000+"]}"""), 15, "company size 200+"),
        ],
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static LeadScoringRules Parse(string? json) =>
        string.IsNullOrWhiteSpace(json) ? Default : JsonSerializer.Deserialize<LeadScoringRules>(json, Json) ?? Default;
}

public sealed record LeadScoringResult(int Scored, int Changed, int ToMql, int ToSql, int TasksCreated, TimeSpan Elapsed);

/// <summary>
/// Recomputes every live customer's lead score from the rules (events decayed by age, traits as conditions), writes the
/// changes with a reason, moves leads forward (Lead → MQL → SQL; never backwards, never customers) with a logged
/// lifecycle change, and gives the owner a sales task, with the recent interactions attached, when a lead becomes SQL.
/// </summary>
public sealed class LeadScoring(StudioDbContext db, TimeProvider clock)
{
    public async Task<LeadScoringResult> ComputeAsync(CancellationToken ct = default)
    {
        var started = Stopwatch.StartNew();
        var now = clock.GetUtcNow().UtcDateTime;
        var settingsJson = await db.WorkspaceSettings.Select(s => s.LeadScoringJson).FirstOrDefaultAsync(ct);
        var rules = LeadScoringRules.Parse(settingsJson);
        var since = now.AddDays(-rules.LookbackDays);

        var points = new Dictionary<long, double>();
        var reasons = new Dictionary<long, Dictionary<string, int>>();
        void Add(long customer, double value, string label, int times)
        {
            points[customer] = points.GetValueOrDefault(customer) + value;
            var r = reasons.TryGetValue(customer, out var d) ? d : reasons[customer] = [];
            r[label] = r.GetValueOrDefault(label) + times;
        }

        foreach (var rule in rules.Rules)
        {
            var label = rule.Label ?? rule.Event ?? "condition";
            if (rule.Event is not null)
            {
                // Events counted per customer and day; each day's count decays by its age.
                var filter = EventFilter(rule);
                var days = await db.Events.AsNoTracking()
                    .Where(e => e.Type == rule.Event && e.OccurredAt >= since && e.OccurredAt <= now)
                    .Where(filter)
                    .GroupBy(e => new { e.CustomerId, Day = e.OccurredAt.Date })
                    .Select(g => new { g.Key.CustomerId, g.Key.Day, Count = g.Count() })
                    .ToListAsync(ct);
                foreach (var d in days)
                {
                    // Whole days (UTC): today's events count fully, yesterday's by one day's decay.
                    var age = Math.Max(0, (now.Date - d.Day).TotalDays);
                    Add(d.CustomerId, rule.Points * d.Count * Math.Pow(0.5, age / rules.HalfLifeDays), label, d.Count);
                }
            }
            else if (rule.Condition is not null)
            {
                var compiled = await Audience.CompileAsync(db, rule.Condition.ToJsonString(), now, ct);
                foreach (var id in await Audience.Query(db, compiled.Require()).Select(c => c.Id).ToListAsync(ct))
                    Add(id, rule.Points, label, 1);
            }
        }

        var current = await db.Customers.AsNoTracking().Where(c => c.MergedIntoId == null)
            .Select(c => new { c.Id, c.LeadScore, c.LifecycleStage, c.OwnerId, c.Name }).ToListAsync(ct);
        var changes = new List<LeadScoreChange>();
        var lifecycle = new List<LifecycleChange>();
        var tasks = new List<SalesTask>();
        var newScores = new Dictionary<long, int>();
        var newStages = new Dictionary<long, LifecycleStage>();
        foreach (var c in current)
        {
            var score = (int)Math.Round(points.GetValueOrDefault(c.Id));
            if (score != c.LeadScore)
            {
                newScores[c.Id] = score;
                changes.Add(new LeadScoreChange { CustomerId = c.Id, Points = score - c.LeadScore, Total = score, At = now, Reason = Reason(reasons.GetValueOrDefault(c.Id)) });
            }
            var stage = c.LifecycleStage switch
            {
                LifecycleStage.Lead when score >= rules.Sql => LifecycleStage.Sql,
                LifecycleStage.Lead when score >= rules.Mql => LifecycleStage.Mql,
                LifecycleStage.Mql when score >= rules.Sql => LifecycleStage.Sql,
                var s => s,
            };
            if (stage == c.LifecycleStage) continue;
            newStages[c.Id] = stage;
            lifecycle.Add(new LifecycleChange { CustomerId = c.Id, From = c.LifecycleStage, To = stage, At = now, By = "lead scoring",
                Reason = $"lead score {score} ≥ {(stage == LifecycleStage.Sql ? rules.Sql : rules.Mql)}" });
            if (stage == LifecycleStage.Sql)
                tasks.Add(new SalesTask { CustomerId = c.Id, OwnerId = c.OwnerId, Status = SalesTaskStatus.Open, CreatedAt = now, DueAt = now.AddDays(2),
                    Title = $"SQL: follow up {c.Name ?? "#" + c.Id} (lead score {score})" });
        }
        foreach (var task in tasks) task.Details = await HistoryAsync(task.CustomerId, reasons.GetValueOrDefault(task.CustomerId), now, ct);

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // One statement per distinct score (a few hundred at most), not one per customer.
        foreach (var group in newScores.GroupBy(kv => kv.Value))
            foreach (var chunk in group.Select(kv => kv.Key).Chunk(5_000))
                await db.Customers.Where(c => chunk.Contains(c.Id)).ExecuteUpdateAsync(u => u.SetProperty(c => c.LeadScore, group.Key).SetProperty(c => c.UpdatedAt, now), ct);
        foreach (var group in newStages.GroupBy(kv => kv.Value))
            foreach (var chunk in group.Select(kv => kv.Key).Chunk(5_000))
                await db.Customers.Where(c => chunk.Contains(c.Id)).ExecuteUpdateAsync(u => u.SetProperty(c => c.LifecycleStage, group.Key), ct);
        await ModelBulkInsert.InsertAsync(db, transaction, changes, ct);
        await ModelBulkInsert.InsertAsync(db, transaction, lifecycle, ct);
        await ModelBulkInsert.InsertAsync(db, transaction, tasks, ct);
        await transaction.CommitAsync(ct);
        return new LeadScoringResult(current.Count, changes.Count, lifecycle.Count(l => l.To == LifecycleStage.Mql), lifecycle.Count(l => l.To == LifecycleStage.Sql),
            tasks.Count, started.Elapsed);
    }

    /// <summary>The rule's property filters (eq / in), all of which must hold on the same event.</summary>
    private System.Linq.Expressions.Expression<Func<CustomerEvent, bool>> EventFilter(LeadRule rule)
    {
        System.Linq.Expressions.Expression<Func<CustomerEvent, bool>> result = _ => true;
        if (rule.Where is not JsonArray filters) return result;
        foreach (var f in filters)
        {
            var prop = f?["prop"]?.GetValue<string>() ?? "";
            var op = f?["op"]?.GetValue<string>() ?? "eq";
            if (op is not ("eq" or "in"))
                throw new InvalidOperationException($"Lead scoring rule for {rule.Event}: property filters use eq or in, not {op}.");
            var values = f?["value"] is JsonArray a ? a.Select(v => v!.GetValue<string>()).ToList() : [f?["value"]?.GetValue<string>() ?? ""];
            result = Combine(result, e => db.EventProperties.Any(p => p.EventId == e.Id && p.Key == prop && values.Contains(p.Value!)));
        }
        return result;
    }

    private static System.Linq.Expressions.Expression<Func<CustomerEvent, bool>> Combine(
        System.Linq.Expressions.Expression<Func<CustomerEvent, bool>> a, System.Linq.Expressions.Expression<Func<CustomerEvent, bool>> b)
    {
        var p = a.Parameters[0];
        var body = new Replace(b.Parameters[0], p).Visit(b.Body)!;
        return System.Linq.Expressions.Expression.Lambda<Func<CustomerEvent, bool>>(System.Linq.Expressions.Expression.AndAlso(a.Body, body), p);
    }

    private sealed class Replace(System.Linq.Expressions.ParameterExpression from, System.Linq.Expressions.Expression to) : System.Linq.Expressions.ExpressionVisitor
    {
        protected override System.Linq.Expressions.Expression VisitParameter(System.Linq.Expressions.ParameterExpression node) => node == from ? to : node;
    }

    private static string Reason(Dictionary<string, int>? reasons) =>
        reasons is null || reasons.Count == 0 ? "no scoring activity in the lookback" : string.Join(", ", reasons.OrderByDescending(r => r.Value).Select(r => $"{r.Key} ×{r.Value}"));

    /// <summary>What the salesperson needs: why the lead qualified and the latest interactions and orders.</summary>
    private async Task<string> HistoryAsync(long customerId, Dictionary<string, int>? reasons, DateTime now, CancellationToken ct)
    {
        var events = await db.Events.AsNoTracking().Where(e => e.CustomerId == customerId && e.OccurredAt <= now)
            .OrderByDescending(e => e.OccurredAt).Take(10).Select(e => new { e.OccurredAt, e.Type, e.Channel, e.PropertiesJson }).ToListAsync(ct);
        var orders = await db.Orders.AsNoTracking().Where(o => o.CustomerId == customerId)
            .OrderByDescending(o => o.OrderedAt).Take(5).Select(o => new { o.OrderedAt, o.OrderNo, o.Amount, o.Status }).ToListAsync(ct);
        var text = new StringBuilder();
        text.AppendLine("Why: " + Reason(reasons));
        text.AppendLine("Latest interactions:");
        foreach (var e in events) text.AppendLine($"- {e.OccurredAt:yyyy-MM-dd HH:mm} UTC {e.Type} ({e.Channel}) {e.PropertiesJson}");
        if (orders.Count > 0)
        {
            text.AppendLine("Latest orders:");
            foreach (var o in orders) text.AppendLine($"- {o.OrderedAt:yyyy-MM-dd} {o.OrderNo} {o.Amount:0.00} {o.Status}");
        }
        return text.ToString();
    }
}

/// <summary>Recomputes lead scores every hour (decay moves them even without new events).</summary>
[Quartz.DisallowConcurrentExecution]
public sealed class LeadScoringJob(LeadScoring scoring, Microsoft.Extensions.Logging.ILogger<LeadScoringJob> log) : Quartz.IJob
{
    public static readonly Quartz.JobKey Key = new("lead-scoring", "scoring");

    public async ValueTask Execute(Quartz.IJobExecutionContext context, CancellationToken ct)
    {
        var r = await scoring.ComputeAsync(ct);
        Microsoft.Extensions.Logging.LoggerExtensions.LogInformation(log,
            "Lead scores: {Changed} of {Scored} changed, {Mql} → MQL, {Sql} → SQL, {Tasks} sales tasks, in {Elapsed} ms",
            r.Changed, r.Scored, r.ToMql, r.ToSql, r.TasksCreated, (int)r.Elapsed.TotalMilliseconds);
    }
}
