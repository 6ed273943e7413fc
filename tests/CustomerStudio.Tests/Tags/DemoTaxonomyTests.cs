using CustomerStudio.Core.Demo;
using CustomerStudio.Core.Tags;
using CustomerStudio.Tests.Demo;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Tests.Tags;

/// <summary>The demo workspace's rule tags carry real conditions that reproduce what the seeder assigned.</summary>
public sealed class DemoTaxonomyTests
{
    private static readonly DateTime Now = new(2026, 11, 24, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task Every_demo_rule_tag_recomputes_to_what_the_seeder_assigned()
    {
        await using var database = await TempSqliteDatabase.CreateAsync();
        await database.SeedAsync(new DemoSeedOptions { Customers = 2_000, Events = 20_000, Orders = 3_000, Now = Now });
        await using var db = database.CreateContext();
        var s = TagWorld.ServicesFor(db, Now);

        var ruleTags = await db.Tags.AsNoTracking().Include(t => t.Values).Where(t => t.Kind == TagKind.Rule).ToListAsync();
        Assert.Equal(8, ruleTags.Count);
        foreach (var tag in ruleTags)
        {
            Assert.Empty(await s.Tags.ValidateAsync(tag.Id, TagService.DraftOf(tag)));
            var before = await s.Assignments.CoverageAsync(tag.Id);
            var result = await s.Rules.RecomputeAsync(tag.Id);
            var churn = result.Added + result.Removed + result.Changed;
            // The generator and the conditions agree; the 消费能力 tiers are fixed amounts that approximate the
            // generator's 20 % / 40 % split, so a few customers move between tiers.
            if (tag.Code == DemoReferenceData.SpendingPower) Assert.True(churn <= before / 20, $"{tag.Code}: {result}");
            else Assert.True(churn == 0, $"{tag.Code}: {result} (was {before})");
            Assert.True(result.Coverage > 0, tag.Code);
        }
    }

    [Fact]
    public async Task The_demo_taxonomy_lets_marketers_edit_marketing_and_engagement_only()
    {
        await using var database = await TempSqliteDatabase.CreateAsync();
        await database.SeedAsync(new DemoSeedOptions { Customers = 200, Events = 1_000, Orders = 200, Now = Now });
        await using var db = database.CreateContext();
        var categories = await db.TagCategories.AsNoTracking().ToListAsync();
        var permissions = new TagPermissions(categories);
        var editable = categories.Where(c => permissions.CanEdit(TagWorld.Marketer, c.Id)).Select(c => c.Code).Order().ToList();
        Assert.Equal(["engagement", "marketing", "marketing_lifecycle"], editable);
        Assert.All(categories, c => Assert.True(permissions.CanEdit(TagWorld.Governance, c.Id)));
        var churn = await db.Tags.AsNoTracking().SingleAsync(t => t.Code == DemoReferenceData.ChurnRisk);
        Assert.Equal(TagKind.Predictive, churn.Kind);
        Assert.NotNull(TagDefinition.Parse(churn.DefinitionJson).Definition!.Model);
    }
}
