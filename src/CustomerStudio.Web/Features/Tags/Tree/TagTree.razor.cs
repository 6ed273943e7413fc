using System.Globalization;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Security;
using CustomerStudio.Core.Tags;
using CustomerStudio.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CustomerStudio.Web.Features.Tags.Tree;

/// <summary>
/// The taxonomy designer's tree: categories › sub-categories › tags with status and coverage, filtered by status and
/// search. Tags and categories move by drag and drop (onto a category: into it; onto a tag or the line above a
/// category: before it) or from each node's menu ("Move to…", up, down). Restricted tags are left out for roles that
/// may not see them.
/// </summary>
public sealed partial class TagTree
{
    /// <summary>Statuses shown until the user changes the filter: everything but archived tags.</summary>
    public static readonly TagStatus[] DefaultStatuses = [TagStatus.Draft, TagStatus.InReview, TagStatus.Active, TagStatus.Deprecated];

    private List<TreeCategory> _categories = [];
    private List<TreeTag> _tags = [];
    private bool _loaded;
    private Actor _actor = new(null, null);
    private TagPermissions _permissions = new([]);
    private string _search = "";
    private IReadOnlyCollection<TagStatus> _statuses = DefaultStatuses;
    private readonly HashSet<int> _collapsed = [];
    private TreeDrag? _drag;
    private string? _over;
    private int? _selectedCategory;

    [Inject] private IDbContextFactory<StudioDbContext> DbFactory { get; set; } = default!;
    [Inject] private IServiceScopeFactory Scopes { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Auth { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;

    /// <summary>The tag whose card is open, highlighted in the tree.</summary>
    [Parameter] public int? SelectedTagId { get; set; }
    [Parameter] public EventCallback<int> OnTagSelected { get; set; }
    /// <summary>A category was picked (new tags go there).</summary>
    [Parameter] public EventCallback<int> OnCategorySelected { get; set; }
    /// <summary>"New tag here" from a category's menu.</summary>
    [Parameter] public EventCallback<int> OnNewTag { get; set; }
    /// <summary>Something moved or a category changed: the page refreshes what depends on it.</summary>
    [Parameter] public EventCallback OnChanged { get; set; }

    internal bool IsZh => CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase);
    internal Actor Actor => _actor;
    internal TreeDrag? Dragging => _drag;
    internal string? Over => _over;
    internal int? SelectedCategory => _selectedCategory;
    internal IReadOnlyList<TreeCategory> Categories => _categories;

    protected override async Task OnInitializedAsync()
    {
        _actor = (await Auth.GetAuthenticationStateAsync()).User.ToActor();
        await ReloadAsync();
    }

    /// <summary>Reads the taxonomy again (after a save, an approval, a move).</summary>
    public async Task ReloadAsync()
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        var now = Clock.GetUtcNow().UtcDateTime;
        var categories = await db.TagCategories.AsNoTracking().ToListAsync();
        var coverage = await db.TagAssignments.Where(a => a.ExpiresAt == null || a.ExpiresAt > now)
            .GroupBy(a => a.TagId).Select(g => new { g.Key, Customers = g.Select(a => a.CustomerId).Distinct().Count() })
            .ToDictionaryAsync(x => x.Key, x => x.Customers);
        var pending = (await db.TagRevisions.Where(r => r.Status == RevisionStatus.Pending).Select(r => r.TagId).ToListAsync()).ToHashSet();
        var tags = await db.Tags.AsNoTracking()
            .Select(t => new { t.Id, t.CategoryId, t.Code, t.NameZh, t.NameEn, t.Status, t.Kind, t.Sensitivity, t.SortOrder }).ToListAsync();

        _permissions = new TagPermissions(categories);
        _categories = [.. categories.OrderBy(c => c.SortOrder).ThenBy(c => c.Code)
            .Select(c => new TreeCategory(c.Id, c.ParentId, c.Code, c.NameZh, c.NameEn, c.SortOrder, c.EditorRoles))];
        _tags = [.. tags.Where(t => !TagPermissions.IsHidden(t.Sensitivity, _actor)).OrderBy(t => t.SortOrder).ThenBy(t => t.Code)
            .Select(t => new TreeTag(t.Id, t.CategoryId, t.Code, t.NameZh, t.NameEn, t.Status, t.Kind, t.Sensitivity, t.SortOrder,
                coverage.GetValueOrDefault(t.Id), pending.Contains(t.Id) && t.Status != TagStatus.InReview))];
        _loaded = true;
        StateHasChanged();
    }

