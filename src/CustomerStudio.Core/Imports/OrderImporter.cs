using System.Globalization;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Imports.Cleansing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace CustomerStudio.Core.Imports;

/// <summary>
/// Imports orders from a file of order lines (one row per line, as shops and the UCI Online Retail file export them),
/// streaming, one transaction per batch with the job's progress, like <see cref="CustomerImporter"/>. Rows group into
/// orders by order number; the customer is found by identity (created when unknown). An order number starting with
/// "C" or a cancelled/refunded status is a refund. Orders that existed before the import are left alone, so importing
/// a file twice stores each order once.
/// Targets: <c>order_no</c>, <c>ordered_at</c>, <c>sku</c>, <c>product_name</c>, <c>quantity</c>, <c>unit_price</c>,
/// <c>amount</c> (the order total, when the file has no lines), <c>status</c>, <c>currency</c>, <c>channel</c>, and the
/// customer's identities (<c>external_id</c>, <c>phone</c>, <c>email</c>, <c>wechat_openid</c>).
/// </summary>
public sealed class OrderImporter(StudioDbContext db, TimeProvider clock)
{
    public int BatchSize { get; init; } = 10_000;

    private sealed record Line(int Row, string OrderNo, DateTime? OrderedAt, (IdentityKind Kind, string Value)? Identity, string? Sku, string? Name,
        decimal? Quantity, decimal? UnitPrice, decimal? Amount, OrderStatus? Status, string? Currency, string? Channel);

    public async Task<ImportJob> RunAsync(long jobId, IEnumerable<ImportRow> rows, CancellationToken ct = default)
    {
        var job = await db.ImportJobs.AsNoTracking().FirstAsync(j => j.Id == jobId, ct);
        var plan = ImportPlan.FromJson(job.MappingJson);
        var zone = await Workspace.WorkspaceTimeZone.LoadAsync(db, ct);
        var phones = new PhoneCleaner(plan.DefaultRegion);
        // Orders this import created: lines of one order split across batches join it; other existing orders are skipped.
        var createdHere = new Dictionary<string, long>(StringComparer.Ordinal);
        await ImportBatches.RunAsync(db, clock, job, rows, BatchSize, batch => WriteBatchAsync(jobId, batch, plan, zone, phones, createdHere, ct), ct);
        return await db.ImportJobs.AsNoTracking().FirstAsync(j => j.Id == jobId, CancellationToken.None);
    }

