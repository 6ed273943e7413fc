using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Tags;
using CustomerStudio.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Tests.Data;

/// <summary>The same behaviour on the embedded SQLite file and on a real PostgreSQL server.</summary>
public class ProviderIntegrationTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.PostgreSql];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_customer_with_identities_events_and_orders_round_trips_in_utc(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var at = new DateTime(2026, 3, 1, 23, 30, 15, DateTimeKind.Utc);
        await using (var db = database.CreateContext())
        {
            var customer = new Customer
            {
                Name = "张伟", Gender = Gender.Male, Province = "上海", City = "上海", Phone = "+8613800138000",
                BirthDate = new DateOnly(1990, 5, 17), CreatedAt = at, UpdatedAt = at, LifecycleStage = LifecycleStage.Mql,
                Identities = [new CustomerIdentity { Kind = IdentityKind.Phone, Value = "+8613800138000", IsPrimary = true, CreatedAt = at }],
            };
            db.Customers.Add(customer);
            await db.SaveChangesAsync();
            db.Events.Add(new CustomerEvent
            {
                CustomerId = customer.Id, Type = "page_view", OccurredAt = at, ReceivedAt = at, Channel = "web",
                PropertiesJson = "{\"path\":\"/pricing\"}", Properties = [new EventProperty { Key = "path", Value = "/pricing" }],
            });
            db.Orders.Add(new Order { CustomerId = customer.Id, OrderNo = "SO-1", OrderedAt = at, Amount = 1234.56m, Status = OrderStatus.Paid });
            db.Orders.Add(new Order { CustomerId = customer.Id, OrderNo = "SO-2", OrderedAt = at.AddDays(-40), Amount = 99.9m, Status = OrderStatus.Paid });
            await db.SaveChangesAsync();
        }

        await using (var db = database.CreateContext())
        {
            var c = await db.Customers.Include(x => x.Identities).SingleAsync();
            Assert.Equal(DateTimeKind.Utc, c.CreatedAt.Kind);
            Assert.Equal(at, c.CreatedAt);
            Assert.Equal(new DateOnly(1990, 5, 17), c.BirthDate);
            Assert.Equal("+8613800138000", Assert.Single(c.Identities).Value);

            // Window and sum queries run in the database with the right types.
            var since = at.AddDays(-30);
            Assert.Equal(1, await db.Orders.CountAsync(o => o.CustomerId == c.Id && o.OrderedAt >= since));
            Assert.Equal(1334.46m, Math.Round((decimal)await db.Orders.SumAsync(o => (double)o.Amount), 2));
            Assert.Equal(1234.56m, await db.Orders.Where(o => o.Amount > 1000m).Select(o => o.Amount).SingleAsync());
            Assert.True(await db.Events.AnyAsync(e => e.CustomerId == c.Id && e.Type == "page_view"
                && e.Properties.Any(p => p.Key == "path" && p.Value == "/pricing")));
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task An_identity_is_unique_per_kind(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.CreateContext();
        var now = DateTime.UtcNow;
        db.Customers.AddRange(
            new Customer { Name = "A", CreatedAt = now, UpdatedAt = now, Identities = [new() { Kind = IdentityKind.Email, Value = "a@example.com", CreatedAt = now }] },
            new Customer { Name = "B", CreatedAt = now, UpdatedAt = now, Identities = [new() { Kind = IdentityKind.Phone, Value = "a@example.com", CreatedAt = now }] });
        await db.SaveChangesAsync(); // same value, other kind: allowed

        db.Customers.Add(new Customer { Name = "C", CreatedAt = now, UpdatedAt = now, Identities = [new() { Kind = IdentityKind.Email, Value = "a@example.com", CreatedAt = now }] });
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_tag_assignment_is_unique_per_customer_tag_and_value(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.CreateContext();
        var now = DateTime.UtcNow;
        var category = new TagCategory { Code = "basic", NameZh = "基本属性", NameEn = "Basic", CreatedAt = now };
        db.TagCategories.Add(category);
        var customer = new Customer { Name = "A", CreatedAt = now, UpdatedAt = now };
        db.Customers.Add(customer);
        await db.SaveChangesAsync();
        var tag = new Tag { CategoryId = category.Id, Code = "vip", NameZh = "VIP", NameEn = "VIP", CreatedAt = now, UpdatedAt = now };
        db.Tags.Add(tag);
        await db.SaveChangesAsync();

        db.TagAssignments.Add(new TagAssignment { CustomerId = customer.Id, TagId = tag.Id, AssignedAt = now, Source = AssignmentSource.Manual });
        await db.SaveChangesAsync();
        db.TagAssignments.Add(new TagAssignment { CustomerId = customer.Id, TagId = tag.Id, AssignedAt = now, Source = AssignmentSource.Rule });
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Migrating_twice_changes_nothing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.CreateContext();
        await StudioDatabase.MigrateAsync(db, provider);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
    }
}
