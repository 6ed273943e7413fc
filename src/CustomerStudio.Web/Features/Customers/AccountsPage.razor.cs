using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Web.Features.Tags;
using CustomerStudio.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CustomerStudio.Web.Features.Customers;

/// <summary>
/// Accounts and households (<c>/accounts</c>): searched by name and filtered by kind, paged in the database; each opens
/// its members (<see cref="AccountDetailsPage"/>). Admins and sales create and edit them in <see cref="AccountDialog"/>.
/// </summary>
public sealed partial class AccountsPage
{
    private MudDataGrid<AccountSummary>? _grid;
    private string? _search;
    private AccountKind? _kind;
    private bool _canEdit;
    private Dictionary<string, string> _users = [];

    [Inject] private IServiceScopeFactory Scopes { get; set; } = default!;
    [Inject] private IDbContextFactory<StudioDbContext> DbFactory { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Auth { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _canEdit = CustomerAccess.CanEdit((await Auth.GetAuthenticationStateAsync()).User.ToActor());
        _users = await AccountDialog.UsersAsync(DbFactory);
    }

    private async Task<GridData<AccountSummary>> LoadAsync(GridState<AccountSummary> state, CancellationToken ct)
    {
        var (search, kind) = (_search, _kind);
        var page = await Scopes.RunAsync(sp => sp.GetRequiredService<Accounts>().SearchAsync(search, kind, state.Page, state.PageSize, ct));
        return new GridData<AccountSummary> { Items = page.Items, TotalItems = page.Total };
    }

    private async Task SearchAsync(string? value)
    {
        _search = value;
        if (_grid is not null) await _grid.ReloadServerData();
    }

    private async Task FilterAsync(AccountKind? kind)
    {
        _kind = kind;
        if (_grid is not null) await _grid.ReloadServerData();
    }

    /// <summary>Opens the form (null: a new account); a new account opens its page, an edited one reloads the list.</summary>
    private async Task EditAsync(long? id)
    {
        var saved = await AccountDialog.ShowAsync(Dialogs, L, id);
        if (saved is null) return;
        if (id is null) Navigation.NavigateTo($"/accounts/{saved}");
        else if (_grid is not null) await _grid.ReloadServerData();
    }

    private string KindText(AccountKind? kind) => kind is { } k ? L["AccountKind_" + k] : L["Account_AllKinds"];

    internal static string KindIcon(AccountKind kind) => kind == AccountKind.Household ? Icons.Material.Filled.House : Icons.Material.Filled.Business;

    private string OwnerName(string? id) => id is null ? "" : _users.GetValueOrDefault(id, id);
}
