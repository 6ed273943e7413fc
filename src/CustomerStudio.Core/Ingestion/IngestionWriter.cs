using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Imports;
using CustomerStudio.Core.Imports.Cleansing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CustomerStudio.Core.Ingestion;

/// <summary>
/// The one writer behind the ingestion API. Requests validate their items on their own thread, then hand them here;
/// the writer stores waiting event batches together in one transaction (group commit: one disk flush for many
/// requests), customers and orders one request per transaction, and answers each request only once its data is
/// committed — "accepted" means durable. An idempotency key is stored in the same transaction as the data, so a
/// retried batch returns the first answer and stores nothing twice. After each commit the new events go to
/// <see cref="EventFeed"/> (real-time tags; journey triggers).
/// </summary>
public sealed class IngestionWriter(IServiceScopeFactory scopes, EventFeed feed, TimeProvider clock, ILogger<IngestionWriter> log) : BackgroundService
{
    /// <summary>Most events stored in one transaction; more wait for the next.</summary>
    public const int MaxEventsPerCommit = 20_000;

    private abstract class Work
    {
        public required string? IdempotencyScope { get; init; }
        public required string? IdempotencyKey { get; init; }
        public required int Received { get; init; }
        public required List<IngestItemError> Errors { get; init; }
        public TaskCompletionSource<IngestResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class EventWork : Work
    {
        public required List<(int Index, CustomerKey Customer, CustomerEvent Event)> Items { get; init; }
    }

    private sealed class CustomerWork : Work
    {
        public required List<(int Index, CustomerKey Customer, IncomingCustomer Fields, Cleaned Clean)> Items { get; init; }
    }

    private sealed class OrderWork : Work
    {
        public required List<(int Index, CustomerKey Customer, Order Order)> Items { get; init; }
    }

    /// <summary>The identities (normalized) or id an item names its customer by.</summary>
    private sealed record CustomerKey(long? Id, IReadOnlyList<(IdentityKind Kind, string Value)> Identities);

    private sealed record Cleaned(Gender? Gender, DateOnly? BirthDate, string? Province, string? City);

    private readonly Channel<Work> _queue = Channel.CreateBounded<Work>(new BoundedChannelOptions(2_000) { SingleReader = true });
    private readonly PhoneCleaner _phones = new();

    // ------------------------------------------------------------------ entry points (request threads)

    public Task<IngestResult> EventsAsync(IReadOnlyList<IncomingEvent> items, string? scope, string? key, CancellationToken ct)
    {
        var errors = new List<IngestItemError>();
        var valid = new List<(int, CustomerKey, CustomerEvent)>();
        var now = clock.GetUtcNow().UtcDateTime;
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var before = errors.Count;
            var customer = Key(item?.Customer, i, "customer", errors);
            if (string.IsNullOrWhiteSpace(item?.Type)) errors.Add(Error(i, "type", "Required", "type"));
            else if (item.Type.Length > 64) errors.Add(Error(i, "type", "TooLong", "64"));
            if (item?.OccurredAt is { } at && (at.ToUniversalTime() > now.AddDays(1) || at.Year < 2000))
                errors.Add(Error(i, "occurredAt", "InvalidDate", at.ToString("O", CultureInfo.InvariantCulture)));
            var properties = new List<EventProperty>();
            foreach (var (name, value) in item?.Properties ?? [])
            {
                if (name.Length is 0 or > 64) { errors.Add(Error(i, $"properties.{name}", "InvalidPropertyName", name)); continue; }
                var text = value.ValueKind switch
                {
                    JsonValueKind.String => value.GetString(),
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
                    JsonValueKind.Null => null,
                    _ => "\u0000",
                };
                if (text == "\u0000") errors.Add(Error(i, $"properties.{name}", "PropertyNotScalar", name));
                else if (text?.Length > 200) errors.Add(Error(i, $"properties.{name}", "TooLong", "200"));
                else properties.Add(new EventProperty { Key = name, Value = text });
            }
            if (errors.Count > before || customer is null) continue;
            valid.Add((i, customer, new CustomerEvent
            {
                Type = item!.Type!.Trim(), OccurredAt = (item.OccurredAt?.ToUniversalTime() ?? now), ReceivedAt = now, Channel = item.Channel,
                Properties = properties,
                PropertiesJson = item.Properties is { Count: > 0 } ? JsonSerializer.Serialize(item.Properties) : null,
            }));
        }
        return EnqueueAsync(new EventWork { IdempotencyScope = scope, IdempotencyKey = key, Received = items.Count, Errors = errors, Items = valid }, ct);
    }