    // ------------------------------------------------------------------ what is shown

    internal IEnumerable<TreeCategory> ChildrenOf(int? parentId) => _categories.Where(c => c.ParentId == parentId);

    internal IEnumerable<TreeTag> TagsOf(int categoryId) => _tags.Where(t => t.CategoryId == categoryId);

    internal IEnumerable<TreeTag> VisibleTagsOf(TreeCategory category) =>
        TagsOf(category.Id).Where(t => _statuses.Contains(t.Status) && (Searching && !Matches(category) ? Matches(t) : true));

    private bool Searching => !string.IsNullOrWhiteSpace(_search);

    private bool Matches(TreeTag tag) => Contains(tag.Code) || Contains(tag.NameZh) || Contains(tag.NameEn);

    private bool Matches(TreeCategory category) => Contains(category.Code) || Contains(category.NameZh) || Contains(category.NameEn);

    private bool Contains(string text) => text.Contains(_search.Trim(), StringComparison.CurrentCultureIgnoreCase);

    /// <summary>While searching, a category shows when it, a tag in it or a category under it matches.</summary>
    internal bool IsVisible(TreeCategory category) =>
        !Searching || Matches(category) || VisibleTagsOf(category).Any() || ChildrenOf(category.Id).Any(IsVisible);

    internal bool IsCollapsed(TreeCategory category) => _collapsed.Contains(category.Id) && !Searching;

    internal void Toggle(TreeCategory category)
    {
        if (!_collapsed.Remove(category.Id)) _collapsed.Add(category.Id);
        StateHasChanged();
    }

    internal bool CanEdit(int categoryId) => _permissions.CanEdit(_actor, categoryId);

    internal bool Governs => _actor.Governs;

    internal string PathOf(int categoryId)
    {
        var names = new List<string>();
        var seen = new HashSet<int>();
        for (var c = _categories.FirstOrDefault(x => x.Id == categoryId); c is not null && seen.Add(c.Id); c = _categories.FirstOrDefault(x => x.Id == c.ParentId))
            names.Insert(0, c.Name(IsZh));
        return string.Join(" › ", names);
    }

    private bool IsUnder(int candidate, int ancestor)
    {
        var seen = new HashSet<int>();
        for (int? id = candidate; id is { } c && seen.Add(c); id = _categories.FirstOrDefault(x => x.Id == c)?.ParentId)
            if (c == ancestor) return true;
        return false;
    }

    // ------------------------------------------------------------------ selection

    internal Task SelectTagAsync(TreeTag tag) => OnTagSelected.InvokeAsync(tag.Id);

    internal Task SelectCategoryAsync(TreeCategory category)
    {
        _selectedCategory = category.Id;
        StateHasChanged();
        return OnCategorySelected.InvokeAsync(category.Id);
    }

    // ------------------------------------------------------------------ drag and drop

    // The nodes are components of their own: the tree re-renders them all when what is dragged or hovered changes.
    internal void StartDrag(TreeDrag drag)
    {
        (_drag, _over) = (drag, null);
        StateHasChanged();
    }

    internal void EndDrag()
    {
        (_drag, _over) = (null, null);
        StateHasChanged();
    }

    internal void Enter(string key)
    {
        if (_drag is null || _over == key) return;
        _over = key;
        StateHasChanged();
    }

