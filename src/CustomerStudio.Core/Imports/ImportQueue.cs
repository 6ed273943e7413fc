using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using CsvHelper;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CustomerStudio.Core.Imports;

/// <summary>Where uploaded files wait for (and during) their import: <c>{data directory}/imports/{job id}.{csv|xlsx}</c>.</summary>
public sealed class ImportFiles(string directory)
{
    public string PathOf(long jobId, string format) => Path.Combine(directory, $"{jobId}.{(format == "xlsx" ? "xlsx" : "csv")}");

    /// <summary>
    /// Writes the upload under a temporary name and returns it: an upload that breaks off (a dropped connection, a
    /// damaged .gz) leaves no file and no import behind.
    /// </summary>
    public async Task<string> StageAsync(Stream content, CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        var staged = Path.Combine(directory, $"upload-{Guid.NewGuid():N}.part");
        try
        {
            await using var file = File.Create(staged);
            await content.CopyToAsync(file, ct);
            return staged;
        }
        catch
        {
            File.Delete(staged);
            throw;
        }
    }

    /// <summary>The staged upload becomes the job's file.</summary>
    public void Keep(string staged, long jobId, string format) => File.Move(staged, PathOf(jobId, format), overwrite: true);

    public void Delete(long jobId, string format)
    {
        var path = PathOf(jobId, format);
        if (File.Exists(path)) File.Delete(path);
    }
}

/// <summary>Imports waiting to run, and the way to cancel the one running.</summary>
public sealed class ImportQueue
{
    private readonly Channel<long> _jobs = Channel.CreateUnbounded<long>();
    private readonly ConcurrentDictionary<long, CancellationTokenSource> _running = new();

    public ValueTask EnqueueAsync(long jobId) => _jobs.Writer.WriteAsync(jobId);

    internal ChannelReader<long> Reader => _jobs.Reader;

    internal CancellationTokenSource Track(long jobId, CancellationToken stopping) =>
        _running[jobId] = CancellationTokenSource.CreateLinkedTokenSource(stopping);

    internal void Untrack(long jobId)
    {
        if (_running.TryRemove(jobId, out var cts)) cts.Dispose();
    }

    /// <summary>Asks a running import to stop after its current batch; false when it is not running here.</summary>
    public bool Cancel(long jobId)
    {
        if (!_running.TryGetValue(jobId, out var cts)) return false;
        cts.Cancel();
        return true;
    }
}

/// <summary>
/// Starts imports (file stored, job row written, queued) and answers for them: progress, cancel, the rejected-rows
/// report as CSV.
/// </summary>
public sealed class ImportService(StudioDbContext db, ImportFiles files, ImportQueue queue, TimeProvider clock)
{
    public async Task<ImportJob> StartAsync(Stream upload, string fileName, ImportPlan plan, Actor actor, CancellationToken ct = default,
        ImportKind kind = ImportKind.Customers)
    {
        // The file first: an upload that breaks off creates no import.
        var staged = await files.StageAsync(upload, ct);
        var job = new ImportJob
        {
            Kind = kind, FileName = Path.GetFileName(fileName), Status = ImportStatus.Pending, MappingJson = plan.ToJson(),
            DedupePolicy = plan.Policy.ToString(), CreatedBy = actor.UserId ?? actor.UserName, CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        try
        {
            db.ImportJobs.Add(job);
            await db.SaveChangesAsync(ct);
            files.Keep(staged, job.Id, plan.Format);
        }
        finally
        {
            if (File.Exists(staged)) File.Delete(staged);
        }
        AuditLog.Record(db, actor, nameof(ImportJob), job.Id.ToString(CultureInfo.InvariantCulture), "started", null,
            new { job.FileName, plan.Policy, Columns = plan.Columns.Select(c => $"{c.Header} → {c.Target}") }, job.CreatedAt);
        await db.SaveChangesAsync(ct);
        await queue.EnqueueAsync(job.Id);
        return job;
    }

    /// <summary>Cancels a running import, or marks a waiting one cancelled; committed batches stay.</summary>
    public async Task<bool> CancelAsync(long jobId, CancellationToken ct = default)
    {
        if (queue.Cancel(jobId)) return true;
        return await db.ImportJobs.Where(j => j.Id == jobId && j.Status == ImportStatus.Pending)
            .ExecuteUpdateAsync(u => u.SetProperty(j => j.Status, ImportStatus.Cancelled).SetProperty(j => j.FinishedAt, clock.GetUtcNow().UtcDateTime), ct) > 0;
    }

    /// <summary>Every rejected row as CSV (line, column, reason), UTF-8 with BOM so Excel opens Chinese text correctly.</summary>
    public async Task WriteReportAsync(long jobId, Stream output, CancellationToken ct = default)
    {
        await using var writer = new StreamWriter(output, new System.Text.UTF8Encoding(true), leaveOpen: true);
        await using var csv = new CsvWriter(writer, CultureInfo.InvariantCulture);
        csv.WriteField("line");
        csv.WriteField("column");
        csv.WriteField("reason");
        await csv.NextRecordAsync();
        var lastId = 0L;
        while (true)
        {
            var page = await db.ImportRowErrors.AsNoTracking().Where(e => e.ImportJobId == jobId && e.Id > lastId)
                .OrderBy(e => e.Id).Take(5_000).ToListAsync(ct);
            if (page.Count == 0) break;
            foreach (var e in page.OrderBy(e => e.Line))
            {
                csv.WriteField(e.Line);
                csv.WriteField(e.Field);
                csv.WriteField(e.Message());
                await csv.NextRecordAsync();
            }
            lastId = page[^1].Id;
        }
    }
}

/// <summary>
/// Runs queued imports one at a time in the background. At start it picks up imports that were waiting or running
/// when the studio stopped and resumes them after their last committed batch.
/// </summary>
public sealed class ImportWorker(IServiceScopeFactory scopes, ImportQueue queue, ImportFiles files, ILogger<ImportWorker> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StudioDbContext>();
            foreach (var id in await db.ImportJobs.Where(j => j.Status == ImportStatus.Pending || j.Status == ImportStatus.Running)
                         .OrderBy(j => j.Id).Select(j => j.Id).ToListAsync(stoppingToken))
            {
                log.LogInformation("Resuming import {Job}", id);
                await queue.EnqueueAsync(id);
            }
        }