    public Task<IngestResult> CustomersAsync(IReadOnlyList<IncomingCustomer> items, string? scope, string? key, CancellationToken ct)
    {
        var errors = new List<IngestItemError>();
        var valid = new List<(int, CustomerKey, IncomingCustomer, Cleaned)>();
        for (var i = 0; i < items.Count; i++)
        {
            var c = items[i];
            var before = errors.Count;
            var customer = Key(c is null ? null : new CustomerRef(null, c.ExternalId, c.Phone, c.Email, c.WechatOpenId, c.WechatUnionId), i, "", errors);
            Gender? gender = null;
            DateOnly? birth = null;
            string? province = null;
            if (c?.Gender is { } g) { var r = GenderCleaner.Normalize(g); if (r.Ok) gender = r.Value; else errors.Add(Error(i, "gender", r.Error!, r.Args)); }
            if (c?.BirthDate is { } b) { var r = DateCleaner.ParseDate(b); if (r.Ok) birth = r.Value; else errors.Add(Error(i, "birthDate", r.Error!, r.Args)); }
            if (c?.Province is { } p) { var r = RegionCleaner.Province(p); if (r.Ok) province = r.Value; else errors.Add(Error(i, "province", r.Error!, r.Args)); }
            if (errors.Count > before || customer is null) continue;
            valid.Add((i, customer, c!, new Cleaned(gender, birth, province, RegionCleaner.City(c!.City).Value)));
        }
        return EnqueueAsync(new CustomerWork { IdempotencyScope = scope, IdempotencyKey = key, Received = items.Count, Errors = errors, Items = valid }, ct);
    }

    public Task<IngestResult> OrdersAsync(IReadOnlyList<IncomingOrder> items, string? scope, string? key, CancellationToken ct)
    {
        var errors = new List<IngestItemError>();
        var valid = new List<(int, CustomerKey, Order)>();
        var now = clock.GetUtcNow().UtcDateTime;
        for (var i = 0; i < items.Count; i++)
        {
            var o = items[i];
            var before = errors.Count;
            var customer = Key(o?.Customer, i, "customer", errors);
            if (string.IsNullOrWhiteSpace(o?.OrderNo)) errors.Add(Error(i, "orderNo", "Required", "orderNo"));
            if (o?.Amount is null && o?.Lines is not { Count: > 0 }) errors.Add(Error(i, "amount", "NoAmount"));
            if (o?.Amount is < 0) errors.Add(Error(i, "amount", "InvalidNumber", o.Amount.Value.ToString(CultureInfo.InvariantCulture)));
            var status = o?.Status?.ToLowerInvariant() switch
            {
                null or "paid" => OrderStatus.Paid,
                "pending" => OrderStatus.Pending,
                "cancelled" or "canceled" => OrderStatus.Cancelled,
                "refunded" => OrderStatus.Refunded,
                _ => (OrderStatus?)null,
            };
            if (status is null) errors.Add(Error(i, "status", "InvalidStatus", o!.Status!));
            if (errors.Count > before || customer is null) continue;
            valid.Add((i, customer, new Order
            {
                OrderNo = o!.OrderNo!.Trim(), OrderedAt = o.OrderedAt?.ToUniversalTime() ?? now, Status = status!.Value,
                Currency = (o.Currency ?? "CNY").ToUpperInvariant(), Channel = o.Channel,
                Amount = o.Amount ?? o.Lines!.Sum(l => l.Quantity * l.UnitPrice),
                Lines = (o.Lines ?? []).Select(l => new OrderLine { Sku = l.Sku ?? "", Name = l.Name, Quantity = l.Quantity, UnitPrice = l.UnitPrice }).ToList(),
            }));
        }
        return EnqueueAsync(new OrderWork { IdempotencyScope = scope, IdempotencyKey = key, Received = items.Count, Errors = errors, Items = valid }, ct);
    }

    private async Task<IngestResult> EnqueueAsync(Work work, CancellationToken ct)
    {
        await _queue.Writer.WriteAsync(work, ct);
        return await work.Done.Task.WaitAsync(ct);
    }

