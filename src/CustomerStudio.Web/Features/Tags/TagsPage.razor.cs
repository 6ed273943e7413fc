using CustomerStudio.Core.Data;
using CustomerStudio.Core.Security;
using CustomerStudio.Core.Tags;
using CustomerStudio.Web.Features.Tags.Tree;
using CustomerStudio.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Web.Features.Tags;

/// <summary>
/// The tag studio: the taxonomy tree on the left, the selected tag's card on the right. Addresses: <c>/tags</c>,
/// <c>/tags/{id}</c> for a tag's card, <c>/tags/new?category={id}</c> for a new tag.
/// </summary>
public sealed partial class TagsPage
{
    private TagTree? _tree;
    private bool _isNew;
    private bool _governs;
    private int _cardVersion;
    private int? _selectedCategory;
    private string? _title;
    private Actor _actor = new(null, null);
    private TagPermissions _permissions = new([]);
    private List<TagCategory> _categories = [];

    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Auth { get; set; } = default!;
    [Inject] private IDbContextFactory<StudioDbContext> DbFactory { get; set; } = default!;

    [Parameter] public int? Id { get; set; }

    /// <summary>The category a new tag starts in (<c>/tags/new?category=3</c>).</summary>
    [SupplyParameterFromQuery(Name = "category")] public int? Category { get; set; }

    /// <summary>Where "New tag" puts it: the category picked in the tree, else the first the user may edit.</summary>
    private int? NewTagCategory =>
        _selectedCategory is { } picked && _permissions.CanEdit(_actor, picked) ? picked
        : _categories.FirstOrDefault(c => _permissions.CanEdit(_actor, c.Id))?.Id;

    protected override async Task OnInitializedAsync()
    {
        _actor = (await Auth.GetAuthenticationStateAsync()).User.ToActor();
        _governs = TagPermissions.CanApprove(_actor);
        await LoadCategoriesAsync();
    }

    protected override async Task OnParametersSetAsync()
    {
        _isNew = Id is null && Navigation.ToBaseRelativePath(Navigation.Uri).Split('?')[0].TrimEnd('/') == "tags/new";
        _title = null;
        if (Id is { } id)
        {
            await using var db = await DbFactory.CreateDbContextAsync();
            var zh = System.Globalization.CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase);
            _title = await db.Tags.Where(t => t.Id == id).Select(t => zh ? t.NameZh : t.NameEn).FirstOrDefaultAsync();
        }
        else if (_isNew)
        {
            _title = L["Tag_New"];
        }
    }

    private async Task LoadCategoriesAsync()
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        _categories = await db.TagCategories.AsNoTracking().OrderBy(c => c.SortOrder).ToListAsync();
        _permissions = new TagPermissions(_categories);
    }

    private void OpenTag(int id) => Navigation.NavigateTo($"/tags/{id}");

    private void OnCategorySelected(int id) => _selectedCategory = id;

    private void NewTag(int categoryId) => Navigation.NavigateTo($"/tags/new?category={categoryId}");

    private async Task NewCategoryAsync()
    {
        if (_tree is not null) await _tree.EditCategoryAsync(null, null);
    }

    private async Task OnTreeChangedAsync()
    {
        await LoadCategoriesAsync();
        // A move changes the tag's category: the card reads it again.
        _cardVersion++;
    }

    private async Task OnCreatedAsync(int id)
    {
        if (_tree is not null) await _tree.ReloadAsync();
        Navigation.NavigateTo($"/tags/{id}");
    }

    private async Task OnCardChangedAsync()
    {
        if (_tree is not null) await _tree.ReloadAsync();
    }

    private async Task OnDeletedAsync()
    {
        if (_tree is not null) await _tree.ReloadAsync();
        Navigation.NavigateTo("/tags");
    }
}
