using System.Security.Claims;
using Bunit;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Security;
using CustomerStudio.Core.Tags;
using CustomerStudio.Core.Workspace;
using CustomerStudio.Tests.Components;
using CustomerStudio.Tests.Infrastructure;
using CustomerStudio.Web.Components.Shared;
using CustomerStudio.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CustomerStudio.Tests.Web;

/// <summary>
/// A small SQLite workspace for the tag studio's components: five customers (three with a paid order), a
/// governance-only category, a category marketers edit (with a sub-category), and tags in every state the tests need.
/// </summary>
public sealed class TagStudioWorld : IAsyncLifetime
{
    public static readonly Actor Governance = new("u-gov", "governance@customerstudio.local") { Roles = [StudioRoles.Governance] };
    public static readonly Actor Marketer = new("u-marketer", "marketer@customerstudio.local") { Roles = [StudioRoles.Marketer] };

    public TestDatabase Database { get; private set; } = default!;
    public Dictionary<string, int> Categories { get; } = [];
    public Dictionary<string, int> Tags { get; } = [];

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var db = Database.CreateContext();
        var now = DateTime.UtcNow;
        db.WorkspaceSettings.Add(new WorkspaceSettings { TimeZone = "Asia/Shanghai" });
        var customers = Enumerable.Range(0, 5).Select(i => new Customer { Name = $"客户{i}", Province = "上海", CreatedAt = now.AddDays(-100), UpdatedAt = now }).ToList();
        db.Customers.AddRange(customers);
        await db.SaveChangesAsync();
        db.Orders.AddRange(customers.Take(3).Select((c, i) => new Order
        {
            CustomerId = c.Id, OrderNo = $"O-{i}", OrderedAt = now.AddDays(-10), Amount = 100, Status = OrderStatus.Paid,
        }));

        TagCategory Category(string code, string zh, string en, int order, string? roles = null, int? parentId = null)
        {
            var c = new TagCategory { Code = code, NameZh = zh, NameEn = en, SortOrder = order, EditorRoles = roles, CreatedAt = now, ParentId = parentId };
            db.TagCategories.Add(c);
            return c;
        }
        var governed = Category("governed", "治理类", "Governed", 10);
        var engagement = Category("engagement", "互动偏好", "Engagement", 20, "Marketer");
        var moves = Category("moves", "待整理", "To sort", 30);
        await db.SaveChangesAsync();
        Category("engagement_sub", "邮件互动", "Email engagement", 10, parentId: engagement.Id);
        await db.SaveChangesAsync();

        Tag Tag(TagCategory category, string code, string zh, string en, TagKind kind, TagStatus status, int order,
            string? definition = null, Sensitivity sensitivity = Sensitivity.Internal) => new()
        {
            CategoryId = category.Id, Code = code, NameZh = zh, NameEn = en, Kind = kind, Status = status, SortOrder = order,
            RefreshRule = kind == TagKind.Manual ? RefreshRule.Manual : RefreshRule.Daily, DefinitionJson = definition, Sensitivity = sensitivity,
            CreatedAt = now, UpdatedAt = now, ActivatedAt = status == TagStatus.Active ? now : null,
        };
        db.Tags.AddRange(
            Tag(governed, "loyal", "忠实客户", "Loyal customer", TagKind.Rule, TagStatus.Active, 10,
                """{"rules":[{"condition":{"orders":"count","op":"gte","value":2}}]}"""),
            Tag(governed, "vip_list", "重点名单", "Key list", TagKind.Manual, TagStatus.Active, 20),
            Tag(governed, "secret_flag", "内部标记", "Internal flag", TagKind.Manual, TagStatus.Active, 30, sensitivity: Sensitivity.Restricted),
            Tag(engagement, "newsletter", "订阅用户", "Newsletter", TagKind.Manual, TagStatus.Draft, 10),
            Tag(moves, "mover_a", "待移动甲", "Mover A", TagKind.Manual, TagStatus.Draft, 10),
            Tag(moves, "mover_b", "待移动乙", "Mover B", TagKind.Manual, TagStatus.Draft, 20),
            Tag(moves, "mover_c", "待移动丙", "Mover C", TagKind.Manual, TagStatus.Draft, 30),
            Tag(moves, "mover_d", "待移动丁", "Mover D", TagKind.Manual, TagStatus.Draft, 40),
            Tag(governed, "old_flag", "旧标记", "Old flag", TagKind.Manual, TagStatus.Deprecated, 40),
            Tag(governed, "retired_flag", "退役标记", "Retired flag", TagKind.Manual, TagStatus.Deprecated, 50));
        // A live segment still uses old_flag: it cannot be archived.
        db.Segments.Add(new CustomerStudio.Core.Segments.Segment
        {
            Code = "old_flag_holders", Name = "旧标记客户", Kind = CustomerStudio.Core.Segments.SegmentKind.Dynamic,
            DefinitionJson = """{"tag":"old_flag","op":"has"}""", CreatedAt = now, UpdatedAt = now,
        });
        await db.SaveChangesAsync();