    private CustomerKey? Key(CustomerRef? r, int index, string path, List<IngestItemError> errors)
    {
        var at = path.Length == 0 ? "" : path + ".";
        if (r is null) { errors.Add(Error(index, path.Length == 0 ? "externalId" : path, "NoIdentity")); return null; }
        var identities = new List<(IdentityKind, string)>();
        var before = errors.Count;
        if (!string.IsNullOrWhiteSpace(r.ExternalId)) identities.Add((IdentityKind.ExternalId, r.ExternalId.Trim()));
        if (r.Phone is not null)
        {
            var phone = _phones.Normalize(r.Phone);
            if (phone.Ok && phone.Value is not null) identities.Add((IdentityKind.Phone, phone.Value));
            else if (!phone.Ok) errors.Add(Error(index, at + "phone", phone.Error!, phone.Args));
        }
        if (r.Email is not null)
        {
            var email = EmailCleaner.Normalize(r.Email);
            if (email.Ok && email.Value is not null) identities.Add((IdentityKind.Email, email.Value));
            else if (!email.Ok) errors.Add(Error(index, at + "email", email.Error!, email.Args));
        }
        if (!string.IsNullOrWhiteSpace(r.WechatOpenId)) identities.Add((IdentityKind.WeChatOpenId, r.WechatOpenId.Trim()));
        if (!string.IsNullOrWhiteSpace(r.WechatUnionId)) identities.Add((IdentityKind.WeChatUnionId, r.WechatUnionId.Trim()));
        if (errors.Count > before) return null;
        if (r.Id is null && identities.Count == 0) { errors.Add(Error(index, path.Length == 0 ? "externalId" : path, "NoIdentity")); return null; }
        return new CustomerKey(r.Id, identities);
    }

    private static IngestItemError Error(int index, string path, string code, params string[] args) =>
        new(index, path, code, ImportMessages.Format(code, args));

