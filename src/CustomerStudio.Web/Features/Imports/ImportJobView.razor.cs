using CustomerStudio.Core.Data;
using CustomerStudio.Core.Imports;
using CustomerStudio.Web.Features.Tags;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CustomerStudio.Web.Features.Imports;

/// <summary>
/// Follows an import: reads its job row every <see cref="PollInterval"/> while it waits or runs, then the first
/// <see cref="ErrorRows"/> rejected rows; Cancel goes through <see cref="ImportService.CancelAsync"/>.
/// </summary>
public sealed partial class ImportJobView : IAsyncDisposable
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(600);
    public const int ErrorRows = 50;

    private readonly CancellationTokenSource _stop = new();
    private ImportJob? _job;
    private List<ImportRowError> _errors = [];
    private bool _missing;
    private bool _cancelling;
    private long? _following;
    private Task? _polling;

    [Inject] private IDbContextFactory<StudioDbContext> DbFactory { get; set; } = default!;
    [Inject] private IServiceScopeFactory Scopes { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [Parameter, EditorRequired] public long JobId { get; set; }
    /// <summary>The import moved on (status or rows processed), first read included: lists of imports read it again.</summary>
    [Parameter] public EventCallback<ImportJob> OnChanged { get; set; }

    internal ImportJob? Job => _job;

    private bool Running => _job?.Status is ImportStatus.Pending or ImportStatus.Running;

    private double Percent => _job is { TotalRows: > 0 } j ? Math.Min(100, 100.0 * j.ProcessedRows / j.TotalRows) : Running ? 0 : 100;

    private IEnumerable<(string Key, int Value, Color Color)> Counts =>
    [
        ("Created", _job!.Created, Color.Success), ("Updated", _job.Updated, Color.Info), ("Merged", _job.Merged, Color.Secondary),
        ("Skipped", _job.Skipped, Color.Default), ("Rejected", _job.Rejected, _job.Rejected > 0 ? Color.Error : Color.Default),
    ];

    protected override async Task OnParametersSetAsync()
    {
        if (_following == JobId) return;
        _following = JobId;
        _errors = [];
        await RefreshAsync();
        if (Running) _polling ??= PollAsync(_stop.Token);
    }

    private async Task PollAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(PollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                await RefreshAsync();
                await InvokeAsync(StateHasChanged);
                if (!Running && _following == _job?.Id) break;
            }
        }
        catch (OperationCanceledException)
        {
            // The page was left.
        }
        finally
        {
            _polling = null;
        }
    }

    private async Task RefreshAsync()
    {
        var before = _job;
        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            var id = JobId;
            _job = await db.ImportJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id);
            _missing = _job is null;
            if (_job is not null && !Running)
                _errors = await db.ImportRowErrors.AsNoTracking().Where(e => e.ImportJobId == id).OrderBy(e => e.Line).ThenBy(e => e.Id).Take(ErrorRows).ToListAsync();
        }
        if (_job is { } job && (before is null || before.Id != job.Id || before.Status != job.Status || before.ProcessedRows != job.ProcessedRows))
            await OnChanged.InvokeAsync(job);
    }

    internal async Task CancelAsync()
    {
        _cancelling = true;
        try
        {
            var id = JobId;
            if (await Scopes.RunAsync(sp => sp.GetRequiredService<ImportService>().CancelAsync(id)))
                Snackbar.Add(L["ImportJob_Cancelling"], Severity.Info);
            await RefreshAsync();
        }
        finally
        {
            _cancelling = false;
        }
    }

    private static Color StatusColor(ImportStatus status) => status switch
    {
        ImportStatus.Completed => Color.Success,
        ImportStatus.Failed => Color.Error,
        ImportStatus.Cancelled => Color.Warning,
        _ => Color.Info,
    };

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_polling is { } polling)
        {
            try { await polling; } catch (OperationCanceledException) { }
        }
        _stop.Dispose();
    }
}
