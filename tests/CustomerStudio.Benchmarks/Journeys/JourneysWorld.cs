using System.Data.Common;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Journeys;
using CustomerStudio.Core.Journeys.Definition;
using CustomerStudio.Core.Segments;
using CustomerStudio.Core.Templates;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace CustomerStudio.Benchmarks.Journeys;

/// <summary>
/// One fresh SQLite file as the studio would have it (migrated by the product: WAL, the shipped indexes; the studio's
/// connection settings), holding N customers, the segment 高意向 (<c>bench_high_intent</c>), the e-mail template
/// <c>bench_welcome</c> and the published journey <see cref="Json"/>. The engine's file and the hand SQL's file are
/// built the same way from the same seed, so both hold the same rows with the same ids.
/// </summary>
public sealed class JourneysWorld : IDbContextFactory<StudioDbContext>
{
    public const string SegmentCode = "bench_high_intent";
    public const string TemplateCode = "bench_welcome";
    public const string JourneyCode = "bench_nurture";
    public const string TriggerNode = "entered";
    public const string WaitNode = "pause";
    public const string WebhookUrl = "http://127.0.0.1:9/crm";
    public const string TemplateSubject = "欢迎 {{name}}";
    public const string TemplateBody = "<p>您好 {{name}}，感谢关注！我们在 {{city}} 的顾问会尽快联系您。</p>";

    /// <summary>Segment entry → A/B split → welcome e-mail (a) or CRM webhook (b) → join → wait a day → exit.</summary>
    public const string Json = $$"""
        {
          "schemaVersion": "1.0",
          "entry": { "mode": "once" },
          "messages": { "useWorkspaceLimits": false },
          "nodes": [
            { "id": "{{TriggerNode}}", "kind": "segment_entered", "settings": { "segment": "{{SegmentCode}}" } },
            { "id": "split", "kind": "ab_split", "settings": { "variants": [{ "port": "a", "weight": 50 }, { "port": "b", "weight": 50 }] } },
            { "id": "welcome", "kind": "send_email", "settings": { "template": "{{TemplateCode}}" } },
            { "id": "hook", "kind": "webhook", "settings": { "url": "{{WebhookUrl}}", "payload": { "source": "bench" } } },
            { "id": "join", "kind": "join" },
            { "id": "{{WaitNode}}", "kind": "wait", "settings": { "duration": "P1D" } },
            { "id": "done", "kind": "exit" }
          ],
          "edges": [
            { "from": "{{TriggerNode}}", "port": "next", "to": "split" },
            { "from": "split", "port": "a", "to": "welcome" },
            { "from": "split", "port": "b", "to": "hook" },
            { "from": "welcome", "port": "next", "to": "join" },
            { "from": "hook", "port": "next", "to": "join" },
            { "from": "join", "port": "next", "to": "{{WaitNode}}" },
            { "from": "{{WaitNode}}", "port": "next", "to": "done" }
          ]
        }
        """;

    /// <summary>Every 40th customer has unsubscribed from e-mail, every 50th has no address (both are passed by, not sent).</summary>
    public static bool OptedOut(long id) => id % 40 == 0;
    public static bool NoEmail(long id) => id % 50 == 0;

    private static readonly string[] Cities = ["上海", "杭州", "南京", "苏州", "北京", "深圳", "广州", "成都"];
    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"];

    public string Path { get; }
    public string ConnectionString { get; }
    public int Customers { get; }
    public int JourneyId { get; private set; }
    public int VersionId { get; private set; }
    public int SegmentId { get; private set; }
    /// <summary>Commit times of the transactions of every context this world hands out (the engine's batches).</summary>
    public CommitRecorder Commits { get; } = new();
    private readonly DbContextOptions<StudioDbContext> _options;

    private JourneysWorld(string path, int customers, IInterceptor[] extra)
    {
        Path = System.IO.Path.GetFullPath(path);
        Customers = customers;
        // As the studio opens its file (StudioDatabase.ResolveConnectionString): pooled, 30 s busy timeout.
        ConnectionString = new SqliteConnectionStringBuilder { DataSource = Path, Pooling = true, DefaultTimeout = 30 }.ToString();
        var builder = new DbContextOptionsBuilder<StudioDbContext>();
        StudioDatabase.Configure(builder, DatabaseProvider.Sqlite, ConnectionString);
        builder.AddInterceptors([Commits, .. extra]);
        _options = builder.Options;
    }

    public StudioDbContext CreateDbContext() => new(_options);

