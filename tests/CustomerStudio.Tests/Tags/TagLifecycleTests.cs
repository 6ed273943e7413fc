using CustomerStudio.Core.Data;
using CustomerStudio.Core.Segments;
using CustomerStudio.Core.Tags;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Tests.Tags;

public class TagLifecycleTests(TagWorld world) : IClassFixture<TagWorld>
{
    private const string Buyers = """{"rules":[{"condition":{"orders":"count","op":"gte","value":1}}]}""";
    private const string BigBuyers = """{"rules":[{"condition":{"orders":"sum","op":"gte","value":1000}}]}""";

    private static string Code(string name, DatabaseProvider provider) => $"{name}_{(provider == DatabaseProvider.Sqlite ? "s" : "p")}";

    private TagDraft Draft(string code, int category, string? definition = Buyers, TagKind kind = TagKind.Rule) =>
        new(category, code, "买家" + code, "Buyer " + code, "至少一笔已支付订单", kind, "orders",
            kind == TagKind.Manual ? RefreshRule.Manual : RefreshRule.Daily, null, false, null, Sensitivity.Internal, null, [], kind == TagKind.Manual ? null : definition);

    [Theory]
    [MemberData(nameof(TagWorld.Providers), MemberType = typeof(TagWorld))]
    public async Task A_marketer_proposes_in_an_open_category_and_governance_activates_it(DatabaseProvider provider)
    {
        await using var db = world.For(provider).CreateContext();
        var s = TagWorld.ServicesFor(db);
        var code = Code("buyer", provider);

        var refused = await s.Tags.SaveAsync(null, Draft(code, world.CoreCategory), TagWorld.Marketer);
        Assert.Equal("NotAllowed", Assert.Single(refused.Errors).Code);

        var saved = await s.Tags.SaveAsync(null, Draft(code, world.MarketingCategory), TagWorld.Marketer);
        Assert.True(saved.Ok, string.Join("; ", saved.Errors));
        var id = saved.Tag!.Id;
        Assert.Equal(TagStatus.Draft, saved.Tag.Status);

        Assert.True((await s.Tags.SubmitAsync(id, TagWorld.Marketer)).Ok);
        Assert.Equal(TagStatus.InReview, (await db.Tags.AsNoTracking().SingleAsync(t => t.Id == id)).Status);

        // Marketers may propose but never activate.
        var selfApproval = await s.Tags.ApproveAsync(id, "looks good", TagWorld.Marketer);
        Assert.Equal("ApproveNotAllowed", Assert.Single(selfApproval.Errors).Code);
        Assert.Equal(TagStatus.InReview, (await db.Tags.AsNoTracking().SingleAsync(t => t.Id == id)).Status);

        // A rejection needs a reason and sends the tag back to draft.
        Assert.Equal("CommentRequired", Assert.Single((await s.Tags.RejectAsync(id, " ", TagWorld.Governance)).Errors).Code);
        Assert.True((await s.Tags.RejectAsync(id, "说明业务含义", TagWorld.Governance)).Ok);
        Assert.Equal(TagStatus.Draft, (await db.Tags.AsNoTracking().SingleAsync(t => t.Id == id)).Status);
        var rejected = await db.TagRevisions.AsNoTracking().SingleAsync(r => r.TagId == id);
        Assert.Equal((RevisionStatus.Rejected, "说明业务含义", "gov-1"), (rejected.Status, rejected.ReviewComment, rejected.ReviewedBy));

        Assert.True((await s.Tags.SubmitAsync(id, TagWorld.Marketer)).Ok);
        var approved = await s.Tags.ApproveAsync(id, "ok", TagWorld.Governance);
        Assert.True(approved.Ok, string.Join("; ", approved.Errors));
        var tag = await db.Tags.AsNoTracking().SingleAsync(t => t.Id == id);
        Assert.Equal(TagStatus.Active, tag.Status);
        Assert.Equal(TagWorld.Now, tag.ActivatedAt);
        Assert.Equal(2, tag.Version);
        // A, B and D have paid orders; the merged-away customer never counts.
        Assert.Equal(3, approved.Recompute!.Coverage);
        Assert.Equal(3, await db.TagAssignments.CountAsync(a => a.TagId == id && a.Source == AssignmentSource.Rule));
        Assert.Equal(3, await db.TagCoverageSnapshots.Where(c => c.TagId == id).Select(c => c.Customers).SingleAsync());

        var audit = await db.AuditEntries.AsNoTracking().Where(a => a.EntityType == "Tag" && a.EntityId == id.ToString()).OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(["created", "submitted", "rejected", "submitted", "approved"], audit.Select(a => a.Action));
        Assert.All(audit, a => Assert.NotNull(a.AfterJson));
        Assert.Contains("\"Status\":\"Active\"", audit[^1].AfterJson);
        Assert.Contains("\"Status\":\"InReview\"", audit[^1].BeforeJson);
    }

