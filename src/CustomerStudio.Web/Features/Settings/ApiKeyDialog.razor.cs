using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Security;
using CustomerStudio.Web.Components.Shared;
using CustomerStudio.Web.Features.Tags;
using CustomerStudio.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.JSInterop;
using MudBlazor;

namespace CustomerStudio.Web.Features.Settings;

/// <summary>
/// The new-key form, then the key itself: <see cref="ApiKeys"/> keeps only its hash, so this dialog is the one place
/// it is ever shown. Closes with the new key's id.
/// </summary>
public sealed partial class ApiKeyDialog
{
    private string? _name;
    private readonly HashSet<string> _scopes = [ApiScopes.Events];
    private DateTime? _expires;
    private bool _saving;
    private bool _copied;
    private bool _copyFailed;
    private NewApiKey? _created;
    private IReadOnlyList<ConditionError> _errors = [];

    [CascadingParameter] private IMudDialogInstance Dialog { get; set; } = default!;
    [Inject] private IServiceScopeFactory Scopes { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Auth { get; set; } = default!;
    [Inject] private WorkspaceClock WorkspaceClock { get; set; } = default!;
    [Inject] private IJSRuntime JS { get; set; } = default!;

    internal NewApiKey? Created => _created;

    private string? Error(string path) =>
        _errors.Where(e => e.Path == path).Select(e => e.Message()).DefaultIfEmpty().Aggregate((a, b) => $"{a}; {b}");

    private void Toggle(string scope, bool on)
    {
        if (on) _scopes.Add(scope);
        else _scopes.Remove(scope);
    }

    internal async Task CreateAsync()
    {
        _saving = true;
        try
        {
            var actor = (await Auth.GetAuthenticationStateAsync()).User.ToActor();
            DateTime? expiresAt = null;
            if (_expires is { } day)
            {
                // Valid through the chosen day, in the workspace's time zone.
                var zone = await WorkspaceClock.ZoneAsync();
                expiresAt = TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(day.Date.AddDays(1), DateTimeKind.Unspecified), zone);
            }
            var (name, scopes) = (_name ?? "", ApiScopes.All.Where(_scopes.Contains).ToList());
            var (created, errors) = await Scopes.RunAsync(sp => sp.GetRequiredService<ApiKeys>().CreateAsync(name, scopes, expiresAt, actor));
            _errors = errors;
            _created = created;
        }
        finally
        {
            _saving = false;
        }
    }

    private async Task CopyAsync()
    {
        if (_created is null) return;
        try
        {
            await JS.InvokeVoidAsync("navigator.clipboard.writeText", _created.Secret);
            (_copied, _copyFailed) = (true, false);
        }
        catch (JSException)
        {
            // No clipboard (insecure origin, denied permission): the field stays selectable.
            _copyFailed = true;
        }
    }

    private void Done() => Dialog.Close(DialogResult.Ok(_created!.Key.Id));
}
