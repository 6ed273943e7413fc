using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Definitions;
using CustomerStudio.Core.Journeys;
using CustomerStudio.Core.Journeys.Definition;
using CustomerStudio.Core.Security;
using CustomerStudio.Core.Segments;
using CustomerStudio.Core.Tags;

namespace CustomerStudio.Core.Templates;

/// <summary>A read and checked pack: the typed pack when there is no error, and every error with its JSON path.</summary>
public sealed record PackValidation(TemplatePack? Pack, IReadOnlyList<ConditionError> Errors, PackSource? Source = null)
{
    public bool Ok => Pack is not null && Errors.Count == 0;

    /// <summary>Errors with zip file names where the pack came from a zip.</summary>
    public IEnumerable<ConditionError> Located => Errors.Select(e => Source is null ? e : e with { Path = Source.Locate(e.Path) });
}

/// <summary>
/// Checks a pack before anything is written: its schema version; its shape against the published template-pack schema
/// (every error by JSON path); journeys with <see cref="JourneyValidator"/> (unknown node kinds, dangling edges…);
/// every condition compiled with the condition language against the workspace plus the pack (so a segment naming a
/// tag that is in neither is an error at that place); references by code (categories, tags and their values,
/// segments, email templates, fields) and duplicate codes.
/// </summary>
public static class TemplatePackValidator
{
    public static async Task<PackValidation> ValidateAsync(StudioDbContext db, PackSource source, WorkspaceDefinitions? workspace = null,
        CancellationToken ct = default)
    {
        workspace ??= await WorkspaceDefinitions.LoadAsync(db, ct);
        var json = source.Json;
        var version = json["schemaVersion"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        if (version is null) return new PackValidation(null, [new ConditionError("$.schemaVersion", "SchemaRequired", "schemaVersion")], source);
        if (version != TemplatePack.CurrentSchemaVersion)
            return new PackValidation(null, [new ConditionError("$.schemaVersion", "UnsupportedSchemaVersion", version, TemplatePack.CurrentSchemaVersion)], source);
        if (json["$schema"] is JsonValue url && url.TryGetValue<string>(out var u) && u != DefinitionSchemas.Find("template-pack")!.Url)
            return new PackValidation(null, [new ConditionError("$.$schema", "UnsupportedSchemaVersion", u, DefinitionSchemas.Find("template-pack")!.Url)], source);

        // Shape: the published schema. Journeys and conditions are left to their own validators, whose messages name
        // the node kind or condition that is wrong instead of listing every shape it could have had.
        var errors = DefinitionSchemas.Validate(DefinitionSchemas.Load("template-pack"), json, "$")
            .Where(e => !Regex.IsMatch(e.Path, @"^\$\.journeys\[\d+\]\.definition(\.|\[|$)") && !IsConditionPath(e.Path)).ToList();

        var journeys = new Dictionary<int, JourneyDefinition>();
        var catalog = Catalog(db, workspace, json);
        var compiler = new ConditionCompiler(db, catalog, new ConditionContext(DateTime.UtcNow, TimeZoneInfo.Utc));
        IReadOnlyList<ConditionError> Compile(JsonNode condition, string path) =>
            compiler.Compile(condition.ToJsonString()).Errors.Select(e => e with { Path = path + e.Path[1..] }).ToList();
        var checks = new JourneyChecks((c, p) => Compile(c, p));

        if (json["journeys"] is JsonArray journeyArray)
            for (var i = 0; i < journeyArray.Count; i++)
                if (journeyArray[i] is JsonObject j && j["definition"] is { } definition)
                {
                    var result = JourneyValidator.Validate(definition, $"$.journeys[{i}].definition", checks);
                    errors.AddRange(result.Errors);
                    if (result.Ok) journeys[i] = result.Definition!;
                }

        foreach (var (path, condition) in Conditions(json))
            errors.AddRange(Compile(condition, path));
        // A pack that does not have the schema's shape is not read further; wrong journeys and conditions are, so that
        // every dangling reference is listed with them.
        if (errors.Any(e => e.Code.StartsWith("Schema", StringComparison.Ordinal) && !e.Path.Contains(".definition") && !IsConditionPath(e.Path)))
            return new PackValidation(null, Distinct(errors), source);

        TemplatePack pack;
        try
        {
            var copy = json.DeepClone().AsObject();
            if (copy["journeys"] is JsonArray copies)
                foreach (var j in copies.OfType<JsonObject>()) j.Remove("definition");
            pack = copy.Deserialize<TemplatePack>(DefinitionSchemas.Json)!;
            pack = pack with { Journeys = [.. pack.Journeys.Select((j, i) => j with { Definition = journeys.GetValueOrDefault(i) ?? new JourneyDefinition() })] };
        }
        catch (JsonException ex)
        {
            return new PackValidation(null, [new ConditionError(ex.Path ?? "$", "SchemaInvalid", ex.Message)], source);
        }

        errors.AddRange(References(pack, workspace));
        return new PackValidation(errors.Count == 0 ? pack : null, Distinct(errors), source);
    }

    private static List<ConditionError> Distinct(List<ConditionError> errors) =>
        errors.DistinctBy(e => (e.Path, e.Code, string.Join("|", e.Args))).ToList();

    private static bool IsConditionPath(string path) =>
        Regex.IsMatch(path, @"^\$\.(segments\[\d+\]\.condition|tags\[\d+\]\.definition\.rules\[\d+\]\.condition|scoring\.leadScoring\.rules\[\d+\]\.(condition|where))(\.|\[|$)");

    /// <summary>Every condition of the pack outside journeys, with its path (lead rules' event filters as event conditions).</summary>
    private static IEnumerable<(string Path, JsonNode Condition)> Conditions(JsonObject json)
    {
        if (json["segments"] is JsonArray segments)
            for (var i = 0; i < segments.Count; i++)
                if (segments[i]?["condition"] is { } c) yield return ($"$.segments[{i}].condition", c);
        if (json["tags"] is JsonArray tags)
            for (var i = 0; i < tags.Count; i++)
                if (tags[i]?["definition"]?["rules"] is JsonArray rules)
                    for (var r = 0; r < rules.Count; r++)
                        if (rules[r]?["condition"] is { } c) yield return ($"$.tags[{i}].definition.rules[{r}].condition", c);
        if (json["scoring"]?["leadScoring"]?["rules"] is JsonArray lead)
            for (var i = 0; i < lead.Count; i++)
            {
                if (lead[i]?["condition"] is { } c) yield return ($"$.scoring.leadScoring.rules[{i}].condition", c);
                if (lead[i]?["where"] is { } w && lead[i]?["event"] is JsonValue e && e.TryGetValue<string>(out var type))
                    yield return ($"$.scoring.leadScoring.rules[{i}]", new JsonObject { ["event"] = type, ["where"] = w.DeepClone() });
            }
    }

    /// <summary>What conditions may name: the workspace's fields, tags and segments, with the pack's own on top.</summary>
    private static ConditionCatalog Catalog(StudioDbContext db, WorkspaceDefinitions workspace, JsonObject json)
    {
        var nextId = -1;
        var fields = workspace.Fields.Values.Select(Field).ToDictionary(f => f.Code);
        foreach (var f in Items<CustomFieldDocument>(json, "customFields")) fields[f.Code] = Field(f);
        var tags = workspace.Tags.Values.ToDictionary(t => t.Code, t => (t.Code, t.NameZh, t.NameEn, Values: t.Values.Select(v => v.Code).ToList()));
        foreach (var t in Items<TagDocument>(json, "tags")) tags[t.Code] = (t.Code, t.NameZh, t.NameEn, t.Values.Select(v => v.Code).ToList());
        var segments = workspace.Segments.Values.ToDictionary(s => s.Code, s => (s.Code, s.NameZh, s.Kind, s.Condition.ToJsonString()));
        foreach (var s in Items<SegmentDocument>(json, "segments")) segments[s.Code] = (s.Code, s.NameZh, s.Kind, s.Condition.ToJsonString());
        _ = db;
        return new ConditionCatalog(
            fields.Values,
            tags.Values.Select(t => new TagInfo(nextId--, t.Code, t.NameZh, t.NameEn, t.Values.Distinct().ToDictionary(v => v, _ => nextId--))),
            segments.Values.Select(s => new SegmentInfo(nextId--, s.Code, s.NameZh, s.Kind, s.Item4)));

        FieldInfo Field(CustomFieldDocument f) => new(f.Code, f.Type switch
        {
            CustomFieldType.Number => FieldType.Number,
            CustomFieldType.Date => FieldType.Date,
            CustomFieldType.Bool => FieldType.Bool,
            CustomFieldType.Enum => FieldType.Enum,
            _ => FieldType.Text,
        }, f.NameZh, f.NameEn, f.Type == CustomFieldType.Enum ? [.. f.Options.Select(o => o.Code)] : null, CustomFieldId: nextId--);
    }

    /// <summary>Items of a section that read as their type; the ones that do not are reported by the schema.</summary>
    private static IEnumerable<T> Items<T>(JsonObject json, string section) where T : class
    {
        if (json[section] is not JsonArray array) yield break;
        foreach (var item in array)
        {
            T? value = null;
            try
            {
                value = item?.Deserialize<T>(DefinitionSchemas.Json);
            }
            catch (JsonException)
            {
            }
            if (value is not null) yield return value;
        }
    }

    private static IEnumerable<ConditionError> References(TemplatePack pack, WorkspaceDefinitions workspace)
    {
        foreach (var e in Duplicates(pack.Categories.Select(c => c.Code), "categories")) yield return e;
        foreach (var e in Duplicates(pack.Tags.Select(c => c.Code), "tags")) yield return e;
        foreach (var e in Duplicates(pack.CustomFields.Select(c => c.Code), "customFields")) yield return e;
        foreach (var e in Duplicates(pack.Segments.Select(c => c.Code), "segments")) yield return e;
        foreach (var e in Duplicates(pack.Journeys.Select(c => c.Code), "journeys")) yield return e;
        foreach (var e in Duplicates(pack.EmailTemplates.Select(c => $"{c.Code}:{c.Language}"), "emailTemplates")) yield return e;

        var categories = pack.Categories.Select(c => c.Code).Concat(workspace.Categories.Keys).ToHashSet();
        var parents = workspace.Categories.Values.ToDictionary(c => c.Code, c => c.Parent);
        foreach (var c in pack.Categories) parents[c.Code] = c.Parent;
        for (var i = 0; i < pack.Categories.Count; i++)
        {
            var c = pack.Categories[i];
            if (c.Parent is { } p && !categories.Contains(p)) yield return new ConditionError($"$.categories[{i}].parent", "UnknownCategory", p);
            var seen = new HashSet<string>();
            for (var at = c.Code; at is not null && seen.Add(at); at = parents.GetValueOrDefault(at)) { }
            if (seen.Count > 0 && parents.GetValueOrDefault(seen.Last()) is { } loop && seen.Contains(loop))
                yield return new ConditionError($"$.categories[{i}].parent", "CategoryCycle", c.Code);
            foreach (var role in c.EditorRoles)
                if (!StudioRoles.All.Contains(role)) yield return new ConditionError($"$.categories[{i}].editorRoles", "UnknownRole", role, string.Join(", ", StudioRoles.All));
        }

        var tagValues = workspace.Tags.ToDictionary(t => t.Key, t => t.Value.Values.Select(v => v.Code).ToHashSet());
        foreach (var t in pack.Tags) tagValues[t.Code] = t.Values.Select(v => v.Code).ToHashSet();
        for (var i = 0; i < pack.Tags.Count; i++)
        {
            var t = pack.Tags[i];
            var path = $"$.tags[{i}]";
            if (!categories.Contains(t.Category)) yield return new ConditionError($"{path}.category", "UnknownCategory", t.Category);
            foreach (var e in Duplicates(t.Values.Select(v => v.Code), $"tags[{i}].values")) yield return e;
            if (t.Kind == TagKind.Manual && t.RefreshRule != RefreshRule.Manual) yield return new ConditionError($"{path}.refreshRule", "ManualTagRefresh");
            switch (t.Kind)
            {
                case TagKind.Manual when t.Definition is { } d && (d.Rules.Count > 0 || d.Model is not null):
                    yield return new ConditionError($"{path}.definition", "ManualTagDefinition");
                    break;
                case TagKind.Rule when t.Definition is not { Rules.Count: > 0 }:
                    yield return new ConditionError($"{path}.definition", "RulesRequired");
                    break;
                case TagKind.Rule:
                    for (var r = 0; r < t.Definition.Rules.Count; r++)
                    {
                        var value = t.Definition.Rules[r].Value;
                        if (t.Values.Count > 0 && (value is null || t.Values.All(v => v.Code != value)))
                            yield return new ConditionError($"{path}.definition.rules[{r}].value", "UnknownTagValue", t.Code, value ?? "");
                        if (t.Values.Count == 0 && value is not null) yield return new ConditionError($"{path}.definition.rules[{r}].value", "TagHasNoValues");
                    }
                    break;
                case TagKind.Predictive when t.Definition?.Model is not { } model:
                    yield return new ConditionError($"{path}.definition.model", "Required", "model");
                    break;
                case TagKind.Predictive:
                    var thresholds = t.Definition!.Model!.Thresholds;
                    for (var k = 0; k < thresholds.Count; k++)
                    {
                        if (thresholds[k].Min is < 0 or > 1) yield return new ConditionError($"{path}.definition.model.thresholds[{k}].min", "ScoreRange", thresholds[k].Min.ToString(System.Globalization.CultureInfo.InvariantCulture));
                        if (k > 0 && thresholds[k].Min >= thresholds[k - 1].Min) yield return new ConditionError($"{path}.definition.model.thresholds[{k}].min", "ThresholdsDescending");
                        if (t.Values.Count > 0 && t.Values.All(v => v.Code != thresholds[k].Value))
                            yield return new ConditionError($"{path}.definition.model.thresholds[{k}].value", "UnknownTagValue", t.Code, thresholds[k].Value ?? "");
                    }
                    break;
            }
        }

        for (var i = 0; i < pack.CustomFields.Count; i++)
        {
            var f = pack.CustomFields[i];
            if (f.Type == CustomFieldType.Enum && f.Options.Count == 0) yield return new ConditionError($"$.customFields[{i}].options", "EnumNeedsOptions", f.Code);
            if (f.Type != CustomFieldType.Enum && f.Options.Count > 0) yield return new ConditionError($"$.customFields[{i}].options", "OptionsOnlyForEnum", f.Code);
            foreach (var e in Duplicates(f.Options.Select(o => o.Code), $"customFields[{i}].options")) yield return e;
            if (workspace.Fields.TryGetValue(f.Code, out var existing) && existing.Type != f.Type)
                yield return new ConditionError($"$.customFields[{i}].type", "FieldTypeDiffers", f.Code, existing.Type.ToString().ToLowerInvariant());
        }

        for (var i = 0; i < pack.Segments.Count; i++)
            if (pack.Segments[i].RefreshCron is { Length: > 0 } cron && !IsCron(cron))
                yield return new ConditionError($"$.segments[{i}].refreshCron", "InvalidCron", cron);

        var segments = pack.Segments.Select(s => s.Code).Concat(workspace.Segments.Keys).ToHashSet();
        var emails = pack.EmailTemplates.Select(e => e.Code).Concat(workspace.EmailTemplates.Keys.Select(k => k.Code)).ToHashSet();
        var fields = pack.CustomFields.Select(f => f.Code).Concat(workspace.Fields.Keys).Concat(ConditionCatalog.BuiltInFields.Select(f => f.Code)).ToHashSet();
        for (var i = 0; i < pack.Journeys.Count; i++)
            foreach (var r in JourneyReferences.Of(pack.Journeys[i].Definition, $"$.journeys[{i}].definition"))
            {
                var error = r.Kind switch
                {
                    JourneyReferenceKind.Segment when !segments.Contains(r.Code) => new ConditionError(r.Path, "UnknownSegment", r.Code),
                    JourneyReferenceKind.Tag when !tagValues.ContainsKey(r.Code) => new ConditionError(r.Path, "UnknownTag", r.Code),
                    JourneyReferenceKind.Tag when r.Value is not null && !tagValues[r.Code].Contains(r.Value) => new ConditionError(r.Path, "UnknownTagValue", r.Code, r.Value),
                    JourneyReferenceKind.EmailTemplate when !emails.Contains(r.Code) => new ConditionError(r.Path, "UnknownEmailTemplate", r.Code),
                    JourneyReferenceKind.Field when !fields.Contains(r.Code) => new ConditionError(r.Path, "UnknownField", r.Code),
                    _ => null,
                };
                if (error is not null) yield return error;
            }

        if (pack.Scoring?.LeadScoring is { } lead)
        {
            if (lead.Mql >= lead.Sql) yield return new ConditionError("$.scoring.leadScoring.sql", "SqlAboveMql", lead.Mql.ToString(), lead.Sql.ToString());
            for (var i = 0; i < lead.Rules.Count; i++)
                if ((lead.Rules[i].Event is null) == (lead.Rules[i].Condition is null))
                    yield return new ConditionError($"$.scoring.leadScoring.rules[{i}]", "LeadRuleEventOrCondition");
        }
    }

    private static IEnumerable<ConditionError> Duplicates(IEnumerable<string> codes, string section)
    {
        var seen = new HashSet<string>();
        var i = 0;
        foreach (var code in codes)
        {
            if (!seen.Add(code)) yield return new ConditionError($"$.{section}[{i}]", "DuplicateCode", code);
            i++;
        }
    }

    private static bool IsCron(string cron)
    {
        try
        {
            _ = new Quartz.CronExpression(cron);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