        await foreach (var id in queue.Reader.ReadAllAsync(stoppingToken))
        {
            using var cts = queue.Track(id, stoppingToken);
            try
            {
                await RunAsync(id, cts.Token);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Shutting down mid-import: the job stays resumable from its last batch.
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<StudioDbContext>().ImportJobs.Where(j => j.Id == id)
                    .ExecuteUpdateAsync(u => u.SetProperty(j => j.Status, ImportStatus.Running), CancellationToken.None);
                return;
            }
            catch (OperationCanceledException)
            {
                log.LogInformation("Import {Job} cancelled", id);
            }
            catch (Exception ex)
            {
                log.LogError(ex, "Import {Job} failed", id);
            }
            finally
            {
                queue.Untrack(id);
            }
        }
    }

    private async Task RunAsync(long id, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StudioDbContext>();
        var job = await db.ImportJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, ct);
        if (job is null || job.Status is ImportStatus.Completed or ImportStatus.Cancelled) return;
        var plan = ImportPlan.FromJson(job.MappingJson);
        var path = files.PathOf(id, plan.Format);
        if (!File.Exists(path))
        {
            await db.ImportJobs.Where(j => j.Id == id).ExecuteUpdateAsync(u => u
                .SetProperty(j => j.Status, ImportStatus.Failed).SetProperty(j => j.Error, "The uploaded file is gone"), ct);
            return;
        }
        if (job.TotalRows == 0)
        {
            // One quick pass (parsing only) so the progress bar knows its end.
            await using var counting = File.OpenRead(path);
            var total = ImportRows.Read(counting, plan).Rows.Count();
            await db.ImportJobs.Where(j => j.Id == id).ExecuteUpdateAsync(u => u.SetProperty(j => j.TotalRows, total), ct);
        }
        await using var stream = File.OpenRead(path);
        var (_, rows) = ImportRows.Read(stream, plan);
        if (job.Kind == ImportKind.Orders)
            await ActivatorUtilities.CreateInstance<OrderImporter>(scope.ServiceProvider).RunAsync(id, rows, ct);
        else if (job.Kind == ImportKind.Events)
            await ActivatorUtilities.CreateInstance<EventImporter>(scope.ServiceProvider).RunAsync(id, rows, ct);
        else
            await ActivatorUtilities.CreateInstance<CustomerImporter>(scope.ServiceProvider).RunAsync(id, rows, null, ct);
        files.Delete(id, plan.Format);
    }
}