    [Theory]
    [MemberData(nameof(TagWorld.Providers), MemberType = typeof(TagWorld))]
    public async Task An_active_tags_rule_change_waits_for_review_as_a_new_version(DatabaseProvider provider)
    {
        await using var db = world.For(provider).CreateContext();
        var s = TagWorld.ServicesFor(db);
        var code = Code("versioned", provider);
        var id = await ActivateAsync(s, Draft(code, world.CoreCategory));
        Assert.Equal(3, await s.Assignments.CoverageAsync(id));

        var tag = await db.Tags.AsNoTracking().Include(t => t.Values).SingleAsync(t => t.Id == id);
        var change = TagService.DraftOf(tag) with { DefinitionJson = BigBuyers, Description = "累计实付 ≥ 1000" };
        var proposed = await s.Tags.SaveAsync(id, change, TagWorld.Governance);
        Assert.True(proposed.Ok && proposed.PendingReview, string.Join("; ", proposed.Errors));

        // Until approved, the tag keeps computing with the rule it went live with; the card text changes at once.
        var live = await db.Tags.AsNoTracking().SingleAsync(t => t.Id == id);
        Assert.Contains("\"count\"", live.DefinitionJson);
        Assert.Equal("累计实付 ≥ 1000", live.Description);
        Assert.Equal(TagStatus.Active, live.Status);
        Assert.Equal(3, (await s.Rules.RecomputeAsync(id)).Coverage);

        // The code of a live tag is fixed: conditions refer to it.
        var renamed = await s.Tags.SaveAsync(id, change with { Code = code + "_x" }, TagWorld.Governance);
        Assert.Equal("CodeFixed", Assert.Single(renamed.Errors).Code);

        var approved = await s.Tags.ApproveAsync(id, "同意", TagWorld.Governance);
        Assert.True(approved.Ok, string.Join("; ", approved.Errors));
        Assert.Equal((0, 2, 1), (approved.Recompute!.Added, approved.Recompute.Removed, approved.Recompute.Coverage));
        var after = await db.Tags.AsNoTracking().SingleAsync(t => t.Id == id);
        Assert.Contains("\"sum\"", after.DefinitionJson);
        Assert.Equal(2, after.Version);
        // A still qualifies: its assignment from version 1 is not rewritten.
        Assert.Equal("v1", await db.TagAssignments.Where(a => a.TagId == id).Select(a => a.SourceRef).SingleAsync());
        Assert.Equal([RevisionStatus.Approved, RevisionStatus.Approved],
            await db.TagRevisions.Where(r => r.TagId == id).OrderBy(r => r.Version).Select(r => r.Status).ToListAsync());
        Assert.Equal(2, await db.TagAssignmentHistory.CountAsync(h => h.TagId == id && h.Action == AssignmentAction.Removed));
    }

