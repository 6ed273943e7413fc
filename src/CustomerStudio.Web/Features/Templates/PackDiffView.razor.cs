using CustomerStudio.Core.Templates;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace CustomerStudio.Web.Features.Templates;

/// <summary>
/// The preview of installing a pack: counts per change, one row per item (unchanged ones on demand), and for each
/// conflict a choice — skip, rename (to the code shown) or overwrite — reported through <see cref="ChoicesChanged"/>.
/// </summary>
public partial class PackDiffView
{
    [Parameter, EditorRequired] public PackDiff Diff { get; set; } = default!;

    /// <summary>The choice per conflict, keyed by item key (<c>Tag:vip</c>).</summary>
    [Parameter] public IReadOnlyDictionary<string, ConflictChoice> Choices { get; set; } = new Dictionary<string, ConflictChoice>();

    [Parameter] public EventCallback<IReadOnlyDictionary<string, ConflictChoice>> ChoicesChanged { get; set; }

    private bool _showUnchanged;

    private IEnumerable<PackDiffItem> Visible => Diff.Items
        .Where(i => _showUnchanged || i.Change != PackChange.Unchanged)
        .OrderBy(i => i.Change switch { PackChange.Conflict => 0, PackChange.Changed => 1, PackChange.New => 2, PackChange.Dropped => 3, _ => 4 })
        .ThenBy(i => i.Key.Kind);

    private ConflictChoice? ChoiceOf(PackDiffItem item) => Choices.TryGetValue(item.Key.ToString(), out var c) ? c : null;

    private async Task ChooseAsync(PackDiffItem item, ConflictChoice? choice)
    {
        var next = new Dictionary<string, ConflictChoice>(Choices);
        if (choice is { } c) next[item.Key.ToString()] = c;
        else next.Remove(item.Key.ToString());
        await ChoicesChanged.InvokeAsync(next);
    }

    private static Color ColorOf(PackChange change) => change switch
    {
        PackChange.New => Color.Success,
        PackChange.Changed => Color.Info,
        PackChange.Conflict => Color.Warning,
        PackChange.Dropped => Color.Secondary,
        _ => Color.Default,
    };
}
