using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Journeys;
using CustomerStudio.Core.Journeys.Definition;
using CustomerStudio.Core.Journeys.Runtime;
using CustomerStudio.Core.Segments;
using CustomerStudio.Core.Tags;
using CustomerStudio.Core.Templates;
using CustomerStudio.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace CustomerStudio.Tests.Journeys;

/// <summary>
/// A small workspace for the journey runtime on a real database: customers (one opted out of e-mail, one without a
/// phone), a segment, a manual tag with values, e-mail templates, a sales owner; journeys are published straight into
/// the tables (the designer's service is not needed to run them). Time is a settable clock.
/// </summary>
public sealed class JourneyWorld : IAsyncDisposable
{
    /// <summary>A Tuesday, 10:00 in Shanghai.</summary>
    public static readonly DateTime Start = new(2026, 6, 16, 2, 0, 0, DateTimeKind.Utc);

    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.PostgreSql];

    public sealed class Clock(DateTime now) : TimeProvider
    {
        public DateTime Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => new(Now, TimeSpan.Zero);
        public void Advance(TimeSpan by) => Now += by;
    }

    public sealed class Factory(TestDatabase database) : IDbContextFactory<StudioDbContext>
    {
        public StudioDbContext CreateDbContext() => database.CreateContext();
    }

    public required TestDatabase Database { get; init; }
    public required Clock Time { get; init; }
    public required Factory Dbs { get; init; }
    public required JourneyEngine Engine { get; init; }
    public required JourneyTriggers Triggers { get; init; }
    public required List<long> Customers { get; init; }
    public required int SegmentId { get; init; }
    public long OptedOut => Customers[3];
    public const string OwnerId = "owner-1";

    public static async Task<JourneyWorld> CreateAsync(DatabaseProvider provider, int customers = 6)
    {
        var database = await TestDatabase.CreateAsync(provider);
        var clock = new Clock(Start);
        var dbs = new Factory(database);
        await using var db = database.CreateContext();
        db.Users.Add(new Core.Security.StudioUser { Id = OwnerId, UserName = "sales@customerstudio.local", Email = "sales@customerstudio.local", NormalizedUserName = "SALES@CUSTOMERSTUDIO.LOCAL" });
        var people = Enumerable.Range(0, customers).Select(i => new Customer
        {
            Name = $"客户{i}", Email = $"c{i}@example.com", Phone = i == 4 ? null : $"+86138000000{i:00}", City = "杭州", OwnerId = OwnerId,
            Company = i % 2 == 0 ? "阿里" : null, EmailOptOut = i == 3, CreatedAt = Start, UpdatedAt = Start,
        }).ToList();
        db.Customers.AddRange(people);
        var segment = new Segment { Code = "high_intent", Name = "高意向", Kind = SegmentKind.Static, CreatedAt = Start, UpdatedAt = Start };
        db.Segments.Add(segment);
        var category = new TagCategory { Code = "journey_test", NameZh = "测试", NameEn = "Test" };
        db.TagCategories.Add(category);
        await db.SaveChangesAsync();
        db.Tags.Add(new Tag
        {
            CategoryId = category.Id, Code = "hot_lead", NameZh = "热线索", NameEn = "Hot lead", Kind = TagKind.Manual, Status = TagStatus.Active,
            CreatedAt = Start, UpdatedAt = Start,
        });
        db.EmailTemplates.AddRange(
            new EmailTemplate { Code = "welcome", Name = "欢迎", Subject = "欢迎 {{name}}", BodyHtml = "<p>您好 {{name}}，欢迎！</p>", Language = "zh-CN", UpdatedAt = Start },
            new EmailTemplate { Code = "case_study", Name = "案例", Subject = "客户案例", BodyHtml = "<p>案例</p>", Language = "zh-CN", UpdatedAt = Start });
        await db.SaveChangesAsync();
        return new JourneyWorld
        {
            Database = database, Time = clock, Dbs = dbs, Customers = people.Select(p => p.Id).ToList(), SegmentId = segment.Id,
            Engine = new JourneyEngine(dbs, clock, new ThrowingLogger<JourneyEngine>()),
            Triggers = new JourneyTriggers(dbs, clock, new ThrowingLogger<JourneyTriggers>()),
        };
    }

    public StudioDbContext Db() => Database.CreateContext();

    /// <summary>Publishes a journey (version 1) from its JSON; returns its id.</summary>
    public async Task<int> PublishAsync(string code, string json)
    {
        var parsed = JourneyDefinitionJson.Parse(json);
        Assert.True(parsed.Ok, string.Join("; ", parsed.Errors.Select(e => $"{e.Path}: {e.Code}")));
        await using var db = Db();
        var journey = new Journey { Code = code, Name = code, Status = JourneyStatus.Published, DraftJson = json, PublishedVersion = 1, CreatedAt = Time.Now, UpdatedAt = Time.Now };
        db.Journeys.Add(journey);
        await db.SaveChangesAsync();
        db.JourneyVersions.Add(new JourneyVersion { JourneyId = journey.Id, Version = 1, DefinitionJson = json, PublishedAt = Time.Now });
        await db.SaveChangesAsync();
        return journey.Id;
    }

    public async Task<EnrollResult> EnrollAsync(int journeyId, params long[] customers)
    {
        await using var db = Db();
        return await JourneyEnrollment.EnrollManuallyAsync(db, journeyId, customers, Time.Now);
    }

    /// <summary>Runs the engine until nothing is due now.</summary>
    public async Task<int> RunAsync()
    {
        var steps = 0;
        for (var i = 0; i < 100; i++)
        {
            var (instances, taken) = await Engine.AdvanceDueAsync();
            steps += taken;
            if (instances == 0) break;
        }
        return steps;
    }

    public async Task<List<JourneyInstance>> InstancesAsync(int journeyId)
    {
        await using var db = Db();
        return await db.JourneyInstances.AsNoTracking().Where(i => i.JourneyId == journeyId).OrderBy(i => i.CustomerId).ThenBy(i => i.Id).ToListAsync();
    }

    public async Task<List<JourneyStepLog>> StepsAsync(long instanceId)
    {
        await using var db = Db();
        return await db.JourneyStepLog.AsNoTracking().Where(s => s.InstanceId == instanceId).OrderBy(s => s.Id).ToListAsync();
    }

    public async Task<List<OutboxMessage>> OutboxAsync()
    {
        await using var db = Db();
        return await db.Outbox.AsNoTracking().OrderBy(o => o.Id).ToListAsync();
    }

    public async Task AddEventAsync(long customerId, string type, params (string Key, string Value)[] properties)
    {
        await using var db = Db();
        db.Events.Add(new CustomerEvent
        {
            CustomerId = customerId, Type = type, OccurredAt = Time.Now, ReceivedAt = Time.Now,
            Properties = properties.Select(p => new EventProperty { Key = p.Key, Value = p.Value }).ToList(),
        });
        await db.SaveChangesAsync();
    }

    public async Task EnterSegmentAsync(params long[] customers)
    {
        await using var db = Db();
        foreach (var id in customers)
        {
            // Re-entering: the member left in between (the refresh logs an exit, then an entry).
            if (await db.SegmentMemberships.AnyAsync(m => m.SegmentId == SegmentId && m.CustomerId == id)) continue;
            db.SegmentMemberships.Add(new SegmentMembership { SegmentId = SegmentId, CustomerId = id, EnteredAt = Time.Now });
        }
        foreach (var id in customers)
        {
            db.SegmentMembershipLog.Add(new SegmentMembershipLog { SegmentId = SegmentId, CustomerId = id, Change = MembershipChange.Entered, At = Time.Now });
        }
        await db.SaveChangesAsync();
    }

    public ValueTask DisposeAsync() => Database.DisposeAsync();
}

/// <summary>A logger that fails the test on errors: the runtime logs and carries on, a test must not.</summary>
public sealed class ThrowingLogger<T> : Microsoft.Extensions.Logging.ILogger<T>
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;
    public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception,
        Func<TState, Exception?, string> formatter)
    {
        if (logLevel >= Microsoft.Extensions.Logging.LogLevel.Error) throw new InvalidOperationException(formatter(state, exception), exception);
    }
}