    [Theory]
    [MemberData(nameof(TagWorld.Providers), MemberType = typeof(TagWorld))]
    public async Task A_tag_cannot_be_archived_while_a_segment_uses_it_and_keeps_its_history_when_archived(DatabaseProvider provider)
    {
        await using var db = world.For(provider).CreateContext();
        var s = TagWorld.ServicesFor(db);
        var code = Code("archivable", provider);
        var id = await ActivateAsync(s, Draft(code, world.CoreCategory));
        var segmentCode = Code("uses_tag", provider);
        db.Segments.Add(new Segment { Code = segmentCode, Name = "Uses the tag", Kind = SegmentKind.Dynamic,
            DefinitionJson = $$"""{"tag":"{{code}}"}""", CreatedAt = TagWorld.Now, UpdatedAt = TagWorld.Now });
        await db.SaveChangesAsync();

        Assert.Equal("WrongStatus", Assert.Single((await s.Tags.ArchiveAsync(id, TagWorld.Governance)).Errors).Code);
        var deprecated = await s.Tags.DeprecateAsync([id, 999_999], "replaced", TagWorld.Governance);
        Assert.True(deprecated[id].Ok);
        Assert.Equal("UnknownTag", Assert.Single(deprecated[999_999].Errors).Code);

        var blocked = await s.Tags.ArchiveAsync(id, TagWorld.Governance);
        var error = Assert.Single(blocked.Errors);
        Assert.Equal("TagInUse", error.Code);
        Assert.Contains("segment " + segmentCode, error.Args[1]);
        Assert.Contains(segmentCode, error.Message(System.Globalization.CultureInfo.GetCultureInfo("zh-CN")));

        await db.Segments.Where(x => x.Code == segmentCode).ExecuteDeleteAsync();
        Assert.Equal("ApproveNotAllowed", Assert.Single((await s.Tags.ArchiveAsync(id, TagWorld.Marketer)).Errors).Code);
        Assert.True((await s.Tags.ArchiveAsync(id, TagWorld.Governance)).Ok);
        Assert.Equal(TagStatus.Archived, (await db.Tags.AsNoTracking().SingleAsync(t => t.Id == id)).Status);
        Assert.Equal(0, await db.TagAssignments.CountAsync(a => a.TagId == id));
        Assert.Equal(3, await db.TagAssignmentHistory.CountAsync(h => h.TagId == id && h.Action == AssignmentAction.Added));
        Assert.Equal(3, await db.TagAssignmentHistory.CountAsync(h => h.TagId == id && h.Action == AssignmentAction.Removed && h.SourceRef == "archived"));

        // Conditions can no longer name it.
        var compiled = await Core.Conditions.Audience.CompileAsync(db, $$"""{"tag":"{{code}}"}""", TagWorld.Now);
        Assert.Equal("UnknownTag", Assert.Single(compiled.Errors).Code);

        var tag = await db.Tags.AsNoTracking().Include(t => t.Values).SingleAsync(t => t.Id == id);
        Assert.Equal("TagArchived", Assert.Single((await s.Tags.SaveAsync(id, TagService.DraftOf(tag), TagWorld.Governance)).Errors).Code);
    }

    [Theory]
    [MemberData(nameof(TagWorld.Providers), MemberType = typeof(TagWorld))]
    public async Task Only_a_never_activated_draft_can_be_deleted(DatabaseProvider provider)
    {
        await using var db = world.For(provider).CreateContext();
        var s = TagWorld.ServicesFor(db);
        var draft = await s.Tags.SaveAsync(null, Draft(Code("scratch", provider), world.MarketingCategory), TagWorld.Marketer);
        Assert.True((await s.Tags.DeleteDraftAsync(draft.Tag!.Id, TagWorld.Marketer)).Ok);
        Assert.False(await db.Tags.AnyAsync(t => t.Id == draft.Tag.Id));

        var live = await ActivateAsync(s, Draft(Code("live", provider), world.CoreCategory));
        Assert.Equal("OnlyDraftsDeleted", Assert.Single((await s.Tags.DeleteDraftAsync(live, TagWorld.Governance)).Errors).Code);
    }

