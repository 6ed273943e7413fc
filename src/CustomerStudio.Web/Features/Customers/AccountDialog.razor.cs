using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Web.Features.Tags;
using CustomerStudio.Web.Localization;
using CustomerStudio.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace CustomerStudio.Web.Features.Customers;

/// <summary>The account form; <see cref="Accounts"/> validates and audits. Closes with the account's id.</summary>
public sealed partial class AccountDialog
{
    private static readonly string[] Fields = ["name", "industry", "size", "ownerId"];

    private bool _loaded;
    private bool _saving;
    private string? _name;
    private AccountKind _kind;
    private string? _industry;
    private string? _size;
    private string? _ownerId;
    private Dictionary<string, string> _users = [];
    private IReadOnlyList<ConditionError> _errors = [];

    [CascadingParameter] private IMudDialogInstance Dialog { get; set; } = default!;
    [Inject] private IDbContextFactory<StudioDbContext> DbFactory { get; set; } = default!;
    [Inject] private IServiceScopeFactory Scopes { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Auth { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    /// <summary>The account to edit; null creates one.</summary>
    [Parameter] public long? AccountId { get; set; }

    /// <summary>The kind a new account starts as.</summary>
    [Parameter] public AccountKind Kind { get; set; } = AccountKind.Household;

    internal IReadOnlyList<ConditionError> Errors => _errors;

    /// <summary>Shows the form; the saved account's id, or null when cancelled.</summary>
    public static async Task<long?> ShowAsync(IDialogService dialogs, IStringLocalizer<SharedResource> l, long? accountId)
    {
        var parameters = new DialogParameters<AccountDialog> { { d => d.AccountId, accountId } };
        var dialog = await dialogs.ShowAsync<AccountDialog>(accountId is null ? l["Account_New"] : l["Account_Edit"], parameters,
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true });
        return await dialog.Result is { Canceled: false, Data: long id } ? id : null;
    }

    /// <summary>Studio users by id with the name to show (display name, else email).</summary>
    internal static async Task<Dictionary<string, string>> UsersAsync(IDbContextFactory<StudioDbContext> factory)
    {
        await using var db = await factory.CreateDbContextAsync();
        return (await db.Users.AsNoTracking().Select(u => new { u.Id, u.DisplayName, u.Email }).ToListAsync())
            .ToDictionary(u => u.Id, u => u.DisplayName ?? u.Email ?? u.Id);
    }

    protected override async Task OnInitializedAsync()
    {
        _users = await UsersAsync(DbFactory);
        _kind = Kind;
        if (AccountId is { } id)
        {
            var account = await Scopes.RunAsync(sp => sp.GetRequiredService<Accounts>().GetAsync(id));
            if (account is not null) (_name, _kind, _industry, _size, _ownerId) = (account.Name, account.Kind, Industries.Name(account.Industry), account.Size, account.OwnerId);
        }
        _loaded = true;
    }

    private string? Error(string path) =>
        _errors.Where(e => e.Path == path).Select(e => e.Message()).DefaultIfEmpty().Aggregate((a, b) => $"{a}; {b}");

    private string OwnerText(string? id) => id is null ? "" : _users.GetValueOrDefault(id, id);

    internal async Task SaveAsync()
    {
        _saving = true;
        try
        {
            var actor = (await Auth.GetAuthenticationStateAsync()).User.ToActor();
            var draft = new AccountDraft(_name, _kind, _industry, _size, _ownerId);
            var id = AccountId;
            var result = await Scopes.RunAsync(sp => id is { } existing
                ? sp.GetRequiredService<Accounts>().UpdateAsync(existing, draft, actor)
                : sp.GetRequiredService<Accounts>().CreateAsync(draft, actor));
            _errors = result.Errors;
            if (!result.Ok) return;
            Snackbar.Add(string.Format(L["Account_Saved"], result.Account!.Name), Severity.Success);
            Dialog.Close(DialogResult.Ok(result.Account.Id));
        }
        finally
        {
            _saving = false;
        }
    }
}