    // ------------------------------------------------------------------ the writer loop

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pending = new List<Work>();
        while (await _queue.Reader.WaitToReadAsync(stoppingToken))
        {
            pending.Clear();
            if (!_queue.Reader.TryRead(out var first)) continue;
            pending.Add(first);
            // Event batches waiting behind this one join its transaction.
            if (first is EventWork)
            {
                var events = ((EventWork)first).Items.Count;
                while (events < MaxEventsPerCommit && _queue.Reader.TryPeek(out var next) && next is EventWork e && _queue.Reader.TryRead(out _))
                {
                    pending.Add(e);
                    events += e.Items.Count;
                }
            }
            try
            {
                var results = await WriteAsync(pending, stoppingToken);
                for (var i = 0; i < pending.Count; i++) pending[i].Done.TrySetResult(results[i]);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                log.LogError(ex, "Ingestion write of {Count} requests failed", pending.Count);
                foreach (var work in pending) work.Done.TrySetException(ex);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    private async Task<IngestResult[]> WriteAsync(List<Work> works, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StudioDbContext>();
        var now = clock.GetUtcNow().UtcDateTime;
        var results = new IngestResult?[works.Count];

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // A retry of a committed request gets the first answer back and stores nothing.
        for (var i = 0; i < works.Count; i++)
            if (works[i].IdempotencyKey is { } key
                && await db.IdempotencyRecords.AsNoTracking().FirstOrDefaultAsync(r => r.Scope == works[i].IdempotencyScope && r.Key == key, ct) is { } record)
                results[i] = JsonSerializer.Deserialize<IngestResult>(record.ResponseJson!)! with { Duplicates = works[i].Received };

        var live = Enumerable.Range(0, works.Count).Where(i => results[i] is null).ToList();
        // A retry that arrives while its first try still waits in this same transaction replays that try's answer.
        var firstOf = new Dictionary<(string?, string), int>();
        var replays = new Dictionary<int, int>();
        foreach (var i in live.ToList())
            if (works[i].IdempotencyKey is { } key && !firstOf.TryAdd((works[i].IdempotencyScope, key), i))
            {
                replays[i] = firstOf[(works[i].IdempotencyScope, key)];
                live.Remove(i);
            }
        var keys = live.SelectMany(i => works[i] switch
        {
            EventWork e => e.Items.Select(x => x.Customer),
            CustomerWork c => c.Items.Select(x => x.Customer),
            OrderWork o => o.Items.Select(x => x.Customer),
            _ => [],
        }).ToList();
        var (customerOf, created, collisions) = await ResolveCustomersAsync(db, transaction, keys, now, ct);
        // A customer created (or a merge found) by this commit is counted once, by the first request naming it.
        var counted = new HashSet<long>();
        var merges = collisions.Distinct().ToLookup(c => c.Survivor, c => c.Other);

        foreach (var i in live)
        {
            var work = works[i];
            var accepted = 0;
            var updated = 0;
            var duplicates = 0;
            var errors = new List<IngestItemError>(work.Errors);
            // An item naming only a customer id that does not exist is refused; the others go on.
            bool Known(int index, CustomerKey key)
            {
                if (customerOf.ContainsKey(key)) return true;
                errors.Add(Error(index, "customer.id", "UnknownCustomer", key.Id?.ToString(CultureInfo.InvariantCulture) ?? ""));
                return false;
            }
            switch (work)
            {
                case EventWork e:
                    e.Items.RemoveAll(x => !Known(x.Index, x.Customer));
                    foreach (var (_, customer, ev) in e.Items) ev.CustomerId = customerOf[customer];
                    accepted = e.Items.Count;
                    break;
                case CustomerWork c:
                    updated = await UpdateCustomersAsync(db, c, customerOf, now, ct);
                    accepted = c.Items.Count;
                    break;
                case OrderWork o:
                    o.Items.RemoveAll(x => !Known(x.Index, x.Customer));
                    (accepted, duplicates) = await StoreOrdersAsync(db, transaction, o, customerOf, ct);
                    break;
            }
            var named = (work switch
            {
                EventWork e => e.Items.Select(x => x.Customer),
                CustomerWork c => c.Items.Select(x => x.Customer),
                OrderWork o => o.Items.Select(x => x.Customer),
                _ => [],
            }).Select(k => customerOf[k]).Distinct().Where(counted.Add).ToList();
            results[i] = new IngestResult(work.Received, accepted, named.Count(created.Contains), updated, duplicates, errors.OrderBy(x => x.Index).ToList(),
                named.Sum(id => merges[id].Count()));
        }

        foreach (var (replay, first) in replays) results[replay] = results[first]! with { Duplicates = works[replay].Received };
        var events = live.Select(i => works[i]).OfType<EventWork>().SelectMany(e => e.Items.Select(x => x.Event)).ToList();
        await InsertEventsAsync(db, transaction, events, ct);

        foreach (var i in live.Where(i => works[i].IdempotencyKey is not null))
            db.IdempotencyRecords.Add(new Imports.IdempotencyRecord
            {
                Scope = works[i].IdempotencyScope ?? "", Key = works[i].IdempotencyKey!, CreatedAt = now,
                ResponseJson = JsonSerializer.Serialize(results[i]),
            });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        await MergeCollisionsAsync(collisions, ct);
        // Real-time tags follow what this commit stored (customers created by any item count as customer data).
        feed.Publish(new DataArrived(events.Select(e => e.Type).ToHashSet(StringComparer.Ordinal),
            live.Any(i => works[i] is OrderWork { Items.Count: > 0 }), created.Count > 0 || collisions.Count > 0 || live.Any(i => works[i] is CustomerWork { Items.Count: > 0 })));
        return results.Select(r => r!).ToArray();
    }

    /// <summary>
    /// Customers found to be one person (an item named identities of both) are merged into the earliest, each merge in
    /// its own transaction and audited, after the data naming them is committed. A merge that fails leaves both records
    /// as they were (the data is stored either way) and is logged; a later call or import colliding again retries it.
    /// </summary>
    private async Task MergeCollisionsAsync(List<(long Survivor, long Other)> collisions, CancellationToken ct)
    {
        if (collisions.Count == 0) return;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StudioDbContext>();
        var merge = new CustomerMerge(db, clock);
        foreach (var (survivor, other) in collisions.Distinct())
            try
            {
                var (_, errors) = await merge.MergeAsync(survivor, other, Security.Actor.System, "identity collision in the ingestion API", ct);
                if (errors.Count > 0) log.LogWarning("Ingestion could not merge customer {Other} into {Survivor}: {Errors}", other, survivor, string.Join("; ", errors.Select(e => e.Code)));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogError(ex, "Ingestion could not merge customer {Other} into {Survivor}", other, survivor);
            }
    }

    /// <summary>How the customers of a group commit were found: per key its customer, the customers created (in the
    /// order of the keys that first named them) and the pairs of existing customers found to be one person.</summary>
    private sealed record Resolution(Dictionary<CustomerKey, long> CustomerOf, HashSet<long> Created, List<(long Survivor, long Other)> Collisions);

    /// <summary>
    /// Finds each key's customer and creates the missing ones. A key with a known customer id goes to that customer
    /// (following merges). The other keys are grouped by shared identities (union-find), so two items naming the same
    /// new person get one customer; a group matching existing customers goes to the earliest of them, its new
    /// identities are added to that customer (they are how the next call finds it), and when it matches several
    /// customers they are one person: the pairs are returned and merged once the data is committed.
    /// </summary>
    private static async Task<Resolution> ResolveCustomersAsync(
        StudioDbContext db, IDbContextTransaction transaction, List<CustomerKey> keys, DateTime now, CancellationToken ct)
    {
        var result = new Dictionary<CustomerKey, long>();
        var created = new HashSet<long>();
        var collisions = new List<(long, long)>();
        var ids = keys.Where(k => k.Id is not null).Select(k => k.Id!.Value).Distinct().ToList();
        var byId = new Dictionary<long, long?>();
        foreach (var chunk in ids.Chunk(2_000))
            foreach (var c in await db.Customers.AsNoTracking().Where(c => chunk.Contains(c.Id)).Select(c => new { c.Id, c.MergedIntoId }).ToListAsync(ct))
                byId[c.Id] = c.MergedIntoId;

        var byIdentity = new List<CustomerKey>();
        foreach (var key in keys.Distinct())
        {
            if (key.Id is { } id && byId.TryGetValue(id, out var merged)) result[key] = merged ?? id;
            else if (key.Identities.Count > 0) byIdentity.Add(key);
        }
        if (byIdentity.Count == 0) return new Resolution(result, created, collisions);
        var known = await IdentityLookup.FindAsync(db, byIdentity.SelectMany(k => k.Identities), ct);

        // Keys sharing any identity are one person.
        var parent = Enumerable.Range(0, byIdentity.Count).ToArray();
        int Find(int i) => parent[i] == i ? i : parent[i] = Find(parent[i]);
        var firstKey = new Dictionary<(IdentityKind, string), int>();
        for (var i = 0; i < byIdentity.Count; i++)
            foreach (var identity in byIdentity[i].Identities)
                if (firstKey.TryGetValue(identity, out var other)) parent[Find(i)] = Find(other);
                else firstKey[identity] = i;

        var fresh = new List<(List<CustomerKey> Keys, List<(IdentityKind Kind, string Value)> Identities, Customer Customer)>();
        var attached = new List<(long CustomerId, IdentityKind Kind, string Value)>();
        foreach (var group in Enumerable.Range(0, byIdentity.Count).GroupBy(Find))
        {
            var members = group.Select(i => byIdentity[i]).ToList();
            var identities = members.SelectMany(k => k.Identities).Distinct().ToList();
            var matches = identities.Where(known.ContainsKey).Select(i => known[i]).Distinct().Order().ToList();
            if (matches.Count == 0)
            {
                var customer = new Customer { CreatedAt = now, UpdatedAt = now };
                customer.Phone = identities.Where(i => i.Kind == IdentityKind.Phone).Select(i => i.Value).FirstOrDefault();
                customer.Email = identities.Where(i => i.Kind == IdentityKind.Email).Select(i => i.Value).FirstOrDefault();
                fresh.Add((members, identities, customer));
                continue;
            }
            foreach (var key in members) result[key] = matches[0];
            collisions.AddRange(matches.Skip(1).Select(other => (matches[0], other)));
            attached.AddRange(identities.Where(i => !known.ContainsKey(i)).Select(i => (matches[0], i.Kind, i.Value)));
        }

        var customers = fresh.Select(f => f.Customer).ToList();
        await ModelBulkInsert.InsertWithKeysAsync(db, transaction, customers, c => c.Id, (c, id) => c.Id = id, c => c.Identities, ct);
        var rows = new List<CustomerIdentity>();
        foreach (var (members, identities, customer) in fresh)
        {
            foreach (var key in members) result[key] = customer.Id;
            var primaries = new HashSet<IdentityKind>();
            rows.AddRange(identities.Select(i => new CustomerIdentity
            {
                CustomerId = customer.Id, Kind = i.Kind, Value = i.Value, CreatedAt = now, IsPrimary = primaries.Add(i.Kind),
            }));
        }
        foreach (var (customerId, kind, value) in attached)
        {
            // A phone or e-mail of a customer who had none becomes the primary one and shows on the record.
            var primary = kind switch
            {
                IdentityKind.Phone => await db.Customers.Where(c => c.Id == customerId && c.Phone == null)
                    .ExecuteUpdateAsync(u => u.SetProperty(c => c.Phone, value).SetProperty(c => c.UpdatedAt, now), ct) == 1,
                IdentityKind.Email => await db.Customers.Where(c => c.Id == customerId && c.Email == null)
                    .ExecuteUpdateAsync(u => u.SetProperty(c => c.Email, value).SetProperty(c => c.UpdatedAt, now), ct) == 1,
                _ => !await db.CustomerIdentities.AnyAsync(x => x.CustomerId == customerId && x.Kind == kind, ct),
            };
            rows.Add(new CustomerIdentity { CustomerId = customerId, Kind = kind, Value = value, CreatedAt = now, IsPrimary = primary });
        }
        await ModelBulkInsert.InsertAsync(db, transaction, rows, ct);
        created.UnionWith(customers.Select(c => c.Id));
        return new Resolution(result, created, collisions);
    }

    private static async Task<int> UpdateCustomersAsync(StudioDbContext db, CustomerWork work, Dictionary<CustomerKey, long> customerOf,
        DateTime now, CancellationToken ct)
    {
        var ids = work.Items.Select(x => customerOf[x.Customer]).Distinct().ToList();
        var tracked = await db.Customers.Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        var updated = 0;
        foreach (var (_, key, fields, clean) in work.Items)
        {
            var c = tracked[customerOf[key]];
            var before = (c.Name, c.Gender, c.BirthDate, c.Province, c.City, c.Company, c.Industry, c.SourceChannel);
            if (fields.Name is { } name) c.Name = name.Trim();
            if (clean.Gender is { } gender) c.Gender = gender;
            if (clean.BirthDate is { } birth) c.BirthDate = birth;
            if (clean.Province is { } province) c.Province = province;
            if (clean.City is { } city) c.City = city;
            if (fields.Company is { } company) c.Company = company.Trim();
            if (fields.Industry is { } industry) c.Industry = industry.Trim();
            if (fields.SourceChannel is { } source) c.SourceChannel = source.Trim();
            if (before != (c.Name, c.Gender, c.BirthDate, c.Province, c.City, c.Company, c.Industry, c.SourceChannel))
            {
                c.UpdatedAt = now;
                if (c.CreatedAt != now) updated++;
            }
        }
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return updated;
    }

    private static async Task<(int Accepted, int Duplicates)> StoreOrdersAsync(StudioDbContext db, IDbContextTransaction transaction, OrderWork work,
        Dictionary<CustomerKey, long> customerOf, CancellationToken ct)
    {
        var numbers = work.Items.Select(x => x.Order.OrderNo).Distinct().ToList();
        var existing = (await db.Orders.AsNoTracking().Where(o => numbers.Contains(o.OrderNo)).Select(o => o.OrderNo).ToListAsync(ct)).ToHashSet();
        var orders = new List<Order>();
        var duplicates = 0;
        foreach (var (_, key, order) in work.Items)
        {
            // An order number is stored once: a resent order is a duplicate, not an error.
            if (!existing.Add(order.OrderNo)) { duplicates++; continue; }
            order.CustomerId = customerOf[key];
            orders.Add(order);
        }
        await ModelBulkInsert.InsertWithKeysAsync(db, transaction, orders, o => o.Id, OrderImporter.AssignOrderKey, o => o.Lines, ct);
        return (orders.Count, duplicates);
    }

    private static Task InsertEventsAsync(StudioDbContext db, IDbContextTransaction transaction, List<CustomerEvent> events, CancellationToken ct) =>
        ModelBulkInsert.InsertWithKeysAsync(db, transaction, events, e => e.Id, (e, id) =>
        {
            e.Id = id;
            foreach (var p in e.Properties) p.EventId = id;
        }, e => e.Properties, ct);
}
