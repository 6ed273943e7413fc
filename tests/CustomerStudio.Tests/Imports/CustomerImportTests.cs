using System.Globalization;
using System.Text;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Imports;
using CustomerStudio.Core.Tags;
using CustomerStudio.Core.Workspace;
using CustomerStudio.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Tests.Imports;

public sealed class CustomerImportTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.PostgreSql];

    private static readonly DateTime Now = new(2026, 11, 24, 4, 0, 0, DateTimeKind.Utc);

    private sealed class Clock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => Now;
    }

    // Line 1 is the header; lines 5-9 are bad in one way each; line 4 repeats line 2's phone; line 10 is an existing customer.
    private const string File = """
        姓名,手机号码,邮箱,性别,生日,省份,城市,会员等级,VIP
        王伟,138 1234 5678,Wang.Wei@Example.com,男,1990/3/5,浙江省,杭州市,3,是
        李娜,0086-139-8765-4321,lina@example.com,女,1992-07-01,上海市,上海,1,否
        王伟重复,+86 13812345678,,M,,,,,
        坏电话,12345,bad@example.com,女,,,,,
        坏邮箱,13700000001,not-an-email,,,,,,
        坏日期,13700000002,,,2024-13-45,,,,
        坏省份,13700000003,,,,火星,,,
        无身份,,,男,,,,,
        已有客户,13900000000,EXISTING@example.com,,,北京,,,
        """;

    private static async Task<TestDatabase> WorkspaceAsync(DatabaseProvider provider)
    {
        var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.CreateContext();
        db.WorkspaceSettings.Add(new WorkspaceSettings { TimeZone = "Asia/Shanghai" });
        db.CustomFields.Add(new CustomFieldDefinition { Code = "vip_level", NameZh = "会员等级", NameEn = "VIP level", Type = CustomFieldType.Number, CreatedAt = Now });
        var category = new TagCategory { Code = "basic", NameZh = "基本", NameEn = "Basic", CreatedAt = Now };
        db.TagCategories.Add(category);
        await db.SaveChangesAsync();
        db.Tags.Add(new Tag { CategoryId = category.Id, Code = "vip", NameZh = "VIP", NameEn = "VIP", Kind = TagKind.Manual, Status = TagStatus.Active, CreatedAt = Now, UpdatedAt = Now });
        var old = new Customer { Name = "Old", Email = "existing@example.com", CreatedAt = Now.AddYears(-1), UpdatedAt = Now.AddYears(-1) };
        db.Customers.Add(old);
        await db.SaveChangesAsync();
        db.CustomerIdentities.Add(new CustomerIdentity { CustomerId = old.Id, Kind = IdentityKind.Email, Value = "existing@example.com", CreatedAt = Now });
        await db.SaveChangesAsync();
        return database;
    }

    private static async Task<ImportJob> ImportAsync(StudioDbContext db, string text, DedupePolicy policy = DedupePolicy.FillEmpty,
        int batchSize = 5_000, Func<IEnumerable<ImportRow>, IEnumerable<ImportRow>>? around = null, long? resume = null)
    {
        var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
        var (shape, header, _) = ImportRows.Preview(stream, "csv");
        var plan = new ImportPlan
        {
            Delimiter = shape!.Delimiter, Encoding = shape.EncodingName, HasHeader = shape.HasHeader, Policy = policy,
            Columns = header.Select((h, i) => new ImportColumn(i, h, h == "VIP" ? "tag:vip"
                : Core.Imports.Cleansing.ColumnSuggestions.Suggest(h, [("vip_level", "会员等级", "VIP level")]) ?? "ignore")).ToList(),
        };
        long id;
        if (resume is { } existing) id = existing;
        else
        {
            var job = new ImportJob { Kind = ImportKind.Customers, FileName = "customers.csv", MappingJson = plan.ToJson(), CreatedAt = Now, Status = ImportStatus.Pending };
            db.ImportJobs.Add(job);
            await db.SaveChangesAsync();
            id = job.Id;
        }
        stream.Position = 0;
        var (_, rows) = ImportRows.Read(stream, plan);
        var importer = new CustomerImporter(db, new Clock()) { BatchSize = batchSize };
        return await importer.RunAsync(id, around is null ? rows : around(rows));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Good_rows_are_stored_cleansed_and_every_bad_row_is_reported_with_line_and_field(DatabaseProvider provider)
    {
        await using var database = await WorkspaceAsync(provider);
        await using var db = database.CreateContext();
        var job = await ImportAsync(db, File);

        Assert.Equal((ImportStatus.Completed, 9, 2, 1, 1, 0, 5), (job.Status, job.ProcessedRows, job.Created, job.Updated, job.Merged, job.Skipped, job.Rejected));
        var errors = await db.ImportRowErrors.Where(e => e.ImportJobId == job.Id).OrderBy(e => e.Line).ToListAsync();
        Assert.Equal([(5, "手机号码"), (6, "邮箱"), (7, "生日"), (8, "省份"), (9, "")], errors.Select(e => (e.Line, e.Field ?? "")));
        Assert.Contains("12345", errors[0].Reason);
        // Stored as a code with its arguments: each reader sees the reason in their own language.
        Assert.Equal("NoIdentity", errors[4].Code);
        Assert.Equal("该行没有可识别客户的手机、邮箱、微信 ID 或客户编号", errors[4].Message(new System.Globalization.CultureInfo("zh-CN")));
        Assert.Equal("The row has no phone, e-mail, WeChat id or customer id to identify the customer", errors[4].Message(new System.Globalization.CultureInfo("en")));
        Assert.Equal(errors[4].Message(System.Globalization.CultureInfo.InvariantCulture), errors[4].Reason);
        Assert.Contains("12345", errors[0].Message(new System.Globalization.CultureInfo("zh-CN")));
        Assert.NotEqual(errors[0].Reason, errors[0].Message(new System.Globalization.CultureInfo("zh-CN")));

        var wang = await db.Customers.AsNoTracking().Include(c => c.Identities).SingleAsync(c => c.Name == "王伟");
        Assert.Equal(("+8613812345678", "wang.wei@example.com", Gender.Male, new DateOnly(1990, 3, 5), "浙江", "杭州"),
            (wang.Phone, wang.Email, wang.Gender, wang.BirthDate, wang.Province, wang.City));
        Assert.Equal(["Email:wang.wei@example.com", "Phone:+8613812345678"], wang.Identities.Select(i => $"{i.Kind}:{i.Value}").Order());
        Assert.Equal(3m, await db.CustomFieldValues.Where(v => v.CustomerId == wang.Id).Select(v => v.NumberValue).SingleAsync());
        var vip = await db.TagAssignments.AsNoTracking().SingleAsync(a => a.CustomerId == wang.Id);
        Assert.Equal((AssignmentSource.Import, $"import #{job.Id}"), (vip.Source, vip.SourceRef));
        Assert.Equal(1, await db.TagAssignments.CountAsync());

        // The existing customer was found by its e-mail in another case, kept its name and got the empty province and the phone.
        var old = await db.Customers.AsNoTracking().Include(c => c.Identities).SingleAsync(c => c.Name == "Old");
        Assert.Equal("北京", old.Province);
        Assert.Contains(old.Identities, i => i is { Kind: IdentityKind.Phone, Value: "+8613900000000" });
        Assert.Equal(3, await db.Customers.CountAsync());
        Assert.False(await db.Customers.AnyAsync(c => c.Name!.StartsWith("坏") || c.Name == "无身份"));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Importing_the_same_file_again_creates_nothing(DatabaseProvider provider)
    {
        await using var database = await WorkspaceAsync(provider);
        await using var db = database.CreateContext();
        await ImportAsync(db, File);
        var again = await ImportAsync(db, File);
        Assert.Equal((0, 0, 1, 3, 5), (again.Created, again.Updated, again.Merged, again.Skipped, again.Rejected));
        Assert.Equal(3, await db.Customers.CountAsync());
        Assert.Equal(6, await db.CustomerIdentities.CountAsync());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Overwrite_replaces_values_and_skip_leaves_customers_alone(DatabaseProvider provider)
    {
        await using var database = await WorkspaceAsync(provider);
        await using var db = database.CreateContext();
        await ImportAsync(db, File);
        const string moved = "姓名,手机号码,省份\n王伟,13812345678,江苏\n";
        var skip = await ImportAsync(db, moved, DedupePolicy.Skip);
        Assert.Equal((0, 1), (skip.Updated, skip.Skipped));
        Assert.Equal("浙江", await db.Customers.Where(c => c.Name == "王伟").Select(c => c.Province).SingleAsync());
        var fill = await ImportAsync(db, moved, DedupePolicy.FillEmpty);
        Assert.Equal((0, 1), (fill.Updated, fill.Skipped));
        var overwrite = await ImportAsync(db, moved, DedupePolicy.Overwrite);
        Assert.Equal((1, 0), (overwrite.Updated, overwrite.Skipped));
        Assert.Equal("江苏", await db.Customers.Where(c => c.Name == "王伟").Select(c => c.Province).SingleAsync());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_crash_mid_import_leaves_whole_batches_and_the_import_resumes_where_it_stopped(DatabaseProvider provider)
    {
        await using var database = await WorkspaceAsync(provider);
        await using var db = database.CreateContext();
        static IEnumerable<ImportRow> CrashAfter(IEnumerable<ImportRow> rows, int n)
        {
            var i = 0;
            foreach (var row in rows)
            {
                if (i++ == n) throw new IOException("disk pulled out");
                yield return row;
            }
        }
        var crash = await Assert.ThrowsAsync<IOException>(() => ImportAsync(db, File, batchSize: 3, around: rows => CrashAfter(rows, 4)));
        var failed = await db.ImportJobs.AsNoTracking().SingleAsync();
        // Lines 2-4 form the first batch and were committed; line 5 was read but its batch never written.
        Assert.Equal((ImportStatus.Failed, 3, 2, 1, "disk pulled out"), (failed.Status, failed.ProcessedRows, failed.Created, failed.Merged, failed.Error));
        Assert.Equal(3, await db.Customers.CountAsync());
        Assert.Equal(crash.Message, failed.Error);

        var resumed = await ImportAsync(db, File, batchSize: 3, resume: failed.Id);
        Assert.Equal((ImportStatus.Completed, 9, 2, 1, 1, 0, 5), (resumed.Status, resumed.ProcessedRows, resumed.Created, resumed.Updated, resumed.Merged, resumed.Skipped, resumed.Rejected));
        Assert.Equal(3, await db.Customers.CountAsync());
        Assert.Equal(5, await db.ImportRowErrors.CountAsync());
    }

    [Fact]
    public async Task A_gb18030_file_from_chinese_excel_imports_with_its_chinese_intact()
    {
        await using var database = await WorkspaceAsync(DatabaseProvider.Sqlite);
        await using var db = database.CreateContext();
        var bytes = Core.Imports.Cleansing.FileSniffer.Gb18030.GetBytes("客户姓名\t手机\t城市\n张三\t13511112222\t广州市\n");
        var stream = new MemoryStream(bytes);
        var (shape, header, rows) = ImportRows.Preview(stream, "csv");
        Assert.Equal(("GB18030", '\t'), (shape!.EncodingName, shape.Delimiter));
        Assert.Equal(["客户姓名", "手机", "城市"], header);
        Assert.Equal("张三|13511112222|广州市", string.Join("|", rows.Single().Cells));
        Assert.Equal(2, rows.Single().Line);
    }
}
