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
}
