using CustomerStudio.Core.Security;
using CustomerStudio.Core.Templates;
using CustomerStudio.Core.Segments;
using System.Data.Common;
using System.Diagnostics;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Scoring;
using CustomerStudio.Core.Tags;
using CustomerStudio.Core.Workspace;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;

namespace CustomerStudio.Core.Demo;

/// <summary>
/// Fills an empty workspace with a deterministic Chinese demo: customers with identities, 18 months of events and orders,
/// a starter tag taxonomy and tag assignments, households and B2B companies with their members. Does nothing once the workspace has been seeded or holds customers.
/// </summary>
public sealed class DemoWorkspaceSeeder(StudioDbContext db, ILogger<DemoWorkspaceSeeder> logger)
{
    private const int EfChunkSize = 5_000;
    private const string SourceRef = "demo_seed";

    public async Task<DemoSeedResult> SeedAsync(DemoSeedOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Customers < 0 || options.Events < 0 || options.Orders < 0)
            throw new ArgumentOutOfRangeException(nameof(options), "Demo sizes cannot be negative.");
        if (options.Customers == 0 && (options.Events > 0 || options.Orders > 0))
            throw new ArgumentOutOfRangeException(nameof(options), "Events and orders need at least one customer.");

        var clock = Stopwatch.StartNew();
        var settings = await db.WorkspaceSettings.AsNoTracking().FirstOrDefaultAsync(s => s.Id == 1, ct);
        if (settings?.DemoSeededAt is not null || await db.Customers.AnyAsync(ct))
        {
            logger.LogInformation("Demo workspace not seeded: the workspace was already seeded or has customers.");
            return DemoSeedResult.NothingDone(clock.Elapsed);
        }

        var now = options.ResolveNow();
        logger.LogInformation(
            "Seeding demo workspace: {Customers} customers, {Events} events, {Orders} orders (seed {Seed}, history until {Now:yyyy-MM-dd})",
            options.Customers, options.Events, options.Orders, options.Seed, now);
        var data = new DemoDataGenerator(options, now).Generate();
        logger.LogInformation("Seeding demo workspace: generated in memory ({Seconds:F1} s)", clock.Elapsed.TotalSeconds);

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var taxonomy = await EnsureTaxonomyAsync(data, ct);
        var assignments = BuildAssignments(data, taxonomy);

        if (db.Database.IsSqlite() && !options.ForceEntityFramework)
            InsertWithCommands(data, assignments, transaction.GetDbTransaction(), clock, ct);
        else
            await InsertWithEntityFrameworkAsync(data, assignments, clock, ct);

        var row = await db.WorkspaceSettings.FirstOrDefaultAsync(s => s.Id == 1, ct);
        if (row is null)
        {
            row = new WorkspaceSettings { Id = 1 };
            db.WorkspaceSettings.Add(row);
        }
        row.TimeZone = "Asia/Shanghai";
        row.DefaultCulture = "zh-CN";
        row.DefaultCountry = "CN";
        row.DemoSeededAt = DateTime.UtcNow;
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();

        // RFM scores and the RFM class tag, as of the end of the demo history.
        var asOf = new FixedTime(now);
        await new RfmScoring(db, asOf).ComputeAsync(ct: ct);
        var rfmAssigned = 0;
        if (taxonomy.TagIds.TryGetValue(DemoReferenceData.RfmSegment, out var rfmTag))
            rfmAssigned = (await new TagRuleEngine(db, new TagAssignments(db, asOf), asOf).RecomputeAsync(rfmTag, ct)).Added;
        db.ChangeTracker.Clear();
        await SeedJourneyStarterAsync(ct);

