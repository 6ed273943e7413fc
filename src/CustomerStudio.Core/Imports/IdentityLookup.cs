using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Core.Imports;

/// <summary>Which customers hold these identities: one query per kind and chunk, each on the unique (Kind, Value) index.</summary>
public static class IdentityLookup
{
    public static async Task<Dictionary<(IdentityKind, string), long>> FindAsync(StudioDbContext db,
        IEnumerable<(IdentityKind Kind, string Value)> identities, CancellationToken ct)
    {
        var known = new Dictionary<(IdentityKind, string), long>();
        foreach (var kind in identities.Distinct().GroupBy(i => i.Kind))
        {
            var k = kind.Key;
            // One collection parameter (JSON on SQLite, an array on PostgreSQL), not one parameter per value: EF Core 10
            // expands Contains into IN (@p1, …) by default, which the import benchmark measured at 4× the time.
            foreach (var chunk in kind.Select(i => i.Value).Chunk(10_000))
                foreach (var i in await db.CustomerIdentities.AsNoTracking().Where(i => i.Kind == k && EF.Parameter(chunk).Contains(i.Value))
                             .Select(i => new { i.Value, i.CustomerId }).ToListAsync(ct))
                    known[(k, i.Value)] = i.CustomerId;
        }
        return known;
    }

    /// <summary>
    /// Reads an identity column of an order or event row (external id, phone, e-mail, WeChat openid), cleansed; the
    /// row's first identity names its customer. False when the target is not an identity.
    /// </summary>
    public static bool TryRead(string target, string raw, Cleansing.PhoneCleaner phones, Action<string, string[]> fail,
        ref (IdentityKind Kind, string Value)? identity)
    {
        switch (target)
        {
            case "external_id": identity ??= (IdentityKind.ExternalId, CustomerRowCleaner.ExternalId(raw)); return true;
            case "wechat_openid": identity ??= (IdentityKind.WeChatOpenId, raw); return true;
            case "phone":
                var phone = phones.Normalize(raw);
                if (!phone.Ok) fail(phone.Error!, phone.Args); else identity ??= (IdentityKind.Phone, phone.Value!);
                return true;
            case "email":
                var email = Cleansing.EmailCleaner.Normalize(raw);
                if (!email.Ok) fail(email.Error!, email.Args); else identity ??= (IdentityKind.Email, email.Value!);
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// The customer of each identity, creating the missing ones (with that identity as primary, created when first
    /// seen in the file) inside the caller's transaction.
    /// </summary>
    public static async Task<Dictionary<(IdentityKind, string), long>> FindOrCreateAsync(StudioDbContext db,
        Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction transaction, IReadOnlyDictionary<(IdentityKind Kind, string Value), DateTime> firstSeen,
        DateTime now, LifecycleStage stage, CancellationToken ct)
    {
        var known = await FindAsync(db, firstSeen.Keys, ct);
        var fresh = firstSeen.Keys.Where(i => !known.ContainsKey(i)).Select(i => (Identity: i, Customer: new Customer
        {
            CreatedAt = firstSeen[i], UpdatedAt = now, LifecycleStage = stage,
            Phone = i.Kind == IdentityKind.Phone ? i.Value : null, Email = i.Kind == IdentityKind.Email ? i.Value : null,
        })).ToList();
        await ModelBulkInsert.InsertWithKeysAsync(db, transaction, fresh.Select(f => f.Customer).ToList(), c => c.Id, (c, id) => c.Id = id, c => c.Identities, ct);
        foreach (var (identity, customer) in fresh) known[identity] = customer.Id;
        await ModelBulkInsert.InsertAsync(db, transaction, fresh.Select(f => new CustomerIdentity
        {
            CustomerId = f.Customer.Id, Kind = f.Identity.Kind, Value = f.Identity.Value, IsPrimary = true, CreatedAt = now,
        }).ToList(), ct);
        return known;
    }
}
