using System.Diagnostics;
using System.Linq.Expressions;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Core.Tags;

public sealed record RecomputeResult(int TagId, int Added, int Removed, int Changed, int Coverage, TimeSpan Elapsed);

/// <summary>How many customers each value of a rule tag would get (first-match rules counted in order).</summary>
public sealed record RulePreview(string? Value, int Customers);

/// <summary>
/// Computes rule tags with the condition language: each rule's condition runs as one query in the database, values
/// are decided set-wise in memory (first match or every match), and only the differences are written.
/// </summary>
public sealed class TagRuleEngine(StudioDbContext db, TagAssignments assignments, TimeProvider clock)
{
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    private sealed record CompiledRule(int ValueId, string? Value, Expression<Func<Customer, bool>> Predicate);

    /// <summary>
    /// Checks a rule definition against the tag's values and the workspace catalog. Errors carry JSON paths into
    /// the definition (<c>$.rules[0].condition.all[1].op</c>).
    /// </summary>
    public async Task<IReadOnlyList<ConditionError>> ValidateAsync(string tagCode, TagDefinition definition,
        IReadOnlyCollection<string> valueCodes, CancellationToken ct = default) =>
        (await CompileAsync(tagCode, definition, valueCodes.Distinct().Select((c, i) => (c, -1 - i)).ToDictionary(x => x.c, x => x.Item2), ct)).Errors;

    public async Task<RecomputeResult> RecomputeAsync(int tagId, CancellationToken ct = default)
    {
        var started = Stopwatch.StartNew();
        var tag = await db.Tags.AsNoTracking().Include(t => t.Values).FirstAsync(t => t.Id == tagId, ct);
        if (tag.Kind != TagKind.Rule) throw new InvalidOperationException($"Tag {tag.Code} is not a rule tag.");
        var (definition, parseErrors) = TagDefinition.Parse(tag.DefinitionJson);
        if (definition is null) throw new ConditionException(parseErrors);
        var (rules, errors) = await CompileAsync(tag.Code, definition, tag.Values.ToDictionary(v => v.Code, v => v.Id), ct);
        if (errors.Count > 0) throw new ConditionException(errors);

        var wanted = await MatchAsync(rules, definition.Match, ct);
        var diff = await assignments.ApplyComputedAsync(tag, wanted, AssignmentSource.Rule, $"v{tag.Version}", ct: ct);
        var now = Now;
        await db.Tags.Where(t => t.Id == tagId).ExecuteUpdateAsync(u => u.SetProperty(t => t.LastComputedAt, now), ct);
        await TagCoverage.RecordAsync(db, tagId, diff.Carrying, now, ct);
        return new RecomputeResult(tagId, diff.Added, diff.Removed, diff.Changed, diff.Carrying, started.Elapsed);
    }

    /// <summary>What a (draft) definition would assign now, per value, without writing anything.</summary>
    public async Task<(IReadOnlyList<RulePreview> Values, IReadOnlyList<ConditionError> Errors)> PreviewAsync(
        string tagCode, TagDefinition definition, IReadOnlyList<string> valueCodes, CancellationToken ct = default)
    {
        var ids = valueCodes.Select((c, i) => (c, i + 1)).ToDictionary(x => x.c, x => x.Item2);
        var (rules, errors) = await CompileAsync(tagCode, definition, ids, ct);
        if (errors.Count > 0) return ([], errors);
        var wanted = await MatchAsync(rules, definition.Match, ct);
        var byValue = wanted.GroupBy(w => w.ValueId).ToDictionary(g => g.Key, g => g.Count());
        return (rules.Select(r => r.ValueId).Distinct()
            .Select(id => new RulePreview(rules.First(r => r.ValueId == id).Value, byValue.GetValueOrDefault(id))).ToList(), []);
    }

    private async Task<HashSet<(long CustomerId, int ValueId)>> MatchAsync(IReadOnlyList<CompiledRule> rules, RuleMatch match, CancellationToken ct)
    {
        var wanted = new HashSet<(long, int)>();
        var taken = new HashSet<long>();
        foreach (var rule in rules)
        {
            var ids = await Audience.Query(db, rule.Predicate).Select(c => c.Id).ToListAsync(ct);
            foreach (var id in ids)
                if (match == RuleMatch.All || taken.Add(id))
                    wanted.Add((id, rule.ValueId));
        }
        return wanted;
    }

    private async Task<(IReadOnlyList<CompiledRule> Rules, IReadOnlyList<ConditionError> Errors)> CompileAsync(
        string tagCode, TagDefinition definition, IReadOnlyDictionary<string, int> values, CancellationToken ct)
    {
        var errors = new List<ConditionError>();
        if (definition.Rules.Count == 0) errors.Add(new ConditionError("$.rules", "RulesRequired"));
        var catalog = await ConditionCatalog.LoadAsync(db, ct);
        var context = await ConditionContext.ForWorkspaceAsync(db, Now, ct);
        var compiler = new ConditionCompiler(db, catalog, context);
        var rules = new List<CompiledRule>();
        for (var i = 0; i < definition.Rules.Count; i++)
        {
            var rule = definition.Rules[i];
            var path = $"$.rules[{i}]";
            var valueId = 0;
            if (values.Count > 0 && rule.Value is null) errors.Add(new ConditionError($"{path}.value", "TagValueRequired", tagCode));
            else if (values.Count == 0 && rule.Value is not null) errors.Add(new ConditionError($"{path}.value", "TagHasNoValues"));
            else if (rule.Value is not null && !values.TryGetValue(rule.Value, out valueId))
                errors.Add(new ConditionError($"{path}.value", "UnknownTagValue", tagCode, rule.Value));

            var parsed = ConditionJson.Parse(rule.Condition);
            if (!parsed.Ok)
            {
                errors.AddRange(parsed.Errors.Select(e => e with { Path = $"{path}.condition{e.Path[1..]}" }));
                continue;
            }
            if (ConditionReferences.Of(parsed.Condition!).Tags.Contains(tagCode))
                errors.Add(new ConditionError($"{path}.condition", "TagSelfReference", tagCode));
            var compiled = compiler.Compile(parsed.Condition!);
            if (!compiled.Ok) errors.AddRange(compiled.Errors.Select(e => e with { Path = $"{path}.condition{e.Path[1..]}" }));
            else rules.Add(new CompiledRule(valueId, rule.Value, compiled.Require()));
        }
        return (rules, errors);
    }
}
