using CustomerStudio.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Core.Imports;

/// <summary>
/// The run of an import job shared by every importer: rows after the last committed batch, in batches, each written by
/// the importer in its own transaction; the job's status says running, completed, cancelled or failed (with why).
/// </summary>
internal static class ImportBatches
{
    public static async Task RunAsync(StudioDbContext db, TimeProvider clock, ImportJob job, IEnumerable<ImportRow> rows, int batchSize,
        Func<List<ImportRow>, Task> write, CancellationToken ct)
    {
        await SetStatusAsync(db, clock, job.Id, ImportStatus.Running, null, ct);
        var batch = new List<ImportRow>(batchSize);
        try
        {
            foreach (var row in rows.Skip(job.ProcessedRows))
            {
                batch.Add(row);
                if (batch.Count < batchSize) continue;
                await write(batch);
                batch.Clear();
            }
            if (batch.Count > 0) await write(batch);
            await SetStatusAsync(db, clock, job.Id, ImportStatus.Completed, null, CancellationToken.None);
        }
        catch (OperationCanceledException)
        {
            await SetStatusAsync(db, clock, job.Id, ImportStatus.Cancelled, null, CancellationToken.None);
            throw;
        }
        catch (Exception ex)
        {
            // Committed batches stay; the job says where it stopped and why, and can be resumed.
            await SetStatusAsync(db, clock, job.Id, ImportStatus.Failed, ex.Message, CancellationToken.None);
            throw;
        }
    }

    private static Task SetStatusAsync(StudioDbContext db, TimeProvider clock, long jobId, ImportStatus status, string? error, CancellationToken ct)
    {
        var finished = status is ImportStatus.Completed or ImportStatus.Failed or ImportStatus.Cancelled ? clock.GetUtcNow().UtcDateTime : (DateTime?)null;
        return db.ImportJobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(u => u
            .SetProperty(j => j.Status, status).SetProperty(j => j.Error, error).SetProperty(j => j.FinishedAt, finished), ct);
    }
}
