using System.Text;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Imports;
using CustomerStudio.Core.Scoring;
using CustomerStudio.Core.Security;
using CustomerStudio.Core.Tags;
using CustomerStudio.Core.Workspace;
using CustomerStudio.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Tests.Customers;

public sealed class CustomerMergeTests
{
    private static readonly DateTime Now = new(2026, 6, 15, 4, 0, 0, DateTimeKind.Utc);

    private sealed class Clock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => Now;
    }

    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.PostgreSql];

    private sealed record World(long A, long B, int Vip, int Other);

    private static async Task<World> SeedAsync(StudioDbContext db)
    {
        db.WorkspaceSettings.Add(new WorkspaceSettings());
        var a = new Customer { Name = "王伟", Phone = "+8613800000001", CreatedAt = Now.AddDays(-100), UpdatedAt = Now, LeadScore = 10 };
        var b = new Customer { Name = null, Email = "wang.wei@example.com", City = "杭州", Gender = Gender.Male, CreatedAt = Now.AddDays(-300), UpdatedAt = Now,
            LifecycleStage = LifecycleStage.Customer, LeadScore = 40 };
        db.Customers.AddRange(a, b);
        var category = new TagCategory { Code = "c", NameZh = "类", NameEn = "C", CreatedAt = Now };
        db.TagCategories.Add(category);
        await db.SaveChangesAsync();
        var vip = new Tag { CategoryId = category.Id, Code = "vip", NameZh = "VIP", NameEn = "VIP", Status = TagStatus.Active, CreatedAt = Now, UpdatedAt = Now };
        var other = new Tag { CategoryId = category.Id, Code = "other", NameZh = "其他", NameEn = "Other", Status = TagStatus.Active, CreatedAt = Now, UpdatedAt = Now };
        var field = new CustomFieldDefinition { Code = "level", NameZh = "等级", NameEn = "Level", Type = CustomFieldType.Number, CreatedAt = Now };
        var account = new Account { Name = "王家", Kind = AccountKind.Household, CreatedAt = Now };
        db.AddRange(vip, other, field, account);
        await db.SaveChangesAsync();
        db.CustomerIdentities.AddRange(
            new CustomerIdentity { CustomerId = a.Id, Kind = IdentityKind.Phone, Value = "+8613800000001", IsPrimary = true, CreatedAt = Now },
            new CustomerIdentity { CustomerId = b.Id, Kind = IdentityKind.Email, Value = "wang.wei@example.com", IsPrimary = true, CreatedAt = Now });
        db.Events.AddRange(
            new CustomerEvent { CustomerId = a.Id, Type = "page_view", OccurredAt = Now, ReceivedAt = Now },
            new CustomerEvent { CustomerId = b.Id, Type = "page_view", OccurredAt = Now, ReceivedAt = Now },
            new CustomerEvent { CustomerId = b.Id, Type = "email_click", OccurredAt = Now, ReceivedAt = Now });
        db.Orders.Add(new Order { CustomerId = b.Id, OrderNo = "B-1", OrderedAt = Now, Amount = 99, Status = OrderStatus.Paid });
        db.TagAssignments.AddRange(
            new TagAssignment { CustomerId = a.Id, TagId = vip.Id, Source = AssignmentSource.Manual, AssignedBy = "ops", AssignedAt = Now.AddDays(-1) },
            new TagAssignment { CustomerId = b.Id, TagId = vip.Id, Source = AssignmentSource.Import, AssignedAt = Now.AddDays(-50) },
            new TagAssignment { CustomerId = b.Id, TagId = other.Id, Source = AssignmentSource.Api, SourceRef = "crm", AssignedAt = Now.AddDays(-5) });
        db.CustomFieldValues.Add(new CustomFieldValue { CustomerId = b.Id, FieldId = field.Id, NumberValue = 3 });
        db.AccountMembers.Add(new AccountMember { AccountId = account.Id, CustomerId = b.Id, Role = AccountRole.Registrant, JoinedAt = Now });
        db.SalesTasks.Add(new SalesTask { CustomerId = b.Id, Title = "call", CreatedAt = Now });
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
        return new World(a.Id, b.Id, vip.Id, other.Id);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_merge_keeps_everything_on_the_survivor_and_the_merged_id_redirects(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.CreateContext();
        var w = await SeedAsync(db);
        var merge = new CustomerMerge(db, new Clock());

        var (preview, _) = await merge.PreviewAsync(w.A, w.B);
        Assert.Equal((1, 2, 1), (preview!.Survivor.Events, preview.Merged.Events, preview.Merged.Orders));
        Assert.Equal(["gender", "city", "email", "lead_score", "lifecycle_stage"], preview.FieldsFilled);
        Assert.Null((await db.Customers.AsNoTracking().SingleAsync(c => c.Id == w.A)).Email);

        var actor = new Actor("sales-1", "sales@customerstudio.local");
        var (result, errors) = await merge.MergeAsync(w.A, w.B, actor, "same person (phone and e-mail)");
        Assert.Empty(errors);
        Assert.Equal((1, 2, 1), (result!.Identities, result.Events, result.Orders));

        var a = await db.Customers.AsNoTracking().SingleAsync(c => c.Id == w.A);
        Assert.Equal(("王伟", "wang.wei@example.com", "杭州", Gender.Male, LifecycleStage.Customer, 40), (a.Name, a.Email, a.City, a.Gender, a.LifecycleStage, a.LeadScore));
        Assert.Equal(Now.AddDays(-300), a.CreatedAt);
        Assert.Equal(w.A, (await db.Customers.AsNoTracking().SingleAsync(c => c.Id == w.B)).MergedIntoId);
        Assert.Equal(w.A, await merge.ResolveAsync(w.B));

        Assert.Equal(2, await db.CustomerIdentities.CountAsync(i => i.CustomerId == w.A));
        Assert.Equal(3, await db.Events.CountAsync(e => e.CustomerId == w.A));
        Assert.Equal(1, await db.Orders.CountAsync(o => o.CustomerId == w.A));
        var tags = await db.TagAssignments.AsNoTracking().Where(t => t.CustomerId == w.A).OrderBy(t => t.TagId).ToListAsync();
        // The survivor keeps its own VIP (manual, by ops); the other tag moves with its provenance.
        Assert.Equal([(w.Vip, AssignmentSource.Manual, "ops"), (w.Other, AssignmentSource.Api, (string?)null)], tags.Select(t => (t.TagId, t.Source, t.AssignedBy)));
        Assert.Equal("crm", tags[1].SourceRef);
        Assert.Equal(3m, await db.CustomFieldValues.Where(v => v.CustomerId == w.A).Select(v => v.NumberValue).SingleAsync());
        Assert.Equal(AccountRole.Registrant, await db.AccountMembers.Where(m => m.CustomerId == w.A).Select(m => m.Role).SingleAsync());
        Assert.Equal(1, await db.SalesTasks.CountAsync(t => t.CustomerId == w.A));
        Assert.False(await db.Events.AnyAsync(e => e.CustomerId == w.B));

        var audit = await db.AuditEntries.AsNoTracking().SingleAsync(e => e.Action == "merged");
        Assert.Equal(("Customer", w.A.ToString(), "sales-1"), (audit.EntityType, audit.EntityId, audit.UserId));
        Assert.Contains("wang.wei@example.com", audit.BeforeJson);
        Assert.Contains("+8613800000001", audit.BeforeJson);

        var (_, again) = await merge.MergeAsync(w.A, w.B, actor, "again");
        Assert.Equal("AlreadyMerged", Assert.Single(again).Code);
        Assert.Equal("MergeWithItself", (await merge.MergeAsync(w.A, w.A, actor, "x")).Errors[0].Code);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task An_import_row_naming_two_customers_merges_them(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.CreateContext();
        var w = await SeedAsync(db);
        var plan = new ImportPlan { Columns = [new(0, "手机", "phone"), new(1, "邮箱", "email"), new(2, "省份", "province")] };
        var job = new ImportJob { Kind = ImportKind.Customers, FileName = "x.csv", MappingJson = plan.ToJson(), CreatedAt = Now };
        db.ImportJobs.Add(job);
        await db.SaveChangesAsync();
        var rows = ImportRows.Read(new MemoryStream(Encoding.UTF8.GetBytes("手机,邮箱,省份\n13800000001,WANG.WEI@example.com,浙江\n")), plan).Rows;
        var done = await new CustomerImporter(db, new Clock()).RunAsync(job.Id, rows);
        Assert.Equal((0, 1, 1), (done.Created, done.Updated, done.Merged));
        Assert.Equal(w.A, (await db.Customers.AsNoTracking().SingleAsync(c => c.Id == w.B)).MergedIntoId);
        Assert.Equal("浙江", (await db.Customers.AsNoTracking().SingleAsync(c => c.Id == w.A)).Province);
        Assert.Equal(1, await db.Customers.CountAsync(c => c.MergedIntoId == null));
    }
}
