using System.Text.Json.Nodes;
using Bunit;
using CustomerStudio.Core.Templates;
using CustomerStudio.Web.Features.Templates;
using MudBlazor;

namespace CustomerStudio.Tests.Components;

public class PackDiffViewTests : BunitTestBase
{
    public PackDiffViewTests() => UseCulture("en");

    private static readonly PackDiff Diff = new("retail", "1.1.0", "1.0.0",
    [
        new(new PackItemKey(PackItemKind.Tag, "repeat_buyer"), "Repeat buyer", PackChange.Conflict, ["description", "definition"], new JsonObject(), new JsonObject(), "repeat_buyer_2"),
        new(new PackItemKey(PackItemKind.Scoring, "scoring"), "RFM / lead scoring", PackChange.Conflict, ["leadScoring"], new JsonObject(), new JsonObject()),
        new(new PackItemKey(PackItemKind.Segment, "big_baskets"), "Big baskets", PackChange.New, [], null, new JsonObject()),
        new(new PackItemKey(PackItemKind.Tag, "lapsing_buyer"), "Lapsing buyer", PackChange.Changed, ["description"], new JsonObject(), new JsonObject()),
        new(new PackItemKey(PackItemKind.Journey, "winback"), "Win-back", PackChange.Unchanged, [], new JsonObject(), new JsonObject()),
    ]);

    [Fact]
    public void It_counts_each_change_and_lists_conflicts_first_without_the_unchanged()
    {
        Render<MudPopoverProvider>();
        var cut = Render<PackDiffView>(p => p.Add(v => v.Diff, Diff));
        Assert.Contains("New: 1", cut.Find("[data-testid=diff-count-new]").TextContent);
        Assert.Contains("Conflict: 2", cut.Find("[data-testid=diff-count-conflict]").TextContent);
        var rows = cut.FindAll("[data-testid=diff-row]");
        Assert.Equal(["Tag:repeat_buyer", "Scoring:scoring", "Tag:lapsing_buyer", "Segment:big_baskets"], rows.Select(r => r.GetAttribute("data-key")));
        Assert.Contains("differs in: description, definition", rows[0].TextContent);
        Assert.Contains("Upgraded", rows[2].TextContent);
        Assert.Equal(2, cut.FindAll("[data-testid=diff-choice]").Count);
    }

    [Fact]
    public async Task Unchanged_items_show_on_demand()
    {
        Render<MudPopoverProvider>();
        var cut = Render<PackDiffView>(p => p.Add(v => v.Diff, Diff));
        await cut.InvokeAsync(() => cut.FindComponent<MudSwitch<bool>>().Instance.ValueChanged.InvokeAsync(true));
        Assert.Equal(5, cut.FindAll("[data-testid=diff-row]").Count);
    }

    [Fact]
    public async Task Choosing_for_a_conflict_reports_every_choice_and_rename_names_the_new_code()
    {
        var popover = Render<MudPopoverProvider>();
        IReadOnlyDictionary<string, ConflictChoice>? reported = null;
        var cut = Render<PackDiffView>(p => p
            .Add(v => v.Diff, Diff)
            .Add(v => v.Choices, new Dictionary<string, ConflictChoice> { ["Scoring:scoring"] = ConflictChoice.Skip })
            .Add(v => v.ChoicesChanged, c => reported = c));

        // The tag's conflict offers skip, rename to repeat_buyer_2 and overwrite; the scoring rules cannot be renamed.
        var select = cut.FindComponents<MudSelect<ConflictChoice?>>()[0];
        await cut.InvokeAsync(() => select.Instance.OpenMenu());
        popover.WaitForAssertion(() => Assert.Contains("Rename: install as repeat_buyer_2", popover.Markup));
        Assert.Contains("Skip: keep the workspace's", popover.Markup);
        Assert.Contains("Overwrite the workspace's", popover.Markup);
        // Five options in all: three for the tag, two (no rename) for the scoring rules.
        Assert.Equal(5, cut.FindComponents<MudSelectItem<ConflictChoice?>>().Count);

        await cut.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(ConflictChoice.Rename));
        Assert.NotNull(reported);
        Assert.Equal(ConflictChoice.Rename, reported!["Tag:repeat_buyer"]);
        Assert.Equal(ConflictChoice.Skip, reported["Scoring:scoring"]);

        await cut.InvokeAsync(() => cut.FindComponents<MudSelect<ConflictChoice?>>()[1].Instance.ValueChanged.InvokeAsync(null));
        Assert.False(reported!.ContainsKey("Scoring:scoring"));
    }

    [Fact]
    public void Items_an_earlier_version_installed_and_this_one_dropped_are_listed_as_kept()
    {
        Render<MudPopoverProvider>();
        var diff = Diff with
        {
            Items = [.. Diff.Items, new(new PackItemKey(PackItemKind.Segment, "cart_abandoners"), "Cart abandoners", PackChange.Dropped, [], new JsonObject(), null)],
        };
        var cut = Render<PackDiffView>(p => p.Add(v => v.Diff, diff));
        Assert.Contains("No longer in the pack: 1", cut.Find("[data-testid=diff-count-dropped]").TextContent);
        var rows = cut.FindAll("[data-testid=diff-row]");
        // After what the install changes, before the unchanged.
        Assert.Equal(["Tag:repeat_buyer", "Scoring:scoring", "Tag:lapsing_buyer", "Segment:big_baskets", "Segment:cart_abandoners"], rows.Select(r => r.GetAttribute("data-key")));
        Assert.Contains("stays in the workspace as it is", rows[4].QuerySelector("[data-testid=diff-dropped-note]")!.TextContent);
        Assert.Empty(rows[4].QuerySelectorAll("[data-testid=diff-choice]"));
        // A pack without dropped items shows no such count.
        Assert.Empty(Render<PackDiffView>(p => p.Add(v => v.Diff, Diff)).FindAll("[data-testid=diff-count-dropped]"));
    }

    [Fact]
    public void Chinese_labels_come_from_the_resources()
    {
        UseCulture("zh-CN");
        Render<MudPopoverProvider>();
        var cut = Render<PackDiffView>(p => p.Add(v => v.Diff, Diff));
        Assert.Contains("冲突: 2", cut.Find("[data-testid=diff-count-conflict]").TextContent);
        Assert.Contains("标签", cut.FindAll("[data-testid=diff-row]")[0].TextContent);
    }
}
