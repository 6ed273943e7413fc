using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Customers;
using CustomerStudio.Web.Features.Tags;
using CustomerStudio.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CustomerStudio.Web.Features.Customers.Profile;

/// <summary>
/// Finds an account by name through <see cref="Accounts.SearchAsync"/> (or creates one in <see cref="AccountDialog"/>)
/// and adds the customer with the chosen role. Closes with the account's id.
/// </summary>
public sealed partial class AddToAccountDialog
{
    private string? _search;
    private AccountRole _role = AccountRole.Member;
    private bool _busy;
    private IReadOnlyList<AccountSummary> _accounts = [];
    private IReadOnlyList<ConditionError> _errors = [];

    [CascadingParameter] private IMudDialogInstance Dialog { get; set; } = default!;
    [Inject] private IServiceScopeFactory Scopes { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Auth { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [Parameter] public long CustomerId { get; set; }
    /// <summary>Accounts the customer already belongs to.</summary>
    [Parameter] public IReadOnlyCollection<long> Joined { get; set; } = [];

    private string RoleText(AccountRole role) => L["AccountRole_" + role];

    internal async Task SearchAsync(string? text)
    {
        _search = text;
        _errors = [];
        _accounts = string.IsNullOrWhiteSpace(text)
            ? []
            : (await Scopes.RunAsync(sp => sp.GetRequiredService<Accounts>().SearchAsync(text, null, 0, 10))).Items;
    }

    internal async Task AddAsync(long accountId)
    {
        _busy = true;
        try
        {
            var actor = (await Auth.GetAuthenticationStateAsync()).User.ToActor();
            var (customerId, role) = (CustomerId, _role);
            _errors = await Scopes.RunAsync(sp => sp.GetRequiredService<Accounts>().AddMemberAsync(accountId, customerId, role, actor));
            if (_errors.Count > 0) return;
            var name = _accounts.FirstOrDefault(a => a.Id == accountId)?.Name ?? "";
            Snackbar.Add(string.Format(L["Profile_AddedToAccount"], name, RoleText(role)), Severity.Success);
            Dialog.Close(DialogResult.Ok(accountId));
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task CreateAsync()
    {
        if (await AccountDialog.ShowAsync(Dialogs, L, null) is not { } id) return;
        _accounts = await Scopes.RunAsync(async sp => await sp.GetRequiredService<Accounts>().GetAsync(id) is { } a ? new[] { a } : []);
        await AddAsync(id);
    }
}
