using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Journeys.Definition;
using CustomerStudio.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Core.Journeys;

/// <summary>What a user submits to create a journey; <see cref="DefinitionJson"/> empty means an empty canvas.</summary>
public sealed record JourneyDraft(string? Code, string? Name, string? Description = null, string? DefinitionJson = null);

/// <summary>A change of a journey's draft: name, description and the designer's JSON (null leaves a part as it is).</summary>
public sealed record JourneyEdit(string? Name, string? Description, string? DefinitionJson);

/// <summary>
/// The outcome of a journey operation: the journey, or the errors that refused it. <see cref="DraftErrors"/> are the
/// problems of a saved draft (it was saved; they block publishing), <see cref="Version"/> the version a publish created.
/// </summary>
public sealed record JourneyResult(Journey? Journey, IReadOnlyList<ConditionError> Errors)
{
    public IReadOnlyList<ConditionError> DraftErrors { get; init; } = [];
    public JourneyVersion? Version { get; init; }
    public bool Ok => Journey is not null && Errors.Count == 0;

    public static JourneyResult Fail(string path, string code, params string[] args) => new(null, [new ConditionError(path, code, args)]);
}

/// <summary>A journey in the list, with how many customers are in it now.</summary>
public sealed record JourneySummary(
    int Id, string Code, string Name, string? Description, JourneyStatus Status, int? PublishedVersion, string? OwnerId,
    DateTime CreatedAt, DateTime UpdatedAt, int ActiveInstances);

/// <summary>
/// Journeys from draft to archive: created with a unique code, drafts saved as they are (an invalid draft is kept; its
/// problems are returned), published as immutable numbered versions after every check against the workspace passes,
/// paused, resumed, archived and duplicated. Marketers and admins change journeys; every change is audited with before
/// and after. Instances stay on the version they started on, so publishing never touches them.
/// </summary>
public sealed partial class JourneyService(StudioDbContext db, TimeProvider clock)
{
    public const string EmptyDefinition = """{"schemaVersion":"1.0","nodes":[],"edges":[]}""";

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public static bool MayEdit(Actor actor) => actor.IsIn(StudioRoles.Admin) || actor.IsIn(StudioRoles.Marketer);

    // ------------------------------------------------------------------ reading

    public async Task<IReadOnlyList<JourneySummary>> ListAsync(JourneyStatus? status = null, CancellationToken ct = default)
    {
        var journeys = db.Journeys.AsNoTracking();
        if (status is { } s) journeys = journeys.Where(j => j.Status == s);
        var list = await journeys.OrderBy(j => j.Name).ThenBy(j => j.Id).ToListAsync(ct);
        var active = await db.JourneyInstances.AsNoTracking()
            .Where(i => i.Status == InstanceStatus.Running || i.Status == InstanceStatus.Waiting)
            .GroupBy(i => i.JourneyId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        return list.Select(j => new JourneySummary(j.Id, j.Code, j.Name, j.Description, j.Status, j.PublishedVersion, j.OwnerId,
            j.CreatedAt, j.UpdatedAt, active.GetValueOrDefault(j.Id))).ToList();
    }

    public Task<Journey?> GetAsync(int id, CancellationToken ct = default) =>
        db.Journeys.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, ct);

    public Task<List<JourneyVersion>> VersionsAsync(int id, CancellationToken ct = default) =>
        db.JourneyVersions.AsNoTracking().Where(v => v.JourneyId == id).OrderByDescending(v => v.Version).ToListAsync(ct);

    public Task<JourneyVersion?> VersionAsync(int id, int version, CancellationToken ct = default) =>
        db.JourneyVersions.AsNoTracking().FirstOrDefaultAsync(v => v.JourneyId == id && v.Version == version, ct);

    /// <summary>Every problem that would stop <paramref name="json"/> from being published, with its JSON path.</summary>
    public async Task<IReadOnlyList<ConditionError>> ValidateAsync(string? json, CancellationToken ct = default)
    {
        var workspace = await JourneyWorkspace.LoadAsync(db, Now, ct);
        return workspace.Validate(db, json).Errors;
    }

    // ------------------------------------------------------------------ changing

