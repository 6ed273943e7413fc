using CustomerStudio.Core.Tags;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;

namespace CustomerStudio.Web.Features.Tags.Tree;

/// <summary>One tag in the taxonomy tree: draggable when its category may be edited, a drop target for tags placed before it.</summary>
public sealed partial class TagTreeTagNode
{
    [CascadingParameter] private TagTree Tree { get; set; } = default!;
    [Parameter, EditorRequired] public TreeTag Tag { get; set; } = default!;
    [Parameter] public int Depth { get; set; }

    private string RowKey => $"tag-{Tag.Id}";

    private string RowCss => "tt-row" + (Tree.SelectedTagId == Tag.Id ? " tt-selected" : "") + (Tree.Over == RowKey ? " tt-over" : "")
                             + (Tag.Status == TagStatus.Archived ? " mud-text-disabled" : "");

    public static string KindIcon(TagKind kind) => kind switch
    {
        TagKind.Rule => Icons.Material.Filled.Rule,
        TagKind.Predictive => Icons.Material.Filled.AutoGraph,
        _ => Icons.Material.Filled.PanTool,
    };

    private async Task OnKeyAsync(KeyboardEventArgs e)
    {
        if (e.Key is "Enter" or " ") await Tree.SelectTagAsync(Tag);
        else if (e.AltKey && e.Key == "ArrowUp") await Tree.NudgeTagAsync(Tag, -1);
        else if (e.AltKey && e.Key == "ArrowDown") await Tree.NudgeTagAsync(Tag, 1);
    }
}
