using System.Globalization;
using System.IO.Compression;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Imports;
using CustomerStudio.Core.Workspace;
using CustomerStudio.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Tests.Imports;

/// <summary>The UCI Online Retail file (541,909 invoice lines) imported as orders, checked against figures computed here from the raw file.</summary>
public sealed class OnlineRetailImportTests
{
    private sealed class Clock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);
    }

    private sealed record Expected(int Customers, int Orders, int Refunds, int RowsWithoutCustomer, decimal PaidTotal);

    /// <summary>The same facts, read with a plain split of the raw file (no CsvHelper, no importer code).</summary>
    private static Expected Independently(string path)
    {
        var customers = new HashSet<string>();
        var invoices = new HashSet<string>();
        var refunds = new HashSet<string>();
        var lines = new Dictionary<string, decimal>();
        var withoutCustomer = 0;
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        reader.ReadLine();
        while (reader.ReadLine() is { } line)
        {
            // Descriptions may hold quoted commas: the fields we need are the first two and the last four.
            var f = line.Split(',');
            var (invoice, quantity, price, customer) = (f[0], f[^5], f[^3], f[^2]);
            if (customer.Length == 0) { withoutCustomer++; continue; }
            customers.Add(customer);
            invoices.Add(invoice);
            if (invoice.StartsWith('C')) refunds.Add(invoice);
            else lines[invoice] = lines.GetValueOrDefault(invoice) + decimal.Parse(quantity, CultureInfo.InvariantCulture) * decimal.Parse(price, CultureInfo.InvariantCulture);
        }
        return new Expected(customers.Count, invoices.Count, refunds.Count, withoutCustomer, lines.Values.Sum(Math.Abs));
    }

    [Fact]
    public async Task The_online_retail_file_becomes_customers_orders_and_refunds()
    {
        var path = SharedData.File("online-retail/online_retail_uci.csv.gz");
        var expected = Independently(path);
        Assert.Equal(4_372, expected.Customers);

        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var db = database.CreateContext();
        db.WorkspaceSettings.Add(new WorkspaceSettings { TimeZone = "Europe/London" });
        var plan = new ImportPlan
        {
            Columns =
            [
                new(0, "InvoiceNo", "order_no"), new(1, "StockCode", "sku"), new(2, "Description", "product_name"), new(3, "Quantity", "quantity"),
                new(4, "InvoiceDate", "ordered_at"), new(5, "UnitPrice", "unit_price"), new(6, "CustomerID", "external_id"), new(7, "Country", "ignore"),
            ],
        };
        var job = new ImportJob { Kind = ImportKind.Orders, FileName = "online_retail_uci.csv", MappingJson = plan.ToJson(), CreatedAt = DateTime.UtcNow };
        db.ImportJobs.Add(job);
        await db.SaveChangesAsync();

        await using var file = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        var (header, rows) = ImportRows.Read(file, plan);
        Assert.Equal("InvoiceNo", header[0]);
        var done = await new OrderImporter(db, new Clock()).RunAsync(job.Id, rows);

        Assert.Equal((ImportStatus.Completed, 541_909, expected.Orders, expected.RowsWithoutCustomer),
            (done.Status, done.ProcessedRows, done.Created, done.Rejected));
        Assert.Equal(expected.Customers, await db.Customers.CountAsync());
        Assert.Equal(expected.Orders, await db.Orders.CountAsync());
        Assert.Equal(expected.Refunds, await db.Orders.CountAsync(o => o.Status == OrderStatus.Refunded));
        Assert.Equal(541_909 - expected.RowsWithoutCustomer, await db.OrderLines.CountAsync());
        var paid = (await db.Orders.Where(o => o.Status == OrderStatus.Paid).Select(o => o.Amount).ToListAsync()).Sum();
        // Amounts are stored as REAL on SQLite: a cent per order at most.
        Assert.InRange(paid, expected.PaidTotal - 0.01m * expected.Orders, expected.PaidTotal + 0.01m * expected.Orders);
        // 2010-12-01 08:26 in London (winter: UTC+0) is the first invoice.
        Assert.Equal(new DateTime(2010, 12, 1, 8, 26, 0, DateTimeKind.Utc), await db.Orders.MinAsync(o => o.OrderedAt));
        Assert.Equal(expected.RowsWithoutCustomer, await db.ImportRowErrors.CountAsync());

        // The same file again stores nothing twice.
        var again = new ImportJob { Kind = ImportKind.Orders, FileName = "again.csv", MappingJson = plan.ToJson(), CreatedAt = DateTime.UtcNow };
        db.ImportJobs.Add(again);
        await db.SaveChangesAsync();
        await using var second = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        var repeat = await new OrderImporter(db, new Clock()).RunAsync(again.Id, ImportRows.Read(second, plan).Rows);
        Assert.Equal((0, 541_909 - expected.RowsWithoutCustomer), (repeat.Created, repeat.Skipped));
        Assert.Equal(expected.Orders, await db.Orders.CountAsync());
    }
}