    [Theory]
    [MemberData(nameof(TagWorld.Providers), MemberType = typeof(TagWorld))]
    public async Task The_card_is_validated_field_by_field_with_json_paths_into_the_rules(DatabaseProvider provider)
    {
        await using var db = world.For(provider).CreateContext();
        var s = TagWorld.ServicesFor(db);
        var bad = Draft("Bad Code", world.CoreCategory, """{"match":"first","rules":[{"value":"gold","condition":{"attr":"nope","op":"eq","value":1}}]}""")
            with { NameEn = " ", ExpiryDays = 0, Values = [new("high", "高", "High"), new("high", "高", "High")] };
        var result = await s.Tags.SaveAsync(null, bad, TagWorld.Governance);
        Assert.False(result.Ok);
        var errors = result.Errors.Select(e => (e.Path, e.Code)).ToList();
        Assert.Contains(("code", "InvalidCode"), errors);
        Assert.Contains(("nameEn", "Required"), errors);
        Assert.Contains(("expiryDays", "ExpiryDaysRange"), errors);
        Assert.Contains(("values[1].code", "DuplicateCode"), errors);
        Assert.Contains(("definition.rules[0].value", "UnknownTagValue"), errors);
        Assert.Contains(("definition.rules[0].condition.attr", "UnknownField"), errors);
        Assert.All(result.Errors, e => Assert.DoesNotContain("{0}", e.Message(System.Globalization.CultureInfo.GetCultureInfo("en"))));

        var selfRef = Code("selfref", provider);
        var selfJson = "{\"rules\":[{\"condition\":{\"not\":{\"tag\":\"" + selfRef + "\"}}}]}";
        var loop = await s.Tags.SaveAsync(null, Draft(selfRef, world.CoreCategory, selfJson), TagWorld.Governance);
        Assert.Contains(loop.Errors, e => e.Code is "TagSelfReference" or "UnknownTag");

        var predictive = await s.Tags.SaveAsync(null, Draft(Code("risk", provider), world.CoreCategory,
            """{"model":{"target":"churn","horizonDays":3,"thresholds":[{"min":0.2},{"min":0.5}]}}""", TagKind.Predictive), TagWorld.Governance);
        Assert.Contains(predictive.Errors, e => e is { Path: "definition.model.horizonDays", Code: "HorizonRange" });
        Assert.Contains(predictive.Errors, e => e is { Path: "definition.model.thresholds[1].min", Code: "ThresholdsDescending" });
    }

    [Theory]
    [MemberData(nameof(TagWorld.Providers), MemberType = typeof(TagWorld))]
    public async Task Similar_names_codes_and_identical_rules_are_flagged(DatabaseProvider provider)
    {
        await using var db = world.For(provider).CreateContext();
        var s = TagWorld.ServicesFor(db);
        var first = Code("high_value", provider);
        Assert.True((await s.Tags.SaveAsync(null, Draft(first, world.CoreCategory) with { NameZh = "高价值客户" + provider, NameEn = "High value " + provider }, TagWorld.Governance)).Ok);

        var twin = await s.Tags.SaveAsync(null, Draft(Code("highvalue", provider), world.CoreCategory) with { NameZh = "高价值客户" + provider + "!", NameEn = "Valuable " + provider },
            TagWorld.Governance);
        Assert.True(twin.Ok);
        Assert.Contains(twin.Warnings, w => w.Code == "SimilarName" && w.OtherCode == first);
        Assert.Contains(twin.Warnings, w => w.Code == "SameRule" && w.OtherCode == first);
        Assert.Contains(first, twin.Warnings.First(w => w.OtherCode == first).Message(System.Globalization.CultureInfo.GetCultureInfo("zh-CN")));
    }