    /// <summary>Dropped on a category's row: a tag goes in last, a category becomes its last sub-category.</summary>
    internal async Task DropOnCategoryAsync(TreeCategory target)
    {
        var drag = _drag;
        EndDrag();
        if (drag is null) return;
        if (drag.IsTag)
            await MoveTagAsync(drag.Id, target.Id, TagsOf(target.Id).Count(t => t.Id != drag.Id));
        else if (drag.Id != target.Id)
            await MoveCategoryAsync(drag.Id, target.Id, ChildrenOf(target.Id).Count(c => c.Id != drag.Id));
    }

    /// <summary>Dropped on a tag: a tag goes just before it (in its category).</summary>
    internal async Task DropOnTagAsync(TreeTag target)
    {
        var drag = _drag;
        EndDrag();
        if (drag is not { IsTag: true } || drag.Id == target.Id) return;
        var siblings = TagsOf(target.CategoryId).Where(t => t.Id != drag.Id).ToList();
        await MoveTagAsync(drag.Id, target.CategoryId, siblings.FindIndex(t => t.Id == target.Id));
    }

    /// <summary>Dropped on the line above a category: a category goes just before it (beside it).</summary>
    internal async Task DropBeforeCategoryAsync(TreeCategory target)
    {
        var drag = _drag;
        EndDrag();
        if (drag is not { IsTag: false } || drag.Id == target.Id) return;
        var siblings = ChildrenOf(target.ParentId).Where(c => c.Id != drag.Id).ToList();
        await MoveCategoryAsync(drag.Id, target.ParentId, siblings.FindIndex(c => c.Id == target.Id));
    }

    /// <summary>Dropped below the tree: a category goes to the top level, last.</summary>
    internal async Task DropOnRootAsync()
    {
        var drag = _drag;
        EndDrag();
        if (drag is not { IsTag: false }) return;
        await MoveCategoryAsync(drag.Id, null, ChildrenOf(null).Count(c => c.Id != drag.Id));
    }

    // ------------------------------------------------------------------ moving

    internal async Task MoveTagAsync(int tagId, int categoryId, int index)
    {
        var tag = _tags.First(t => t.Id == tagId);
        // Put back where it was: nothing to write.
        if (tag.CategoryId == categoryId && TagsOf(categoryId).ToList().FindIndex(t => t.Id == tagId) == index) return;
        var errors = await Scopes.RunAsync(sp => sp.GetRequiredService<TagService>().MoveTagAsync(tagId, categoryId, index, _actor));
        await AfterMoveAsync(errors, string.Format(L["TagTree_TagMoved"], tag.Name(IsZh), PathOf(categoryId)));
    }

    internal async Task MoveCategoryAsync(int id, int? parentId, int index)
    {
        if (parentId is { } p && IsUnder(p, id))
        {
            Snackbar.Add(new ConditionError("parentId", "CategoryCycle", _categories.First(c => c.Id == id).Code).Message(), Severity.Warning);
            return;
        }
        var errors = await Scopes.RunAsync(sp => sp.GetRequiredService<TagService>().MoveCategoryAsync(id, parentId, index, _actor));
        var name = _categories.First(c => c.Id == id).Name(IsZh);
        await AfterMoveAsync(errors, string.Format(L["TagTree_CategoryMoved"], name, parentId is { } to ? PathOf(to) : L["TagTree_TopLevel"]));
    }

    private async Task AfterMoveAsync(IReadOnlyList<ConditionError> errors, string done)
    {
        if (errors.Count > 0) Snackbar.Add(string.Join("; ", errors.Select(e => e.Message())), Severity.Error);
        else Snackbar.Add(done, Severity.Success);
        await ReloadAsync();
        if (errors.Count == 0) await OnChanged.InvokeAsync();
    }

    /// <summary>Up or down one place among its siblings (the keyboard's way to reorder).</summary>
    internal Task NudgeTagAsync(TreeTag tag, int by)
    {
        var siblings = TagsOf(tag.CategoryId).ToList();
        var index = siblings.FindIndex(t => t.Id == tag.Id) + by;
        return index < 0 || index >= siblings.Count ? Task.CompletedTask : MoveTagAsync(tag.Id, tag.CategoryId, index);
    }

