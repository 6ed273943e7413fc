using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Segments;
using CustomerStudio.Core.Tags;
using CustomerStudio.Core.Workspace;
using CustomerStudio.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Tests.Conditions;

/// <summary>
/// A small workspace where every operator has a customer with the value present, one with it missing and one
/// with an edge (empty text, boundary dates, expired tags), on SQLite and PostgreSQL.
/// Now is 2026-06-15 12:00 in Asia/Shanghai (04:00 UTC).
/// </summary>
public sealed class ConditionWorld : IAsyncLifetime
{
    public static readonly DateTime Now = new(2026, 6, 15, 4, 0, 0, DateTimeKind.Utc);
    public TestDatabase Sqlite { get; private set; } = default!;
    public TestDatabase Postgres { get; private set; } = default!;
    public Dictionary<string, long> Ids { get; } = [];

    public TestDatabase For(DatabaseProvider provider) => provider == DatabaseProvider.Sqlite ? Sqlite : Postgres;

    public async Task InitializeAsync()
    {
        Sqlite = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        Postgres = await TestDatabase.CreateAsync(DatabaseProvider.PostgreSql);
        foreach (var db in new[] { Sqlite, Postgres })
        {
            await using var context = db.CreateContext();
            var ids = await SeedAsync(context);
            if (Ids.Count == 0) foreach (var (k, v) in ids) Ids[k] = v;
        }
    }

    private static DateTime Ago(double days) => Now.AddDays(-days);

    private static async Task<Dictionary<string, long>> SeedAsync(StudioDbContext db)
    {
        db.WorkspaceSettings.Add(new WorkspaceSettings { TimeZone = "Asia/Shanghai" });
        Customer C(string key, Action<Customer> set)
        {
            var c = new Customer { Name = key, CreatedAt = Ago(400), UpdatedAt = Ago(1) };
            set(c);
            db.Customers.Add(c);
            return c;
        }
        var a = C("A", c => { c.Name = "Alice 王"; c.Province = "上海"; c.City = "上海"; c.Gender = Gender.Female; c.BirthDate = new DateOnly(1990, 6, 20);
            c.LeadScore = 50; c.Email = "alice@example.com"; c.Phone = "+8613800000001"; c.LifecycleStage = LifecycleStage.Customer; c.CreatedAt = Ago(10); });
        var b = C("B", c => { c.Name = "Bob 李"; c.Province = "北京"; c.Gender = Gender.Male; c.BirthDate = new DateOnly(2000, 12, 31);
            c.LeadScore = 10; c.Email = "bob@corp.cn"; c.LifecycleStage = LifecycleStage.Mql; c.EmailOptOut = true; });
        var cc = C("C", c => { c.Name = null; c.Province = null; c.LeadScore = 0; c.CreatedAt = Ago(100); });
        var d = C("D", c => { c.Name = "Dora"; c.Province = ""; c.City = "杭州"; c.LeadScore = 75; c.BirthDate = new DateOnly(1984, 2, 29); });
        var e = C("E", c => { c.Name = "Eve 张"; c.Province = "江苏"; c.LeadScore = 100; c.LifecycleStage = LifecycleStage.Sql; c.CreatedAt = Ago(30); });
        // 00:30 on 15 June in Shanghai is still 14 June in UTC.
        var f = C("F", c => { c.Name = "Fan"; c.Province = "上海"; c.CreatedAt = new DateTime(2026, 6, 14, 16, 30, 0, DateTimeKind.Utc); });
        var merged = C("M", c => { c.Name = "Merged away"; c.Province = "上海"; });
        await db.SaveChangesAsync();
        merged.MergedIntoId = a.Id;

        db.CustomerIdentities.AddRange(
            new CustomerIdentity { CustomerId = a.Id, Kind = IdentityKind.Phone, Value = "+8613800000001", CreatedAt = Now },
            new CustomerIdentity { CustomerId = a.Id, Kind = IdentityKind.Email, Value = "alice@example.com", CreatedAt = Now },
            new CustomerIdentity { CustomerId = b.Id, Kind = IdentityKind.Email, Value = "bob@corp.cn", CreatedAt = Now },
            new CustomerIdentity { CustomerId = e.Id, Kind = IdentityKind.WeChatOpenId, Value = "o-eve", CreatedAt = Now });

        CustomerEvent Ev(Customer c, string type, double daysAgo, string? path = null, string channel = "web") => new()
        {
            CustomerId = c.Id, Type = type, OccurredAt = Ago(daysAgo), ReceivedAt = Ago(daysAgo), Channel = channel,
            Properties = path is null ? [] : [new EventProperty { Key = "path", Value = path }],
        };
        db.Events.AddRange(
            Ev(a, "page_view", 1, "/pricing"), Ev(a, "page_view", 2, "/pricing"), Ev(a, "page_view", 6.9, "/Pricing"),
            Ev(b, "page_view", 1, "/pricing"), Ev(b, "page_view", 3, "/pricing"), Ev(b, "page_view", 8, "/pricing"),
            Ev(e, "page_view", 1, "/blog", "app"), Ev(e, "page_view", 2, "/blog", "app"), Ev(e, "demo_request", 200),
            Ev(d, "page_view", 40, null));

        db.Orders.AddRange(
            new Order { CustomerId = a.Id, OrderNo = "A1", OrderedAt = Ago(5), Amount = 100m, Status = OrderStatus.Paid },
            new Order { CustomerId = a.Id, OrderNo = "A2", OrderedAt = Ago(20), Amount = 300.5m, Status = OrderStatus.Paid },
            new Order { CustomerId = b.Id, OrderNo = "B1", OrderedAt = Ago(200), Amount = 1000m, Status = OrderStatus.Paid },
            new Order { CustomerId = b.Id, OrderNo = "B2", OrderedAt = Ago(2), Amount = 50m, Status = OrderStatus.Refunded },
            new Order { CustomerId = e.Id, OrderNo = "E1", OrderedAt = Ago(400), Amount = 20m, Status = OrderStatus.Paid });

        var category = new TagCategory { Code = "cat", NameZh = "类", NameEn = "Cat", CreatedAt = Now };
        db.TagCategories.Add(category);
        await db.SaveChangesAsync();
        var vip = new Tag { CategoryId = category.Id, Code = "vip", NameZh = "VIP", NameEn = "VIP", CreatedAt = Now, UpdatedAt = Now };
        var level = new Tag { CategoryId = category.Id, Code = "level", NameZh = "等级", NameEn = "Level", CreatedAt = Now, UpdatedAt = Now,
            Values = [new TagValue { Code = "high", NameZh = "高", NameEn = "High" }, new TagValue { Code = "low", NameZh = "低", NameEn = "Low" }] };
        db.Tags.AddRange(vip, level);
        await db.SaveChangesAsync();
        int V(string code) => level.Values.Single(v => v.Code == code).Id;
        db.TagAssignments.AddRange(
            new TagAssignment { CustomerId = a.Id, TagId = vip.Id, Source = AssignmentSource.Manual, AssignedAt = Ago(3) },
            new TagAssignment { CustomerId = b.Id, TagId = vip.Id, Source = AssignmentSource.Rule, AssignedAt = Ago(60) },
            new TagAssignment { CustomerId = b.Id, TagId = level.Id, TagValueId = V("high"), Source = AssignmentSource.Rule, AssignedAt = Ago(1) },
            new TagAssignment { CustomerId = e.Id, TagId = level.Id, TagValueId = V("low"), Source = AssignmentSource.Manual, AssignedAt = Ago(90), ExpiresAt = Ago(1) });

        var number = new CustomFieldDefinition { Code = "vip_level", NameZh = "会员等级", NameEn = "VIP level", Type = CustomFieldType.Number, CreatedAt = Now };
        var since = new CustomFieldDefinition { Code = "member_since", NameZh = "入会日期", NameEn = "Member since", Type = CustomFieldType.Date, CreatedAt = Now };
        var student = new CustomFieldDefinition { Code = "is_student", NameZh = "学生", NameEn = "Student", Type = CustomFieldType.Bool, CreatedAt = Now };
        var plan = new CustomFieldDefinition { Code = "plan", NameZh = "套餐", NameEn = "Plan", Type = CustomFieldType.Enum, EnumValuesJson = "[\"basic\",\"pro\"]", CreatedAt = Now };
        db.CustomFields.AddRange(number, since, student, plan);
        await db.SaveChangesAsync();
        db.CustomFieldValues.AddRange(
            new CustomFieldValue { CustomerId = a.Id, FieldId = number.Id, NumberValue = 3 },
            new CustomFieldValue { CustomerId = b.Id, FieldId = number.Id, NumberValue = 1.5m },
            new CustomFieldValue { CustomerId = a.Id, FieldId = since.Id, DateValue = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc) },
            new CustomFieldValue { CustomerId = a.Id, FieldId = student.Id, BoolValue = true },
            new CustomFieldValue { CustomerId = b.Id, FieldId = student.Id, BoolValue = false },
            new CustomFieldValue { CustomerId = a.Id, FieldId = plan.Id, TextValue = "pro" },
            new CustomFieldValue { CustomerId = e.Id, FieldId = plan.Id, TextValue = "basic" });

