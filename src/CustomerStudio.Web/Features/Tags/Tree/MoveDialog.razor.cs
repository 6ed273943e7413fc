using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace CustomerStudio.Web.Features.Tags.Tree;

/// <summary>"Move to…": the keyboard and menu way to re-parent and reorder — a destination and a position among what is there.</summary>
public sealed partial class MoveDialog
{
    private int? _target;
    private int _index;

    [CascadingParameter] private IMudDialogInstance Dialog { get; set; } = default!;
    [Parameter] public IReadOnlyList<MoveTarget> Targets { get; set; } = [];
    [Parameter] public int? Current { get; set; }
    [Parameter] public int CurrentIndex { get; set; }
    [Parameter] public bool AllowTop { get; set; }

    private IReadOnlyList<string> Children => Targets.FirstOrDefault(t => t.Id == _target)?.Children ?? [];

    protected override void OnInitialized() => (_target, _index) = (Current, Math.Max(0, CurrentIndex));

    private void SetTarget(int? target)
    {
        _target = target;
        _index = Children.Count;
    }

    private string TargetText(int? id) => Targets.FirstOrDefault(t => t.Id == id)?.Label ?? "";

    private string PositionText(int index) =>
        index == 0 ? L["TagTree_PositionFirst"] : string.Format(L["TagTree_PositionAfter"], Children[index - 1]);

    private void Move() => Dialog.Close(DialogResult.Ok(new MoveChoice(_target, _index)));
}
