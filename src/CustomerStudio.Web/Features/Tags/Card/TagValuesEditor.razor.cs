using CustomerStudio.Core.Conditions;
using Microsoft.AspNetCore.Components;

namespace CustomerStudio.Web.Features.Tags.Card;

/// <summary>The values a tag can take: code and names in both languages, in order (the first rule or band usually gives the first).</summary>
public sealed partial class TagValuesEditor
{
    [Parameter, EditorRequired] public TagCardModel Model { get; set; } = default!;
    [Parameter] public bool ReadOnly { get; set; }
    [Parameter] public IReadOnlyList<ConditionError> Errors { get; set; } = [];
    /// <summary>Values were added, removed, renamed or reordered (rules and bands refer to them).</summary>
    [Parameter] public EventCallback OnChanged { get; set; }

    private string? Error(string path)
    {
        var messages = Errors.Where(e => e.Path == path).Select(e => e.Message()).ToList();
        return messages.Count == 0 ? null : string.Join("; ", messages);
    }

    private Task SetAsync(Action change)
    {
        change();
        return OnChanged.InvokeAsync();
    }

    private Task AddAsync() => SetAsync(() => Model.Values.Add(new ValueRow()));

    private Task RemoveAsync(int index) => SetAsync(() => Model.Values.RemoveAt(index));

    private Task MoveAsync(int index, int by) => SetAsync(() =>
    {
        var value = Model.Values[index];
        Model.Values.RemoveAt(index);
        Model.Values.Insert(index + by, value);
    });
}
