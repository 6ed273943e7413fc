using System.Globalization;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Imports;
using CustomerStudio.Core.Tags;
using CustomerStudio.Web.Features.Tags;
using CustomerStudio.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CustomerStudio.Web.Features.Imports.Wizard;

/// <summary>
/// The import wizard. The upload is copied to a temporary file as it arrives (<see cref="ImportUpload"/>); its detected
/// encoding, delimiter and header can be overridden and the first rows re-read; every column gets a target, suggested
/// from its header (中文 or English) or taken from a saved mapping; Start hands the file and the plan to
/// <see cref="ImportService"/>, which stores it and queues the background import, and raises <see cref="OnStarted"/>.
/// </summary>
public sealed partial class ImportWizard : IDisposable
{
    private ImportUpload? _upload;
    private bool _reading;
    private bool _starting;
    private string? _uploadError;
    private IReadOnlyList<ImportTarget> _targets = [];
    private List<(string Code, string NameZh, string NameEn)> _customFields = [];
    private List<(string Code, string NameZh, string NameEn)> _tags = [];
    private List<SavedMapping> _saved = [];
    private int? _savedId;
    private string? _mappingName;

    [Inject] private IDbContextFactory<StudioDbContext> DbFactory { get; set; } = default!;
    [Inject] private IServiceScopeFactory Scopes { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Auth { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    /// <summary>The import was queued: its job id.</summary>
    [Parameter] public EventCallback<long> OnStarted { get; set; }

    internal ImportUpload? Upload => _upload;

    private static bool IsZh => CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase);

    private IReadOnlyList<SavedMapping> SavedOfKind => _saved.Where(s => s.Kind == _upload?.Kind).ToList();

    /// <summary>The encodings offered, with whatever the sniffer named if it is not one of them.</summary>
    private IEnumerable<string> Encodings =>
        _upload is { } u && !ImportUpload.Encodings.Contains(u.Encoding) ? [.. ImportUpload.Encodings, u.Encoding] : ImportUpload.Encodings;

    protected override async Task OnInitializedAsync()
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        _customFields = [.. (await db.CustomFields.AsNoTracking().OrderBy(f => f.SortOrder).Select(f => new { f.Code, f.NameZh, f.NameEn }).ToListAsync())
            .Select(f => (f.Code, f.NameZh, f.NameEn))];
        _tags = [.. (await db.Tags.AsNoTracking().Where(t => t.Kind == TagKind.Manual && t.Status == TagStatus.Active).OrderBy(t => t.Code)
                .Select(t => new { t.Code, t.NameZh, t.NameEn }).ToListAsync())
            .Select(t => (t.Code, t.NameZh, t.NameEn))];
        await LoadSavedAsync();
    }

