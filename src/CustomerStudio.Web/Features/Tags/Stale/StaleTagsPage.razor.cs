using System.Globalization;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Security;
using CustomerStudio.Core.Tags;
using CustomerStudio.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CustomerStudio.Web.Features.Tags.Stale;

/// <summary>
/// The stale-tag report (<see cref="TagUsage.StaleAsync"/>): live tags nothing uses, that no customer carries, or whose
/// computation is overdue; governance deprecates a selection in one go and sees each tag's outcome.
/// </summary>
public sealed partial class StaleTagsPage
{
    private List<StaleTag>? _rows;
    private readonly HashSet<int> _selected = [];
    private Dictionary<int, TagActionResult> _results = [];
    private string? _comment;
    private bool _busy;
    private bool _governs;
    private Actor _actor = new(null, null);
    private readonly bool _zh = CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase);

    [Inject] private IDbContextFactory<StudioDbContext> DbFactory { get; set; } = default!;
    [Inject] private IServiceScopeFactory Scopes { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Auth { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    private bool AllSelected => _rows is { Count: > 0 } && _rows.All(r => _selected.Contains(r.TagId));

    protected override async Task OnInitializedAsync()
    {
        _actor = (await Auth.GetAuthenticationStateAsync()).User.ToActor();
        _governs = TagPermissions.CanApprove(_actor);
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        var hidden = (await db.Tags.AsNoTracking().Select(t => new { t.Id, t.Sensitivity }).ToListAsync())
            .Where(t => TagPermissions.IsHidden(t.Sensitivity, _actor)).Select(t => t.Id).ToHashSet();
        _rows = [.. (await TagUsage.StaleAsync(db, Clock.GetUtcNow().UtcDateTime)).Where(r => !hidden.Contains(r.TagId))];
    }

    private void Select(int tagId, bool on)
    {
        if (on) _selected.Add(tagId);
        else _selected.Remove(tagId);
    }

    private void SelectAll(bool on)
    {
        _selected.Clear();
        if (on && _rows is not null) _selected.UnionWith(_rows.Select(r => r.TagId));
    }

    private async Task DeprecateAsync()
    {
        // Every selected tag is sent: the ones that cannot be deprecated come back with their reason.
        var ids = _selected.ToList();
        if (ids.Count == 0) return;
        _busy = true;
        try
        {
            var comment = string.IsNullOrWhiteSpace(_comment) ? null : _comment.Trim();
            var results = await Scopes.RunAsync(sp => sp.GetRequiredService<TagService>().DeprecateAsync(ids, comment, _actor));
            _results = new Dictionary<int, TagActionResult>(results);
            var done = results.Count(r => r.Value.Ok);
            Snackbar.Add(string.Format(L["StaleTags_Deprecated"], done, results.Count - done), done == results.Count ? Severity.Success : Severity.Warning);
            _selected.Clear();
            await LoadAsync();
        }
        finally
        {
            _busy = false;
        }
    }
}