    [Theory]
    [MemberData(nameof(TagWorld.Providers), MemberType = typeof(TagWorld))]
    public async Task Categories_are_governed_moved_without_cycles_and_inherit_editor_roles(DatabaseProvider provider)
    {
        await using var db = world.For(provider).CreateContext();
        var s = TagWorld.ServicesFor(db);
        var code = Code("cat", provider);
        Assert.Equal("NotAllowed", Assert.Single((await s.Tags.SaveCategoryAsync(null, new CategoryDraft(null, code, "类", "Cat", null), TagWorld.Marketer)).Errors).Code);
        var (parent, errors) = await s.Tags.SaveCategoryAsync(null, new CategoryDraft(null, code, "父", "Parent", "Marketer, Nobody"), TagWorld.Governance);
        Assert.Equal(("editorRoles", "UnknownRole"), (Assert.Single(errors).Path, errors[0].Code));
        (parent, _) = await s.Tags.SaveCategoryAsync(null, new CategoryDraft(null, code, "父", "Parent", "Marketer"), TagWorld.Governance);
        var (child, _) = await s.Tags.SaveCategoryAsync(null, new CategoryDraft(parent!.Id, code + "_c", "子", "Child", null), TagWorld.Governance);

        Assert.Equal("CategoryCycle", Assert.Single(await s.Tags.MoveCategoryAsync(parent.Id, child!.Id, 0, TagWorld.Governance)).Code);
        var permissions = new TagPermissions(await db.TagCategories.AsNoTracking().ToListAsync());
        Assert.True(permissions.CanEdit(TagWorld.Marketer, child.Id));
        Assert.False(permissions.CanEdit(TagWorld.Marketer, world.CoreCategory));

        // A marketer may move a tag between categories they can edit, never into a governance-only one.
        var tag = await s.Tags.SaveAsync(null, Draft(Code("movable", provider), child.Id), TagWorld.Marketer);
        Assert.Empty(await s.Tags.MoveTagAsync(tag.Tag!.Id, parent.Id, 0, TagWorld.Marketer));
        Assert.Equal("NotAllowed", Assert.Single(await s.Tags.MoveTagAsync(tag.Tag.Id, world.CoreCategory, 0, TagWorld.Marketer)).Code);
        Assert.Equal("CategoryNotEmpty", Assert.Single(await s.Tags.DeleteCategoryAsync(parent.Id, TagWorld.Governance)).Code);
        Assert.Empty(await s.Tags.DeleteCategoryAsync(child.Id, TagWorld.Governance));
    }

    [Theory]
    [MemberData(nameof(TagWorld.Providers), MemberType = typeof(TagWorld))]
    public async Task Approving_a_predictive_tag_without_enough_history_activates_it_and_says_why_it_has_no_scores(DatabaseProvider provider)
    {
        await using var db = world.For(provider).CreateContext();
        var clock = new TagWorld.Clock(TagWorld.Now);
        var assignments = new TagAssignments(db, clock);
        var rules = new TagRuleEngine(db, assignments, clock);
        var service = new TagService(db, rules, clock, new TagPredictions(db, assignments, clock));
        var draft = Draft(Code("churn", provider), world.CoreCategory,
            """{"model":{"target":"churn","horizonDays":90,"thresholds":[{"value":"high","min":0.5},{"value":"low","min":0}]}}""", TagKind.Predictive)
            with { Values = [new("high", "高", "High"), new("low", "低", "Low")] };
        var saved = await service.SaveAsync(null, draft, TagWorld.Governance);
        Assert.True(saved.Ok, string.Join("; ", saved.Errors));
        Assert.True((await service.SubmitAsync(saved.Tag!.Id, TagWorld.Governance)).Ok);
        var approved = await service.ApproveAsync(saved.Tag.Id, null, TagWorld.Governance);
        Assert.True(approved.Ok);
        Assert.Equal(TagStatus.Active, (await db.Tags.AsNoTracking().SingleAsync(t => t.Id == saved.Tag.Id)).Status);
        Assert.Contains("cannot be trained", approved.ComputeError);
    }

