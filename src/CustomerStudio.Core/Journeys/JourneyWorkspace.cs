using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Journeys.Definition;
using CustomerStudio.Core.Tags;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Core.Journeys;

/// <summary>A tag as a journey may use it: kind and status decide whether an action can assign or remove it.</summary>
public sealed record JourneyTag(string Code, TagKind Kind, TagStatus Status);

/// <summary>
/// What a journey is checked against before it is published: the condition catalog (fields, tags, segments), the
/// workspace's time zone and the email templates. Loaded once; the designer keeps it for the session and checks every
/// edit in memory, publishing loads it fresh.
/// </summary>
public sealed class JourneyWorkspace(ConditionCatalog catalog, ConditionContext context, IReadOnlySet<string> emailTemplates,
    IReadOnlyDictionary<string, JourneyTag> tags)
{
    public ConditionCatalog Catalog { get; } = catalog;
    public ConditionContext Context { get; } = context;
    public IReadOnlySet<string> EmailTemplates { get; } = emailTemplates;
    public IReadOnlyDictionary<string, JourneyTag> Tags { get; } = tags;

    public static async Task<JourneyWorkspace> LoadAsync(StudioDbContext db, DateTime utcNow, CancellationToken ct = default)
    {
        var catalog = await ConditionCatalog.LoadAsync(db, ct);
        var context = await ConditionContext.ForWorkspaceAsync(db, utcNow, ct);
        var templates = await db.EmailTemplates.AsNoTracking().Select(t => t.Code).Distinct().ToListAsync(ct);
        var tags = await db.Tags.AsNoTracking().Where(t => t.Status != TagStatus.Archived)
            .Select(t => new JourneyTag(t.Code, t.Kind, t.Status)).ToListAsync(ct);
        return new JourneyWorkspace(catalog, context, templates.ToHashSet(StringComparer.Ordinal), tags.ToDictionary(t => t.Code, StringComparer.Ordinal));
    }

    /// <summary>
    /// Every problem of a definition: shape, settings and graph (<see cref="JourneyValidator"/>), conditions compiled
    /// against the workspace, and the segments, tags, email templates and fields the settings name. The context is only
    /// used to build condition expressions; nothing is queried.
    /// </summary>
    public JourneyValidation Validate(StudioDbContext db, string? json)
    {
        var compiler = new ConditionCompiler(db, Catalog, Context) { OneCustomer = true };
        var checks = new JourneyChecks((condition, _) => compiler.Compile(condition.ToJsonString()).Errors);
        var validation = JourneyValidator.Validate(json, checks);
        var references = References(json);
        if (references.Count == 0) return validation;
        var errors = validation.Errors.Concat(references).ToList();
        return new JourneyValidation(null, errors);
    }

    /// <summary>References to things missing from the workspace, for every node whose settings can be read.</summary>
    public IReadOnlyList<ConditionError> References(string? json)
    {
        var definition = Readable(json);
        var errors = new List<ConditionError>();
        foreach (var reference in JourneyReferences.Of(definition))
        {
            var index = int.Parse(reference.Path["$.nodes[".Length..reference.Path.IndexOf(']')], System.Globalization.CultureInfo.InvariantCulture);
            if (Check(reference, definition.Nodes[index].Kind) is { } error) errors.Add(error);
        }
        return errors;
    }

    private ConditionError? Check(JourneyReference r, JourneyNodeKind kind)
    {
        switch (r.Kind)
        {
            case JourneyReferenceKind.Segment:
                return Catalog.Segments.ContainsKey(r.Code) ? null : new ConditionError(r.Path, "UnknownSegment", r.Code);
            case JourneyReferenceKind.EmailTemplate:
                return EmailTemplates.Contains(r.Code) ? null : new ConditionError(r.Path, "UnknownEmailTemplate", r.Code);
            case JourneyReferenceKind.Field:
                if (!Catalog.Fields.TryGetValue(r.Code, out var field)) return new ConditionError(r.Path, "UnknownField", r.Code);
                return kind == JourneyNodeKind.DateBased && field.Type != FieldType.Date ? new ConditionError(r.Path, "FieldNotDate", r.Code) : null;
            case JourneyReferenceKind.Tag:
                if (!Catalog.Tags.TryGetValue(r.Code, out var tag) || !Tags.TryGetValue(r.Code, out var info))
                    return new ConditionError(r.Path, "UnknownTag", r.Code);
                if (r.Value is { Length: > 0 } value && !tag.Values.ContainsKey(value))
                    return new ConditionError(r.Path[..^".tag".Length] + ".value", "UnknownTagValue", r.Code, value);
                if (kind is JourneyNodeKind.AddTag or JourneyNodeKind.RemoveTag)
                {
                    // Journeys assign as people do: manual tags only, live ones (a deprecated tag may still be removed).
                    if (info.Kind != TagKind.Manual) return new ConditionError(r.Path, "TagIsComputed", r.Code);
                    if (info.Status != TagStatus.Active && !(kind == JourneyNodeKind.RemoveTag && info.Status == TagStatus.Deprecated))
                        return new ConditionError(r.Path, "TagNotActive", r.Code);
                }
                return null;
        }
        return null;
    }

    /// <summary>
    /// The nodes that can be read on their own, each at its index (an unreadable node becomes an empty manual trigger, so
    /// paths stay right), for reference checks even when the graph has errors.
    /// </summary>
    private static JourneyDefinition Readable(string? json)
    {
        JsonArray? array;
        try
        {
            array = JsonNode.Parse(json ?? "") is JsonObject { } root ? root["nodes"] as JsonArray : null;
        }
        catch (JsonException)
        {
            array = null;
        }
        var nodes = new List<JourneyNode>();
        for (var i = 0; i < (array?.Count ?? 0); i++)
        {
            JourneyNode? node = null;
            try
            {
                node = array![i]?.Deserialize<JourneyNode>(JourneyDefinitionJson.Options);
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or NotSupportedException)
            {
                // Reported by the validator at its path.
            }
            nodes.Add(node ?? new JourneyNode { Id = "x", Kind = JourneyNodeKind.Manual });
        }
        return new JourneyDefinition { Nodes = nodes };
    }
}
