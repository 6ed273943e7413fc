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

/// <summary>The category form; the core checks the code, names, roles and that the parent does not sit under the category.</summary>
public sealed partial class CategoryDialog
{
    private static readonly string[] Fields = ["code", "nameZh", "nameEn", "parentId", "editorRoles"];
    private static readonly string[] EditorRoleChoices = [.. StudioRoles.All.Where(r => r is not (StudioRoles.Admin or StudioRoles.Governance))];

    private bool _loaded;
    private bool _saving;
    private string? _code;
    private string? _nameZh;
    private string? _nameEn;
    private int? _parentId;
    private IReadOnlyCollection<string> _roles = [];
    private List<(int Id, string Path)> _parents = [];
    private IReadOnlyList<ConditionError> _errors = [];

    [CascadingParameter] private IMudDialogInstance Dialog { get; set; } = default!;
    [Inject] private IDbContextFactory<StudioDbContext> DbFactory { get; set; } = default!;
    [Inject] private IServiceScopeFactory Scopes { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Auth { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    /// <summary>The category to edit; null creates one.</summary>
    [Parameter] public int? CategoryId { get; set; }
    /// <summary>Where a new category goes (null: the top level).</summary>
    [Parameter] public int? ParentId { get; set; }

    protected override async Task OnInitializedAsync()
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        var categories = await db.TagCategories.AsNoTracking().OrderBy(c => c.SortOrder).ToListAsync();
        var zh = System.Globalization.CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase);
        string PathOf(TagCategory c)
        {
            var names = new List<string>();
            var seen = new HashSet<int>();
            for (var x = c; x is not null && seen.Add(x.Id); x = categories.FirstOrDefault(p => p.Id == x.ParentId)) names.Insert(0, zh ? x.NameZh : x.NameEn);
            return string.Join(" › ", names);
        }
        bool Under(TagCategory c, int ancestor)
        {
            var seen = new HashSet<int>();
            for (var x = c; x is not null && seen.Add(x.Id); x = categories.FirstOrDefault(p => p.Id == x.ParentId))
                if (x.Id == ancestor) return true;
            return false;
        }
        _parents = [.. categories.Where(c => CategoryId is not { } self || !Under(c, self)).Select(c => (c.Id, PathOf(c)))
            .OrderBy(p => p.Item2, StringComparer.CurrentCulture)];
        _parentId = ParentId;
        if (CategoryId is { } id && categories.FirstOrDefault(c => c.Id == id) is { } existing)
        {
            (_code, _nameZh, _nameEn, _parentId) = (existing.Code, existing.NameZh, existing.NameEn, existing.ParentId);
            _roles = (existing.EditorRoles ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }
        _loaded = true;
    }

    private string? Error(string path) =>
        _errors.Where(e => e.Path == path).Select(e => e.Message()).DefaultIfEmpty().Aggregate((a, b) => $"{a}; {b}");

    private string ParentText(int? id) => id is null ? L["TagTree_TopLevel"] : _parents.FirstOrDefault(p => p.Id == id).Path ?? "";

    private async Task SaveAsync()
    {
        _saving = true;
        try
        {
            var actor = (await Auth.GetAuthenticationStateAsync()).User.ToActor();
            var draft = new CategoryDraft(_parentId, (_code ?? "").Trim(), _nameZh ?? "", _nameEn ?? "", string.Join(",", _roles));
            var (category, errors) = await Scopes.RunAsync(sp => sp.GetRequiredService<TagService>().SaveCategoryAsync(CategoryId, draft, actor));
            _errors = errors;
            if (category is null) return;
            var zh = System.Globalization.CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase);
            Snackbar.Add(string.Format(L["Category_Saved"], zh ? category.NameZh : category.NameEn), Severity.Success);
            Dialog.Close(DialogResult.Ok(category.Id));
        }
        finally
        {
            _saving = false;
        }
    }
}
