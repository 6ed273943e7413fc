using System.Globalization;
using System.Text.Json;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Imports;
using CustomerStudio.Core.Imports.Cleansing;
using CustomerStudio.Web.Features.Segments;
using CustomerStudio.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Web.Features.Imports;

public sealed record ImportPreview(string Format, string? Encoding, string Delimiter, bool HasHeader, IReadOnlyList<string> Header,
    IReadOnlyList<IReadOnlyList<string?>> Rows, IReadOnlyList<string?> Suggestions);

public sealed record ImportJobBody(long Id, string FileName, string Status, int TotalRows, int ProcessedRows, int Created, int Updated,
    int Merged, int Skipped, int Rejected, string? Error, DateTime CreatedAt, DateTime? FinishedAt)
{
    public static ImportJobBody Of(ImportJob j) => new(j.Id, j.FileName, JsonNamingPolicy.CamelCase.ConvertName(j.Status.ToString()), j.TotalRows,
        j.ProcessedRows, j.Created, j.Updated, j.Merged, j.Skipped, j.Rejected, j.Error, j.CreatedAt, j.FinishedAt);
}

public static class ImportsApi
{
    public static void MapImportsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/imports").WithTags("Imports").RequireAuthorization(Policies.Imports);

        // Uploads come from the wizard (same-site, SameSite=Lax cookie) and from scripts; forms need no antiforgery token here.
        group.MapPost("/preview", async (IFormFile file, [FromForm] string? kind, CustomFieldsLookup fields, CancellationToken ct) =>
            {
                var format = Wizard.ImportUpload.FormatOf(file.FileName);
                // The preview needs the start of a CSV (a few MB hold its first rows) but all of an xlsx (a zip).
                await using var stream = new MemoryStream();
                FileShape? shape;
                IReadOnlyList<string> header;
                IReadOnlyList<ImportRow> rows;
                try
                {
                    await using (var upload = file.OpenReadStream())
                    await using (var content = CompressedUpload.Open(upload, file.FileName))
                    {
                        if (format == "xlsx") await content.CopyToAsync(stream, ct);
                        else await CopyAtMostAsync(content, stream, PreviewBytes, ct);
                    }
                    stream.Position = 0;
                    (shape, header, rows) = ImportRows.Preview(stream, format);
                }
                catch (Exception ex) when (ex is InvalidDataException or FormatException or IOException)
                {
                    return Unreadable(file.FileName, ex);
                }
                var custom = await fields.AllAsync(ct);
                var importKind = KindOf(kind);
                // Customer files keep the core's suggestions (null: nothing suggested); order and event files the wizard's.
                var suggestions = header.Select(h => importKind == ImportKind.Customers
                    ? ColumnSuggestions.Suggest(h, custom)
                    : Wizard.ImportTargets.Suggest(importKind, h, custom) is var s && s != Wizard.ImportTargets.Ignore ? s : null).ToList();
                return Results.Ok(new ImportPreview(format, shape?.EncodingName, (shape?.Delimiter ?? ',').ToString(), shape?.HasHeader ?? true, header,
                    rows.Select(r => (IReadOnlyList<string?>)r.Cells).ToList(), suggestions));
            })
            .DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(ImportsSetup.MaxUploadBytes))
            .WithName("PreviewImport")
            .WithSummary("Reads the start of a CSV or xlsx file: encoding, delimiter, header, the first 20 rows and a suggested target for each column " +
                         "for the kind given (customers, the default, orders or events; event columns that are not fields or identities are suggested as prop:<name>).");

        group.MapPost("/", async ([FromForm] IFormFile file, [FromForm] string plan, [FromForm] string? kind, ImportService imports, HttpContext http, CancellationToken ct) =>
            {
                ImportPlan parsed;
                try
                {
                    parsed = ImportPlan.FromJson(plan) with { Format = Wizard.ImportUpload.FormatOf(file.FileName) };
                }
                catch (JsonException ex)
                {
                    return Results.BadRequest(new ApiErrors(ex.Message, 400, [new ApiError("plan" + (ex.Path is { Length: > 1 } p ? p[1..] : ""), "InvalidJson", ex.Message)]));
                }
                // A .gz is decompressed as it is stored; the file is stored before the import exists, so a broken
                // archive is refused with nothing stored.
                try
                {
                    await using var upload = file.OpenReadStream();
                    await using var content = CompressedUpload.Open(upload, file.FileName);
                    var job = await imports.StartAsync(content, file.FileName, parsed, http.User.ToActor(), ct, KindOf(kind));
                    return Results.Accepted($"/api/imports/{job.Id}", ImportJobBody.Of(job));
                }
                catch (Exception ex) when (ex is InvalidDataException or IOException)
                {
                    return Unreadable(file.FileName, ex);
                }
            })
            .DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(ImportsSetup.MaxUploadBytes))
            .WithName("StartImport")
            .WithSummary("Uploads a file with its plan (mapping, dedupe policy, delimiter, encoding) and kind (customers, the default, orders or events) and starts the import in the background.");

        group.MapGet("/", async (StudioDbContext db, CancellationToken ct) =>
                (await db.ImportJobs.AsNoTracking().OrderByDescending(j => j.Id).Take(100).ToListAsync(ct)).Select(ImportJobBody.Of).ToList())
            .WithName("ListImports").WithSummary("The latest 100 imports.");

        group.MapGet("/{id:long}", async (long id, StudioDbContext db, CancellationToken ct) =>
                await db.ImportJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, ct) is { } job
                    ? Results.Ok(ImportJobBody.Of(job))
                    : NotFound(id))
            .WithName("GetImport").WithSummary("An import's progress and result counts.");

        group.MapPost("/{id:long}/cancel", async (long id, ImportService imports, CancellationToken ct) =>
                await imports.CancelAsync(id, ct) ? Results.Accepted() : NotFound(id))
            .WithName("CancelImport").WithSummary("Stops an import after its current batch; what was committed stays.");

        group.MapGet("/{id:long}/report.csv", async (long id, ImportService imports, StudioDbContext db, HttpContext http, CancellationToken ct) =>
            {
                if (!await db.ImportJobs.AnyAsync(j => j.Id == id, ct)) return NotFound(id);
                http.Response.ContentType = "text/csv; charset=utf-8";
                http.Response.Headers.ContentDisposition = $"attachment; filename=\"import-{id}-rejected-rows.csv\"";
                await imports.WriteReportAsync(id, http.Response.Body, ct);
                return Results.Empty;
            })
            .WithName("ImportReport").WithSummary("Every rejected row with its line number, column and reason, as CSV.");
    }

    private static ImportKind KindOf(string? kind) =>
        kind?.ToLowerInvariant() switch { "orders" => ImportKind.Orders, "events" => ImportKind.Events, _ => ImportKind.Customers };

    private const int PreviewBytes = 8 << 20;

    private static async Task CopyAtMostAsync(Stream from, Stream to, int limit, CancellationToken ct)
    {
        var buffer = new byte[81920];
        for (var left = limit; left > 0;)
        {
            var n = await from.ReadAsync(buffer.AsMemory(0, Math.Min(buffer.Length, left)), ct);
            if (n == 0) return;
            await to.WriteAsync(buffer.AsMemory(0, n), ct);
            left -= n;
        }
    }

    private static IResult Unreadable(string fileName, Exception ex)
    {
        var message = ImportMessages.Format("FileUnreadable", [Path.GetFileName(fileName), ex.Message]);
        return Results.Json(new ApiErrors(message, 400, [new ApiError("file", "FileUnreadable", message)]), statusCode: 400);
    }

    private static IResult NotFound(long id)
    {
        var message = ImportMessages.Format("UnknownImport", [id.ToString(CultureInfo.InvariantCulture)]);
        return Results.Json(new ApiErrors(message, 404, [new ApiError("id", "UnknownImport", message)]), statusCode: 404);
    }
}

/// <summary>The workspace's custom fields as (code, zh, en), for column suggestions.</summary>
public sealed class CustomFieldsLookup(StudioDbContext db)
{
    public async Task<IReadOnlyList<(string Code, string NameZh, string NameEn)>> AllAsync(CancellationToken ct) =>
        (await db.CustomFields.AsNoTracking().Select(f => new { f.Code, f.NameZh, f.NameEn }).ToListAsync(ct))
        .Select(f => (f.Code, f.NameZh, f.NameEn)).ToList();
}
