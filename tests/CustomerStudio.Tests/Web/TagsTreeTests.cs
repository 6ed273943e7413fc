using AngleSharp.Dom;
using Bunit;
using CustomerStudio.Web.Features.Tags.Tree;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Tests.Web;

public class TagsTreeTests : TagStudioTestBase, IClassFixture<TagStudioWorld>
{
    public TagsTreeTests(TagStudioWorld world) : base(world) { }

    private IRenderedComponent<TagTree> ShowTree()
    {
        var cut = Render<TagTree>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid^=category-node-]")), Wait);
        return cut;
    }

    private static IElement Node(IRenderedComponent<TagTree> cut, string code) => cut.Find($"[data-testid=tag-node-{code}]");

    private static IElement Header(IRenderedComponent<TagTree> cut, string category) =>
        cut.Find($"[data-testid=category-node-{category}] > [data-testid=category-header]");

    /// <summary>Tag codes in the order the tree shows them under a category (its own tags, not its sub-categories').</summary>
    private static List<string> TagsUnder(IRenderedComponent<TagTree> cut, string category) =>
        [.. cut.Find($"[data-testid=category-node-{category}] > [role=group]").Children
            .Select(e => e.GetAttribute("data-testid") ?? "").Where(id => id.StartsWith("tag-node-")).Select(id => id["tag-node-".Length..])];

    private async Task<(int CategoryId, int SortOrder)> PlaceAsync(string code)
    {
        await using var db = World.Database.CreateContext();
        return await db.Tags.Where(t => t.Code == code).Select(t => ValueTuple.Create(t.CategoryId, t.SortOrder)).SingleAsync();
    }

    [Fact]
    public void The_tree_shows_categories_sub_categories_and_tags_with_status_and_coverage()
    {
        SignIn(TagStudioWorld.Governance);
        var cut = ShowTree();

        var engagement = cut.Find("[data-testid=category-node-engagement]");
        Assert.NotNull(engagement.QuerySelector("[data-testid=category-node-engagement_sub]"));
        Assert.Contains("互动偏好", engagement.QuerySelector("[data-testid=category-header]")!.TextContent);
        Assert.Equal(["loyal", "vip_list", "secret_flag", "old_flag", "retired_flag"], TagsUnder(cut, "governed"));

        var buyers = Node(cut, "buyers");
        Assert.Equal("inreview", buyers.GetAttribute("data-status"));
        Assert.Contains("审核中", buyers.QuerySelector("[data-testid=tag-status]")!.TextContent);
        Assert.Equal("0", buyers.QuerySelector("[data-testid=tag-coverage]")!.TextContent.Trim());
        Assert.Equal("active", Node(cut, "loyal").GetAttribute("data-status"));
    }

    [Fact]
    public async Task Dropping_a_tag_on_a_category_moves_it_there_and_the_tree_shows_it_there()
    {
        SignIn(TagStudioWorld.Governance);
        var cut = ShowTree();

        await cut.InvokeAsync(() => Node(cut, "mover_a").DragStart());
        await cut.InvokeAsync(() => Header(cut, "engagement_sub").DragEnter());
        Assert.Contains("tt-over", Header(cut, "engagement_sub").ClassName);
        await cut.InvokeAsync(() => Header(cut, "engagement_sub").Drop());

        Assert.Equal(World.Categories["engagement_sub"], (await PlaceAsync("mover_a")).CategoryId);
        cut.WaitForAssertion(() => Assert.Equal(["mover_a"], TagsUnder(cut, "engagement_sub")), Wait);
        Assert.DoesNotContain("mover_a", TagsUnder(cut, "moves"));
    }

    [Fact]
    public async Task Dropping_a_tag_on_another_tag_places_it_just_before_that_tag()
    {
        SignIn(TagStudioWorld.Governance);
        var cut = ShowTree();

        await cut.InvokeAsync(() => Node(cut, "mover_d").DragStart());
        await cut.InvokeAsync(() => Node(cut, "mover_b").DragEnter());
        await cut.InvokeAsync(() => Node(cut, "mover_b").Drop());

        cut.WaitForAssertion(() => Assert.Equal(["mover_d", "mover_b", "mover_c"], TagsUnder(cut, "moves").Where(c => c is "mover_b" or "mover_c" or "mover_d")), Wait);
        Assert.True((await PlaceAsync("mover_d")).SortOrder < (await PlaceAsync("mover_b")).SortOrder);
    }

    [Fact]
    public async Task Alt_arrow_keys_reorder_a_tag_without_a_mouse()
    {
        SignIn(TagStudioWorld.Governance);
        var cut = ShowTree();
        var before = TagsUnder(cut, "governed");
        Assert.Equal("loyal", before[0]);

        await cut.InvokeAsync(() => Node(cut, "loyal").KeyDown(new KeyboardEventArgs { Key = "ArrowDown", AltKey = true }));

        cut.WaitForAssertion(() => Assert.Equal(["vip_list", "loyal"], TagsUnder(cut, "governed").Take(2)), Wait);
        await cut.InvokeAsync(() => Node(cut, "loyal").KeyDown(new KeyboardEventArgs { Key = "ArrowUp", AltKey = true }));
        cut.WaitForAssertion(() => Assert.Equal(before, TagsUnder(cut, "governed")), Wait);
    }

    [Fact]
    public async Task A_marketer_cannot_drag_governance_only_tags_and_does_not_see_restricted_ones()
    {
        SignIn(TagStudioWorld.Marketer);
        var cut = ShowTree();

        Assert.Empty(cut.FindAll("[data-testid=tag-node-secret_flag]"));
        Assert.Equal("false", Node(cut, "vip_list").GetAttribute("draggable"));
        Assert.Equal("true", Node(cut, "newsletter").GetAttribute("draggable"));
        Assert.NotNull(cut.Find("[data-testid=category-node-governed] [data-testid=category-locked]"));

        // Dropped anyway, a governance-only tag does not move: the core refuses and the tree stays as it was.
        await cut.InvokeAsync(() => Node(cut, "vip_list").DragStart());
        await cut.InvokeAsync(() => Header(cut, "engagement").Drop());
        Assert.Equal(World.Categories["governed"], (await PlaceAsync("vip_list")).CategoryId);
    }

    [Fact]
    public void Searching_keeps_matching_tags_and_the_categories_around_them()
    {
        SignIn(TagStudioWorld.Governance);
        var cut = ShowTree();

        cut.Find("input[data-testid=tag-search]").Input("忠实");
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid^=tag-node-]")), Wait);
        Assert.NotNull(cut.Find("[data-testid=category-node-governed] [data-testid=tag-node-loyal]"));
        Assert.Empty(cut.FindAll("[data-testid=category-node-moves]"));
    }
}