        // Tags waiting for review go through the service, so their revisions are real.
        var service = new TagService(db, new TagRuleEngine(db, new TagAssignments(db, TimeProvider.System), TimeProvider.System), TimeProvider.System);
        foreach (var (code, zh, en) in new[] { ("buyers", "下单客户", "Buyers"), ("buyers_marketer", "营销下单客户", "Marketing buyers") })
        {
            var saved = await service.SaveAsync(null, new TagDraft(engagement.Id, code, zh, en, "至少一笔已支付订单", TagKind.Rule, "orders", RefreshRule.Daily,
                null, false, null, Sensitivity.Internal, null, [], """{"rules":[{"condition":{"orders":"count","op":"gte","value":1}}]}"""), Marketer);
            Assert.True(saved.Ok, string.Join("; ", saved.Errors));
            var submitted = await service.SubmitAsync(saved.Tag!.Id, Marketer);
            Assert.True(submitted.Ok, string.Join("; ", submitted.Errors));
        }

        foreach (var c in await db.TagCategories.AsNoTracking().ToListAsync()) Categories[c.Code] = c.Id;
        foreach (var t in await db.Tags.AsNoTracking().ToListAsync()) Tags[t.Code] = t.Id;
    }

    public async Task DisposeAsync() => await Database.DisposeAsync();
}

/// <summary>A bUnit context wired like the studio for the tag pages: database, tag services, a signed-in role.</summary>
public abstract class TagStudioTestBase : BunitTestBase
{
    protected static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    protected TagStudioWorld World { get; }
    protected IRenderedComponent<MudPopoverProvider>? Popovers { get; private set; }
    /// <summary>Dialogs and message boxes render here, outside the component under test.</summary>
    protected IRenderedComponent<MudDialogProvider>? Dialogs { get; private set; }

    protected TagStudioTestBase(TagStudioWorld world)
    {
        World = world;
        UseCulture("zh-CN");
        var connection = world.Database.ConnectionString;
        Services.AddDbContextFactory<StudioDbContext>(o => StudioDatabase.Configure(o, DatabaseProvider.Sqlite, connection));
        Services.AddDbContext<StudioDbContext>(o => StudioDatabase.Configure(o, DatabaseProvider.Sqlite, connection),
            optionsLifetime: ServiceLifetime.Singleton);
        Services.AddSingleton(TimeProvider.System);
        Services.AddScoped<TagAssignments>();
        Services.AddScoped<TagRuleEngine>();
        Services.AddScoped<TagPredictions>();
        Services.AddScoped<TagService>();
        Services.AddScoped<WorkspaceClock>();
        Services.AddScoped<PersonalDataMask>();
    }

    /// <summary>
    /// Signs in as one of the demo roles (roles before claims: setting roles resets the claims), then renders the
    /// popover and dialog providers: nothing may be rendered before the last service is added.
    /// </summary>
    protected void SignIn(Actor actor)
    {
        AddAuthorization().SetAuthorized(actor.UserName!).SetRoles([.. actor.Roles]).SetPolicies(Policies.Tags)
            .SetClaims(new Claim(ClaimTypes.NameIdentifier, actor.UserId!));
        SetRendererInfo(new RendererInfo("Server", true));
        Popovers = Render<MudPopoverProvider>();
        Dialogs = Render<MudDialogProvider>();
    }

    protected async Task<Tag> TagAsync(string code)
    {
        await using var db = World.Database.CreateContext();
        return await db.Tags.AsNoTracking().Include(t => t.Values).SingleAsync(t => t.Code == code);
    }
}
