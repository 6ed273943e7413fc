using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace CustomerStudio.Web.Features.Tags.Tree;

/// <summary>One category of the taxonomy tree: its row (a drop target), its sub-categories and its tags.</summary>
public sealed partial class TagTreeCategoryNode
{
    [CascadingParameter] private TagTree Tree { get; set; } = default!;
    [Parameter, EditorRequired] public TreeCategory Category { get; set; } = default!;
    [Parameter] public int Depth { get; set; }

    private string SlotKey => $"before-{Category.Id}";
    private string RowKey => $"category-{Category.Id}";

    private string RowCss => "tt-row" + (Tree.SelectedCategory == Category.Id ? " tt-selected" : "") + (Tree.Over == RowKey ? " tt-over" : "");

    private async Task OnKeyAsync(KeyboardEventArgs e)
    {
        switch (e.Key)
        {
            case "Enter" or " ":
                await Tree.SelectCategoryAsync(Category);
                break;
            case "ArrowLeft" when !Tree.IsCollapsed(Category):
            case "ArrowRight" when Tree.IsCollapsed(Category):
                Tree.Toggle(Category);
                break;
        }
    }
}
