using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Segments;
using CustomerStudio.Core.Tags;
using CustomerStudio.Core.Templates;
using CustomerStudio.Core.Workspace;
using CustomerStudio.Tests.Infrastructure;

namespace CustomerStudio.Tests.Journeys;

/// <summary>
/// What journeys refer to, on SQLite and PostgreSQL: the segment high_intent, the manual tag hot_lead (values warm, hot),
/// the rule tag big_spender, the deprecated manual tag old_promo, the email templates welcome (zh-CN, en) and
/// case_study, and 40 customers for instances.
/// </summary>
public sealed class JourneyWorkspaceWorld : IAsyncLifetime
{
    public static readonly DateTime Now = new(2026, 6, 15, 4, 0, 0, DateTimeKind.Utc);
    public TestDatabase Sqlite { get; private set; } = default!;
    public TestDatabase Postgres { get; private set; } = default!;
    public Dictionary<DatabaseProvider, List<long>> Customers { get; } = [];

    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.PostgreSql];

    public TestDatabase For(DatabaseProvider provider) => provider == DatabaseProvider.Sqlite ? Sqlite : Postgres;

    public static string Fixture { get; } = File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "CustomerStudio.Tests", "Journeys", "Fixtures", "high-intent-nurture.journey.json"));

    public async Task InitializeAsync()
    {
        Sqlite = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        Postgres = await TestDatabase.CreateAsync(DatabaseProvider.PostgreSql);
        foreach (var provider in new[] { DatabaseProvider.Sqlite, DatabaseProvider.PostgreSql })
        {
            await using var db = For(provider).CreateContext();
            Customers[provider] = await SeedAsync(db);
        }
    }

    public static async Task<List<long>> SeedAsync(StudioDbContext db)
    {
        db.WorkspaceSettings.Add(new WorkspaceSettings { TimeZone = "Asia/Shanghai" });
        var customers = Enumerable.Range(0, 40).Select(i => new Customer
        {
            Name = $"客户{i}", Company = i % 2 == 0 ? "示例公司" : null, Phone = $"+861380000{i:0000}", Email = $"c{i}@example.com", CreatedAt = Now.AddDays(-30), UpdatedAt = Now,
        }).ToList();
        db.Customers.AddRange(customers);
        var category = new TagCategory { Code = "journeys", NameZh = "旅程", NameEn = "Journeys", CreatedAt = Now };
        db.TagCategories.Add(category);
        await db.SaveChangesAsync();
        db.Tags.AddRange(
            new Tag
            {
                CategoryId = category.Id, Code = "hot_lead", NameZh = "热线索", NameEn = "Hot lead", Kind = TagKind.Manual, Status = TagStatus.Active,
                CreatedAt = Now, UpdatedAt = Now,
                Values = [new TagValue { Code = "warm", NameZh = "温", NameEn = "Warm" }, new TagValue { Code = "hot", NameZh = "热", NameEn = "Hot", SortOrder = 1 }],
            },
            new Tag
            {
                CategoryId = category.Id, Code = "big_spender", NameZh = "高消费", NameEn = "Big spender", Kind = TagKind.Rule, Status = TagStatus.Active,
                CreatedAt = Now, UpdatedAt = Now,
            },
            new Tag
            {
                CategoryId = category.Id, Code = "old_promo", NameZh = "旧活动", NameEn = "Old promo", Kind = TagKind.Manual, Status = TagStatus.Deprecated,
                CreatedAt = Now, UpdatedAt = Now,
            });
        db.Segments.Add(new Segment
        {
            Code = "high_intent", Name = "高意向", Kind = SegmentKind.Dynamic, DefinitionJson = """{"attr":"company","op":"is_not_empty"}""",
            CreatedAt = Now, UpdatedAt = Now,
        });
        db.EmailTemplates.AddRange(
            new EmailTemplate { Code = "welcome", Name = "欢迎", Subject = "欢迎加入", BodyHtml = "<p>你好 {{name}}</p>", Language = "zh-CN", UpdatedAt = Now },
            new EmailTemplate { Code = "welcome", Name = "Welcome", Subject = "Welcome", BodyHtml = "<p>Hello {{name}}</p>", Language = "en", UpdatedAt = Now },
            new EmailTemplate { Code = "case_study", Name = "案例", Subject = "客户案例", BodyHtml = "<p>案例</p>", Language = "zh-CN", UpdatedAt = Now });
        await db.SaveChangesAsync();
        return customers.Select(c => c.Id).ToList();
    }

    public async Task DisposeAsync()
    {
        await Sqlite.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}
