using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Definitions;
using CustomerStudio.Core.Journeys;
using CustomerStudio.Core.Scoring;
using CustomerStudio.Core.Security;
using CustomerStudio.Core.Segments;
using CustomerStudio.Core.Tags;
using CustomerStudio.Core.Workspace;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Core.Templates;

/// <summary>What an install did: the diff it acted on, each item's outcome, renames, and the work done after commit.</summary>
public sealed record PackInstallResult(
    bool Ok, IReadOnlyList<ConditionError> Errors, PackDiff? Diff, IReadOnlyList<PackInstalledItem> Items,
    IReadOnlyDictionary<string, string> Renamed, TimeSpan Elapsed, IReadOnlyList<string> AfterInstallProblems)
{
    public static PackInstallResult Failed(IReadOnlyList<ConditionError> errors, PackDiff? diff = null) =>
        new(false, errors, diff, [], new Dictionary<string, string>(), TimeSpan.Zero, []);

    public int Count(string outcome) => Items.Count(i => i.Outcome == outcome);
}

/// <summary>One item's outcome: <c>installed</c>, <c>upgraded</c>, <c>overwritten</c>, <c>renamed</c>, <c>skipped</c>, <c>unchanged</c>.</summary>
public sealed record PackInstalledItem(PackItemKey Key, string Name, string Outcome, int? Members = null);

/// <summary>What to export: everything (no selection) or the chosen items, which bring what they depend on.</summary>
public sealed record PackExportRequest(string Code, string Version, string NameZh, string NameEn, string? DescriptionZh = null,
    string? DescriptionEn = null, IReadOnlyList<PackItemKey>? Selection = null);

public sealed record PackExportResult(TemplatePack Pack, IReadOnlyList<PackItemKey> Skipped)
{
    public string Json => DefinitionSchemas.Serialize(Pack);
}

