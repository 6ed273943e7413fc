using System.Globalization;
using System.Text.Json.Nodes;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Journeys.Definition;
using CustomerStudio.Core.Tags;
using CustomerStudio.Core.Workspace;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Quartz;

namespace CustomerStudio.Core.Journeys.Runtime;

/// <summary>
/// Turns what happened into journey work, reading each log from where it stopped (<see cref="JourneyTriggerState"/>):
/// segment entries, tag history and events enrol customers at the matching triggers; date-based and scheduled
/// triggers enrol when their local time comes; new events wake instances waiting for them (port <c>event</c>) and end
/// instances whose goal is that event. Each trigger's enrolment and its cursor commit together, so a crash repeats
/// nothing and loses nothing. A trigger first seen starts at the end of its log: publishing a journey does not enrol
/// the past. Runs on one node at a time.
/// </summary>
public sealed class JourneyTriggers(IDbContextFactory<StudioDbContext> dbs, TimeProvider clock, ILogger<JourneyTriggers> log)
{
    public const int MaxPerSweep = 50_000;

    /// <summary>
    /// How long the events cursor may stay unsaved while events change no instance. Each save is a write, and on SQLite
    /// a write that meets another one waits 150 ms (Microsoft.Data.Sqlite's busy retry): saving every sweep under a
    /// steady event stream cost ingestion's commits that wait every few seconds. Re-reading events after a restart is
    /// harmless (a resumed or converted instance no longer matches), so the cursor is saved when a sweep changes
    /// something, and otherwise at most this often; in between this process continues from where it read.
    /// </summary>
    public static readonly TimeSpan EventsCursorSaveInterval = TimeSpan.FromSeconds(10);

    private long _eventsRead;
    private DateTime _eventsCursorSavedAt = DateTime.MinValue;
    /// <summary>The runtime's own cursor over events (waits and goals), kept under journey 0.</summary>
    public const string EventsCursor = "$events";

    public sealed record SweepResult(int Enrolled, int Resumed, int Converted);