    public async Task<JourneyResult> CreateAsync(JourneyDraft draft, Actor actor, CancellationToken ct = default)
    {
        if (!MayEdit(actor)) return JourneyResult.Fail("journey", "JourneyNotAllowed", draft.Code ?? "");
        var errors = new List<ConditionError>();
        if (!CodePattern().IsMatch(draft.Code ?? "")) errors.Add(new ConditionError("code", "InvalidCode", draft.Code ?? ""));
        if (string.IsNullOrWhiteSpace(draft.Name)) errors.Add(new ConditionError("name", "Required", "name"));
        var json = string.IsNullOrWhiteSpace(draft.DefinitionJson) ? EmptyDefinition : draft.DefinitionJson;
        if (Normalize(json, errors) is not { } normalized) return new JourneyResult(null, errors);
        if (errors.Count > 0) return new JourneyResult(null, errors);
        if (await db.Journeys.AnyAsync(j => j.Code == draft.Code, ct)) return JourneyResult.Fail("code", "DuplicateCode", draft.Code!);

        var journey = new Journey
        {
            Code = draft.Code!, Name = draft.Name!.Trim(), Description = Blank(draft.Description), Status = JourneyStatus.Draft,
            DraftJson = normalized, SchemaVersion = JourneyDefinition.CurrentSchemaVersion, OwnerId = actor.UserId, CreatedAt = Now, UpdatedAt = Now,
        };
        db.Journeys.Add(journey);
        if (!await SaveAsync(ct)) return JourneyResult.Fail("code", "DuplicateCode", draft.Code!);
        AuditLog.Record(db, actor, nameof(Journey), journey.Id.ToString(), "created", null, Snapshot(journey), Now);
        await db.SaveChangesAsync(ct);
        return new JourneyResult(journey, []) { DraftErrors = await DraftErrorsAsync(normalized, ct) };
    }

    /// <summary>
    /// Saves the draft even when it has problems (they are returned in <see cref="JourneyResult.DraftErrors"/>); only JSON
    /// that is not an object is refused. <paramref name="basedOn"/>: the <see cref="Journey.UpdatedAt"/> the editor
    /// loaded, to refuse overwriting someone else's change (null skips the check).
    /// </summary>
    public async Task<JourneyResult> SaveDraftAsync(int id, JourneyEdit edit, Actor actor, DateTime? basedOn = null, CancellationToken ct = default)
    {
        var journey = await db.Journeys.FirstOrDefaultAsync(j => j.Id == id, ct);
        if (Refused(journey, id, actor) is { } refused) return refused;
        if (journey!.Status == JourneyStatus.Archived) return JourneyResult.Fail("status", "JourneyArchived", journey.Code);
        if (basedOn is { } loaded && Math.Abs((journey.UpdatedAt - loaded).TotalMilliseconds) >= 1)
            return JourneyResult.Fail("updatedAt", "JourneyChangedMeanwhile", journey.Code);
        var errors = new List<ConditionError>();
        if (edit.Name is not null && string.IsNullOrWhiteSpace(edit.Name)) errors.Add(new ConditionError("name", "Required", "name"));
        var json = edit.DefinitionJson is null ? journey.DraftJson : Normalize(edit.DefinitionJson, errors);
        if (errors.Count > 0 || json is null) return new JourneyResult(null, errors);

        var before = Snapshot(journey);
        if (edit.Name is not null) journey.Name = edit.Name.Trim();
        if (edit.Description is not null) journey.Description = Blank(edit.Description);
        journey.DraftJson = json;
        var after = Snapshot(journey);
        if (before == after) return new JourneyResult(journey, []) { DraftErrors = await DraftErrorsAsync(json, ct) };
        journey.UpdatedAt = Now;
        AuditLog.Record(db, actor, nameof(Journey), journey.Id.ToString(), "updated", before, after, Now);
        await db.SaveChangesAsync(ct);
        return new JourneyResult(journey, []) { DraftErrors = await DraftErrorsAsync(json, ct) };
    }