    private (Line? Line, List<RowProblem> Problems) Parse(ImportRow row, ImportPlan plan, TimeZoneInfo zone, PhoneCleaner phones)
    {
        var problems = new List<RowProblem>();
        string? orderNo = null, sku = null, name = null, currency = null, channel = null;
        DateTime? at = null;
        decimal? quantity = null, price = null, amount = null;
        OrderStatus? status = null;
        (IdentityKind, string)? identity = null;
        foreach (var column in plan.Columns)
        {
            var raw = column.Index < row.Cells.Length ? row.Cells[column.Index]?.Trim() : null;
            if (string.IsNullOrEmpty(raw) || column.Target == "ignore") continue;
            void Fail(string code, params string[] args) => problems.Add(new RowProblem(row.Line, column.Header, code, args));
            decimal? Number()
            {
                if (decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var n)) return n;
                Fail("InvalidNumber", raw);
                return null;
            }
            switch (column.Target)
            {
                case "order_no": orderNo = raw; break;
                case "ordered_at":
                    var date = DateCleaner.Parse(raw);
                    if (!date.Ok) Fail(date.Error!, date.Args);
                    else at = date.Value!.Value.Kind == DateTimeKind.Utc ? date.Value : TimeZoneInfo.ConvertTimeToUtc(date.Value!.Value, zone);
                    break;
                case "sku": sku = raw; break;
                case "product_name": name = raw.Length > 200 ? raw[..200] : raw; break;
                case "quantity": quantity = Number(); break;
                case "unit_price": price = Number(); break;
                case "amount": amount = Number(); break;
                case "currency": currency = raw.ToUpperInvariant(); break;
                case "channel": channel = raw; break;
                case "status":
                    status = raw.ToLowerInvariant() switch
                    {
                        "paid" or "已支付" or "已付款" or "completed" or "完成" => OrderStatus.Paid,
                        "pending" or "待支付" or "未付款" => OrderStatus.Pending,
                        "cancelled" or "canceled" or "已取消" => OrderStatus.Cancelled,
                        "refunded" or "已退款" or "退款" => OrderStatus.Refunded,
                        _ => null,
                    };
                    if (status is null) Fail("InvalidStatus", raw);
                    break;
                default:
                    IdentityLookup.TryRead(column.Target, raw, phones, Fail, ref identity);
                    break;
            }
        }
        if (orderNo is null) problems.Add(new RowProblem(row.Line, "", "NoOrderNo"));
        if (at is null && problems.Count == 0) problems.Add(new RowProblem(row.Line, "", "NoOrderDate"));
        if (identity is null && problems.Count == 0) problems.Add(new RowProblem(row.Line, "", "NoIdentity"));
        if (amount is null && (quantity is null || price is null) && problems.Count == 0) problems.Add(new RowProblem(row.Line, "", "NoAmount"));
        return problems.Count > 0
            ? (null, problems)
            : (new Line(row.Line, orderNo!, at, identity, sku, name, quantity, price, amount, status, currency, channel), problems);
    }

    private async Task WriteBatchAsync(long jobId, List<ImportRow> rows, ImportPlan plan, TimeZoneInfo zone, PhoneCleaner phones,
        Dictionary<string, long> createdHere, CancellationToken ct)
    {
        var problems = new List<RowProblem>();
        var lines = new List<Line>();
        foreach (var row in rows)
        {
            var (line, p) = Parse(row, plan, zone, phones);
            if (line is null) problems.AddRange(p); else lines.Add(line);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.ImportJobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(u => u.SetProperty(j => j.Status, ImportStatus.Running), ct);
        var now = clock.GetUtcNow().UtcDateTime;

        // Customers by identity; unknown ones are created with that identity.
        var firstSeen = lines.GroupBy(l => l.Identity!.Value).ToDictionary(g => g.Key, g => g.Min(l => l.OrderedAt!.Value));
        var known = await IdentityLookup.FindOrCreateAsync(db, transaction, firstSeen, now, LifecycleStage.Customer, ct);

        // Orders: new ones are written whole; lines of an order this import began in an earlier batch join it; orders
        // that existed before the import are skipped.
        var orderNos = lines.Select(l => l.OrderNo).Distinct().ToList();
        var existing = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var chunk in orderNos.Chunk(2_000))
            foreach (var o in await db.Orders.AsNoTracking().Where(o => chunk.Contains(o.OrderNo)).Select(o => new { o.OrderNo, o.Id }).ToListAsync(ct))
                existing[o.OrderNo] = o.Id;
        var created = 0;
        var skipped = 0;
        var orders = new List<Order>();
        var continued = new List<(long OrderId, Line Line)>();
        foreach (var group in lines.GroupBy(l => l.OrderNo))
        {
            if (existing.TryGetValue(group.Key, out var orderId))
            {
                if (createdHere.TryGetValue(group.Key, out var mine) && mine == orderId) continued.AddRange(group.Select(l => (orderId, l)));
                else skipped += group.Count();
                continue;
            }
            var first = group.First();
            var refund = group.Key.StartsWith('C') && group.All(l => (l.Quantity ?? 0) <= 0);
            orders.Add(new Order
            {
                CustomerId = known[first.Identity!.Value], OrderNo = group.Key, OrderedAt = first.OrderedAt!.Value,
                Status = first.Status ?? (refund ? OrderStatus.Refunded : OrderStatus.Paid),
                Currency = first.Currency ?? "CNY", Channel = first.Channel,
                Amount = Math.Abs(first.Amount ?? group.Sum(l => (l.Quantity ?? 0) * (l.UnitPrice ?? 0))),
                Lines = group.Where(l => l.Sku is not null || l.Quantity is not null)
                    .Select(l => new OrderLine { Sku = l.Sku ?? "", Name = l.Name, Quantity = l.Quantity ?? 1, UnitPrice = l.UnitPrice ?? 0 }).ToList(),
            });
            created++;
        }
        await ModelBulkInsert.InsertWithKeysAsync(db, transaction, orders, o => o.Id, AssignOrderKey, o => o.Lines, ct);
        foreach (var o in orders) createdHere[o.OrderNo] = o.Id;
        if (continued.Count > 0)
        {
            await ModelBulkInsert.InsertAsync(db, transaction, continued.Select(c => new OrderLine
            {
                OrderId = c.OrderId, Sku = c.Line.Sku ?? "", Name = c.Line.Name, Quantity = c.Line.Quantity ?? 1, UnitPrice = c.Line.UnitPrice ?? 0,
            }).ToList(), ct);
            foreach (var group in continued.GroupBy(c => c.OrderId))
            {
                var add = Math.Abs(group.Sum(c => (c.Line.Quantity ?? 0) * (c.Line.UnitPrice ?? 0)));
                await db.Orders.Where(o => o.Id == group.Key).ExecuteUpdateAsync(u => u.SetProperty(o => o.Amount, o => o.Amount + add), ct);
            }
        }

        await ModelBulkInsert.InsertAsync(db, transaction, problems.Select(p => ImportRowError.Of(jobId, p.Line, p.Field, p.Code, p.Args)).ToList(), ct);
        var rejected = problems.Select(p => p.Line).Distinct().Count();
        await db.ImportJobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(u => u
            .SetProperty(j => j.ProcessedRows, j => j.ProcessedRows + rows.Count)
            .SetProperty(j => j.Created, j => j.Created + created)
            .SetProperty(j => j.Skipped, j => j.Skipped + skipped)
            .SetProperty(j => j.Rejected, j => j.Rejected + rejected), ct);
        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();
    }

    internal static void AssignOrderKey(Order order, long id)
    {
        order.Id = id;
        foreach (var line in order.Lines) line.OrderId = id;
    }


}
