using System.Linq.Expressions;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Core.Conditions;

/// <summary>The customers a condition selects: counted, listed, or tested one by one, always in the database.</summary>
public static class Audience
{
    /// <summary>
    /// Compiles a condition for this workspace (its catalog and time zone) as of <paramref name="utcNow"/>.
    /// <paramref name="oneCustomer"/> shapes every subquery per customer: the same answer, fast for testing one
    /// customer (journey branches, triggers) and slow for whole sets.
    /// </summary>
    public static async Task<CompiledCondition> CompileAsync(StudioDbContext db, string? json, DateTime utcNow,
        CancellationToken ct = default, bool oneCustomer = false)
    {
        var parsed = ConditionJson.Parse(json);
        if (!parsed.Ok) return new CompiledCondition(null, parsed.Errors);
        return await CompileAsync(db, parsed.Condition!, utcNow, ct, oneCustomer);
    }

    public static async Task<CompiledCondition> CompileAsync(StudioDbContext db, Condition condition, DateTime utcNow,
        CancellationToken ct = default, bool oneCustomer = false)
    {
        var catalog = await ConditionCatalog.LoadAsync(db, ct);
        var context = await ConditionContext.ForWorkspaceAsync(db, utcNow, ct);
        return new ConditionCompiler(db, catalog, context) { OneCustomer = oneCustomer }.Compile(condition);
    }

    /// <summary>Live (not merged-away) customers matching the predicate.</summary>
    public static IQueryable<Customer> Query(StudioDbContext db, Expression<Func<Customer, bool>> predicate) =>
        db.Customers.AsNoTracking().Where(c => c.MergedIntoId == null).Where(predicate);

    public static Task<int> CountAsync(StudioDbContext db, Expression<Func<Customer, bool>> predicate, CancellationToken ct = default) =>
        Query(db, predicate).CountAsync(ct);

    /// <summary>A compiled predicate applied to one customer: what journeys ask at a branch (compile it with oneCustomer).</summary>
    public static Task<bool> ContainsAsync(StudioDbContext db, Expression<Func<Customer, bool>> predicate, long customerId, CancellationToken ct = default) =>
        Query(db, predicate).AnyAsync(c => c.Id == customerId, ct);
}