/// <summary>
/// Template packs (docs/templates.md): read and validate, preview against the workspace, install with a choice per
/// conflict in one transaction (all or nothing), and export the workspace (or part of it) as a pack. Installing needs an
/// actor who governs (admins): pack tags go live as an approved first version reviewed by the installer; journeys arrive
/// as drafts. Segments are refreshed and rule tags computed after the commit.
/// </summary>
public sealed class TemplatePackService(StudioDbContext db, TimeProvider clock, SegmentService segments, TagRuleEngine rules,
    SegmentSchedule? schedule = null)
{
    /// <summary>For tests of atomicity: throwing here for an item aborts the install after earlier items were written.</summary>
    internal Func<PackItemKey, bool>? FailBefore { get; set; }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task<PackValidation> ValidateAsync(byte[] bytes, CancellationToken ct = default) => (await PrepareAsync(bytes, ct)).Validation;

    public async Task<(PackValidation Validation, PackDiff? Diff)> DiffAsync(byte[] bytes, CancellationToken ct = default)
    {
        var prepared = await PrepareAsync(bytes, ct);
        if (!prepared.Validation.Ok) return (prepared.Validation, null);
        return (prepared.Validation, await DiffAsync(prepared.Validation.Pack!, prepared.Workspace!, ct));
    }

    private sealed record Prepared(PackValidation Validation, WorkspaceDefinitions? Workspace, PackSource? Source, Dictionary<string, string> Renamed);

    /// <summary>Reads and validates a pack, with the renames an earlier install of it chose applied again.</summary>
    private async Task<Prepared> PrepareAsync(byte[] bytes, CancellationToken ct)
    {
        var read = TemplatePackReader.Read(bytes);
        if (!read.Ok) return new Prepared(new PackValidation(null, read.Errors), null, null, []);
        var workspace = await WorkspaceDefinitions.LoadAsync(db, ct);
        var source = read.Source!;
        var renamed = new Dictionary<string, string>();
        var code = source.Json["code"] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var c) ? c : null;
        var installed = code is null ? null : await db.InstalledTemplates.AsNoTracking().FirstOrDefaultAsync(t => t.Code == code, ct);
        if (InstalledManifest.Read(installed?.ManifestJson) is { Renamed.Count: > 0 } manifest)
        {
            var json = source.Json.DeepClone().AsObject();
            foreach (var (key, to) in manifest.Renamed)
            {
                var parsed = PackItemKey.Parse(key);
                Renames.Apply(json, parsed, to);
                renamed[key] = to;
            }
            source = new PackSource(json, source.Files);
        }
        var validation = await TemplatePackValidator.ValidateAsync(db, source, workspace, ct);
        return new Prepared(validation, workspace, source, renamed);
    }

    public async Task<PackDiff> DiffAsync(TemplatePack pack, WorkspaceDefinitions workspace, CancellationToken ct = default)
    {
        var installed = await db.InstalledTemplates.AsNoTracking().FirstOrDefaultAsync(t => t.Code == pack.Code, ct);
        var manifest = InstalledManifest.Read(installed?.ManifestJson);
        var recorded = manifest?.Items.ToDictionary(i => i.Key, i => i.Fingerprint) ?? [];
        var items = new List<PackDiffItem>();
        foreach (var (key, name, canonical) in Items(pack, workspace.Culture))
        {
            var current = Current(workspace, key);
            PackChange change;
            if (current is null) change = PackChange.New;
            else if (JsonNode.DeepEquals(current, canonical)) change = PackChange.Unchanged;
            else if (recorded.TryGetValue(key.ToString(), out var fingerprint) && fingerprint == PackJson.Fingerprint(current)) change = PackChange.Changed;
            else change = PackChange.Conflict;
            items.Add(new PackDiffItem(key, name, change, change is PackChange.Changed or PackChange.Conflict ? PackJson.Differences(current, canonical) : [],
                current, canonical, change == PackChange.Conflict && key.Kind != PackItemKind.Scoring ? FreeCode(key, pack, workspace) : null)
            {
                Warnings = change == PackChange.New && key.Kind == PackItemKind.Tag ? LookAlikes(pack.Tags.First(t => t.Code == key.Code), workspace) : [],
            });
        }
        // What an earlier version installed and this one no longer has stays in the workspace: listed, never removed.
        var inPack = items.Select(i => i.Key.ToString()).ToHashSet();
        foreach (var key in manifest?.Items.Select(i => i.Key).Where(k => !inPack.Contains(k)) ?? [])
        {
            var dropped = PackItemKey.Parse(key);
            if (Current(workspace, dropped) is { } current)
                items.Add(new PackDiffItem(dropped, WorkspaceName(workspace, dropped), PackChange.Dropped, [], current, null));
        }
        return new PackDiff(pack.Code, pack.Version, installed?.Version, items);
    }

    public async Task<PackInstallResult> InstallAsync(byte[] bytes, IReadOnlyDictionary<string, ConflictChoice> choices, Actor actor,
        CancellationToken ct = default)
    {
        var started = Stopwatch.StartNew();
        if (!actor.Governs) return PackInstallResult.Failed([new ConditionError("$", "InstallNotAllowed")]);
        var prepared = await PrepareAsync(bytes, ct);
        var validation = prepared.Validation;
        if (!validation.Ok) return PackInstallResult.Failed([.. validation.Located]);
        var workspace = prepared.Workspace!;
        var read = new TemplatePackReader.Result(prepared.Source, []);
        var pack = validation.Pack!;

        var installed = await db.InstalledTemplates.FirstOrDefaultAsync(t => t.Code == pack.Code, ct);
        if (installed is not null && CompareVersions(installed.Version, pack.Version) > 0)
            return PackInstallResult.Failed([new ConditionError("$.version", "OlderVersion", pack.Version, installed.Version)]);

        var diff = await DiffAsync(pack, workspace, ct);
        var errors = new List<ConditionError>();
        var renamed = prepared.Renamed;
        var renamedNow = new HashSet<string>();
        var json = read.Source!.Json.DeepClone().AsObject();
        foreach (var conflict in diff.Conflicts)
        {
            if (!choices.TryGetValue(conflict.Key.ToString(), out var choice))
                errors.Add(new ConditionError(conflict.Key.ToString(), "ConflictNeedsChoice", conflict.Key.Code));
            else if (choice == ConflictChoice.Rename)
            {
                if (conflict.RenameTo is null) errors.Add(new ConditionError(conflict.Key.ToString(), "CannotRename", conflict.Key.Code));
                else if (renamed.TryAdd(conflict.Key.ToString(), conflict.RenameTo))
                {
                    Renames.Apply(json, conflict.Key, conflict.RenameTo);
                    renamedNow.Add(conflict.RenameTo);
                }
            }
        }
        if (errors.Count > 0) return PackInstallResult.Failed(errors, diff);

        // Choices change the pack (renames) and what its references resolve to (skips): check it all again.
        if (renamedNow.Count > 0)
        {
            validation = await TemplatePackValidator.ValidateAsync(db, new PackSource(json, read.Source.Files), workspace, ct);
            if (!validation.Ok) return PackInstallResult.Failed([.. validation.Located], diff);
            pack = validation.Pack!;
            diff = await DiffAsync(pack, workspace, ct);
        }
        var skipped = diff.Conflicts.Where(c => choices.GetValueOrDefault(c.Key.ToString()) == ConflictChoice.Skip).Select(c => c.Key).ToHashSet();
        if (skipped.Count > 0)
        {
            var kept = Without(json, skipped);
            var recheck = await TemplatePackValidator.ValidateAsync(db, new PackSource(kept, read.Source.Files), workspace, ct);
            if (!recheck.Ok) return PackInstallResult.Failed([.. recheck.Located.Select(e => e with { Code = e.Code, Path = e.Path })], diff);
        }

        var outcomes = new List<PackInstalledItem>();
        var writes = diff.Items.Where(i => i.Change is PackChange.New or PackChange.Changed
                                           || (i.Change == PackChange.Conflict && choices.GetValueOrDefault(i.Key.ToString()) == ConflictChoice.Overwrite)).ToList();
        foreach (var item in diff.Items.Except(writes))
            outcomes.Add(new PackInstalledItem(item.Key, item.Name, item.Change switch
            {
                PackChange.Unchanged => "unchanged",
                PackChange.Dropped => "kept",
                _ => "skipped",
            }));
        if (writes.Count == 0 && installed?.Version == pack.Version)
            return new PackInstallResult(true, [], diff, outcomes, renamed, started.Elapsed, []);

        var now = Now;
        var comment = $"Installed from template pack {pack.Code} {pack.Version}";
        var written = new List<(PackDiffItem Item, int Id)>();
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            var writer = new PackWriter(db, pack, workspace.Culture, actor, now, comment);
            foreach (var item in writes.OrderBy(i => i.Key.Kind).ThenBy(i => writer.Order(i.Key)))
            {
                if (FailBefore?.Invoke(item.Key) == true) throw new InvalidOperationException($"Install stopped before {item.Key} (test).");
                written.Add((item, await writer.WriteAsync(item.Key, item.Change != PackChange.New, ct)));
                var outcome = item.Change switch
                {
                    PackChange.New when renamedNow.Contains(item.Key.Code) => "renamed",
                    PackChange.New => "installed",
                    PackChange.Changed => "upgraded",
                    _ => "overwritten",
                };
                outcomes.Add(new PackInstalledItem(item.Key, item.Name, outcome));
            }

            // Remember what this pack installed and how it looked, so that a later version can tell its own items from edits.
            var previous = InstalledManifest.Read(installed?.ManifestJson)?.Items ?? [];
            var mine = diff.Items.Where(i => writes.Contains(i) || (i.Change == PackChange.Unchanged && previous.Any(p => p.Key == i.Key.ToString())))
                .Select(i => new InstalledItem(i.Key.ToString(), PackJson.Fingerprint(i.Pack!)));
            // Items of earlier versions that this one dropped stay recorded: the next diff lists them again as dropped.
            var packKeys = diff.Items.Where(i => i.Change != PackChange.Dropped).Select(i => i.Key.ToString()).ToHashSet();
            var manifest = new InstalledManifest(pack.Code, pack.Version,
                [.. mine.UnionBy(previous.Where(p => !packKeys.Contains(p.Key)), i => i.Key)]) { Renamed = renamed };
            var before = installed is null ? null : new { installed.Code, installed.Version };
            installed ??= db.InstalledTemplates.Add(new InstalledTemplate { Code = pack.Code }).Entity;
            installed.Version = pack.Version;
            installed.Name = WorkspaceDefinitions.NameIn(workspace.Culture, pack.NameZh, pack.NameEn);
            installed.ManifestJson = JsonSerializer.Serialize(manifest, DefinitionSchemas.Json);
            installed.InstalledAt = now;
            installed.InstalledBy = actor.UserId ?? actor.UserName;
            await db.SaveChangesAsync(ct);
            AuditLog.Record(db, actor, "TemplatePack", pack.Code, before is null ? "installed" : "upgraded", before,
                new { pack.Code, pack.Version, Items = outcomes.Select(o => new { Key = o.Key.ToString(), o.Outcome }), Renamed = renamed }, now);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        db.ChangeTracker.Clear();

        // Derived data, after the definitions are safely in: segment members and rule tag assignments.
        var problems = new List<string>();
        for (var i = 0; i < outcomes.Count; i++)
        {
            var o = outcomes[i];
            var id = written.FirstOrDefault(w => w.Item.Key == o.Key).Id;
            if (id == 0) continue;
            try
            {
                if (o.Key.Kind == PackItemKind.Segment)
                {
                    var refresh = await segments.RefreshAsync(id, ct);
                    outcomes[i] = o with { Members = refresh.Members };
                    if (schedule is not null) await schedule.SyncAsync(id, ct);
                }
                else if (o.Key.Kind == PackItemKind.Tag && pack.Tags.First(t => t.Code == o.Key.Code).Kind == TagKind.Rule)
                    outcomes[i] = o with { Members = (await rules.RecomputeAsync(id, ct)).Coverage };
            }
            catch (Exception ex) when (ex is InvalidOperationException or ConditionException or DbUpdateException)
            {
                problems.Add($"{o.Key}: {ex.Message}");
            }
        }
        return new PackInstallResult(true, [], diff, outcomes, renamed, started.Elapsed, problems);
    }

    public async Task<PackExportResult> ExportAsync(PackExportRequest request, CancellationToken ct = default)
    {
        var workspace = await WorkspaceDefinitions.LoadAsync(db, ct);
        return PackExport.Build(workspace, request);
    }

    // ------------------------------------------------------------------ items of a pack, as the workspace would store them

    internal static IEnumerable<(PackItemKey Key, string Name, JsonNode Canonical)> Items(TemplatePack pack, string culture)
    {
        foreach (var c in pack.Categories)
            yield return (new(PackItemKind.Category, c.Code), Name(culture, c.NameZh, c.NameEn), PackJson.Canonical(c with { EditorRoles = [.. c.EditorRoles.Distinct()] }));
        foreach (var f in pack.CustomFields)
            yield return (new(PackItemKind.CustomField, f.Code), Name(culture, f.NameZh, f.NameEn), PackJson.Canonical(f));
        foreach (var e in pack.EmailTemplates)
            yield return (new(PackItemKind.EmailTemplate, e.Code, e.Language), e.Name, PackJson.Canonical(e));
        foreach (var t in pack.Tags)
            yield return (new(PackItemKind.Tag, t.Code), Name(culture, t.NameZh, t.NameEn), PackJson.Canonical(WorkspaceDefinitions.Normalize(t)));
        foreach (var s in pack.Segments)
            yield return (new(PackItemKind.Segment, s.Code), Name(culture, s.NameZh, s.NameEn), PackJson.Canonical(WorkspaceDefinitions.Normalize(s, culture)));
        foreach (var j in pack.Journeys)
            yield return (new(PackItemKind.Journey, j.Code), Name(culture, j.NameZh, j.NameEn), PackJson.Canonical(WorkspaceDefinitions.Normalize(j, culture)));
        if (pack.Scoring is not null)
            yield return (new(PackItemKind.Scoring, "scoring"), "RFM / lead scoring", PackJson.Canonical(WorkspaceDefinitions.Normalize(pack.Scoring)));
    }

    private static string Name(string culture, string zh, string en) => WorkspaceDefinitions.NameIn(culture, zh, en);

    /// <summary>A workspace item's name in the workspace's language (its code when it has none).</summary>
    private static string WorkspaceName(WorkspaceDefinitions w, PackItemKey key) => key.Kind switch
    {
        PackItemKind.Category when w.Categories.TryGetValue(key.Code, out var c) => Name(w.Culture, c.NameZh, c.NameEn),
        PackItemKind.CustomField when w.Fields.TryGetValue(key.Code, out var f) => Name(w.Culture, f.NameZh, f.NameEn),
        PackItemKind.EmailTemplate when w.EmailTemplates.TryGetValue((key.Code, key.Language!), out var e) => e.Name,
        PackItemKind.Tag when w.Tags.TryGetValue(key.Code, out var t) => Name(w.Culture, t.NameZh, t.NameEn),
        PackItemKind.Segment when w.Segments.TryGetValue(key.Code, out var s) => Name(w.Culture, s.NameZh, s.NameEn),
        PackItemKind.Journey when w.Journeys.TryGetValue(key.Code, out var j) => Name(w.Culture, j.NameZh, j.NameEn),
        PackItemKind.Scoring => "RFM / lead scoring",
        _ => key.Code,
    };

    private static JsonNode? Current(WorkspaceDefinitions w, PackItemKey key) => key.Kind switch
    {
        PackItemKind.Category => w.Categories.TryGetValue(key.Code, out var c) ? PackJson.Canonical(c) : null,
        PackItemKind.CustomField => w.Fields.TryGetValue(key.Code, out var f) ? PackJson.Canonical(f) : null,
        PackItemKind.EmailTemplate => w.EmailTemplates.TryGetValue((key.Code, key.Language!), out var e) ? PackJson.Canonical(e) : null,
        PackItemKind.Tag => w.Tags.TryGetValue(key.Code, out var t) ? PackJson.Canonical(t) : null,
        PackItemKind.Segment => w.Segments.TryGetValue(key.Code, out var s) ? PackJson.Canonical(s) : null,
        PackItemKind.Journey => w.Journeys.TryGetValue(key.Code, out var j) ? PackJson.Canonical(j) : null,
        _ => w.Scoring is null ? null : PackJson.Canonical(w.Scoring),
    };

    /// <summary>Workspace tags with a similar name or code: the same 同名不同义 guard as the tag card.</summary>
    private static IReadOnlyList<TagWarning> LookAlikes(TagDocument tag, WorkspaceDefinitions w)
    {
        var warnings = new List<TagWarning>();
        foreach (var other in w.Tags.Values.Where(o => o.Code != tag.Code))
        {
            if (TagSimilarity.SimilarNames(tag.NameZh, other.NameZh) || TagSimilarity.SimilarNames(tag.NameEn, other.NameEn))
                warnings.Add(new TagWarning("SimilarName", other.Code, other.NameZh));
            else if (TagSimilarity.SimilarCodes(tag.Code, other.Code))
                warnings.Add(new TagWarning("SimilarCode", other.Code, other.NameZh));
        }
        return warnings;
    }

    /// <summary>The first code <c>{code}_2</c>, <c>{code}_3</c>… that neither the workspace nor the pack uses.</summary>
    private static string? FreeCode(PackItemKey key, TemplatePack pack, WorkspaceDefinitions w)
    {
        IEnumerable<string> used = key.Kind switch
        {
            PackItemKind.Category => w.Categories.Keys.Concat(pack.Categories.Select(c => c.Code)),
            PackItemKind.CustomField => w.Fields.Keys.Concat(pack.CustomFields.Select(c => c.Code)).Concat(ConditionCatalog.BuiltInFields.Select(f => f.Code)),
            PackItemKind.EmailTemplate => w.EmailTemplates.Keys.Select(k => k.Code).Concat(pack.EmailTemplates.Select(c => c.Code)),
            PackItemKind.Tag => w.Tags.Keys.Concat(pack.Tags.Select(c => c.Code)),
            PackItemKind.Segment => w.Segments.Keys.Concat(pack.Segments.Select(c => c.Code)),
            PackItemKind.Journey => w.Journeys.Keys.Concat(pack.Journeys.Select(c => c.Code)),
            _ => [],
        };
        var taken = used.ToHashSet();
        for (var n = 2; n < 100; n++)
        {
            var suffix = $"_{n}";
            var candidate = (key.Code.Length + suffix.Length > 64 ? key.Code[..(64 - suffix.Length)] : key.Code) + suffix;
            if (!taken.Contains(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>The pack without the skipped items: what the workspace must still satisfy.</summary>
    private static JsonObject Without(JsonObject json, HashSet<PackItemKey> skipped)
    {
        var copy = json.DeepClone().AsObject();
        foreach (var key in skipped)
        {
            var (section, match) = key.Kind switch
            {
                PackItemKind.Category => ("categories", (Func<JsonNode?, bool>)(n => (string?)n?["code"] == key.Code)),
                PackItemKind.CustomField => ("customFields", n => (string?)n?["code"] == key.Code),
                PackItemKind.EmailTemplate => ("emailTemplates", n => (string?)n?["code"] == key.Code && (string?)n?["language"] == key.Language),
                PackItemKind.Tag => ("tags", n => (string?)n?["code"] == key.Code),
                PackItemKind.Segment => ("segments", n => (string?)n?["code"] == key.Code),
                PackItemKind.Journey => ("journeys", n => (string?)n?["code"] == key.Code),
                _ => ("scoring", _ => true),
            };
            if (section == "scoring") copy.Remove("scoring");
            else if (copy[section] is JsonArray array)
                foreach (var node in array.Where(match).ToList()) array.Remove(node);
        }
        return copy;
    }

    internal static int CompareVersions(string a, string b)
    {
        static int[] Parts(string v) => [.. v.Split('.').Select(p => int.TryParse(p, out var n) ? n : 0)];
        var (x, y) = (Parts(a), Parts(b));
        for (var i = 0; i < Math.Max(x.Length, y.Length); i++)
        {
            var c = (i < x.Length ? x[i] : 0).CompareTo(i < y.Length ? y[i] : 0);
            if (c != 0) return c;
        }
        return 0;
    }
}