    internal Task NudgeCategoryAsync(TreeCategory category, int by)
    {
        var siblings = ChildrenOf(category.ParentId).ToList();
        var index = siblings.FindIndex(c => c.Id == category.Id) + by;
        return index < 0 || index >= siblings.Count ? Task.CompletedTask : MoveCategoryAsync(category.Id, category.ParentId, index);
    }

    internal async Task MoveTagToAsync(TreeTag tag)
    {
        var targets = _categories.Where(c => CanEdit(c.Id))
            .Select(c => new MoveTarget(c.Id, PathOf(c.Id), [.. TagsOf(c.Id).Where(t => t.Id != tag.Id).Select(t => t.Name(IsZh))]))
            .OrderBy(t => t.Label, StringComparer.CurrentCulture).ToList();
        var choice = await AskMoveAsync(string.Format(L["TagTree_MoveTitle"], tag.Name(IsZh)), targets, tag.CategoryId,
            TagsOf(tag.CategoryId).ToList().FindIndex(t => t.Id == tag.Id), allowTop: false);
        if (choice?.TargetId is { } to) await MoveTagAsync(tag.Id, to, choice.Index);
    }

    internal async Task MoveCategoryToAsync(TreeCategory category)
    {
        var targets = _categories.Where(c => c.Id != category.Id && !IsUnder(c.Id, category.Id))
            .Select(c => new MoveTarget(c.Id, PathOf(c.Id), [.. ChildrenOf(c.Id).Where(x => x.Id != category.Id).Select(x => x.Name(IsZh))]))
            .OrderBy(t => t.Label, StringComparer.CurrentCulture)
            .Prepend(new MoveTarget(null, L["TagTree_TopLevel"], [.. ChildrenOf(null).Where(x => x.Id != category.Id).Select(x => x.Name(IsZh))]))
            .ToList();
        var choice = await AskMoveAsync(string.Format(L["TagTree_MoveTitle"], category.Name(IsZh)), targets, category.ParentId,
            ChildrenOf(category.ParentId).ToList().FindIndex(c => c.Id == category.Id), allowTop: true);
        if (choice is not null) await MoveCategoryAsync(category.Id, choice.TargetId, choice.Index);
    }

    private async Task<MoveChoice?> AskMoveAsync(string title, List<MoveTarget> targets, int? current, int index, bool allowTop)
    {
        var parameters = new DialogParameters<MoveDialog>
        {
            { d => d.Targets, targets },
            { d => d.Current, current },
            { d => d.CurrentIndex, index },
            { d => d.AllowTop, allowTop },
        };
        var dialog = await Dialogs.ShowAsync<MoveDialog>(title, parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        var result = await dialog.Result;
        return result is { Canceled: false, Data: MoveChoice choice } ? choice : null;
    }

    // ------------------------------------------------------------------ categories

    internal async Task EditCategoryAsync(int? id, int? parentId)
    {
        var parameters = new DialogParameters<CategoryDialog>
        {
            { d => d.CategoryId, id },
            { d => d.ParentId, parentId },
        };
        var title = id is null ? L["Category_New"] : L["Category_Edit"];
        var dialog = await Dialogs.ShowAsync<CategoryDialog>(title, parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        var result = await dialog.Result;
        if (result is { Canceled: false })
        {
            await ReloadAsync();
            await OnChanged.InvokeAsync();
        }
    }

    internal async Task DeleteCategoryAsync(TreeCategory category)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(L["Category_Delete"], string.Format(L["Category_DeleteConfirm"], category.Name(IsZh)),
            yesText: L["Category_Delete"], cancelText: L["Common_Cancel"]);
        if (confirmed != true) return;
        var errors = await Scopes.RunAsync(sp => sp.GetRequiredService<TagService>().DeleteCategoryAsync(category.Id, _actor));
        await AfterMoveAsync(errors, string.Format(L["Category_Deleted"], category.Name(IsZh)));
    }

    private void SetSearch(string text) => _search = text ?? "";

    private void SetStatuses(IReadOnlyCollection<TagStatus> statuses) => _statuses = [.. statuses];

    private string StatusText(TagStatus status) => L["TagStatus_" + status];
}