    /// <summary>
    /// Publishes the draft as version n+1 when every check passes (refused with every error otherwise). The version is
    /// immutable; the journey points at it. A paused journey stays paused: the new version runs once it is resumed.
    /// </summary>
    public async Task<JourneyResult> PublishAsync(int id, Actor actor, CancellationToken ct = default)
    {
        var journey = await db.Journeys.FirstOrDefaultAsync(j => j.Id == id, ct);
        if (Refused(journey, id, actor) is { } refused) return refused;
        if (journey!.Status == JourneyStatus.Archived) return JourneyResult.Fail("status", "JourneyArchived", journey.Code);

        var workspace = await JourneyWorkspace.LoadAsync(db, Now, ct);
        var validation = workspace.Validate(db, journey.DraftJson);
        if (!validation.Ok) return new JourneyResult(null, validation.Errors) { DraftErrors = validation.Errors };

        var before = Snapshot(journey);
        var number = (await db.JourneyVersions.Where(v => v.JourneyId == id).MaxAsync(v => (int?)v.Version, ct) ?? 0) + 1;
        var version = new JourneyVersion
        {
            JourneyId = id, Version = number, DefinitionJson = validation.Definition!.ToJson(), SchemaVersion = validation.Definition.SchemaVersion,
            PublishedAt = Now, PublishedBy = actor.UserId ?? actor.UserName,
        };
        db.JourneyVersions.Add(version);
        journey.PublishedVersion = number;
        if (journey.Status == JourneyStatus.Draft) journey.Status = JourneyStatus.Published;
        journey.SchemaVersion = version.SchemaVersion;
        journey.UpdatedAt = Now;
        // Two publishes at once: the unique (journey, version) index lets one win.
        if (!await SaveAsync(ct)) return JourneyResult.Fail("version", "JourneyChangedMeanwhile", journey.Code);
        AuditLog.Record(db, actor, nameof(Journey), id.ToString(), "published", before, Snapshot(journey) with { Version = number }, Now);
        await db.SaveChangesAsync(ct);
        return new JourneyResult(journey, []) { Version = version };
    }

    /// <summary>Stops enrolling and advancing instances until resumed; they keep their place.</summary>
    public Task<JourneyResult> PauseAsync(int id, Actor actor, CancellationToken ct = default) =>
        ChangeStatusAsync(id, actor, "paused", j => j.Status == JourneyStatus.Published ? null : "JourneyNotPublished", JourneyStatus.Paused, ct);

    public Task<JourneyResult> ResumeAsync(int id, Actor actor, CancellationToken ct = default) =>
        ChangeStatusAsync(id, actor, "resumed", j => j.Status == JourneyStatus.Paused ? null : "JourneyNotPaused", JourneyStatus.Published, ct);

    /// <summary>Ends the journey for good: no new customers, no more edits (duplicate it to start again).</summary>
    public Task<JourneyResult> ArchiveAsync(int id, Actor actor, CancellationToken ct = default) =>
        ChangeStatusAsync(id, actor, "archived", _ => null, JourneyStatus.Archived, ct);

    private async Task<JourneyResult> ChangeStatusAsync(int id, Actor actor, string action, Func<Journey, string?> refusal, JourneyStatus status, CancellationToken ct)
    {
        var journey = await db.Journeys.FirstOrDefaultAsync(j => j.Id == id, ct);
        if (Refused(journey, id, actor) is { } refused) return refused;
        if (journey!.Status == JourneyStatus.Archived) return JourneyResult.Fail("status", "JourneyArchived", journey.Code);
        if (refusal(journey) is { } code) return JourneyResult.Fail("status", code, journey.Code);
        var before = Snapshot(journey);
        journey.Status = status;
        journey.UpdatedAt = Now;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var ended = 0;
        if (status == JourneyStatus.Archived)
        {
            // Archived means over: customers still on the way leave it (exited, nothing more is sent to them).
            var now = Now;
            ended = await db.JourneyInstances.Where(i => i.JourneyId == id && (i.Status == InstanceStatus.Running || i.Status == InstanceStatus.Waiting))
                .ExecuteUpdateAsync(u => u.SetProperty(i => i.Status, InstanceStatus.Exited).SetProperty(i => i.EndedAt, now)
                    .SetProperty(i => i.WakeAt, (DateTime?)null).SetProperty(i => i.AwaitedEvent, (string?)null)
                    .SetProperty(i => i.Revision, i => i.Revision + 1).SetProperty(i => i.UpdatedAt, now), ct);
        }
        AuditLog.Record(db, actor, nameof(Journey), id.ToString(), action, before,
            status == JourneyStatus.Archived ? new { Journey = Snapshot(journey), InstancesEnded = ended } : Snapshot(journey), Now);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new JourneyResult(journey, []);
    }

