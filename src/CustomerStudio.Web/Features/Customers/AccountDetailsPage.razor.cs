using System.Globalization;
using CustomerStudio.Core.Conditions;
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
/// One account or household (<c>/accounts/{id}</c>): its details and members with their roles, each linking to the
/// member's profile. Admins and sales edit and delete it, change roles, remove members and add customers found by
/// name, phone, email or id. Every change goes through <see cref="Accounts"/> (validated, audited).
/// </summary>
public sealed partial class AccountDetailsPage
{
    /// <summary>The roles in the order people think of them: who registers, who decides, who uses; plain members last.</summary>
    internal static readonly AccountRole[] Roles = [AccountRole.Registrant, AccountRole.DecisionMaker, AccountRole.User, AccountRole.Member];

    private AccountSummary? _account;
    private AccountMemberPage _members = new([], 0);
    private bool _notFound;
    private bool _canSee;
    private bool _canEdit;
    private bool _busy;
    private bool _searching;
    private int _page;
    private string? _search;
    private AccountRole _newRole = AccountRole.Member;
    private List<CustomerRow> _candidates = [];
    private Dictionary<string, string> _users = [];
    private IReadOnlyList<ConditionError> _errors = [];
    private Core.Security.Actor _actor = new(null, null);

    [Inject] private IServiceScopeFactory Scopes { get; set; } = default!;
    [Inject] private IDbContextFactory<StudioDbContext> DbFactory { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Auth { get; set; } = default!;
    [Inject] private PersonalDataMask Mask { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;

    [Parameter] public long Id { get; set; }

    protected override async Task OnInitializedAsync()
    {
        _actor = (await Auth.GetAuthenticationStateAsync()).User.ToActor();
        _canEdit = CustomerAccess.CanEdit(_actor);
        _canSee = await Mask.CanSeeAsync();
        _users = await AccountDialog.UsersAsync(DbFactory);
    }

    protected override async Task OnParametersSetAsync()
    {
        if (_account?.Id == Id) return;
        _page = 0;
        _errors = [];
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var (id, page) = (Id, _page);
        (_account, _members) = await Scopes.RunAsync(async sp =>
        {
            var accounts = sp.GetRequiredService<Accounts>();
            return (await accounts.GetAsync(id), await accounts.MembersAsync(id, page));
        });
        _notFound = _account is null;
    }

    private async Task PageAsync(int page)
    {
        _page = page - 1;
        await LoadAsync();
    }

    private string RoleText(AccountRole role) => L["AccountRole_" + role];

    private string NameOf(AccountMemberRow member) =>
        PersonalDataMask.Name(member.Name, _canSee) is { Length: > 0 } name ? name : string.Format(L["Profile_Unnamed"], member.CustomerId);

    /// <summary>Runs one change; on success reloads and says so, otherwise shows why.</summary>
    private async Task ChangeAsync(Func<Accounts, Task<IReadOnlyList<ConditionError>>> change, string done)
    {
        _busy = true;
        try
        {
            _errors = await Scopes.RunAsync(sp => change(sp.GetRequiredService<Accounts>()));
            if (_errors.Count > 0) return;
            await LoadAsync();
            Snackbar.Add(done, Severity.Success);
        }
        finally
        {
            _busy = false;
        }
    }

    private Task ChangeRoleAsync(AccountMemberRow member, AccountRole role) => member.Role == role
        ? Task.CompletedTask
        : ChangeAsync(a => a.ChangeRoleAsync(Id, member.CustomerId, role, _actor), string.Format(L["Account_RoleChanged"], NameOf(member), RoleText(role)));

    private async Task RemoveAsync(AccountMemberRow member)
    {
        var ok = await Dialogs.ShowMessageBoxAsync(L["Common_Confirm"], string.Format(L["Account_RemoveConfirm"], NameOf(member), _account!.Name),
            yesText: L["Account_RemoveMember"], cancelText: L["Common_Cancel"]);
        if (ok != true) return;
        await ChangeAsync(a => a.RemoveMemberAsync(Id, member.CustomerId, _actor), string.Format(L["Account_MemberRemoved"], NameOf(member)));
    }

    internal async Task SearchAsync(string? text)
    {
        _search = text;
        _errors = [];
        if (string.IsNullOrWhiteSpace(text))
        {
            _candidates = [];
            return;
        }
        _searching = true;
        try
        {
            await using var db = await DbFactory.CreateDbContextAsync();
            var found = (await CustomerDirectory.SearchAsync(db, text, 0, 10)).Items.ToList();
            // An id goes straight to that customer (the directory searches names, phones and emails).
            if (long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && found.All(c => c.Id != id)
                && await db.Customers.AsNoTracking().Where(c => c.Id == id && c.MergedIntoId == null)
                    .Select(c => new CustomerRow(c.Id, c.Name, c.Gender, c.Phone, c.Email, c.Province, c.City, c.LifecycleStage, c.SourceChannel, c.CreatedAt))
                    .FirstOrDefaultAsync() is { } byId)
                found.Insert(0, byId);
            _candidates = found.Select(c => CustomersApi.Mask(c, _canSee)).ToList();
        }
        finally
        {
            _searching = false;
        }
    }

    internal Task AddAsync(long customerId)
    {
        var role = _newRole;
        var name = _candidates.FirstOrDefault(c => c.Id == customerId)?.Name ?? customerId.ToString(CultureInfo.InvariantCulture);
        return ChangeAsync(a => a.AddMemberAsync(Id, customerId, role, _actor), string.Format(L["Account_MemberAdded"], name, RoleText(role)));
    }

    private async Task EditAsync()
    {
        if (await AccountDialog.ShowAsync(Dialogs, L, Id) is null) return;
        await LoadAsync();
    }

    /// <summary>An account with members is deleted only after saying that its memberships go too (the customers stay).</summary>
    private async Task DeleteAsync()
    {
        if (_account is not { } account) return;
        var message = account.Members == 0
            ? string.Format(L["Account_DeleteConfirm"], account.Name)
            : string.Format(L["Account_DeleteWithMembersConfirm"], account.Name, account.Members);
        var ok = await Dialogs.ShowMessageBoxAsync(L["Account_Delete"], message, yesText: L["Account_Delete"], cancelText: L["Common_Cancel"]);
        if (ok != true) return;
        _errors = await Scopes.RunAsync(sp => sp.GetRequiredService<Accounts>().DeleteAsync(account.Id, true, _actor));
        if (_errors.Count > 0) return;
        Snackbar.Add(string.Format(L["Account_Deleted"], account.Name), Severity.Success);
        Navigation.NavigateTo("/accounts");
    }
}