    public async Task<SweepResult> SweepAsync(CancellationToken ct = default)
    {
        var enrolled = 0;
        await using var db = await dbs.CreateDbContextAsync(ct);
        var settings = await db.WorkspaceSettings.AsNoTracking().FirstOrDefaultAsync(ct) ?? new WorkspaceSettings();
        var zone = WorkspaceTimeZone.Resolve(settings.TimeZone);
        var running = await (from j in db.Journeys.AsNoTracking()
                             join v in db.JourneyVersions.AsNoTracking() on new { j.Id, V = j.PublishedVersion ?? 0 } equals new { Id = v.JourneyId, V = v.Version }
                             where j.Status == JourneyStatus.Published
                             select new { Journey = j, Version = v }).ToListAsync(ct);
        foreach (var r in running)
        {
            var definition = await JourneyEngine.DefinitionAsync(db, r.Version.Id, ct);
            foreach (var trigger in definition.Triggers.Where(t => t.Kind != JourneyNodeKind.Manual))
                try
                {
                    enrolled += await SweepTriggerAsync(db, r.Journey, r.Version, definition, trigger, zone, ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    db.ChangeTracker.Clear();
                    log.LogError(ex, "Journey {Journey} trigger {Node} failed", r.Journey.Code, trigger.Id);
                }
        }
        var (resumed, converted) = await EventsAsync(db, ct);
        return new SweepResult(enrolled, resumed, converted);
    }

    private async Task<int> SweepTriggerAsync(StudioDbContext db, Journey journey, JourneyVersion version, JourneyDefinition definition, JourneyNode trigger,
        TimeZoneInfo zone, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var state = await db.JourneyTriggerStates.AsNoTracking().FirstOrDefaultAsync(s => s.JourneyId == journey.Id && s.NodeId == trigger.Id, ct);
        if (state is null)
        {
            // Log-reading triggers start at the end of their log; date-based and scheduled ones have no past to skip: a
            // birthday trigger published at noon still sends today's batch, a broadcast whose time has come goes out.
            var timed = trigger.Kind is JourneyNodeKind.DateBased or JourneyNodeKind.ScheduledBroadcast;
            db.JourneyTriggerStates.Add(new JourneyTriggerState
            {
                JourneyId = journey.Id, NodeId = trigger.Id, Cursor = await EndOfLogAsync(db, trigger, ct), LastRunAt = timed ? null : now,
            });
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            return 0;
        }
        // Read what is due before taking the write lock (SQLite has one, and ingestion commits wait for it): the cursor
        // then moves only if nobody moved it meanwhile, in the same transaction as the enrolment.
        var (readCursor, readLastRun) = (state.Cursor, state.LastRunAt);
        var customers = await DueCustomersAsync(db, trigger, state, now, zone, ct);
        if (customers is null) return 0;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var (cursor, lastRun) = (state.Cursor, state.LastRunAt);
        var moved = await db.JourneyTriggerStates
            .Where(s => s.JourneyId == journey.Id && s.NodeId == trigger.Id && s.Cursor == readCursor && s.LastRunAt == readLastRun)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Cursor, cursor).SetProperty(s => s.LastRunAt, lastRun), ct);
        if (moved == 0)
        {
            await transaction.RollbackAsync(ct);
            return 0;
        }
        var result = customers.Count == 0 ? null
            : await JourneyEnrollment.EnrollAsync(db, transaction, journey, version, definition, trigger.Id, customers, now, ct);
        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();
        if (result is { Enrolled: > 0 }) log.LogInformation("Journey {Journey}: {Count} customers entered at {Node}", journey.Code, result.Enrolled, trigger.Id);
        return result?.Enrolled ?? 0;
    }

    private static async Task<long> EndOfLogAsync(StudioDbContext db, JourneyNode trigger, CancellationToken ct) => trigger.Kind switch
    {
        JourneyNodeKind.SegmentEntered => await db.SegmentMembershipLog.MaxAsync(l => (long?)l.Id, ct) ?? 0,
        JourneyNodeKind.TagAdded or JourneyNodeKind.TagRemoved => await db.TagAssignmentHistory.MaxAsync(h => (long?)h.Id, ct) ?? 0,
        JourneyNodeKind.EventReceived => await db.Events.MaxAsync(e => (long?)e.Id, ct) ?? 0,
        _ => 0,
    };

    /// <summary>The customers due to enter at this trigger now (advancing the cursor in <paramref name="state"/>), or null when nothing changed.</summary>
    private static async Task<List<long>?> DueCustomersAsync(StudioDbContext db, JourneyNode trigger, JourneyTriggerState state, DateTime now, TimeZoneInfo zone,
        CancellationToken ct)
    {
        var cursor = state.Cursor;
        switch (trigger.Kind)
        {
            case JourneyNodeKind.SegmentEntered:
            {
                var code = trigger.SettingsAs<SegmentEnteredSettings>().Segment;
                var segmentId = await db.Segments.Where(s => s.Code == code).Select(s => (int?)s.Id).FirstOrDefaultAsync(ct);
                if (segmentId is null) return null;
                var rows = await db.SegmentMembershipLog.AsNoTracking()
                    .Where(l => l.Id > cursor && l.SegmentId == segmentId && l.Change == Segments.MembershipChange.Entered)
                    .OrderBy(l => l.Id).Take(MaxPerSweep).Select(l => new { l.Id, l.CustomerId }).ToListAsync(ct);
                if (rows.Count == 0) return null;
                state.Cursor = rows[^1].Id;
                return rows.Select(r => r.CustomerId).ToList();
            }
            case JourneyNodeKind.TagAdded or JourneyNodeKind.TagRemoved:
            {
                var settings = trigger.SettingsAs<TagChangedSettings>();
                var tag = await db.Tags.AsNoTracking().Where(t => t.Code == settings.Tag).Select(t => new { t.Id }).FirstOrDefaultAsync(ct);
                if (tag is null) return null;
                int? valueId = settings.Value is null ? null
                    : await db.TagValues.Where(v => v.TagId == tag.Id && v.Code == settings.Value).Select(v => (int?)v.Id).FirstOrDefaultAsync(ct) ?? -1;
                var actions = trigger.Kind == JourneyNodeKind.TagAdded
                    ? new[] { AssignmentAction.Added, AssignmentAction.Changed }
                    : new[] { AssignmentAction.Removed, AssignmentAction.Expired };
                var rows = await db.TagAssignmentHistory.AsNoTracking()
                    .Where(h => h.Id > cursor && h.TagId == tag.Id && actions.Contains(h.Action) && (valueId == null || h.TagValueId == valueId))
                    .OrderBy(h => h.Id).Take(MaxPerSweep).Select(h => new { h.Id, h.CustomerId }).ToListAsync(ct);
                // The history's newest id moves the cursor even when none of it is this tag's, so the next read starts late.
                var top = await db.TagAssignmentHistory.MaxAsync(h => (long?)h.Id, ct) ?? cursor;
                state.Cursor = rows.Count == MaxPerSweep ? rows[^1].Id : top;
                return rows.Count == 0 ? (top == cursor ? null : []) : rows.Select(r => r.CustomerId).ToList();
            }
            case JourneyNodeKind.EventReceived:
            {
                var settings = trigger.SettingsAs<EventReceivedSettings>();
                var rows = await db.Events.AsNoTracking().Where(e => e.Id > cursor && e.Type == settings.Event)
                    .OrderBy(e => e.Id).Take(MaxPerSweep).Select(e => new { e.Id, e.CustomerId }).ToListAsync(ct);
                var top = rows.Count == MaxPerSweep ? rows[^1].Id : await db.Events.MaxAsync(e => (long?)e.Id, ct) ?? cursor;
                state.Cursor = top;
                if (rows.Count == 0) return top == cursor ? null : [];
                var matching = await EventFilters.MatchAsync(db, rows.Select(r => r.Id).ToList(), settings.Where, ct);
                return rows.Where(r => matching.Contains(r.Id)).Select(r => r.CustomerId).ToList();
            }
            case JourneyNodeKind.DateBased:
            {
                var settings = trigger.SettingsAs<DateBasedSettings>();
                var local = TimeZoneInfo.ConvertTimeFromUtc(now, zone);
                var today = DateOnly.FromDateTime(local);
                var lastDay = state.LastRunAt is { } last ? DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(last, zone)) : DateOnly.MinValue;
                if (lastDay >= today || TimeOnly.FromDateTime(local) < JourneyTime.TimeOfDay(settings.At)) return null;
                state.LastRunAt = now;
                // N days before the date (offset −N) fires on date − N: the date looked for is today − offset.
                var target = today.AddDays(-settings.OffsetDays);
                return await DateMatchesAsync(db, settings.Field, target, settings.EveryYear, ct);
            }
            case JourneyNodeKind.ScheduledBroadcast:
            {
                var settings = trigger.SettingsAs<ScheduledBroadcastSettings>();
                DateTime? due;
                if (!string.IsNullOrWhiteSpace(settings.Cron))
                {
                    var cron = new CronExpression(settings.Cron, zone);
                    var after = state.LastRunAt ?? now;
                    if (settings.StartAt is { } s && JourneyTime.ToUtc(DateTime.ParseExact(s, "yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture), zone) is var start && now < start) return null;
                    due = cron.GetNextValidTimeAfter(new DateTimeOffset(after, TimeSpan.Zero))?.UtcDateTime;
                }
                else
                {
                    if (state.Cursor > 0 || settings.StartAt is null) return null;
                    due = JourneyTime.ToUtc(DateTime.ParseExact(settings.StartAt, "yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture), zone);
                }
                if (due is null || due > now) return null;
                state.LastRunAt = now;
                state.Cursor++;
                var segment = await db.Segments.AsNoTracking().Where(x => x.Code == settings.Segment).Select(x => (int?)x.Id).FirstOrDefaultAsync(ct);
                if (segment is null) return [];
                return await db.SegmentMemberships.AsNoTracking().Where(m => m.SegmentId == segment).Select(m => m.CustomerId).ToListAsync(ct);
            }
            default:
                return null;
        }
    }

    private static async Task<List<long>> DateMatchesAsync(StudioDbContext db, string field, DateOnly target, bool everyYear, CancellationToken ct)
    {
        var (month, day) = (target.Month, target.Day);
        if (field is "birth_date" or "birthday")
        {
            var q = db.Customers.AsNoTracking().Where(c => c.MergedIntoId == null && c.BirthDate != null);
            q = everyYear ? q.Where(c => c.BirthDate!.Value.Month == month && c.BirthDate!.Value.Day == day) : q.Where(c => c.BirthDate == target);
            return await q.Select(c => c.Id).ToListAsync(ct);
        }
        var code = field.StartsWith("custom.", StringComparison.Ordinal) ? field[7..] : field;
        var fieldId = await db.CustomFields.Where(f => f.Code == code && f.Type == CustomFieldType.Date).Select(f => (int?)f.Id).FirstOrDefaultAsync(ct);
        if (fieldId is null) return [];
        var from = target.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var to = from.AddDays(1);
        var values = db.CustomFieldValues.AsNoTracking().Where(v => v.FieldId == fieldId && v.DateValue != null);
        values = everyYear ? values.Where(v => v.DateValue!.Value.Month == month && v.DateValue!.Value.Day == day)
            : values.Where(v => v.DateValue >= from && v.DateValue < to);
        return await values.Select(v => v.CustomerId).ToListAsync(ct);
    }

    // ------------------------------------------------------------------ events for waits and goals

    private async Task<(int Resumed, int Converted)> EventsAsync(StudioDbContext db, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var state = await db.JourneyTriggerStates.AsNoTracking().FirstOrDefaultAsync(s => s.JourneyId == 0 && s.NodeId == EventsCursor, ct);
        if (state is null)
        {
            db.JourneyTriggerStates.Add(new JourneyTriggerState { JourneyId = 0, NodeId = EventsCursor, Cursor = await db.Events.MaxAsync(e => (long?)e.Id, ct) ?? 0, LastRunAt = now });
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            return (0, 0);
        }
        // Everything is read before the write transaction (SQLite's one write lock is what ingestion commits wait for: a
        // sweep reading thousands of new events inside it held them up for 150 ms at 10,000 events/s). The cursor then
        // moves only if nobody moved it meanwhile, and instances only if the engine did not change them (revision).
        var cursor = state.Cursor;
        // Past what this process read without saving (another node may also have moved the saved cursor on).
        var from = Math.Max(cursor, _eventsRead);
        var events = await db.Events.AsNoTracking().Where(e => e.Id > from).OrderBy(e => e.Id).Take(MaxPerSweep)
            .Select(e => new { e.Id, e.CustomerId, e.Type, e.ReceivedAt }).ToListAsync(ct);
        if (events.Count == 0) return (0, 0);
        var next = events[^1].Id;
        var types = events.Select(e => e.Type).Distinct().ToList();
        var customers = events.Select(e => e.CustomerId).Distinct().ToList();

        var resumed = 0;
        var waiting = new List<JourneyInstance>();
        foreach (var chunk in customers.Chunk(10_000))
            waiting.AddRange(await db.JourneyInstances.Where(i => i.Status == InstanceStatus.Waiting && i.AwaitedEvent != null
                                                                  && types.Contains(i.AwaitedEvent) && EF.Parameter(chunk).Contains(i.CustomerId)).ToListAsync(ct));
        foreach (var instance in waiting)
        {
            var definition = await JourneyEngine.DefinitionAsync(db, instance.JourneyVersionId, ct);
            var filters = definition.Node(instance.CurrentNodeId ?? "")?.SettingsAs<WaitForEventSettings>().Where ?? [];
            // Only an event that arrived after the wait began counts.
            var candidates = events.Where(e => e.CustomerId == instance.CustomerId && e.Type == instance.AwaitedEvent && e.ReceivedAt >= instance.UpdatedAt)
                .Select(e => e.Id).ToList();
            if (candidates.Count == 0) continue;
            if (filters.Count > 0 && (await EventFilters.MatchAsync(db, candidates, filters, ct)).Count == 0) continue;
            instance.ResumePort = JourneyPorts.Event;
            instance.WakeAt = now;
            resumed++;
        }

        // Goals reached by an event: the instance exits, converted. Only versions whose goal is one of the arrived event
        // types are looked at, so a stream of ordinary events costs no instance query.
        var converted = 0;
        var goals = new Dictionary<int, JourneyNode>();
        foreach (var versionId in await (from v in db.JourneyVersions.AsNoTracking()
                                         join j in db.Journeys on v.JourneyId equals j.Id
                                         where j.Status == JourneyStatus.Published || j.Status == JourneyStatus.Paused
                                         select v.Id).ToListAsync(ct))
        {
            var definition = await JourneyEngine.DefinitionAsync(db, versionId, ct);
            if (definition.Nodes.FirstOrDefault(n => n.Kind == JourneyNodeKind.Goal && n.SettingsAs<GoalSettings>().Event is { } e && types.Contains(e)) is { } goal)
                goals[versionId] = goal;
        }
        var active = new List<JourneyInstance>();
        if (goals.Count > 0)
        {
            var versions = goals.Keys.ToList();
            foreach (var chunk in customers.Chunk(10_000))
                active.AddRange(await db.JourneyInstances.Where(i => (i.Status == InstanceStatus.Waiting || i.Status == InstanceStatus.Running)
                                                                     && versions.Contains(i.JourneyVersionId) && EF.Parameter(chunk).Contains(i.CustomerId)).ToListAsync(ct));
        }
        var arrived = events.ToLookup(e => (e.CustomerId, e.Type), e => e.ReceivedAt);
        foreach (var instance in active)
        {
            var goal = goals[instance.JourneyVersionId];
            var type = goal.SettingsAs<GoalSettings>().Event!;
            if (!arrived[(instance.CustomerId, type)].Any(at => at >= instance.StartedAt)) continue;
            instance.Status = InstanceStatus.Converted;
            instance.EndedAt = now;
            instance.WakeAt = null;
            instance.AwaitedEvent = null;
            instance.Revision++;
            instance.UpdatedAt = now;
            db.JourneyStepLog.Add(new JourneyStepLog { InstanceId = instance.Id, JourneyId = instance.JourneyId, NodeId = goal.Id, At = now, Message = StepMessages.GoalEvent(type) });
            converted++;
        }
        foreach (var instance in waiting.Where(i => i.ResumePort is not null && i.Status == InstanceStatus.Waiting)) instance.Revision++;
        if (resumed == 0 && converted == 0 && now - _eventsCursorSavedAt < EventsCursorSaveInterval)
        {
            _eventsRead = next;
            db.ChangeTracker.Clear();
            return (0, 0);
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        try
        {
            var moved = await db.JourneyTriggerStates.Where(s => s.JourneyId == 0 && s.NodeId == EventsCursor && s.Cursor == cursor)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.Cursor, next).SetProperty(s => s.LastRunAt, now), ct);
            if (moved == 0)
            {
                // Another sweeper took these events.
                await transaction.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                _eventsRead = 0;
                return (0, 0);
            }
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            (_eventsRead, _eventsCursorSavedAt) = (next, now);
        }
        catch (DbUpdateConcurrencyException)
        {
            // The engine advanced one of these instances meanwhile: read the same events again next time.
            await transaction.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            return (0, 0);
        }
        db.ChangeTracker.Clear();
        return (resumed, converted);
    }
}

/// <summary>Event property filters (<c>{"prop","op","value"}</c>) checked against stored events.</summary>
public static class EventFilters
{
    /// <summary>The ids among <paramref name="eventIds"/> whose properties pass every filter.</summary>
    public static async Task<HashSet<long>> MatchAsync(StudioDbContext db, IReadOnlyList<long> eventIds, IReadOnlyList<EventFilter> filters, CancellationToken ct)
    {
        if (filters.Count == 0) return eventIds.ToHashSet();
        var keys = filters.Select(f => f.Prop).Distinct().ToList();
        var props = new List<(long EventId, string Key, string? Value)>();
        foreach (var chunk in eventIds.Chunk(10_000))
            props.AddRange((await db.EventProperties.AsNoTracking().Where(p => EF.Parameter(chunk).Contains(p.EventId) && keys.Contains(p.Key))
                .Select(p => new { p.EventId, p.Key, p.Value }).ToListAsync(ct)).Select(p => (p.EventId, p.Key, p.Value)));
        var byEvent = props.ToLookup(p => p.EventId);
        return eventIds.Where(id => filters.All(f => Passes(f, byEvent[id].Where(p => p.Key == f.Prop).Select(p => p.Value).FirstOrDefault()))).ToHashSet();
    }

    public static bool Passes(EventFilter filter, string? actual)
    {
        var expected = filter.Value switch
        {
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            null => null,
            var other => other.ToJsonString(),
        };
        var list = filter.Value is JsonArray array ? array.Select(x => x is JsonValue xv && xv.TryGetValue<string>(out var xs) ? xs : x?.ToJsonString()).ToList() : null;
        static bool Num(string? text, out decimal n) => decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out n);
        return filter.Op switch
        {
            "eq" => actual == expected,
            "neq" => actual != expected,
            "contains" => actual is not null && expected is not null && actual.Contains(expected, StringComparison.OrdinalIgnoreCase),
            "not_contains" => actual is null || expected is null || !actual.Contains(expected, StringComparison.OrdinalIgnoreCase),
            "starts_with" => actual is not null && expected is not null && actual.StartsWith(expected, StringComparison.OrdinalIgnoreCase),
            "in" => list is not null && list.Contains(actual),
            "not_in" => list is null || !list.Contains(actual),
            "is_empty" => string.IsNullOrEmpty(actual),
            "is_not_empty" => !string.IsNullOrEmpty(actual),
            "gt" => Num(actual, out var a1) && Num(expected, out var e1) && a1 > e1,
            "gte" => Num(actual, out var a2) && Num(expected, out var e2) && a2 >= e2,
            "lt" => Num(actual, out var a3) && Num(expected, out var e3) && a3 < e3,
            "lte" => Num(actual, out var a4) && Num(expected, out var e4) && a4 <= e4,
            _ => false,
        };
    }
}