    /// <summary>A new draft journey with a copy of this one's draft (any status, archived included).</summary>
    public async Task<JourneyResult> DuplicateAsync(int id, string? code, string? name, Actor actor, CancellationToken ct = default)
    {
        var source = await db.Journeys.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, ct);
        if (Refused(source, id, actor) is { } refused) return refused;
        var result = await CreateAsync(new JourneyDraft(code, name, source!.Description, source.DraftJson), actor, ct);
        if (result.Ok)
        {
            AuditLog.Record(db, actor, nameof(Journey), result.Journey!.Id.ToString(), "duplicated", new { From = source.Code }, new { result.Journey.Code }, Now);
            await db.SaveChangesAsync(ct);
        }
        return result;
    }

    /// <summary>Deletes a journey that was never published (nothing ran on it); a published one is archived instead.</summary>
    public async Task<JourneyResult> DeleteAsync(int id, Actor actor, CancellationToken ct = default)
    {
        var journey = await db.Journeys.FirstOrDefaultAsync(j => j.Id == id, ct);
        if (Refused(journey, id, actor) is { } refused) return refused;
        if (journey!.PublishedVersion is not null || await db.JourneyVersions.AnyAsync(v => v.JourneyId == id, ct))
            return JourneyResult.Fail("status", "JourneyPublishedNotDeleted", journey.Code);
        AuditLog.Record(db, actor, nameof(Journey), id.ToString(), "deleted", Snapshot(journey), null, Now);
        db.Journeys.Remove(journey);
        await db.SaveChangesAsync(ct);
        return new JourneyResult(journey, []);
    }

    /// <summary>A code not yet taken, from a wish: <c>nurture</c>, then <c>nurture_2</c>, <c>nurture_3</c> …</summary>
    public async Task<string> FreeCodeAsync(string wish, CancellationToken ct = default)
    {
        var stem = wish.Length > 58 ? wish[..58] : wish;
        var taken = await db.Journeys.AsNoTracking().Where(j => j.Code.StartsWith(stem)).Select(j => j.Code).ToListAsync(ct);
        if (!taken.Contains(wish)) return wish;
        for (var n = 2; ; n++)
            if (!taken.Contains($"{stem}_{n}")) return $"{stem}_{n}";
    }

    // ------------------------------------------------------------------ helpers

    private static JourneyResult? Refused(Journey? journey, int id, Actor actor)
    {
        if (journey is null) return JourneyResult.Fail("id", "UnknownJourney", id.ToString());
        return MayEdit(actor) ? null : JourneyResult.Fail("journey", "JourneyNotAllowed", journey.Code);
    }

    private async Task<IReadOnlyList<ConditionError>> DraftErrorsAsync(string json, CancellationToken ct) =>
        (await JourneyWorkspace.LoadAsync(db, Now, ct)).Validate(db, json).Errors;

    /// <summary>The draft as stored: any JSON object, indented consistently; other JSON is refused.</summary>
    private static string? Normalize(string json, List<ConditionError> errors)
    {
        try
        {
            if (JsonNode.Parse(json) is JsonObject obj) return obj.ToJsonString(JourneyDefinitionJson.Options);
            errors.Add(new ConditionError("definition", "DraftNotObject"));
        }
        catch (JsonException ex)
        {
            errors.Add(new ConditionError("definition", "JsonSyntax", ((ex.LineNumber ?? 0) + 1).ToString(), ((ex.BytePositionInLine ?? 0) + 1).ToString(), ex.Message));
        }
        return null;
    }

    private async Task<bool> SaveAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static JourneySnapshot Snapshot(Journey j) => new(j.Code, j.Name, j.Description, j.Status.ToString(), j.PublishedVersion, j.DraftJson);

    private sealed record JourneySnapshot(string Code, string Name, string? Description, string Status, int? PublishedVersion, string DraftJson)
    {
        public int? Version { get; init; }
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{1,63}$")]
    private static partial Regex CodePattern();
}
