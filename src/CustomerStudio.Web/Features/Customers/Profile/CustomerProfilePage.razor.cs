using System.Globalization;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Scoring;
using CustomerStudio.Core.Security;
using CustomerStudio.Web.Features.Tags;
using CustomerStudio.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CustomerStudio.Web.Features.Customers.Profile;

/// <summary>
/// The 360° profile of one customer (<c>/customers/{id}</c>): the header with identities, stage, owner and scores, and
/// tabs for attributes, tags, the timeline, scores and lifecycle, segments and journeys, the household and sales tasks.
/// A merged-away id moves to the survivor's address (<c>?merged={old id}</c> says so). Admins and sales edit and merge.
/// </summary>
public sealed partial class CustomerProfilePage
{
    private ProfileSummary? _summary;
    private bool _notFound;
    private bool _canSee;
    private bool _canEdit;
    private Actor _actor = new(null, null);
    private Dictionary<string, string> _users = [];
    private int _tab;
    private int _version;
    private long? _requested;

    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Auth { get; set; } = default!;
    [Inject] private IServiceScopeFactory Scopes { get; set; } = default!;
    [Inject] private IDbContextFactory<StudioDbContext> DbFactory { get; set; } = default!;
    [Inject] private PersonalDataMask Mask { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [Parameter] public long Id { get; set; }

    /// <summary>The merged-away id this page was reached from.</summary>
    [SupplyParameterFromQuery(Name = "merged")] public long? MergedFrom { get; set; }

    internal ProfileSummary? Summary => _summary;

    private int OpenTasks => _summary?.Tasks.Count(t => t.Status == SalesTaskStatus.Open) ?? 0;

    private static bool IsZh => CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase);

    private string DisplayName => PersonalDataMask.Name(_summary?.Customer.Name, _canSee) is { Length: > 0 } name ? name : string.Format(L["Profile_Unnamed"], Id);

    protected override async Task OnInitializedAsync()
    {
        _actor = (await Auth.GetAuthenticationStateAsync()).User.ToActor();
        _canSee = await Mask.CanSeeAsync();
        _canEdit = CustomerAccess.CanEdit(_actor);
        await using var db = await DbFactory.CreateDbContextAsync();
        _users = (await db.Users.AsNoTracking().Select(u => new { u.Id, u.DisplayName, u.Email }).ToListAsync())
            .ToDictionary(u => u.Id, u => u.DisplayName ?? u.Email ?? u.Id);
    }

    protected override async Task OnParametersSetAsync()
    {
        // Moving from a merged-away id to its survivor reads nothing twice; a change of query alone reads nothing.
        if (_requested == Id || _summary?.Customer.Id == Id) return;
        _requested = Id;
        _tab = 0;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var id = Id;
        var actor = _actor;
        var summary = await Scopes.RunAsync(sp => sp.GetRequiredService<CustomerProfile>().SummaryAsync(id, actor, IsZh));
        _notFound = summary is null;
        _summary = summary;
        _version++;
        // Merged away: the survivor's address is the one to keep (the summary read is already the survivor's).
        if (summary is not null && summary.Customer.Id != id) Navigation.NavigateTo($"/customers/{summary.Customer.Id}?merged={id}", replace: true);
    }

    private string OwnerName(string? ownerId) => ownerId is null ? "—" : _users.GetValueOrDefault(ownerId, ownerId);

    private async Task OnSavedAsync()
    {
        await LoadAsync();
        Snackbar.Add(L["Profile_Saved"], Severity.Success);
    }

    /// <summary>The customer joined an account from the household tab: read again and stay on that tab.</summary>
    private async Task OnHouseholdChangedAsync()
    {
        var tab = _tab;
        await LoadAsync();
        _tab = tab;
    }

    private async Task MergeAsync()
    {
        if (_summary is null) return;
        var parameters = new DialogParameters<MergeDialog> { { d => d.CustomerId, _summary.Customer.Id } };
        var dialog = await Dialogs.ShowAsync<MergeDialog>(L["Merge_Title"], parameters,
            new DialogOptions { MaxWidth = MaxWidth.Large, FullWidth = true, CloseOnEscapeKey = true });
        if (await dialog.Result is not { Canceled: false, Data: MergeResult result }) return;
        Snackbar.Add(string.Format(L["Merge_Done"], result.MergedId, result.SurvivorId), Severity.Success);
        if (result.SurvivorId == _summary.Customer.Id) await LoadAsync();
        else Navigation.NavigateTo($"/customers/{result.SurvivorId}?merged={result.MergedId}");
    }
}
