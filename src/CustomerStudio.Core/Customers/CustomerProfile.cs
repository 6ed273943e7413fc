using CustomerStudio.Core.Data;
using CustomerStudio.Core.Journeys;
using CustomerStudio.Core.Scoring;
using CustomerStudio.Core.Security;
using CustomerStudio.Core.Segments;
using CustomerStudio.Core.Tags;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Core.Customers;

public sealed record ProfileIdentity(IdentityKind Kind, string Value, bool IsPrimary);

public sealed record ProfileCustomField(string Code, string NameZh, string NameEn, string? Value, bool Sensitive);

public sealed record ProfileScore(string Tag, string NameZh, string NameEn, double Score, string? ValueCode, DateTime ComputedAt, string? TopFeaturesJson);

public sealed record ProfileSegment(int Id, string Code, string Name, DateTime EnteredAt);

public sealed record ProfileJourney(long InstanceId, int JourneyId, string Code, string Name, InstanceStatus Status, string? CurrentNode, DateTime StartedAt,
    DateTime? EndedAt, DateTime? WakeAt);

public sealed record ProfileMember(long AccountId, string AccountName, AccountKind Kind, long CustomerId, string? Name, AccountRole Role);

/// <summary>Everything the 360° profile shows above the timeline.</summary>
public sealed record ProfileSummary(
    Customer Customer, IReadOnlyList<ProfileIdentity> Identities, IReadOnlyList<ProfileCustomField> CustomFields, RfmScore? Rfm,
    IReadOnlyList<ProfileScore> Scores, IReadOnlyList<LeadScoreChange> LeadScoreHistory, IReadOnlyList<LifecycleChange> Lifecycle,
    IReadOnlyList<CustomerTag> Tags, IReadOnlyList<ProfileSegment> Segments, IReadOnlyList<ProfileJourney> Journeys,
    IReadOnlyList<ProfileMember> Household, IReadOnlyList<SalesTask> Tasks, int Events, int Orders, decimal PaidTotal);

public enum TimelineKind { Event = 0, Order = 1 }

/// <summary>One line of the timeline: an event or an order, newest first.</summary>
public sealed record TimelineItem(TimelineKind Kind, long Id, DateTime At, string Type, string? Channel, string? Details, decimal? Amount, string? Status);

