using System.Globalization;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Security;
using CustomerStudio.Core.Templates;
using CustomerStudio.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Web.Features.Templates;

/// <summary>
/// Template packs for admins: bundled packs and upload → validation errors by JSON path → the diff with a choice per
/// conflict → install (one transaction) with its result; installed packs; export. Each step runs in its own DI scope,
/// so no database context lives as long as the circuit.
/// </summary>
public partial class TemplatesPage
{
    [Inject] private IServiceScopeFactory Scopes { get; set; } = default!;
    [Inject] private IDbContextFactory<StudioDbContext> DbFactory { get; set; } = default!;
    [Inject] private BundledPacks Bundled { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Auth { get; set; } = default!;

    private IReadOnlyList<BundledPack> _bundled = [];
    private List<InstalledTemplate>? _installed;
    private string? _label;
    private byte[]? _bytes;
    private IReadOnlyList<ConditionError> _errors = [];
    private PackDiff? _diff;
    private IReadOnlyDictionary<string, ConflictChoice> _choices = new Dictionary<string, ConflictChoice>();
    private PackInstallResult? _result;
    private bool _busy;

    private static bool Zh => CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase);

    private bool CanInstall => _diff is not null && !_busy && _diff.Conflicts.All(c => _choices.ContainsKey(c.Key.ToString()));

    protected override async Task OnInitializedAsync()
    {
        _bundled = Bundled.List();
        await LoadInstalledAsync();
    }

    private async Task LoadInstalledAsync()
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        _installed = await db.InstalledTemplates.AsNoTracking().OrderBy(t => t.Code).ToListAsync();
    }

    private string? InstalledVersion(string code) => _installed?.FirstOrDefault(t => t.Code == code)?.Version;

    private Task PreviewBundledAsync(BundledPack pack) =>
        PreviewAsync(File.ReadAllBytes(pack.File), $"{(Zh ? pack.NameZh : pack.NameEn)} · v{pack.Version}");

    private async Task UploadAsync(IBrowserFile? file)
    {
        if (file is null) return;
        if (file.Size > TemplatePackReader.MaxFileBytes)
        {
            Reset(file.Name);
            _errors = [new ConditionError("$", "PackTooLarge", (file.Size / 1024).ToString(), (TemplatePackReader.MaxFileBytes / 1024 / 1024).ToString())];
            return;
        }
        await using var stream = file.OpenReadStream(TemplatePackReader.MaxFileBytes);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        await PreviewAsync(buffer.ToArray(), file.Name);
    }

    private void Reset(string label)
    {
        _label = label;
        _errors = [];
        _diff = null;
        _result = null;
        _choices = new Dictionary<string, ConflictChoice>();
    }

    private async Task PreviewAsync(byte[] bytes, string label)
    {
        Reset(label);
        _bytes = bytes;
        _busy = true;
        try
        {
            await using var scope = Scopes.CreateAsyncScope();
            var (validation, diff) = await scope.ServiceProvider.GetRequiredService<TemplatePackService>().DiffAsync(bytes);
            _errors = [.. validation.Located];
            _diff = diff;
            // Skipping is the safe default for a conflict; the admin may pick rename or overwrite instead.
            _choices = diff?.Conflicts.ToDictionary(c => c.Key.ToString(), _ => ConflictChoice.Skip) ?? [];
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task InstallAsync()
    {
        if (_bytes is null || !CanInstall) return;
        _busy = true;
        try
        {
            var actor = (await Auth.GetAuthenticationStateAsync()).User.ToActor();
            await using var scope = Scopes.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<TemplatePackService>().InstallAsync(_bytes, _choices, actor);
            if (result.Ok) _result = result;
            else _errors = result.Errors;
            await LoadInstalledAsync();
        }
        finally
        {
            _busy = false;
        }
    }
}
