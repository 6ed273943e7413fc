using CustomerStudio.Core.Data;
using CustomerStudio.Core.Security;
using CustomerStudio.Web.Features.Tags;
using CustomerStudio.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CustomerStudio.Web.Features.Settings;

/// <summary>
/// The API keys tab: every key (revoked ones stay listed), a dialog to create one, and Revoke, which also drops the
/// key's cached validation so it stops working at once (as <c>DELETE /api/settings/api-keys/{id}</c> does).
/// </summary>
public sealed partial class ApiKeysPanel
{
    private List<ApiKey>? _keys;
    private DateTime _now = DateTime.UtcNow;

    [Inject] private IDbContextFactory<StudioDbContext> DbFactory { get; set; } = default!;
    [Inject] private IServiceScopeFactory Scopes { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Auth { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IMemoryCache Cache { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;

    internal IReadOnlyList<ApiKey> Keys => _keys ?? [];

    protected override Task OnInitializedAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        _now = Clock.GetUtcNow().UtcDateTime;
        await using var db = await DbFactory.CreateDbContextAsync();
        _keys = await db.ApiKeys.AsNoTracking().OrderBy(k => k.RevokedAt != null).ThenByDescending(k => k.Id).ToListAsync();
    }

    private string StatusOf(ApiKey key) => key.RevokedAt is not null ? "Revoked" : key.ExpiresAt <= _now ? "Expired" : "Active";

    private static Color StatusColor(string status) => status switch
    {
        "Active" => Color.Success,
        "Expired" => Color.Warning,
        _ => Color.Default,
    };

    private async Task CreateAsync()
    {
        var dialog = await Dialogs.ShowAsync<ApiKeyDialog>(L["ApiKey_New"],
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, BackdropClick = false, CloseOnEscapeKey = false });
        await dialog.Result;
        // Created or not, the list is read again (closing the secret's dialog any way still leaves the key).
        await LoadAsync();
    }

    internal async Task RevokeAsync(ApiKey key)
    {
        var ok = await Dialogs.ShowMessageBoxAsync(L["Common_Confirm"], string.Format(L["ApiKey_RevokeConfirm"], key.Name, key.Prefix),
            yesText: L["ApiKey_Revoke"], cancelText: L["Common_Cancel"]);
        if (ok != true) return;
        var actor = (await Auth.GetAuthenticationStateAsync()).User.ToActor();
        var (id, hash) = (key.Id, key.KeyHash);
        if (await Scopes.RunAsync(sp => sp.GetRequiredService<ApiKeys>().RevokeAsync(id, actor)))
        {
            // The key stops working now, not when its cached validation runs out.
            Cache.Remove("apikey:" + hash);
            Snackbar.Add(string.Format(L["ApiKey_Revoked"], key.Name), Severity.Success);
        }
        await LoadAsync();
    }
}