    public static void Delete(string path)
    {
        foreach (var f in new[] { path, path + "-wal", path + "-shm" })
            if (File.Exists(f)) File.Delete(f);
    }

    /// <summary>Creates the file: migrations, customers (bulk), segment, template, the published journey.</summary>
    public static async Task<JourneysWorld> CreateAsync(string path, int customers, DateTime now, CancellationToken ct, params IInterceptor[] extra)
    {
        Delete(System.IO.Path.GetFullPath(path));
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var world = new JourneysWorld(path, customers, extra);
        await using var db = world.CreateDbContext();
        await StudioDatabase.MigrateAsync(db, DatabaseProvider.Sqlite, ct);

        var people = new List<Customer>(customers);
        for (var i = 1; i <= customers; i++)
            people.Add(new Customer
            {
                Id = i, Name = Surnames[i % Surnames.Length] + "客户" + i, City = Cities[i % Cities.Length], Province = "浙江",
                Email = NoEmail(i) ? null : $"c{i}@example.com", Phone = $"+86138{i:00000000}", EmailOptOut = OptedOut(i),
                Company = i % 3 == 0 ? "示例科技" : null, CreatedAt = now.AddDays(-30), UpdatedAt = now.AddDays(-30),
            });
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            ModelBulkInsert.Insert(db, db.Database.GetDbConnection(), tx.GetDbTransaction(), people, null, ct);
            await tx.CommitAsync(ct);
        }

        var segment = new Segment { Code = SegmentCode, Name = "高意向", Kind = SegmentKind.Static, CreatedAt = now, UpdatedAt = now };
        db.Segments.Add(segment);
        db.EmailTemplates.Add(new EmailTemplate { Code = TemplateCode, Name = "欢迎", Subject = TemplateSubject, BodyHtml = TemplateBody, Language = "zh-CN", UpdatedAt = now });
        var parsed = JourneyDefinitionJson.Parse(Json);
        if (!parsed.Ok) throw new BenchmarkException("the benchmark journey does not validate: " + string.Join("; ", parsed.Errors.Select(e => $"{e.Path}: {e.Code}")));
        var journey = new Journey { Code = JourneyCode, Name = "高意向培育", Status = JourneyStatus.Published, DraftJson = Json, PublishedVersion = 1, CreatedAt = now, UpdatedAt = now };
        db.Journeys.Add(journey);
        await db.SaveChangesAsync(ct);
        var version = new JourneyVersion { JourneyId = journey.Id, Version = 1, DefinitionJson = Json, PublishedAt = now };
        db.JourneyVersions.Add(version);
        await db.SaveChangesAsync(ct);
        world.JourneyId = journey.Id;
        world.VersionId = version.Id;
        world.SegmentId = segment.Id;
        return world;
    }

    /// <summary>Every customer enters the segment: a membership and an "entered" log row each, in customer order, as a refresh writes them.</summary>
    public async Task EnterSegmentAsync(DateTime at, CancellationToken ct)
    {
        await using var db = CreateDbContext();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var ids = Enumerable.Range(1, Customers).Select(i => (long)i).ToList();
        await ModelBulkInsert.InsertAsync(db, tx, ids.Select(id => new SegmentMembership { SegmentId = SegmentId, CustomerId = id, EnteredAt = at }).ToList(), ct);
        await ModelBulkInsert.InsertAsync(db, tx, ids.Select(id => new SegmentMembershipLog { SegmentId = SegmentId, CustomerId = id, Change = MembershipChange.Entered, At = at }).ToList(), ct);
        await db.Segments.Where(s => s.Id == SegmentId).ExecuteUpdateAsync(u => u.SetProperty(s => s.MemberCount, Customers).SetProperty(s => s.LastRefreshedAt, at), ct);
        await tx.CommitAsync(ct);
    }

    public SqliteConnection Open()
    {
        var c = new SqliteConnection(ConnectionString);
        c.Open();
        return c;
    }

    public async Task<long> ScalarAsync(string sql, CancellationToken ct)
    {
        await using var c = Open();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>Records when each transaction committed (wall clock, UTC): the moment a batch's work became durable.</summary>
public sealed class CommitRecorder : DbTransactionInterceptor
{
    private readonly List<DateTime> _commits = [];

    public List<DateTime> Snapshot()
    {
        lock (_commits) return [.. _commits];
    }

    public void Clear()
    {
        lock (_commits) _commits.Clear();
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
    {
        var at = DateTime.UtcNow;
        lock (_commits) _commits.Add(at);
    }

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionCommitted(transaction, eventData);
        return Task.CompletedTask;
    }
}