    [Fact]
    public void A_failing_tag_computation_is_retried_after_a_growing_pause()
    {
        var backoff = new TagRefreshBackoff();
        var now = TagWorld.Now;
        Assert.True(backoff.MayTry(7, now));
        Assert.Equal(now.AddMinutes(5), backoff.Failed(7, now));
        Assert.False(backoff.MayTry(7, now.AddMinutes(4)));
        Assert.True(backoff.MayTry(7, now.AddMinutes(5)));
        Assert.Equal(now.AddMinutes(15), backoff.Failed(7, now.AddMinutes(5)));
        for (var i = 0; i < 10; i++) backoff.Failed(7, now);
        Assert.Equal(now.AddHours(6), backoff.Failed(7, now));
        backoff.Succeeded(7);
        Assert.True(backoff.MayTry(7, now));
    }

    [Theory]
    [MemberData(nameof(TagWorld.Providers), MemberType = typeof(TagWorld))]
    public async Task A_seeded_live_tag_changes_as_version_2_and_a_group_of_one_is_the_same_rule(DatabaseProvider provider)
    {
        await using var db = world.For(provider).CreateContext();
        var s = TagWorld.ServicesFor(db);
        var seeded = new Tag
        {
            CategoryId = world.CoreCategory, Code = Code("seeded", provider), NameZh = "种子" + provider, NameEn = "Seeded " + provider, Kind = TagKind.Rule,
            Status = TagStatus.Active, Version = 1, ActivatedAt = TagWorld.Now, CreatedAt = TagWorld.Now, UpdatedAt = TagWorld.Now, RefreshRule = RefreshRule.Daily,
            DefinitionJson = TagDefinition.Parse(Buyers).Definition!.ToJson(),
        };
        db.Tags.Add(seeded);
        await db.SaveChangesAsync();
        var audits = await db.AuditEntries.CountAsync();

        // The builder's {"all":[x]} is the stored x: no revision, no audit entry, and it is the same rule as the tag itself.
        var wrapped = TagService.DraftOf(seeded) with { DefinitionJson = """{"rules":[{"condition":{"all":[{"orders":"count","op":"gte","value":1}]}}]}""" };
        var same = await s.Tags.SaveAsync(seeded.Id, wrapped, TagWorld.Governance);
        Assert.True(same.Ok && !same.PendingReview);
        Assert.Equal(audits, await db.AuditEntries.CountAsync());
        Assert.False(await db.TagRevisions.AnyAsync(r => r.TagId == seeded.Id));
        var twin = await s.Tags.WarningsAsync(null, wrapped with { Code = Code("twin", provider), NameZh = "别的", NameEn = "Other" });
        Assert.Contains(twin, w => w.Code == "SameRule" && w.OtherCode == seeded.Code);

        var changed = await s.Tags.SaveAsync(seeded.Id, TagService.DraftOf(seeded) with { DefinitionJson = BigBuyers }, TagWorld.Governance);
        Assert.True(changed.PendingReview);
        Assert.Equal(2, await db.TagRevisions.Where(r => r.TagId == seeded.Id).Select(r => r.Version).SingleAsync());
        Assert.True((await s.Tags.ApproveAsync(seeded.Id, null, TagWorld.Governance)).Ok);
        Assert.Equal(2, (await db.Tags.AsNoTracking().SingleAsync(t => t.Id == seeded.Id)).Version);
    }

    internal static async Task<int> ActivateAsync(TagWorld.Services s, TagDraft draft)
    {
        var saved = await s.Tags.SaveAsync(null, draft, TagWorld.Governance);
        Assert.True(saved.Ok, string.Join("; ", saved.Errors));
        Assert.True((await s.Tags.SubmitAsync(saved.Tag!.Id, TagWorld.Governance)).Ok);
        var approved = await s.Tags.ApproveAsync(saved.Tag.Id, null, TagWorld.Governance);
        Assert.True(approved.Ok, string.Join("; ", approved.Errors));
        return saved.Tag.Id;
    }
}