/// <summary>
/// Where a timeline page ended: the last item's time, kind and id. Items are ordered by (time, kind, id), newest first,
/// so the next page starts strictly after it and items sharing one moment are neither skipped nor repeated. Written as
/// <c>ticks.kind.id</c> for URLs.
/// </summary>
public readonly record struct TimelineCursor(DateTime At, TimelineKind Kind, long Id)
{
    public override string ToString() => FormattableString.Invariant($"{At.Ticks}.{(int)Kind}.{Id}");

    public static bool TryParse(string? text, out TimelineCursor cursor)
    {
        cursor = default;
        var parts = text?.Split('.');
        if (parts is not { Length: 3 }
            || !long.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ticks)
            || ticks > DateTime.MaxValue.Ticks
            || !int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var kind)
            || !Enum.IsDefined((TimelineKind)kind)
            || !long.TryParse(parts[2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
            return false;
        cursor = new TimelineCursor(new DateTime(ticks, DateTimeKind.Utc), (TimelineKind)kind, id);
        return true;
    }

    public static TimelineCursor Of(TimelineItem item) => new(item.At, item.Kind, item.Id);
}

public sealed record TimelinePage(IReadOnlyList<TimelineItem> Items, bool HasMore)
{
    /// <summary>Pass as <c>after</c> for the next page; null on the last page.</summary>
    public TimelineCursor? Next => HasMore && Items.Count > 0 ? TimelineCursor.Of(Items[^1]) : null;
}

/// <summary>
/// The 360° view of one customer, read in a handful of queries: identities, attributes and custom fields, tags with
/// provenance (masked by role), RFM, lead score and lifecycle history, predictive scores, segments, journeys, the
/// account or household and its members, sales tasks, and a paged, filterable timeline of events and orders.
/// A merged-away id is followed to the survivor.
/// </summary>
public sealed class CustomerProfile(StudioDbContext db, TimeProvider clock)
{
    public async Task<ProfileSummary?> SummaryAsync(long id, Actor actor, bool zh, CancellationToken ct = default)
    {
        var resolved = await new CustomerMerge(db, clock).ResolveAsync(id, ct);
        if (resolved is not { } customerId) return null;
        var customer = await db.Customers.AsNoTracking().FirstAsync(c => c.Id == customerId, ct);

        var identities = await db.CustomerIdentities.AsNoTracking().Where(i => i.CustomerId == customerId)
            .OrderBy(i => i.Kind).ThenByDescending(i => i.IsPrimary).Select(i => new ProfileIdentity(i.Kind, i.Value, i.IsPrimary)).ToListAsync(ct);
        var fields = await (from v in db.CustomFieldValues.AsNoTracking()
                            join f in db.CustomFields on v.FieldId equals f.Id
                            where v.CustomerId == customerId
                            orderby f.SortOrder, f.Code
                            select new { f.Code, f.NameZh, f.NameEn, f.IsSensitive, v.TextValue, v.NumberValue, v.DateValue, v.BoolValue }).ToListAsync(ct);
        var customFields = fields.Select(f => new ProfileCustomField(f.Code, f.NameZh, f.NameEn,
            f.TextValue ?? f.NumberValue?.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)
            ?? f.DateValue?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? f.BoolValue?.ToString(), f.IsSensitive)).ToList();

        var rfm = await db.RfmScores.AsNoTracking().FirstOrDefaultAsync(r => r.CustomerId == customerId, ct);
        var scores = await (from s in db.PredictiveScores.AsNoTracking()
                            join m in db.PredictiveModels on s.ModelId equals m.Id
                            join t in db.Tags on m.TagId equals t.Id
                            where s.CustomerId == customerId && t.Status == TagStatus.Active
                            orderby t.Code
                            select new { t.Id, t.Code, t.NameZh, t.NameEn, s.Score, s.ComputedAt, s.TopFeaturesJson }).ToListAsync(ct);
        var tags = await new TagAssignments(db, clock).OfCustomerAsync(customerId, actor, zh, ct);
        var profileScores = scores.Select(s => new ProfileScore(s.Code, s.NameZh, s.NameEn, s.Score,
            tags.FirstOrDefault(t => t.TagId == s.Id)?.ValueCode, s.ComputedAt, s.TopFeaturesJson)).ToList();

        var leadHistory = await db.LeadScoreChanges.AsNoTracking().Where(l => l.CustomerId == customerId).OrderByDescending(l => l.At).Take(50).ToListAsync(ct);
        var lifecycle = await db.LifecycleChanges.AsNoTracking().Where(l => l.CustomerId == customerId).OrderByDescending(l => l.At).ToListAsync(ct);
        var segments = await (from m in db.SegmentMemberships.AsNoTracking()
                              join s in db.Segments on m.SegmentId equals s.Id
                              where m.CustomerId == customerId
                              orderby s.Name
                              select new ProfileSegment(s.Id, s.Code, s.Name, m.EnteredAt)).ToListAsync(ct);
        var journeys = await (from i in db.JourneyInstances.AsNoTracking()
                              join j in db.Journeys on i.JourneyId equals j.Id
                              where i.CustomerId == customerId
                              orderby i.StartedAt descending
                              select new ProfileJourney(i.Id, j.Id, j.Code, j.Name, i.Status, i.CurrentNodeId, i.StartedAt, i.EndedAt, i.WakeAt)).ToListAsync(ct);
        var accountIds = await db.AccountMembers.Where(m => m.CustomerId == customerId).Select(m => m.AccountId).ToListAsync(ct);
        var household = await (from m in db.AccountMembers.AsNoTracking()
                               join a in db.Accounts on m.AccountId equals a.Id
                               join c in db.Customers on m.CustomerId equals c.Id
                               where accountIds.Contains(m.AccountId)
                               orderby a.Name, m.Role
                               select new ProfileMember(a.Id, a.Name, a.Kind, c.Id, c.Name, m.Role)).ToListAsync(ct);
        var tasks = await db.SalesTasks.AsNoTracking().Where(t => t.CustomerId == customerId).OrderByDescending(t => t.CreatedAt).Take(20).ToListAsync(ct);
        var events = await db.Events.CountAsync(e => e.CustomerId == customerId, ct);
        var orders = await db.Orders.CountAsync(o => o.CustomerId == customerId, ct);
        var paid = (await db.Orders.Where(o => o.CustomerId == customerId && o.Status == OrderStatus.Paid).Select(o => (double)o.Amount).ToListAsync(ct)).Sum();

        return new ProfileSummary(customer, identities, customFields, rfm, profileScores, leadHistory, lifecycle, tags, segments, journeys,
            household, tasks, events, orders, (decimal)Math.Round(paid, 2));
    }

    /// <summary>
    /// Events and orders, newest first (by time, then orders before events, then id), optionally of some event types /
    /// only orders / within dates. Paged by <paramref name="after"/>, the <see cref="TimelinePage.Next"/> cursor of the
    /// previous page: a page never shifts when new events arrive and items sharing one moment are never skipped.
    /// <paramref name="before"/> (strictly earlier than a time) is kept for callers that page by time alone.
    /// </summary>
    public async Task<TimelinePage> TimelineAsync(long customerId, IReadOnlyCollection<string>? types = null, bool? orders = null,
        DateTime? from = null, DateTime? before = null, int pageSize = 50, CancellationToken ct = default, TimelineCursor? after = null)
    {
        pageSize = Math.Clamp(pageSize, 1, 200);
        var items = new List<TimelineItem>();
        if (orders is not true)
        {
            var q = db.Events.AsNoTracking().Where(e => e.CustomerId == customerId);
            if (types is { Count: > 0 }) q = q.Where(e => types.Contains(e.Type));
            if (from is { } f) q = q.Where(e => e.OccurredAt >= f);
            if (before is { } b) q = q.Where(e => e.OccurredAt < b);
            if (after is { } c)
            {
                var (at, id) = (c.At, c.Id);
                // Events come after orders of the same moment.
                q = c.Kind == TimelineKind.Order ? q.Where(e => e.OccurredAt <= at) : q.Where(e => e.OccurredAt < at || (e.OccurredAt == at && e.Id < id));
            }
            items.AddRange(await q.OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id).Take(pageSize + 1)
                .Select(e => new TimelineItem(TimelineKind.Event, e.Id, e.OccurredAt, e.Type, e.Channel, e.PropertiesJson, null, null)).ToListAsync(ct));
        }
        if (orders is not false && types is not { Count: > 0 } || orders is true)
        {
            var q = db.Orders.AsNoTracking().Where(o => o.CustomerId == customerId);
            if (from is { } f) q = q.Where(o => o.OrderedAt >= f);
            if (before is { } b) q = q.Where(o => o.OrderedAt < b);
            if (after is { } c)
            {
                var (at, id) = (c.At, c.Id);
                q = c.Kind == TimelineKind.Event ? q.Where(o => o.OrderedAt < at) : q.Where(o => o.OrderedAt < at || (o.OrderedAt == at && o.Id < id));
            }
            var rows = await q.OrderByDescending(o => o.OrderedAt).ThenByDescending(o => o.Id).Take(pageSize + 1)
                .Select(o => new { o.Id, o.OrderedAt, o.OrderNo, o.Channel, o.Amount, o.Status, Lines = o.Lines.Count }).ToListAsync(ct);
            items.AddRange(rows.Select(o => new TimelineItem(TimelineKind.Order, o.Id, o.OrderedAt, o.OrderNo, o.Channel,
                $"{o.Lines} lines", o.Amount, o.Status.ToString())));
        }
        var page = items.OrderByDescending(i => i.At).ThenByDescending(i => i.Kind).ThenByDescending(i => i.Id).ToList();
        return new TimelinePage(page.Take(pageSize).ToList(), page.Count > pageSize);
    }

    /// <summary>Edits a customer's attributes from the profile; audited with before and after.</summary>
    public async Task<bool> UpdateAsync(long id, Action<Customer> edit, Actor actor, CancellationToken ct = default)
    {
        var customer = await db.Customers.FirstOrDefaultAsync(c => c.Id == id && c.MergedIntoId == null, ct);
        if (customer is null) return false;
        object Snapshot() => new { customer.Name, Gender = customer.Gender.ToString(), customer.BirthDate, customer.Province, customer.City, customer.Company,
            customer.Industry, customer.CompanySize, customer.OwnerId, Stage = customer.LifecycleStage.ToString(), customer.EmailOptOut, customer.SmsOptOut };
        var before = Snapshot();
        var stage = customer.LifecycleStage;
        edit(customer);
        var now = clock.GetUtcNow().UtcDateTime;
        customer.UpdatedAt = now;
        if (stage != customer.LifecycleStage)
            db.LifecycleChanges.Add(new LifecycleChange { CustomerId = id, From = stage, To = customer.LifecycleStage, At = now, By = actor.UserName, Reason = "edited in the profile" });
        AuditLog.Record(db, actor, nameof(Customer), id.ToString(System.Globalization.CultureInfo.InvariantCulture), "updated", before, Snapshot(), now);
        await db.SaveChangesAsync(ct);
        return true;
    }
}
