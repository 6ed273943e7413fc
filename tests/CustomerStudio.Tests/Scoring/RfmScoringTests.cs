using System.Globalization;
using System.Text;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Imports;
using CustomerStudio.Core.Scoring;
using CustomerStudio.Core.Workspace;
using CustomerStudio.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Tests.Scoring;

/// <summary>RFM on the CDNOW purchases (23,570 customers, 1997-01 … 1998-06), checked against figures computed here from the raw file.</summary>
public sealed class RfmScoringTests
{
    private static readonly DateTime AsOf = new(1998, 7, 1, 0, 0, 0, DateTimeKind.Utc);

    private sealed class Clock(DateTime now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private sealed record Purchase(string Customer, DateTime Date, decimal Dollars);

    private static List<Purchase> ReadCdnow() =>
        File.ReadLines(SharedData.File("cdnow/CDNOW_master.txt")).Skip(1)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(f => new Purchase(f[0], DateTime.ParseExact(f[1], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
                decimal.Parse(f[3], CultureInfo.InvariantCulture)))
            .ToList();

    /// <summary>Quintile by "how many customers have a strictly worse value", written independently of the product.</summary>
    private static Dictionary<string, int> Scores(Dictionary<string, double> values)
    {
        var ordered = values.Values.Order().ToList();
        var firstIndex = new Dictionary<double, int>();
        for (var i = 0; i < ordered.Count; i++) firstIndex.TryAdd(ordered[i], i);
        return values.ToDictionary(kv => kv.Key, kv => 1 + Math.Min(4, firstIndex[kv.Value] * 5 / ordered.Count));
    }

    [Fact]
    public async Task Rfm_on_the_cdnow_purchases_matches_an_independent_computation()
    {
        var purchases = ReadCdnow();
        Assert.Equal(2_500_315.63m, purchases.Sum(p => p.Dollars));
        var byCustomer = purchases.GroupBy(p => p.Customer).ToDictionary(g => g.Key, g => (Last: g.Max(p => p.Date), Count: g.Count(), Sum: g.Sum(p => p.Dollars)));
        Assert.Equal(23_570, byCustomer.Count);
        var recency = byCustomer.ToDictionary(kv => kv.Key, kv => (int)(AsOf - kv.Value.Last).TotalDays);
        var rScore = Scores(recency.ToDictionary(kv => kv.Key, kv => -(double)kv.Value));
        var fScore = Scores(byCustomer.ToDictionary(kv => kv.Key, kv => (double)kv.Value.Count));
        var mScore = Scores(byCustomer.ToDictionary(kv => kv.Key, kv => (double)kv.Value.Sum));

        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var db = database.CreateContext();
        db.WorkspaceSettings.Add(new WorkspaceSettings { TimeZone = "UTC", RfmWindowDays = 600 });
        // The purchases go in through the order importer: one order per line of the file.
        var csv = new StringBuilder("customer,date,dollars,order\n");
        for (var i = 0; i < purchases.Count; i++)
            csv.Append(CultureInfo.InvariantCulture, $"{purchases[i].Customer},{purchases[i].Date:yyyy-MM-dd},{purchases[i].Dollars},cd{i}\n");
        var plan = new ImportPlan
        {
            Columns = [new(0, "customer", "external_id"), new(1, "date", "ordered_at"), new(2, "dollars", "amount"), new(3, "order", "order_no")],
        };
        var job = new ImportJob { Kind = ImportKind.Orders, FileName = "cdnow.csv", MappingJson = plan.ToJson(), CreatedAt = AsOf };
        db.ImportJobs.Add(job);
        await db.SaveChangesAsync();
        var imported = await new OrderImporter(db, new Clock(AsOf)).RunAsync(job.Id, ImportRows.Read(new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString())), plan).Rows);
        Assert.Equal((purchases.Count, 0), (imported.Created, imported.Rejected));

        var result = await new RfmScoring(db, new Clock(AsOf)).ComputeAsync();
        Assert.Equal((23_570, 600), (result.Customers, result.WindowDays));

        var stored = await db.RfmScores.AsNoTracking()
            .Join(db.CustomerIdentities.Where(i => i.Kind == IdentityKind.ExternalId), s => s.CustomerId, i => i.CustomerId, (s, i) => new { i.Value, s })
            .ToDictionaryAsync(x => x.Value, x => x.s);
        Assert.Equal(23_570, stored.Count);
        foreach (var (customer, expected) in byCustomer)
        {
            var s = stored[customer];
            Assert.Equal((recency[customer], expected.Count), (s.RecencyDays, s.Frequency));
            Assert.Equal((double)expected.Sum, (double)s.Monetary, 2);
            Assert.Equal((rScore[customer], fScore[customer], mScore[customer]), (s.R, s.F, s.M));
        }
        Assert.Equal(2_500_315.63, stored.Values.Sum(s => (double)s.Monetary), 1);
        // Every class of the eight is used on real data, and each follows from its scores.
        Assert.Equal(8, stored.Values.Select(s => s.Segment).Distinct().Count());
        Assert.All(stored.Values, s => Assert.Equal(RfmScoring.SegmentOf(s.R, s.F, s.M), s.Segment));

        // A customer whose last purchase left the window no longer has scores.
        var later = await new RfmScoring(db, new Clock(AsOf.AddDays(400))).ComputeAsync();
        Assert.Equal(byCustomer.Count(kv => kv.Value.Last >= AsOf.AddDays(400 - 600)), later.Customers);
    }
}
