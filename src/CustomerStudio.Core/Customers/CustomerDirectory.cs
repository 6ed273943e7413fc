using CustomerStudio.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Core.Customers;

public sealed record CustomerRow(
    long Id, string? Name, Gender Gender, string? Phone, string? Email, string? Province, string? City,
    LifecycleStage LifecycleStage, string? SourceChannel, DateTime CreatedAt);

public sealed record CustomerPage(IReadOnlyList<CustomerRow> Items, int Total);

/// <summary>Finds customers for lists and the API: search by id, name, phone or email, paged in the database.</summary>
public static class CustomerDirectory
{
    public const int MaxPageSize = 200;

    public static async Task<CustomerPage> SearchAsync(StudioDbContext db, string? search, int page, int pageSize, CancellationToken ct = default)
    {
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        page = Math.Max(page, 0);
        var query = db.Customers.AsNoTracking().Where(c => c.MergedIntoId == null);
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim();
            var lower = term.ToLowerInvariant();
            // A number is also a customer id (sales paste ids from tasks and exports).
            var id = long.TryParse(term.TrimStart('#'), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : -1;
            query = query.Where(c => c.Id == id
                                     || (c.Name != null && c.Name.Contains(term))
                                     || (c.Phone != null && c.Phone.Contains(term))
                                     || (c.Email != null && c.Email.Contains(lower)));
        }
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(c => c.Id).Skip(page * pageSize).Take(pageSize).Select(Row).ToListAsync(ct);
        return new CustomerPage(items, total);
    }

    /// <summary>The customers with these ids, by id.</summary>
    public static async Task<Dictionary<long, CustomerRow>> ByIdsAsync(StudioDbContext db, IReadOnlyCollection<long> ids, CancellationToken ct = default) =>
        await db.Customers.AsNoTracking().Where(c => ids.Contains(c.Id)).Select(Row).ToDictionaryAsync(c => c.Id, ct);

    private static readonly System.Linq.Expressions.Expression<Func<Customer, CustomerRow>> Row = c =>
        new CustomerRow(c.Id, c.Name, c.Gender, c.Phone, c.Email, c.Province, c.City, c.LifecycleStage, c.SourceChannel, c.CreatedAt);
}