        db.Segments.AddRange(
            new Segment { Code = "shanghai", Name = "上海", Kind = SegmentKind.Dynamic, DefinitionJson = """{"attr":"province","op":"eq","value":"上海"}""", CreatedAt = Now, UpdatedAt = Now },
            new Segment { Code = "frozen", Name = "Frozen", Kind = SegmentKind.Static, DefinitionJson = """{"attr":"lead_score","op":"gte","value":0}""", CreatedAt = Now, UpdatedAt = Now },
            new Segment { Code = "loop_a", Name = "Loop A", Kind = SegmentKind.Dynamic, DefinitionJson = """{"segment":"loop_b"}""", CreatedAt = Now, UpdatedAt = Now },
            new Segment { Code = "loop_b", Name = "Loop B", Kind = SegmentKind.Dynamic, DefinitionJson = """{"not":{"segment":"loop_a"}}""", CreatedAt = Now, UpdatedAt = Now });
        await db.SaveChangesAsync();
        var frozen = await db.Segments.SingleAsync(s => s.Code == "frozen");
        db.SegmentMemberships.Add(new SegmentMembership { SegmentId = frozen.Id, CustomerId = d.Id, EnteredAt = Now });

        var household = new Account { Kind = AccountKind.Household, Name = "王家", CreatedAt = Now };
        var company = new Account { Kind = AccountKind.Company, Name = "Corp", CreatedAt = Now };
        db.Accounts.AddRange(household, company);
        await db.SaveChangesAsync();
        db.AccountMembers.AddRange(
            new AccountMember { AccountId = household.Id, CustomerId = a.Id, Role = AccountRole.Registrant, JoinedAt = Now },
            new AccountMember { AccountId = household.Id, CustomerId = d.Id, Role = AccountRole.User, JoinedAt = Now },
            new AccountMember { AccountId = company.Id, CustomerId = b.Id, Role = AccountRole.DecisionMaker, JoinedAt = Now });
        await db.SaveChangesAsync();

        return new() { ["A"] = a.Id, ["B"] = b.Id, ["C"] = cc.Id, ["D"] = d.Id, ["E"] = e.Id, ["F"] = f.Id, ["M"] = merged.Id };
    }

    public async Task DisposeAsync()
    {
        await Sqlite.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}
