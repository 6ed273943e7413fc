using System.Security.Claims;
using System.Text;
using Bunit;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Imports;
using CustomerStudio.Core.Security;
using CustomerStudio.Core.Tags;
using CustomerStudio.Core.Workspace;
using CustomerStudio.Tests.Components;
using CustomerStudio.Tests.Infrastructure;
using CustomerStudio.Web.Components.Shared;
using CustomerStudio.Web.Features.Imports;
using CustomerStudio.Web.Features.Imports.Wizard;
using CustomerStudio.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor;

namespace CustomerStudio.Tests.Web;

/// <summary>The import wizard and the import's progress view, on SQLite with the real background worker.</summary>
public class ImportWizardTests : BunitTestBase
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private static readonly Actor Admin = new("u-admin", "admin@customerstudio.local") { Roles = [StudioRoles.Admin] };

    private const string ChineseCustomers = """
        客户姓名,手机号码,电子邮箱,省份,会员等级,重点名单,备注
        张三,138 0013 8000,ZhangSan@Example.com,北京,2,是,老客户
        李四,12345,lisi@example.com,上海市,1,,
        王五,13900139000,not-an-email,浙江,abc,,
        赵六,+86 137-0013-7000,,广东省,3,是,
        """;

    private readonly string _files = Directory.CreateTempSubdirectory("cs-import-ui-").FullName;
    private TestDatabase? _database;
    private ImportWorker? _worker;

    public ImportWizardTests()
    {
        UseCulture("zh-CN");
        Services.AddDbContextFactory<StudioDbContext>(o => StudioDatabase.Configure(o, DatabaseProvider.Sqlite, _database!.ConnectionString));
        Services.AddDbContext<StudioDbContext>(o => StudioDatabase.Configure(o, DatabaseProvider.Sqlite, _database!.ConnectionString),
            optionsLifetime: ServiceLifetime.Singleton);
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton(new ImportFiles(_files));
        Services.AddSingleton<ImportQueue>();
        Services.AddScoped<ImportService>();
        Services.AddScoped<WorkspaceClock>();
        Services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
    }

    private async Task StartAsync()
    {
        _database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using (var db = _database.CreateContext())
        {
            var now = DateTime.UtcNow;
            db.WorkspaceSettings.Add(new WorkspaceSettings { TimeZone = "Asia/Shanghai" });
            db.CustomFields.Add(new CustomFieldDefinition { Code = "member_level", NameZh = "会员等级", NameEn = "Member level", Type = CustomFieldType.Number, CreatedAt = now });
            var category = new TagCategory { Code = "lists", NameZh = "名单", NameEn = "Lists", CreatedAt = now };
            db.TagCategories.Add(category);
            await db.SaveChangesAsync();
            db.Tags.Add(new Tag { CategoryId = category.Id, Code = "key_list", NameZh = "重点名单", NameEn = "Key list", Kind = TagKind.Manual, Status = TagStatus.Active,
                RefreshRule = RefreshRule.Manual, CreatedAt = now, UpdatedAt = now, ActivatedAt = now });
            await db.SaveChangesAsync();
        }
        AddAuthorization().SetAuthorized(Admin.UserName!).SetRoles([.. Admin.Roles]).SetPolicies(Policies.Imports)
            .SetClaims(new Claim(ClaimTypes.NameIdentifier, Admin.UserId!));
        SetRendererInfo(new RendererInfo("Server", true));
        Render<MudPopoverProvider>();
        Render<MudSnackbarProvider>();
    }

    private IRenderedComponent<ImportWizard> Wizard(Action<long>? started = null)
    {
        var cut = Render<ImportWizard>(p => p.Add(w => w.OnStarted, id => started?.Invoke(id)));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=wizard-upload]")), Wait);
        return cut;
    }

    /// <summary>Picks a file in the upload's input (bUnit dispatches the change itself: no InvokeAsync around it).</summary>
    private static Task UploadAsync(IRenderedComponent<ImportWizard> cut, byte[] content, string name)
    {
        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(content, name));
        cut.WaitForAssertion(() => Assert.Contains(name, cut.Find("[data-testid=import-file-name]").TextContent), Wait);
        return Task.CompletedTask;
    }

    private static Dictionary<string, string> Mapping(IRenderedComponent<ImportWizard> cut) =>
        cut.FindAll("[data-testid=mapping-row]").ToDictionary(r => r.GetAttribute("data-header")!, r => r.GetAttribute("data-target")!);

    private static Task ChooseAsync<T>(IRenderedComponent<ImportWizard> cut, string testId, T value) =>
        cut.InvokeAsync(() => cut.FindComponents<MudSelect<T>>().Single(s => Equals(s.Instance.UserAttributes.GetValueOrDefault("data-testid"), testId))
            .Instance.SelectOption(value));

    [Fact]
    public async Task Chinese_headers_are_mapped_to_fields_identities_custom_fields_and_tags()
    {
        await StartAsync();
        var cut = Wizard();
        await UploadAsync(cut, Encoding.UTF8.GetBytes(ChineseCustomers), "客户.csv");

        var detected = cut.Find("[data-testid=import-detected]");
        Assert.Equal(("UTF-8", ((int)',').ToString(), "true"), (detected.GetAttribute("data-encoding"), detected.GetAttribute("data-delimiter"), detected.GetAttribute("data-header")));
        Assert.Equal(4, cut.FindAll("[data-testid=preview-row]").Count);
        Assert.Equal(["2", "3", "4", "5"], cut.FindAll("[data-testid=preview-row]").Select(r => r.GetAttribute("data-line")));
        Assert.Equal(new Dictionary<string, string>
        {
            ["客户姓名"] = "name", ["手机号码"] = "phone", ["电子邮箱"] = "email", ["省份"] = "province", ["会员等级"] = "custom:member_level",
            ["重点名单"] = "ignore", ["备注"] = "ignore",
        }, Mapping(cut));
        Assert.Equal(5, cut.FindAll("[data-testid=mapping-suggested]").Count);
        Assert.Empty(cut.FindAll("[data-testid=import-problem]"));
        Assert.False(cut.Find("[data-testid=import-start]").HasAttribute("disabled"));

        // The manual tag is a target of its own; without an identity nothing can start.
        await ChooseAsync(cut, "mapping-target-5", "tag:key_list");
        await ChooseAsync(cut, "mapping-target-1", "ignore");
        await ChooseAsync(cut, "mapping-target-2", "ignore");
        cut.WaitForAssertion(() => Assert.Equal("tag:key_list", Mapping(cut)["重点名单"]), Wait);
        Assert.Equal(["ImportProblem_NoIdentity"], cut.FindAll("[data-testid=import-problem]").Select(p => p.GetAttribute("data-code")));
        Assert.True(cut.Find("[data-testid=import-start]").HasAttribute("disabled"));
        await ChooseAsync(cut, "mapping-target-2", "name");
        cut.WaitForAssertion(() => Assert.Contains(cut.FindAll("[data-testid=import-problem]"), p => p.GetAttribute("data-code") == "ImportProblem_Twice"), Wait);
    }

    [Fact]
    public async Task A_gb18030_file_from_chinese_excel_is_detected_and_the_delimiter_can_be_overridden()
    {
        await StartAsync();
        var cut = Wizard();
        var text = "姓名;手机;城市\r\n陈一;13800000001;杭州\r\n周二;13800000002;苏州\r\n";
        await UploadAsync(cut, System.Text.Encoding.GetEncoding("GB18030").GetBytes(text), "导出.csv");

        Assert.Equal("GB18030", cut.Find("[data-testid=import-detected]").GetAttribute("data-encoding"));
        Assert.Equal(new Dictionary<string, string> { ["姓名"] = "name", ["手机"] = "phone", ["城市"] = "city" }, Mapping(cut));
        Assert.Contains("杭州", cut.Find("[data-testid=preview-table]").TextContent);

        // Read as comma-separated, each line is one column; the header switch makes the first line data.
        await ChooseAsync(cut, "import-delimiter", ',');
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=mapping-row]")), Wait);
        await ChooseAsync(cut, "import-delimiter", ';');
        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=mapping-row]").Count), Wait);
        await cut.InvokeAsync(() => cut.Find("[data-testid=import-has-header] input, input[data-testid=import-has-header]").Change(false));
        cut.WaitForAssertion(() => Assert.Equal(["A", "B", "C"], cut.FindAll("[data-testid=mapping-row]").Select(r => r.GetAttribute("data-header"))), Wait);
        Assert.Equal(["1", "2", "3"], cut.FindAll("[data-testid=preview-row]").Select(r => r.GetAttribute("data-line")));
        // Read as UTF-8 the Chinese text is garbled: the user sees it in the preview.
        await ChooseAsync(cut, "import-encoding", "UTF-8");
        cut.WaitForAssertion(() => Assert.DoesNotContain("杭州", cut.Find("[data-testid=preview-table]").TextContent), Wait);
    }

    [Fact]
    public async Task An_order_file_is_suggested_order_targets_and_a_saved_mapping_follows_the_headers()
    {
        await StartAsync();
        var cut = Wizard();
        const string retail = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n536365,85123A,WHITE HANGING HEART,6,2010-12-01 08:26,2.55,17850,United Kingdom\n";
        await UploadAsync(cut, Encoding.UTF8.GetBytes(retail), "retail.csv");
        await cut.InvokeAsync(() => cut.Find("[data-testid=import-kind-orders] input, input[data-testid=import-kind-orders]").Click());

        cut.WaitForAssertion(() => Assert.Equal(new Dictionary<string, string>
        {
            ["InvoiceNo"] = "order_no", ["StockCode"] = "sku", ["Description"] = "product_name", ["Quantity"] = "quantity", ["InvoiceDate"] = "ordered_at",
            ["UnitPrice"] = "unit_price", ["CustomerID"] = "external_id", ["Country"] = "ignore",
        }, Mapping(cut)), Wait);
        Assert.Empty(cut.FindAll("[data-testid=import-problem]"));

        await ChooseAsync(cut, "mapping-target-7", "channel");
        await cut.InvokeAsync(() => cut.Find("input[data-testid=mapping-name]").Change("UCI 订单"));
        await cut.InvokeAsync(() => cut.Find("[data-testid=mapping-save]").Click());
        await using (var db = _database!.CreateContext())
        {
            var saved = await db.SavedMappings.AsNoTracking().SingleAsync();
            Assert.Equal(("UCI 订单", ImportKind.Orders), (saved.Name, saved.Kind));
            Assert.Contains("\"target\":\"channel\"", saved.MappingJson);
        }

        // The next file has the same columns in another order: the saved mapping goes by header.
        const string reordered = "Country,CustomerID,InvoiceNo,InvoiceDate,StockCode,Quantity,UnitPrice,Description\nFrance,12680,536370,2010-12-01 08:45,22728,24,3.75,ALARM CLOCK\n";
        await UploadAsync(cut, Encoding.UTF8.GetBytes(reordered), "retail-2.csv");
        await cut.InvokeAsync(() => cut.Find("[data-testid=import-kind-orders] input, input[data-testid=import-kind-orders]").Click());
        cut.WaitForAssertion(() => Assert.Equal("ignore", Mapping(cut)["Country"]), Wait);
        var savedId = (await _database!.CreateContext().SavedMappings.AsNoTracking().SingleAsync()).Id;
        await ChooseAsync<int?>(cut, "mapping-saved", savedId);
        cut.WaitForAssertion(() => Assert.Equal("channel", Mapping(cut)["Country"]), Wait);
        Assert.Equal(("order_no", "external_id", "product_name"), (Mapping(cut)["InvoiceNo"], Mapping(cut)["CustomerID"], Mapping(cut)["Description"]));
    }

    [Fact]
    public async Task An_import_started_from_the_wizard_runs_in_the_background_and_shows_its_rejected_rows()
    {
        await StartAsync();
        var queue = Services.GetRequiredService<ImportQueue>();
        _worker = new ImportWorker(Services.GetRequiredService<IServiceScopeFactory>(), queue, Services.GetRequiredService<ImportFiles>(), NullLogger<ImportWorker>.Instance);
        await _worker.StartAsync(CancellationToken.None);
        long? started = null;
        var cut = Wizard(id => started = id);
        await UploadAsync(cut, Encoding.UTF8.GetBytes(ChineseCustomers), "客户.csv");
        await ChooseAsync(cut, "mapping-target-5", "tag:key_list");
        await cut.InvokeAsync(() => cut.Find("[data-testid=import-start]").Click());
        cut.WaitForAssertion(() => Assert.NotNull(started), Wait);
        // The temporary copy is gone once the import owns the file.
        Assert.Empty(cut.FindAll("[data-testid=wizard-preview]"));

        var job = Render<ImportJobView>(p => p.Add(v => v.JobId, started!.Value));
        job.WaitForAssertion(() => Assert.Equal("Completed", job.Find("[data-testid=import-job]").GetAttribute("data-status")), Wait);
        Assert.Equal(("4", "4"), (job.Find("[data-testid=import-progress]").GetAttribute("data-processed"), job.Find("[data-testid=import-progress]").GetAttribute("data-total")));
        Assert.Equal("2", job.Find("[data-testid=import-count][data-kind=Created]").GetAttribute("data-value"));
        Assert.Equal("2", job.Find("[data-testid=import-count][data-kind=Rejected]").GetAttribute("data-value"));
        Assert.Equal(["3", "4", "4"], job.FindAll("[data-testid=import-error]").Select(e => e.GetAttribute("data-line")));
        Assert.Contains("12345", job.Find("[data-testid=import-error][data-line='3']").TextContent);
        Assert.Equal($"api/imports/{started}/report.csv", job.Find("[data-testid=import-report]").GetAttribute("href"));
        Assert.Empty(job.FindAll("[data-testid=import-cancel]"));

        await using var db = _database!.CreateContext();
        var zhang = await db.Customers.AsNoTracking().SingleAsync(c => c.Name == "张三");
        Assert.Equal(("+8613800138000", "zhangsan@example.com", "北京"), (zhang.Phone, zhang.Email, zhang.Province));
        Assert.Equal(2m, await db.CustomFieldValues.Where(v => v.CustomerId == zhang.Id).Select(v => v.NumberValue).SingleAsync());
        Assert.Equal(2, await db.TagAssignments.CountAsync(a => a.Source == AssignmentSource.Import));
        Assert.Empty(Directory.EnumerateFiles(_files));
    }

    private const string Events = """
        手机,事件,发生时间,渠道,页面,Campaign Name,姓名
        13812345678,page_view,2026-11-20 10:00,web,/pricing,双十一,张三
        13812345678,demo_request,2026-11-21 09:30,web,/demo,,张三
        12345,page_view,2026-11-20 10:00,web,/,,
        13900000000,,2026-11-20 11:00,app,/,,李四
        """;

    [Fact]
    public async Task An_event_file_maps_event_fields_identities_and_properties_and_names_what_is_missing()
    {
        await StartAsync();
        var cut = Wizard();
        await UploadAsync(cut, Encoding.UTF8.GetBytes(Events), "事件.csv");
        await cut.InvokeAsync(() => cut.Find("[data-testid=import-kind-events] input, input[data-testid=import-kind-events]").Click());

        // Unknown columns become properties named after their headers; personal data is not copied into events.
        cut.WaitForAssertion(() => Assert.Equal(new Dictionary<string, string>
        {
            ["手机"] = "phone", ["事件"] = "event_type", ["发生时间"] = "occurred_at", ["渠道"] = "channel", ["页面"] = "prop:页面",
            ["Campaign Name"] = "prop:campaign_name", ["姓名"] = "ignore",
        }, Mapping(cut)), Wait);
        Assert.Equal(6, cut.FindAll("[data-testid=mapping-suggested]").Count);
        Assert.Empty(cut.FindAll("[data-testid=import-problem]"));
        Assert.Contains("跳过", cut.Find("[data-testid=import-kind-hint]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=import-policy]"));

        // Each column offers its own property; the events' type and time are required, and an identity.
        await ChooseAsync(cut, "mapping-target-6", "prop:姓名");
        cut.WaitForAssertion(() => Assert.Equal("prop:姓名", Mapping(cut)["姓名"]), Wait);
        Assert.Equal("事件属性：姓名", cut.Find("[data-testid=mapping-row][data-index='6'] input").GetAttribute("value"));
        await ChooseAsync(cut, "mapping-target-1", "ignore");
        await ChooseAsync(cut, "mapping-target-2", "ignore");
        await ChooseAsync(cut, "mapping-target-0", "ignore");
        cut.WaitForAssertion(() => Assert.Equal(["ImportProblem_NoIdentity", "ImportProblem_NoEventType", "ImportProblem_NoEventTime"],
            cut.FindAll("[data-testid=import-problem]").Select(p => p.GetAttribute("data-code"))), Wait);
        Assert.True(cut.Find("[data-testid=import-start]").HasAttribute("disabled"));
        await ChooseAsync(cut, "mapping-target-0", "phone");
        await ChooseAsync(cut, "mapping-target-1", "event_type");
        await ChooseAsync(cut, "mapping-target-2", "occurred_at");
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=import-problem]")), Wait);

        // A saved event mapping is offered for event files only.
        await cut.InvokeAsync(() => cut.Find("input[data-testid=mapping-name]").Change("埋点事件"));
        await cut.InvokeAsync(() => cut.Find("[data-testid=mapping-save]").Click());
        await using var db = _database!.CreateContext();
        var saved = await db.SavedMappings.AsNoTracking().SingleAsync();
        Assert.Equal(ImportKind.Events, saved.Kind);
        Assert.Contains("\"target\":\"prop:campaign_name\"", saved.MappingJson);
    }

    [Fact]
    public async Task An_event_import_started_from_the_wizard_stores_the_events_and_reports_the_bad_rows()
    {
        await StartAsync();
        var queue = Services.GetRequiredService<ImportQueue>();
        _worker = new ImportWorker(Services.GetRequiredService<IServiceScopeFactory>(), queue, Services.GetRequiredService<ImportFiles>(), NullLogger<ImportWorker>.Instance);
        await _worker.StartAsync(CancellationToken.None);
        long? started = null;
        var cut = Wizard(id => started = id);
        await UploadAsync(cut, Encoding.UTF8.GetBytes(Events), "事件.csv");
        await cut.InvokeAsync(() => cut.Find("[data-testid=import-kind-events] input, input[data-testid=import-kind-events]").Click());
        cut.WaitForAssertion(() => Assert.Equal("prop:页面", Mapping(cut)["页面"]), Wait);
        await cut.InvokeAsync(() => cut.Find("[data-testid=import-start]").Click());
        cut.WaitForAssertion(() => Assert.NotNull(started), Wait);

        var job = Render<ImportJobView>(p => p.Add(v => v.JobId, started!.Value));
        job.WaitForAssertion(() => Assert.Equal("Completed", job.Find("[data-testid=import-job]").GetAttribute("data-status")), Wait);
        Assert.Equal(("2", "2"), (job.Find("[data-testid=import-count][data-kind=Created]").GetAttribute("data-value"),
            job.Find("[data-testid=import-count][data-kind=Rejected]").GetAttribute("data-value")));
        Assert.Equal(["4", "5"], job.FindAll("[data-testid=import-error]").Select(e => e.GetAttribute("data-line")));

        await using var db = _database!.CreateContext();
        Assert.Equal(ImportKind.Events, (await db.ImportJobs.AsNoTracking().SingleAsync()).Kind);
        var events = await db.Events.AsNoTracking().Include(e => e.Properties).OrderBy(e => e.OccurredAt).ToListAsync();
        Assert.Equal(["page_view", "demo_request"], events.Select(e => e.Type));
        Assert.Equal([("campaign_name", "双十一"), ("页面", "/pricing")], events[0].Properties.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, p.Value!)));
        Assert.Equal("+8613812345678", (await db.Customers.AsNoTracking().SingleAsync()).Phone);
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        if (_worker is not null)
        {
            await _worker.StopAsync(CancellationToken.None);
            _worker.Dispose();
        }
        await base.DisposeAsyncCore();
        if (_database is not null) await _database.DisposeAsync();
        try { Directory.Delete(_files, true); } catch (IOException) { }
    }
}