        var result = new DemoSeedResult(
            Skipped: false,
            Customers: data.Customers.Count,
            Identities: data.Identities.Count,
            Events: data.Events.Count,
            EventProperties: data.EventProperties.Count,
            Orders: data.Orders.Count,
            OrderLines: data.OrderLines.Count,
            TagCategories: taxonomy.CategoriesCreated,
            Tags: taxonomy.TagsCreated,
            TagValues: taxonomy.ValuesCreated,
            TagAssignments: assignments.Count + rfmAssigned,
            Households: data.Accounts.Count(a => a.Kind == AccountKind.Household),
            Companies: data.Accounts.Count(a => a.Kind == AccountKind.Company),
            AccountMembers: data.AccountMembers.Count,
            Elapsed: clock.Elapsed);
        logger.LogInformation(
            "Seeding demo workspace: done in {Seconds:F1} s ({Customers} customers, {Identities} identities, {Events} events, " +
            "{Orders} orders, {Tags} tags, {Assignments} tag assignments, {Households} households, {Companies} companies, {Members} account members)",
            result.Elapsed.TotalSeconds, result.Customers, result.Identities, result.Events, result.Orders, result.Tags,
            result.TagAssignments, result.Households, result.Companies, result.AccountMembers);
        return result;
    }

    // ------------------------------------------------------------------ segments and e-mail for journeys

    /// <summary>
    /// What a marketer needs to build the first journeys: the 高意向 segment (customers carrying the high-intent tag,
    /// refreshed every five minutes, so it gains members as events arrive), lapsed customers, and starter e-mail
    /// templates. Nothing runs until a journey is published.
    /// </summary>
    private async Task SeedJourneyStarterAsync(CancellationToken ct)
    {
        var segments = new SegmentService(db, TimeProvider.System);
        foreach (var draft in new[]
                 {
                     new SegmentDraft("high_intent", "高意向人群", "带“高意向”标签：近7天浏览价格页不少于3次，或近30天提交过演示申请。", SegmentKind.Dynamic,
                         """{"tag":"high_intent"}""", "0 0/5 * * * ?"),
                     new SegmentDraft("dormant_buyers", "沉睡客户", "带“沉睡”标签：半年未购买且三个月无互动的老客户。", SegmentKind.Dynamic,
                         """{"tag":"dormant"}""", "0 0 3 * * ?"),
                 })
        {
            var saved = await segments.SaveAsync(null, draft, Actor.System, ct);
            if (!saved.Ok) logger.LogWarning("Demo segment {Code} not created: {Errors}", draft.Code, string.Join("; ", saved.Errors.Select(e => e.Code)));
        }
        var now = DateTime.UtcNow;
        db.EmailTemplates.AddRange(
            new EmailTemplate
            {
                Code = "welcome", Name = "欢迎邮件", Language = "zh-CN", UpdatedAt = now, Subject = "{{name}}，欢迎了解 CustomerStudio",
                BodyHtml = "<p>{{name}}，您好：</p><p>感谢您对我们产品的关注。我们为您准备了入门指南和三个客户案例，帮助您快速评估是否适合贵公司。</p><p>如需安排产品演示，直接回复本邮件即可。</p>",
            },
            new EmailTemplate
            {
                Code = "case_study", Name = "客户案例", Language = "zh-CN", UpdatedAt = now, Subject = "{{company}} 同行是如何提升复购率的",
                BodyHtml = "<p>{{name}}，您好：</p><p>某连锁零售品牌用标签和人群把复购率提升了 18%。点击查看完整案例。</p>",
            },
            new EmailTemplate
            {
                Code = "demo_followup", Name = "演示跟进", Language = "zh-CN", UpdatedAt = now, Subject = "您的演示已安排",
                BodyHtml = "<p>{{name}}，您好：</p><p>我们的顾问会在两个工作日内与您联系，确认演示时间。</p>",
            },
            new EmailTemplate
            {
                Code = "win_back", Name = "召回优惠", Language = "zh-CN", UpdatedAt = now, Subject = "{{name}}，好久不见，送您一张专属优惠券",
                BodyHtml = "<p>{{name}}，您好：</p><p>好久不见！本周内下单立享 8 折，期待您回来。</p>",
            });
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
    }

    // ------------------------------------------------------------------ taxonomy

    private sealed record Taxonomy(
        Dictionary<string, int> TagIds, Dictionary<(string Tag, string Value), int> ValueIds,
        int CategoriesCreated, int TagsCreated, int ValuesCreated);

    /// <summary>Creates the starter categories and tags that are missing (matched by code) and returns every id by code.</summary>
    private async Task<Taxonomy> EnsureTaxonomyAsync(DemoDataSet data, CancellationToken ct)
    {
        var categoryCodes = DemoReferenceData.Categories.Select(c => c.Code).ToList();
        var categoryIds = await db.TagCategories.Where(c => categoryCodes.Contains(c.Code))
            .ToDictionaryAsync(c => c.Code, c => c.Id, ct);
        var categoriesCreated = 0;
        // Roots first, then children, so that parents have ids.
        foreach (var roots in new[] { true, false })
        {
            var added = new List<TagCategory>();
            foreach (var def in DemoReferenceData.Categories.Where(c => (c.ParentCode is null) == roots && !categoryIds.ContainsKey(c.Code)))
            {
                added.Add(new TagCategory
                {
                    Code = def.Code, NameZh = def.NameZh, NameEn = def.NameEn, SortOrder = def.SortOrder, CreatedAt = data.Start,
                    EditorRoles = def.EditorRoles,
                    ParentId = def.ParentCode is null ? null : categoryIds[def.ParentCode],
                });
            }
            if (added.Count == 0) continue;
            db.TagCategories.AddRange(added);
            await db.SaveChangesAsync(ct);
            foreach (var c in added) categoryIds[c.Code] = c.Id;
            categoriesCreated += added.Count;
        }

        var tagCodes = DemoReferenceData.Tags.Select(t => t.Code).ToList();
        var existing = await db.Tags.Where(t => tagCodes.Contains(t.Code)).Select(t => t.Code).ToListAsync(ct);
        var newTags = new List<Tag>();
        foreach (var def in DemoReferenceData.Tags.Where(t => !existing.Contains(t.Code)))
        {
            newTags.Add(new Tag
            {
                CategoryId = categoryIds[def.CategoryCode],
                Code = def.Code,
                NameZh = def.NameZh,
                NameEn = def.NameEn,
                Description = def.Description,
                Kind = def.Kind,
                DataSource = def.DataSource,
                RefreshRule = def.Refresh,
                Sensitivity = Sensitivity.Internal,
                ExpiryDays = def.ExpiryDays,
                Status = TagStatus.Active,
                Version = 1,
                SortOrder = def.SortOrder,
                CreatedAt = data.Start,
                UpdatedAt = data.Start,
                // The generator computed the rule tags' assignments as of now; the predictive tag is trained by the first sweep.
                LastComputedAt = def.Kind == TagKind.Rule ? data.Now : null,
                ActivatedAt = data.Start,
                DefinitionJson = def.Definition is null ? null : TagDefinition.Parse(def.Definition).Definition!.ToJson(),
                Values = def.Values.Select((v, i) => new TagValue
                {
                    Code = v.Code, NameZh = v.NameZh, NameEn = v.NameEn, SortOrder = (i + 1) * 10,
                }).ToList(),
            });
        }
        if (newTags.Count > 0)
        {
            db.Tags.AddRange(newTags);
            await db.SaveChangesAsync(ct);
        }

        var tags = await db.Tags.AsNoTracking().Where(t => tagCodes.Contains(t.Code)).Select(t => new { t.Id, t.Code }).ToListAsync(ct);
        var tagIds = tags.ToDictionary(t => t.Code, t => t.Id);
        var ids = tagIds.Values.ToList();
        var values = await db.TagValues.AsNoTracking().Where(v => ids.Contains(v.TagId)).Select(v => new { v.TagId, v.Code, v.Id }).ToListAsync(ct);
        var codeById = tags.ToDictionary(t => t.Id, t => t.Code);
        var valueIds = values.ToDictionary(v => (codeById[v.TagId], v.Code), v => v.Id);
        db.ChangeTracker.Clear();
        return new Taxonomy(tagIds, valueIds, categoriesCreated, newTags.Count, newTags.Sum(t => t.Values.Count));
    }

    private static List<TagAssignment> BuildAssignments(DemoDataSet data, Taxonomy taxonomy)
    {
        var list = new List<TagAssignment>(data.Assignments.Count);
        foreach (var a in data.Assignments)
        {
            var tagValueId = 0;
            // A tag that existed before the seed may lack one of the demo values: skip those assignments.
            if (a.ValueCode is not null && !taxonomy.ValueIds.TryGetValue((a.TagCode, a.ValueCode), out tagValueId)) continue;
            list.Add(new TagAssignment
            {
                Id = list.Count + 1,
                CustomerId = a.CustomerId,
                TagId = taxonomy.TagIds[a.TagCode],
                TagValueId = tagValueId,
                Source = a.Source,
                SourceRef = SourceRef,
                AssignedBy = a.Source == AssignmentSource.Manual ? "demo" : null,
                AssignedAt = a.AssignedAt,
                ExpiresAt = a.ExpiresAt,
            });
        }
        return list;
    }

    // ------------------------------------------------------------------ writers

    /// <summary>SQLite: one prepared insert per table inside the transaction, with the generated ids (tables are empty).</summary>
    private void InsertWithCommands(DemoDataSet data, List<TagAssignment> assignments, DbTransaction transaction, Stopwatch clock, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        void Insert<T>(string label, List<T> rows) where T : class =>
            ModelBulkInsert.Insert(db, connection, transaction, rows, done => Progress(label, done, rows.Count, clock), ct);

        Insert("customers", data.Customers);
        Insert("identities", data.Identities);
        Insert("events", data.Events);
        Insert("event properties", data.EventProperties);
        Insert("orders", data.Orders);
        Insert("order lines", data.OrderLines);
        Insert("tag assignments", assignments);
        Insert("accounts", data.Accounts);
        Insert("account members", data.AccountMembers);
    }

    /// <summary>
    /// Other providers: batched SaveChanges without change detection. Keys are left to the database (identity columns
    /// reject or ignore explicit values), so customer ids are remapped to the generated ones.
    /// </summary>
    private async Task InsertWithEntityFrameworkAsync(DemoDataSet data, List<TagAssignment> assignments, Stopwatch clock, CancellationToken ct)
    {
        var detect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            var customerIds = new long[data.Customers.Count + 1];
            await SaveInChunksAsync("customers", data.Customers, c =>
            {
                c.Id = 0;
                foreach (var identity in c.Identities) identity.Id = identity.CustomerId = 0;
            }, (c, index) => customerIds[index + 1] = c.Id, clock, ct);

            await SaveInChunksAsync("events", data.Events, e =>
            {
                e.Id = 0;
                e.CustomerId = customerIds[e.CustomerId];
                foreach (var property in e.Properties) property.EventId = 0;
            }, null, clock, ct);

            await SaveInChunksAsync("orders", data.Orders, o =>
            {
                o.Id = 0;
                o.CustomerId = customerIds[o.CustomerId];
                foreach (var line in o.Lines) line.Id = line.OrderId = 0;
            }, null, clock, ct);

            await SaveInChunksAsync("tag assignments", assignments, a =>
            {
                a.Id = 0;
                a.CustomerId = customerIds[a.CustomerId];
            }, null, clock, ct);

            await SaveInChunksAsync("accounts", data.Accounts, a =>
            {
                a.Id = 0;
                foreach (var member in a.Members) (member.AccountId, member.CustomerId) = (0, customerIds[member.CustomerId]);
            }, null, clock, ct);
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = detect;
        }
    }

    private async Task SaveInChunksAsync<T>(
        string label, List<T> rows, Action<T> prepare, Action<T, int>? saved, Stopwatch clock, CancellationToken ct)
        where T : class
    {
        for (var start = 0; start < rows.Count; start += EfChunkSize)
        {
            var end = Math.Min(rows.Count, start + EfChunkSize);
            for (var i = start; i < end; i++)
            {
                prepare(rows[i]);
                db.Add(rows[i]);
            }
            await db.SaveChangesAsync(ct);
            if (saved is not null)
                for (var i = start; i < end; i++) saved(rows[i], i);
            db.ChangeTracker.Clear();
            if (end % 50_000 == 0 || end == rows.Count) Progress(label, end, rows.Count, clock);
        }
    }

    private void Progress(string label, int done, int total, Stopwatch clock) =>
        logger.LogInformation("Seeding demo workspace: {Label} {Done}/{Total} ({Seconds:F1} s)", label, done, total, clock.Elapsed.TotalSeconds);

    private sealed class FixedTime(DateTime utcNow) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => DateTime.SpecifyKind(utcNow, DateTimeKind.Utc);
    }
}
