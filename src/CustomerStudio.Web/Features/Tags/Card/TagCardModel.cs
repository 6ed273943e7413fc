using System.Text.Json.Nodes;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Tags;
using CustomerStudio.Web.Features.Segments.Builder;

namespace CustomerStudio.Web.Features.Tags.Card;

/// <summary>One value of the tag being edited.</summary>
public sealed class ValueRow
{
    public string Code { get; set; } = "";
    public string NameZh { get; set; } = "";
    public string NameEn { get; set; } = "";
}

/// <summary>One rule of a rule tag: the value it gives and the condition, edited as a <see cref="ConditionTree"/>.</summary>
public sealed class RuleRow(string? value, ConditionTree tree)
{
    public string? Value { get; set; } = value;
    public ConditionTree Tree { get; } = tree;
}

/// <summary>A score band of a predictive tag.</summary>
public sealed class ThresholdRow
{
    public string? Value { get; set; }
    public double Min { get; set; }
}

/// <summary>
/// The tag card's editable state: the card fields, the values, and the definition as rule rows or model settings.
/// Turns into the <see cref="TagDraft"/> the core validates and saves.
/// </summary>
public sealed class TagCardModel
{
    public int CategoryId { get; set; }
    public string Code { get; set; } = "";
    public string NameZh { get; set; } = "";
    public string NameEn { get; set; } = "";
    public string? Description { get; set; }
    public TagKind Kind { get; set; } = TagKind.Manual;
    public string? DataSource { get; set; }
    public RefreshRule RefreshRule { get; set; } = RefreshRule.Manual;
    public string? ValueFormat { get; set; }
    public bool MultiValued { get; set; }
    public string? OwnerId { get; set; }
    public Sensitivity Sensitivity { get; set; } = Sensitivity.Internal;
    public int? ExpiryDays { get; set; }
    public List<ValueRow> Values { get; } = [];

    public RuleMatch Match { get; set; } = RuleMatch.First;
    public List<RuleRow> Rules { get; } = [];

    public PredictionTarget Target { get; set; } = PredictionTarget.Churn;
    public int HorizonDays { get; set; } = 90;
    public int RetrainDays { get; set; } = 7;
    public List<ThresholdRow> Thresholds { get; } = [];

    /// <summary>Problems reading the stored definition (the card then starts from what it could read).</summary>
    public List<ConditionError> LoadErrors { get; } = [];

    public static TagCardModel New(int categoryId) => new() { CategoryId = categoryId };

    public static TagCardModel From(Tag tag)
    {
        var model = new TagCardModel
        {
            CategoryId = tag.CategoryId, Code = tag.Code, NameZh = tag.NameZh, NameEn = tag.NameEn, Description = tag.Description,
            Kind = tag.Kind, DataSource = tag.DataSource, RefreshRule = tag.RefreshRule, ValueFormat = tag.ValueFormat,
            MultiValued = tag.MultiValued, OwnerId = tag.OwnerId, Sensitivity = tag.Sensitivity, ExpiryDays = tag.ExpiryDays,
        };
        model.Values.AddRange(tag.Values.OrderBy(v => v.SortOrder).Select(v => new ValueRow { Code = v.Code, NameZh = v.NameZh, NameEn = v.NameEn }));
        model.ReadDefinition(tag.DefinitionJson);
        return model;
    }

    /// <summary>The rules or model settings of a stored definition (a revision under review reads the same way).</summary>
    public void ReadDefinition(string? json)
    {
        Rules.Clear();
        Thresholds.Clear();
        LoadErrors.Clear();
        var (definition, errors) = TagDefinition.Parse(json);
        LoadErrors.AddRange(errors);
        if (definition is null) return;
        Match = definition.Match;
        foreach (var rule in definition.Rules)
        {
            Rules.Add(new RuleRow(rule.Value, ConditionTree.Open(rule.Condition.ToJsonString(), out var ruleErrors)));
            LoadErrors.AddRange(ruleErrors);
        }
        if (definition.Model is { } m)
        {
            (Target, HorizonDays, RetrainDays) = (m.Target, m.HorizonDays, m.RetrainDays);
            Thresholds.AddRange(m.Thresholds.Select(t => new ThresholdRow { Value = t.Value, Min = t.Min }));
        }
    }

    /// <summary>Makes sure the definition part fits the kind: a rule tag starts with one empty rule, a predictive tag with one band.</summary>
    public void EnsureKindShape()
    {
        if (Kind == TagKind.Manual) RefreshRule = RefreshRule.Manual;
        if (Kind == TagKind.Rule && Rules.Count == 0) AddRule();
        if (Kind == TagKind.Predictive && Thresholds.Count == 0) Thresholds.Add(new ThresholdRow { Value = Values.FirstOrDefault()?.Code, Min = 0.5 });
    }

    public RuleRow AddRule()
    {
        var rule = new RuleRow(Values.Count > 0 ? Values[Math.Min(Rules.Count, Values.Count - 1)].Code : null, new ConditionTree());
        Rules.Add(rule);
        return rule;
    }

    /// <summary>The definition JSON for the current kind: rules for a rule tag, model settings for a predictive one, none for manual.</summary>
    public string? DefinitionJson() => Kind switch
    {
        TagKind.Rule => RuleDefinition().ToJson(),
        TagKind.Predictive => new TagDefinition
        {
            Model = new PredictiveSettings
            {
                Target = Target, HorizonDays = HorizonDays, RetrainDays = RetrainDays,
                Thresholds = [.. Thresholds.Select(t => new ScoreThreshold(Blank(t.Value), t.Min))],
            },
        }.ToJson(),
        _ => null,
    };

    public TagDefinition RuleDefinition() => new()
    {
        Match = Match,
        Rules = [.. Rules.Select(r => new TagRule(Blank(r.Value), StoredCondition(r.Tree)))],
    };

    /// <summary>
    /// A rule's condition as stored: the builder's root group around a single condition is that condition, so a rule
    /// reads (and compares, for 同名不同义 and for "did the rule change") the way a hand-written one does.
    /// </summary>
    public static JsonNode StoredCondition(ConditionTree tree)
    {
        var node = JsonNode.Parse(tree.ToJson())!;
        return UnwrappedPrefix(tree) is not null && node is JsonObject obj && (obj["all"] ?? obj["any"]) is JsonArray { Count: 1 } items
            ? items[0]!.DeepClone()
            : node;
    }

    /// <summary>Where the single condition sits in the builder (<c>$.all[0]</c>) when the stored rule leaves its root group out.</summary>
    public static string? UnwrappedPrefix(ConditionTree tree) =>
        tree.Root is { Negated: false, Items.Count: 1 } root ? (root.IsAny ? "$.any[0]" : "$.all[0]") : null;

    public TagDraft ToDraft() => new(
        CategoryId, (Code ?? "").Trim(), NameZh ?? "", NameEn ?? "", Blank(Description), Kind, Blank(DataSource),
        Kind == TagKind.Manual ? RefreshRule.Manual : RefreshRule, Blank(ValueFormat), MultiValued, Blank(OwnerId), Sensitivity, ExpiryDays,
        [.. Values.Select(v => new TagValueDraft((v.Code ?? "").Trim(), v.NameZh ?? "", v.NameEn ?? ""))], DefinitionJson());

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
