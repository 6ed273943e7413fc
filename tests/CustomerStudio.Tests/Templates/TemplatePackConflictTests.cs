using System.Text;
using System.Text.Json.Nodes;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Definitions;
using CustomerStudio.Core.Journeys.Definition;
using CustomerStudio.Core.Security;
using CustomerStudio.Core.Tags;
using CustomerStudio.Core.Templates;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Tests.Templates;

public class TemplatePackConflictTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.PostgreSql];

    private static readonly Dictionary<string, ConflictChoice> NoChoices = [];

    /// <summary>A workspace that already has its own "repeat_buyer" tag (same code, another meaning) in its own category.</summary>
    private static async Task SeedOwnRepeatBuyerAsync(StudioDbContext db)
    {
        var clock = new Tags.TagWorld.Clock(PackWorld.Now);
        var tags = new TagService(db, new TagRuleEngine(db, new TagAssignments(db, clock), clock), clock);
        var (category, _) = await tags.SaveCategoryAsync(null, new CategoryDraft(null, "purchase", "消费行为", "Purchase behaviour", null), PackWorld.Admin);
        var saved = await tags.SaveAsync(null, new TagDraft(category!.Id, "repeat_buyer", "复购客户", "Repeat buyer", "历史累计两单以上", TagKind.Rule, "orders",
            RefreshRule.Daily, null, false, null, Sensitivity.Public, null, [], """{"rules":[{"condition":{"orders":"count","op":"gte","value":2}}]}"""), PackWorld.Admin);
        Assert.True(saved.Ok, string.Join("; ", saved.Errors));
    }

    private static byte[] Bytes(JsonNode json) => Encoding.UTF8.GetBytes(json.ToJsonString());

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_conflict_needs_a_choice_and_rename_installs_under_a_new_code_with_references_following(DatabaseProvider provider)
    {
        await using var database = await PackWorld.EmptyWorkspaceAsync(provider);
        await using (var db = database.CreateContext()) await SeedOwnRepeatBuyerAsync(db);
        var retail = JsonNode.Parse(PackWorld.Bundled("retail"))!;
        // A segment in the pack uses the pack's repeat_buyer: after a rename it must use the renamed tag.
        retail["segments"]!.AsArray().Add(JsonNode.Parse("""{"code":"loyal_repeaters","nameZh":"忠实复购","nameEn":"Loyal repeaters","condition":{"tag":"repeat_buyer"}}"""));

        await using (var db = database.CreateContext())
        {
            var (_, diff) = await PackWorld.Service(db).DiffAsync(Bytes(retail));
            var conflict = Assert.Single(diff!.Conflicts);
            Assert.Equal("Tag:repeat_buyer", conflict.Key.ToString());
            Assert.Equal("repeat_buyer_2", conflict.RenameTo);
            Assert.Contains("definition", conflict.Differences);

            var refused = await PackWorld.Service(db).InstallAsync(Bytes(retail), NoChoices, PackWorld.Admin);
            Assert.Equal("ConflictNeedsChoice", Assert.Single(refused.Errors).Code);
        }
        await using (var db = database.CreateContext())
        {
            var result = await PackWorld.Service(db).InstallAsync(Bytes(retail), new Dictionary<string, ConflictChoice> { ["Tag:repeat_buyer"] = ConflictChoice.Rename }, PackWorld.Admin);
            Assert.True(result.Ok, string.Join("\n", result.Errors));
            Assert.Equal("repeat_buyer_2", result.Renamed["Tag:repeat_buyer"]);
            Assert.Contains(result.Items, i => i.Key.Code == "repeat_buyer_2" && i.Outcome == "renamed");
        }
        await using (var check = database.CreateContext())
        {
            var mine = await check.Tags.SingleAsync(t => t.Code == "repeat_buyer");
            Assert.Contains("\"value\":2}", mine.DefinitionJson);
            Assert.DoesNotContain("P365D", mine.DefinitionJson);
            Assert.Contains("P365D", (await check.Tags.SingleAsync(t => t.Code == "repeat_buyer_2")).DefinitionJson);
            Assert.Equal("""{"tag":"repeat_buyer_2","op":"has"}""", (await check.Segments.SingleAsync(s => s.Code == "loyal_repeaters")).DefinitionJson);

            // The rename is remembered: the same version again changes nothing and asks nothing.
            var (_, again) = await PackWorld.Service(check).DiffAsync(Bytes(retail));
            Assert.True(again!.NothingToDo, string.Join(", ", again.Items.Where(i => i.Change != PackChange.Unchanged).Select(i => i.Key)));
            var reinstall = await PackWorld.Service(check).InstallAsync(Bytes(retail), NoChoices, PackWorld.Admin);
            Assert.True(reinstall.Ok, string.Join("\n", reinstall.Errors));
            Assert.All(reinstall.Items, i => Assert.Equal("unchanged", i.Outcome));
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Skip_keeps_the_workspace_item_and_overwrite_replaces_it_as_a_new_approved_version(DatabaseProvider provider)
    {
        await using var database = await PackWorld.EmptyWorkspaceAsync(provider);
        await using (var db = database.CreateContext()) await SeedOwnRepeatBuyerAsync(db);
        var retail = PackWorld.Bundled("retail");
        await using (var db = database.CreateContext())
        {
            var skipped = await PackWorld.Service(db).InstallAsync(retail, new Dictionary<string, ConflictChoice> { ["Tag:repeat_buyer"] = ConflictChoice.Skip }, PackWorld.Admin);
            Assert.True(skipped.Ok, string.Join("\n", skipped.Errors));
            Assert.Contains(skipped.Items, i => i.Key.Code == "repeat_buyer" && i.Outcome == "skipped");
        }
        await using (var db = database.CreateContext())
        {
            Assert.DoesNotContain("P365D", (await db.Tags.SingleAsync(t => t.Code == "repeat_buyer")).DefinitionJson);
            // The same version again: the conflict is still there; overwriting it replaces the tag.
            var overwritten = await PackWorld.Service(db).InstallAsync(retail, new Dictionary<string, ConflictChoice> { ["Tag:repeat_buyer"] = ConflictChoice.Overwrite }, PackWorld.Admin);
            Assert.True(overwritten.Ok, string.Join("\n", overwritten.Errors));
            Assert.Equal("overwritten", Assert.Single(overwritten.Items, i => i.Outcome != "unchanged").Outcome);
        }
        await using (var check = database.CreateContext())
        {
            var tag = await check.Tags.SingleAsync(t => t.Code == "repeat_buyer");
            Assert.Contains("P365D", tag.DefinitionJson);
            Assert.Equal(2, tag.Version);
            Assert.Equal(TagStatus.Active, tag.Status);
            Assert.True(await check.TagRevisions.AnyAsync(r => r.TagId == tag.Id && r.Version == 2 && r.Status == RevisionStatus.Approved));
            Assert.True(await check.AuditEntries.AnyAsync(a => a.EntityType == nameof(Tag) && a.EntityId == tag.Id.ToString() && a.Action == "updated from template"));
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_failure_in_the_last_item_leaves_nothing_installed(DatabaseProvider provider)
    {
        await using var database = await PackWorld.EmptyWorkspaceAsync(provider);
        await using (var db = database.CreateContext())
        {
            var service = PackWorld.Service(db);
            var (validation, diff) = await service.DiffAsync(PackWorld.Bundled("retail"));
            var last = diff!.Items.OrderBy(i => i.Key.Kind).Last().Key;
            service.FailBefore = key => key == last;
            await Assert.ThrowsAsync<InvalidOperationException>(() => service.InstallAsync(PackWorld.Bundled("retail"), NoChoices, PackWorld.Admin));
        }
        await using var check = database.CreateContext();
        Assert.False(await check.TagCategories.AnyAsync());
        Assert.False(await check.CustomFields.AnyAsync());
        Assert.False(await check.Tags.AnyAsync());
        Assert.False(await check.Segments.AnyAsync());
        Assert.False(await check.EmailTemplates.AnyAsync());
        Assert.False(await check.InstalledTemplates.AnyAsync());
        Assert.False(await check.AuditEntries.AnyAsync());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_newer_version_upgrades_its_own_items_by_code_and_an_edited_item_becomes_a_conflict(DatabaseProvider provider)
    {
        await using var database = await PackWorld.EmptyWorkspaceAsync(provider);
        await using (var db = database.CreateContext())
            Assert.True((await PackWorld.Service(db).InstallAsync(PackWorld.Bundled("retail"), NoChoices, PackWorld.Admin)).Ok);
        await using (var db = database.CreateContext())
        {
            // Someone edits one installed segment in the workspace.
            var segment = await db.Segments.SingleAsync(s => s.Code == "rfm_hibernating");
            segment.DefinitionJson = """{"rfm":"segment","op":"in","value":["general_retain","general_keep"]}""";
            await db.SaveChangesAsync();
        }
        var v2 = JsonNode.Parse(PackWorld.Bundled("retail"))!;
        v2["version"] = "1.1.0";
        v2["tags"]![2]!["description"] = "最近一笔已支付订单在90到180天前（v1.1 说明更新）。";
        v2["segments"]![3]!["description"] = "R、F、M 均低（v1.1）。";
        // v1.1 no longer ships the cart abandoners segment.
        v2["segments"]!.AsArray().RemoveAt(6);
        v2["segments"]!.AsArray().Add(JsonNode.Parse("""{"code":"big_baskets","nameZh":"大额订单客户","nameEn":"Big baskets","condition":{"tag":"order_value_tier","values":["high"]}}"""));

        await using (var db = database.CreateContext())
        {
            var (_, diff) = await PackWorld.Service(db).DiffAsync(Bytes(v2));
            Assert.Equal("1.0.0", diff!.InstalledVersion);
            Assert.Equal(PackChange.Changed, diff.Items.Single(i => i.Key.Code == "lapsing_buyer").Change);
            Assert.Equal(PackChange.New, diff.Items.Single(i => i.Key.Code == "big_baskets").Change);
            Assert.Equal(PackChange.Conflict, diff.Items.Single(i => i.Key.Code == "rfm_hibernating").Change);
            Assert.Equal(PackChange.Unchanged, diff.Items.Single(i => i.Key.Code == "winback").Change);
            // What v1.0 installed and v1.1 dropped is listed (with the workspace's copy), and will be kept, not removed.
            var dropped = Assert.Single(diff.Items, i => i.Change == PackChange.Dropped);
            Assert.Equal((new PackItemKey(PackItemKind.Segment, "cart_abandoners"), "加购未买人群"), (dropped.Key, dropped.Name));
            Assert.NotNull(dropped.Workspace);
            Assert.Null(dropped.Pack);

            var result = await PackWorld.Service(db).InstallAsync(Bytes(v2), new Dictionary<string, ConflictChoice> { ["Segment:rfm_hibernating"] = ConflictChoice.Skip }, PackWorld.Admin);
            Assert.True(result.Ok, string.Join("\n", result.Errors));
            Assert.Equal("upgraded", result.Items.Single(i => i.Key.Code == "lapsing_buyer").Outcome);
            Assert.Equal("kept", result.Items.Single(i => i.Key.Code == "cart_abandoners").Outcome);
        }
        await using (var db = database.CreateContext())
        {
            // Still recorded as this pack's: the same version again lists it as dropped again, and changes nothing.
            var (_, again) = await PackWorld.Service(db).DiffAsync(Bytes(v2));
            Assert.Equal(PackChange.Dropped, again!.Items.Single(i => i.Key.Code == "cart_abandoners").Change);
        }
        await using (var check = database.CreateContext())
        {
            Assert.Equal("1.1.0", (await check.InstalledTemplates.SingleAsync()).Version);
            Assert.Contains("v1.1", (await check.Tags.SingleAsync(t => t.Code == "lapsing_buyer")).Description);
            Assert.Equal(2, (await check.Tags.SingleAsync(t => t.Code == "lapsing_buyer")).Version);
            Assert.Contains("general_keep", (await check.Segments.SingleAsync(s => s.Code == "rfm_hibernating")).DefinitionJson);
            Assert.True(await check.Segments.AnyAsync(s => s.Code == "big_baskets"));
            Assert.True(await check.Segments.AnyAsync(s => s.Code == "cart_abandoners"));
            var older = await PackWorld.Service(check).InstallAsync(PackWorld.Bundled("retail"), NoChoices, PackWorld.Admin);
            Assert.Equal("OlderVersion", Assert.Single(older.Errors).Code);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task An_exported_workspace_installs_cleanly_into_an_empty_one(DatabaseProvider provider)
    {
        await using var source = await PackWorld.EmptyWorkspaceAsync(provider);
        await using (var db = source.CreateContext())
            foreach (var code in new[] { "retail", "b2b-tech", "education", "finance" })
            {
                var r = await PackWorld.Service(db).InstallAsync(PackWorld.Bundled(code), NoChoices, PackWorld.Admin);
                Assert.True(r.Ok, code + ": " + string.Join("\n", r.Errors));
            }

        // Governance retired one tag: it travels as deprecated, not as a live tag.
        await using (var db = source.CreateContext())
            await db.Tags.Where(t => t.Code == "lost_buyer").ExecuteUpdateAsync(u => u.SetProperty(t => t.Status, TagStatus.Deprecated));

        string whole, subset;
        await using (var db = source.CreateContext())
        {
            var export = await PackWorld.Service(db).ExportAsync(new PackExportRequest("my-workspace", "1.0.0", "我的工作区", "My workspace"));
            Assert.Empty(export.Skipped);
            whole = export.Json;
            var part = await PackWorld.Service(db).ExportAsync(new PackExportRequest("winback-only", "1.0.0", "召回", "Win-back",
                Selection: [new PackItemKey(PackItemKind.Journey, "winback")]));
            subset = part.Json;
            // The journey brings its segment, the segment's tags and their categories, and both languages of its emails.
            Assert.Contains(part.Pack.Segments, s => s.Code == "winback_candidates");
            Assert.Contains(part.Pack.Tags, t => t.Code == "lost_buyer");
            Assert.Contains(part.Pack.Tags, t => t.Code == "vip_care");
            Assert.Contains(part.Pack.Categories, c => c.Code == "retail");
            Assert.Equal(4, part.Pack.EmailTemplates.Count);
            Assert.DoesNotContain(part.Pack.Segments, s => s.Code == "rfm_champions");
        }

        foreach (var json in new[] { whole, subset })
        {
            await using var target = await PackWorld.EmptyWorkspaceAsync(provider);
            await using var db = target.CreateContext();
            var bytes = Encoding.UTF8.GetBytes(json);
            var result = await PackWorld.Service(db).InstallAsync(bytes, NoChoices, PackWorld.Admin);
            Assert.True(result.Ok, string.Join("\n", result.Errors));
            await using var again = target.CreateContext();
            Assert.Equal(TagStatus.Deprecated, await again.Tags.Where(t => t.Code == "lost_buyer").Select(t => t.Status).SingleAsync());
            Assert.Equal(TagStatus.Active, await again.Tags.Where(t => t.Code == "vip_care").Select(t => t.Status).SingleAsync());
            var (_, diff) = await PackWorld.Service(again).DiffAsync(bytes);
            Assert.All(diff!.Items, i => Assert.Equal(PackChange.Unchanged, i.Change));
        }
        // The export is itself valid against the published pack schema.
        Assert.Empty(DefinitionSchemas.Validate(DefinitionSchemas.Load("template-pack"), JsonNode.Parse(whole), "$"));
    }
}