    private async Task LoadSavedAsync()
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        _saved = await db.SavedMappings.AsNoTracking().OrderBy(m => m.Name).ToListAsync();
    }

    private async Task OnFileChosenAsync(IBrowserFile? file)
    {
        if (file is null) return;
        _uploadError = null;
        if (!ImportUpload.Accepts(file.Name))
        {
            _uploadError = string.Format(L["Wizard_WrongType"], file.Name);
            return;
        }
        _reading = true;
        try
        {
            _upload?.Dispose();
            _upload = null;
            _savedId = null;
            await using var stream = file.OpenReadStream(ImportsSetup.MaxUploadBytes);
            _upload = await ImportUpload.CreateAsync(stream, file.Name);
            Remap();
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or FormatException or InvalidOperationException)
        {
            _uploadError = string.Format(L["Wizard_Unreadable"], file.Name, ex.Message);
        }
        finally
        {
            _reading = false;
        }
    }

    /// <summary>Targets for the import kind, and every column back to its suggestion.</summary>
    private void Remap()
    {
        if (_upload is null) return;
        _targets = ImportTargets.Of(_upload.Kind, _customFields.Select(f => (f.Code, IsZh ? f.NameZh : f.NameEn)), _tags.Select(t => (t.Code, IsZh ? t.NameZh : t.NameEn)));
        _upload.Suggest(_customFields);
    }

    private async Task RereadAsync(Action<ImportUpload> change)
    {
        if (_upload is null) return;
        change(_upload);
        _uploadError = null;
        try
        {
            await Task.Run(_upload.Reread);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or FormatException or ArgumentException)
        {
            _uploadError = string.Format(L["Wizard_Unreadable"], _upload.FileName, ex.Message);
        }
        Remap();
    }

    private Task SetEncodingAsync(string encoding) => RereadAsync(u => u.Encoding = encoding);

    private Task SetDelimiterAsync(char delimiter) => RereadAsync(u => u.Delimiter = delimiter);

    private Task SetHeaderAsync(bool hasHeader) => RereadAsync(u => u.HasHeader = hasHeader);

    private Task SetKindAsync(ImportKind kind)
    {
        if (_upload is null) return Task.CompletedTask;
        _upload.Kind = kind;
        _savedId = null;
        Remap();
        return Task.CompletedTask;
    }

    private Task LoadMappingAsync(int? id)
    {
        _savedId = id;
        if (_upload is not null && _saved.FirstOrDefault(s => s.Id == id) is { } saved)
        {
            _upload.Apply(ImportPlan.FromJson(saved.MappingJson));
            _mappingName = saved.Name;
        }
        return Task.CompletedTask;
    }

    /// <summary>Saves the current mapping under its name (replacing one of the same name and kind).</summary>
    internal async Task SaveMappingAsync()
    {
        if (_upload is null || string.IsNullOrWhiteSpace(_mappingName)) return;
        var name = _mappingName.Trim();
        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            var mapping = await db.SavedMappings.FirstOrDefaultAsync(m => m.Name == name && m.Kind == _upload.Kind);
            if (mapping is null)
            {
                mapping = new SavedMapping { Name = name, Kind = _upload.Kind, CreatedAt = DateTime.UtcNow };
                db.SavedMappings.Add(mapping);
            }
            mapping.MappingJson = _upload.Plan().ToJson();
            await db.SaveChangesAsync();
            _savedId = mapping.Id;
        }
        await LoadSavedAsync();
        Snackbar.Add(string.Format(L["Wizard_MappingSaved"], name), Severity.Success);
    }

    internal async Task StartAsync()
    {
        if (_upload is not { } upload || upload.Problems().Count > 0) return;
        _starting = true;
        try
        {
            var actor = (await Auth.GetAuthenticationStateAsync()).User.ToActor();
            var plan = upload.Plan();
            var job = await Scopes.RunAsync(async sp =>
            {
                await using var stream = upload.OpenRead();
                return await sp.GetRequiredService<ImportService>().StartAsync(stream, upload.FileName, plan, actor, CancellationToken.None, upload.Kind);
            });
            upload.Dispose();
            _upload = null;
            await OnStarted.InvokeAsync(job.Id);
        }
        finally
        {
            _starting = false;
        }
    }

    private string? Samples(int index) =>
        _upload is null ? null : string.Join(" · ", _upload.Rows.Take(3).Select(r => index < r.Cells.Length ? r.Cells[index] : null).Where(c => !string.IsNullOrWhiteSpace(c)));

    /// <summary>
    /// The targets a column offers: the kind's, and in an event file the property named after this column (and the
    /// property a saved mapping gave it, if that is another).
    /// </summary>
    private IEnumerable<ImportTarget> TargetsOf(ImportColumnChoice column)
    {
        if (_upload?.Kind != ImportKind.Events) return _targets;
        var own = new[] { ImportTargets.PropertyOf(column.Header), column.Target }
            .Where(t => t is not null && t.StartsWith(ImportTargets.PropertyPrefix, StringComparison.Ordinal)).Distinct()
            .Select(t => new ImportTarget(t!, "property"));
        return [.. _targets, .. own];
    }

    private string TargetText(string? value)
    {
        if (value is null) return "";
        if (value.StartsWith(ImportTargets.PropertyPrefix, StringComparison.Ordinal))
            return string.Format(L["ImportTarget_Property"], value[ImportTargets.PropertyPrefix.Length..]);
        if (value.StartsWith("custom:", StringComparison.Ordinal))
            return string.Format(L["ImportTarget_Custom"], _targets.FirstOrDefault(t => t.Value == value)?.Name ?? value[7..]);
        if (value.StartsWith("tag:", StringComparison.Ordinal))
            return string.Format(L["ImportTarget_Tag"], _targets.FirstOrDefault(t => t.Value == value)?.Name ?? value[4..]);
        return L["ImportTarget_" + value] is { ResourceNotFound: false } text ? text : value;
    }

    private string DelimiterText(char delimiter) => delimiter switch
    {
        ',' => L["Delimiter_Comma"],
        '\t' => L["Delimiter_Tab"],
        ';' => L["Delimiter_Semicolon"],
        '|' => L["Delimiter_Pipe"],
        _ => delimiter.ToString(),
    };

    private string PolicyText(DedupePolicy policy) => L["DedupePolicy_" + policy];

    private string SavedText(int? id) => _saved.FirstOrDefault(s => s.Id == id)?.Name ?? "";

    private static string SizeText(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KB",
        _ => $"{bytes / 1024.0 / 1024.0:0.#} MB",
    };

    public void Dispose() => _upload?.Dispose();
}
