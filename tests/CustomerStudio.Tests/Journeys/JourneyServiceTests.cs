using System.Globalization;
using System.Text.Json.Nodes;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Journeys;
using CustomerStudio.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Tests.Journeys;

public class JourneyServiceTests(JourneyWorkspaceWorld world) : IClassFixture<JourneyWorkspaceWorld>
{
    private static readonly Actor Marketer = new("u-marketer", "marketer@customerstudio.local") { Roles = [StudioRoles.Marketer] };
    private static readonly Actor Sales = new("u-sales", "sales@customerstudio.local") { Roles = [StudioRoles.Sales] };

    private sealed class FixedClock(DateTime now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static JourneyService Service(StudioDbContext db) => new(db, new FixedClock(JourneyWorkspaceWorld.Now));

    private static string Code(string stem, DatabaseProvider provider) => $"{stem}_{provider.ToString().ToLowerInvariant()}";

    private static JsonObject Fixture() => JsonNode.Parse(JourneyWorkspaceWorld.Fixture)!.AsObject();

    private async Task<Journey> CreateAsync(StudioDbContext db, string code, string? json = null)
    {
        var created = await Service(db).CreateAsync(new JourneyDraft(code, "高意向培育", "进入高意向人群后的培育", json ?? JourneyWorkspaceWorld.Fixture), Marketer);
        Assert.True(created.Ok, string.Join("; ", created.Errors));
        return created.Journey!;
    }

    [Theory]
    [MemberData(nameof(JourneyWorkspaceWorld.Providers), MemberType = typeof(JourneyWorkspaceWorld))]
    public async Task A_journey_is_created_as_a_draft_with_a_unique_valid_code(DatabaseProvider provider)
    {
        await using var db = world.For(provider).CreateContext();
        var service = Service(db);
        var code = Code("create", provider);
        var journey = await CreateAsync(db, code, "");
        Assert.Equal(JourneyStatus.Draft, journey.Status);
        Assert.Null(journey.PublishedVersion);
        Assert.Equal(JourneyService.EmptyDefinition, journey.DraftJson);
        Assert.Equal("u-marketer", journey.OwnerId);

        var taken = await service.CreateAsync(new JourneyDraft(code, "again"), Marketer);
        Assert.Equal(("code", "DuplicateCode"), (Assert.Single(taken.Errors).Path, taken.Errors[0].Code));
        var bad = await service.CreateAsync(new JourneyDraft("Bad-Code", " "), Marketer);
        Assert.Equal(["code InvalidCode", "name Required"], bad.Errors.Select(e => $"{e.Path} {e.Code}"));
        var notJson = await service.CreateAsync(new JourneyDraft(Code("notjson", provider), "x", null, "[1,2]"), Marketer);
        Assert.Equal("DraftNotObject", Assert.Single(notJson.Errors).Code);
    }

    [Theory]
    [MemberData(nameof(JourneyWorkspaceWorld.Providers), MemberType = typeof(JourneyWorkspaceWorld))]
    public async Task Only_marketers_and_admins_change_journeys(DatabaseProvider provider)
    {
        await using var db = world.For(provider).CreateContext();
        var service = Service(db);
        var refused = await service.CreateAsync(new JourneyDraft(Code("sales", provider), "销售的旅程"), Sales);
        Assert.Equal("JourneyNotAllowed", Assert.Single(refused.Errors).Code);
        var journey = await CreateAsync(db, Code("roles", provider));
        Assert.Equal("JourneyNotAllowed", Assert.Single((await service.PublishAsync(journey.Id, Sales)).Errors).Code);
        Assert.Equal("JourneyNotAllowed", Assert.Single((await service.SaveDraftAsync(journey.Id, new JourneyEdit("x", null, null), Sales)).Errors).Code);
        Assert.True((await service.PublishAsync(journey.Id, Actor.System)).Ok);
    }

    [Theory]
    [MemberData(nameof(JourneyWorkspaceWorld.Providers), MemberType = typeof(JourneyWorkspaceWorld))]
    public async Task An_invalid_draft_is_saved_but_publishing_it_is_refused_with_every_error_and_its_path(DatabaseProvider provider)
    {
        await using var db = world.For(provider).CreateContext();
        var service = Service(db);
        var journey = await CreateAsync(db, Code("invalid", provider));
        var json = Fixture();
        json["nodes"]![0]!["settings"]!["segment"] = "no_such_segment";
        json["nodes"]![1]!["settings"]!["template"] = "no_such_template";
        json["nodes"]![3]!["settings"]!["condition"] = new JsonObject { ["attr"] = "nope", ["op"] = "eq", ["value"] = 1 };
        json["nodes"]![4]!["settings"]!["tag"] = "big_spender";
        json["edges"]!.AsArray().RemoveAt(12); // join → done: join's port is left unconnected

        var saved = await service.SaveDraftAsync(journey.Id, new JourneyEdit(null, null, json.ToJsonString()), Marketer);
        Assert.True(saved.Ok, string.Join("; ", saved.Errors));
        Assert.NotEmpty(saved.DraftErrors);
        Assert.Contains("no_such_template", (await db.Journeys.AsNoTracking().SingleAsync(j => j.Id == journey.Id)).DraftJson);

        var published = await service.PublishAsync(journey.Id, Marketer);
        Assert.False(published.Ok);
        var errors = published.Errors.Select(e => $"{e.Path} {e.Code}").ToList();
        Assert.Contains("$.nodes[0].settings.segment UnknownSegment", errors);
        Assert.Contains("$.nodes[1].settings.template EmailTemplateNotFound", errors);
        Assert.Contains("$.nodes[3].settings.condition.attr UnknownField", errors);
        Assert.Contains("$.nodes[4].settings.tag TagIsComputed", errors);
        Assert.Contains("$.nodes[9] UnconnectedPort", errors);
        Assert.Equal(5, errors.Count);
        Assert.Equal("未知邮件模板“no_such_template”", published.Errors.Single(e => e.Code == "EmailTemplateNotFound").Message(CultureInfo.GetCultureInfo("zh-CN")));
        Assert.Equal("Unknown email template \"no_such_template\"", published.Errors.Single(e => e.Code == "EmailTemplateNotFound").Message(CultureInfo.GetCultureInfo("en")));

        var after = await db.Journeys.AsNoTracking().SingleAsync(j => j.Id == journey.Id);
        Assert.Equal((JourneyStatus.Draft, (int?)null), (after.Status, after.PublishedVersion));
        Assert.False(await db.JourneyVersions.AnyAsync(v => v.JourneyId == journey.Id));
    }

    [Theory]
    [MemberData(nameof(JourneyWorkspaceWorld.Providers), MemberType = typeof(JourneyWorkspaceWorld))]
    public async Task Tag_values_deprecated_tags_and_date_fields_are_checked_against_the_workspace(DatabaseProvider provider)
    {
        await using var db = world.For(provider).CreateContext();
        var json = Fixture();
        json["nodes"]![4]!["settings"] = new JsonObject { ["tag"] = "hot_lead", ["value"] = "lukewarm" };
        json["nodes"]![0] = JsonNode.Parse("""{ "id": "entered", "kind": "date_based", "settings": { "field": "province", "offsetDays": -3, "at": "09:00" } }""");
        json["nodes"]![5] = JsonNode.Parse("""{ "id": "notify", "kind": "add_tag", "settings": { "tag": "old_promo" } }""");
        var errors = await Service(db).ValidateAsync(json.ToJsonString());
        Assert.Equal(
            ["$.nodes[0].settings.field FieldNotDate", "$.nodes[4].settings.value UnknownTagValue", "$.nodes[5].settings.tag TagNotActive"],
            errors.Select(e => $"{e.Path} {e.Code}").Order());

        json["nodes"]![5]!["kind"] = "remove_tag"; // a deprecated tag may still be removed
        json["nodes"]![4]!["settings"]!["value"] = "hot";
        json["nodes"]![0]!["settings"]!["field"] = "birth_date";
        Assert.Empty(await Service(db).ValidateAsync(json.ToJsonString()));
    }

    [Theory]
    [MemberData(nameof(JourneyWorkspaceWorld.Providers), MemberType = typeof(JourneyWorkspaceWorld))]
    public async Task Publishing_creates_immutable_numbered_versions(DatabaseProvider provider)
    {
        await using var db = world.For(provider).CreateContext();
        var service = Service(db);
        var journey = await CreateAsync(db, Code("versions", provider));

        var first = await service.PublishAsync(journey.Id, Marketer);
        Assert.True(first.Ok, string.Join("; ", first.Errors));
        Assert.Equal(1, first.Version!.Version);
        var v1Json = first.Version.DefinitionJson;

        var json = Fixture();
        json["nodes"]![1]!["label"] = "新的欢迎邮件";
        Assert.True((await service.SaveDraftAsync(journey.Id, new JourneyEdit("高意向培育 v2", null, json.ToJsonString()), Marketer)).Ok);
        // The draft changed; the published version did not.
        Assert.Equal(v1Json, (await service.VersionAsync(journey.Id, 1))!.DefinitionJson);
        Assert.DoesNotContain("新的欢迎邮件", v1Json);

        var second = await service.PublishAsync(journey.Id, Marketer);
        Assert.Equal(2, second.Version!.Version);
        Assert.Contains("新的欢迎邮件", second.Version.DefinitionJson);
        Assert.Equal(v1Json, (await service.VersionAsync(journey.Id, 1))!.DefinitionJson);

        var stored = await db.Journeys.AsNoTracking().SingleAsync(j => j.Id == journey.Id);
        Assert.Equal((JourneyStatus.Published, (int?)2), (stored.Status, stored.PublishedVersion));
        Assert.Equal([2, 1], (await service.VersionsAsync(journey.Id)).Select(v => v.Version));
        Assert.All(await service.VersionsAsync(journey.Id), v => Assert.Equal("u-marketer", v.PublishedBy));
    }

    [Theory]
    [MemberData(nameof(JourneyWorkspaceWorld.Providers), MemberType = typeof(JourneyWorkspaceWorld))]
    public async Task Instances_stay_on_their_version_when_a_new_one_is_published(DatabaseProvider provider)
    {
        await using var db = world.For(provider).CreateContext();
        var service = Service(db);
        var journey = await CreateAsync(db, Code("running", provider));
        var v1 = (await service.PublishAsync(journey.Id, Marketer)).Version!;
        db.JourneyInstances.Add(new JourneyInstance
        {
            JourneyId = journey.Id, JourneyVersionId = v1.Id, CustomerId = world.Customers[provider][0], Status = InstanceStatus.Waiting,
            CurrentNodeId = "wait_demo", StartedAt = JourneyWorkspaceWorld.Now, UpdatedAt = JourneyWorkspaceWorld.Now,
        });
        await db.SaveChangesAsync();
        var v2 = (await service.PublishAsync(journey.Id, Marketer)).Version!;
        Assert.NotEqual(v1.Id, v2.Id);
        var instance = await db.JourneyInstances.AsNoTracking().SingleAsync(i => i.JourneyId == journey.Id);
        Assert.Equal((v1.Id, "wait_demo", InstanceStatus.Waiting), (instance.JourneyVersionId, instance.CurrentNodeId, instance.Status));
    }

    [Theory]
    [MemberData(nameof(JourneyWorkspaceWorld.Providers), MemberType = typeof(JourneyWorkspaceWorld))]
    public async Task Pause_resume_and_archive_follow_the_status(DatabaseProvider provider)
    {
        await using var db = world.For(provider).CreateContext();
        var service = Service(db);
        var journey = await CreateAsync(db, Code("lifecycle", provider));
        Assert.Equal("JourneyNotPublished", Assert.Single((await service.PauseAsync(journey.Id, Marketer)).Errors).Code);
        Assert.True((await service.PublishAsync(journey.Id, Marketer)).Ok);
        Assert.Equal("JourneyNotPaused", Assert.Single((await service.ResumeAsync(journey.Id, Marketer)).Errors).Code);

        Assert.Equal(JourneyStatus.Paused, (await service.PauseAsync(journey.Id, Marketer)).Journey!.Status);
        // Publishing while paused adds a version and keeps the journey paused.
        var republished = await service.PublishAsync(journey.Id, Marketer);
        Assert.Equal((JourneyStatus.Paused, 2), (republished.Journey!.Status, republished.Version!.Version));
        Assert.Equal(JourneyStatus.Published, (await service.ResumeAsync(journey.Id, Marketer)).Journey!.Status);

        Assert.Equal(JourneyStatus.Archived, (await service.ArchiveAsync(journey.Id, Marketer)).Journey!.Status);
        Assert.Equal("JourneyArchived", Assert.Single((await service.PublishAsync(journey.Id, Marketer)).Errors).Code);
        Assert.Equal("JourneyArchived", Assert.Single((await service.SaveDraftAsync(journey.Id, new JourneyEdit("x", null, null), Marketer)).Errors).Code);
        Assert.Equal("JourneyArchived", Assert.Single((await service.ResumeAsync(journey.Id, Marketer)).Errors).Code);
        Assert.Equal("UnknownJourney", Assert.Single((await service.PauseAsync(-1, Marketer)).Errors).Code);
    }

    [Theory]
    [MemberData(nameof(JourneyWorkspaceWorld.Providers), MemberType = typeof(JourneyWorkspaceWorld))]
    public async Task Duplicating_copies_the_draft_into_a_new_draft_and_only_unpublished_drafts_are_deleted(DatabaseProvider provider)
    {
        await using var db = world.For(provider).CreateContext();
        var service = Service(db);
        var journey = await CreateAsync(db, Code("original", provider));
        Assert.True((await service.PublishAsync(journey.Id, Marketer)).Ok);
        Assert.True((await service.ArchiveAsync(journey.Id, Marketer)).Ok);

        var copyCode = await service.FreeCodeAsync(Code("original", provider));
        Assert.Equal(Code("original", provider) + "_2", copyCode);
        var copy = await service.DuplicateAsync(journey.Id, copyCode, "高意向培育（副本）", Marketer);
        Assert.True(copy.Ok, string.Join("; ", copy.Errors));
        Assert.Equal((JourneyStatus.Draft, (int?)null), (copy.Journey!.Status, copy.Journey.PublishedVersion));
        Assert.Equal(journey.DraftJson, copy.Journey.DraftJson);

        Assert.Equal("JourneyPublishedNotDeleted", Assert.Single((await service.DeleteAsync(journey.Id, Marketer)).Errors).Code);
        Assert.True((await service.DeleteAsync(copy.Journey.Id, Marketer)).Ok);
        Assert.False(await db.Journeys.AnyAsync(j => j.Id == copy.Journey.Id));
    }

    [Theory]
    [MemberData(nameof(JourneyWorkspaceWorld.Providers), MemberType = typeof(JourneyWorkspaceWorld))]
    public async Task A_save_based_on_an_older_copy_is_refused(DatabaseProvider provider)
    {
        await using var db = world.For(provider).CreateContext();
        var service = Service(db);
        var journey = await CreateAsync(db, Code("stale", provider));
        var loaded = journey.UpdatedAt;
        var clock = new FixedClock(JourneyWorkspaceWorld.Now.AddMinutes(5));
        await using (var other = world.For(provider).CreateContext())
            Assert.True((await new JourneyService(other, clock).SaveDraftAsync(journey.Id, new JourneyEdit("别人改过", null, null), Marketer)).Ok);
        db.ChangeTracker.Clear();
        var stale = await service.SaveDraftAsync(journey.Id, new JourneyEdit("我的修改", null, null), Marketer, basedOn: loaded);
        Assert.Equal("JourneyChangedMeanwhile", Assert.Single(stale.Errors).Code);
    }

    [Theory]
    [MemberData(nameof(JourneyWorkspaceWorld.Providers), MemberType = typeof(JourneyWorkspaceWorld))]
    public async Task Every_change_is_audited_with_before_and_after(DatabaseProvider provider)
    {
        await using var db = world.For(provider).CreateContext();
        var service = Service(db);
        var journey = await CreateAsync(db, Code("audited", provider));
        await service.SaveDraftAsync(journey.Id, new JourneyEdit("新名字", null, null), Marketer);
        await service.SaveDraftAsync(journey.Id, new JourneyEdit("新名字", null, null), Marketer); // unchanged: no entry
        await service.PublishAsync(journey.Id, Marketer);
        await service.PauseAsync(journey.Id, Marketer);
        await service.ResumeAsync(journey.Id, Marketer);
        await service.ArchiveAsync(journey.Id, Marketer);

        var audit = await db.AuditEntries.AsNoTracking().Where(a => a.EntityType == "Journey" && a.EntityId == journey.Id.ToString())
            .OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(["created", "updated", "published", "paused", "resumed", "archived"], audit.Select(a => a.Action));
        Assert.Null(audit[0].BeforeJson);
        Assert.Contains("高意向培育", audit[1].BeforeJson);
        Assert.Contains("新名字", audit[1].AfterJson);
        Assert.Contains("\"Status\":\"Draft\"", audit[2].BeforeJson);
        Assert.Contains("\"Version\":1", audit[2].AfterJson);
        Assert.Contains("\"Status\":\"Archived\"", audit[5].AfterJson);
        Assert.All(audit, a => Assert.Equal("marketer@customerstudio.local", a.UserName));
    }

    [Fact]
    public async Task Enrolling_too_many_customers_at_once_is_refused_with_the_count_and_the_limit()
    {
        await using var db = world.For(DatabaseProvider.Sqlite).CreateContext();
        var journey = await CreateAsync(db, "enrol_limit");
        var result = await new CustomerStudio.Core.Journeys.Runtime.JourneyOperations(db, TimeProvider.System)
            .EnrollAsync(journey.Id, Enumerable.Range(1, 100_001).Select(i => (long)i).ToList(), Marketer);
        var error = Assert.Single(result.Errors);
        Assert.Equal(("customerIds", 0), (error.Path, result.Enrolled));
        Assert.Equal("customerIds 含 100001 个客户，每次最多 100000 个", error.Message(CultureInfo.GetCultureInfo("zh-CN")));
        Assert.Equal("customerIds lists 100001 customers; at most 100000 per call", error.Message(CultureInfo.GetCultureInfo("en")));
    }

    [Fact]
    public void Journey_messages_are_not_shadowed_by_a_code_of_the_same_name_in_the_condition_or_definition_messages()
    {
        // ConditionError looks codes up in the condition, definition and journey messages in that order: the first wins.
        static HashSet<string> Keys(string file) => System.Xml.Linq.XDocument.Load(Path.Combine(Infrastructure.RepoPaths.Root, "src", "CustomerStudio.Core", file))
            .Root!.Elements("data").Select(d => d.Attribute("name")!.Value).ToHashSet();
        var journey = Keys("Journeys/JourneyMessages.resx");
        Assert.Empty(journey.Intersect(Keys("Conditions/ConditionMessages.resx")));
        Assert.Empty(journey.Intersect(Keys("Definitions/DefinitionMessages.resx")));
        Assert.Equal(journey, Keys("Journeys/JourneyMessages.zh-CN.resx"));
    }
}
