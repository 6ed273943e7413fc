using System.Text.Json;
using System.Text.Json.Serialization;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Definitions;
using CustomerStudio.Core.Templates;
using CustomerStudio.Web.Features.Segments;
using CustomerStudio.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Web.Features.Templates;

public sealed record PackSummary(string Code, string Version, string NameZh, string NameEn, string? DescriptionZh, string? DescriptionEn,
    int Tags, int Segments, int Journeys, int EmailTemplates, string? InstalledVersion);

public sealed record InstalledPackSummary(string Code, string Version, string Name, DateTime InstalledAt, string? InstalledBy);

public sealed record TemplatesOverview(IReadOnlyList<PackSummary> Bundled, IReadOnlyList<InstalledPackSummary> Installed);

public sealed record PackValidationBody(bool Ok, IReadOnlyList<ApiError> Errors);

public sealed record PackDiffLine(string Key, string Kind, string Code, string? Language, string Name,
    [property: JsonConverter(typeof(JsonStringEnumConverter<PackChange>))] PackChange Change, IReadOnlyList<string> Differences, string? RenameTo,
    IReadOnlyList<string> Warnings);

public sealed record PackDiffBody(string Code, string Version, string? InstalledVersion, IReadOnlyList<PackDiffLine> Items);

public sealed record PackInstallLine(string Key, string Name, string Outcome, int? Members);

public sealed record PackInstallBody(bool Ok, IReadOnlyList<ApiError> Errors, IReadOnlyList<PackInstallLine> Items,
    IReadOnlyDictionary<string, string> Renamed, double Seconds, IReadOnlyList<string> AfterInstallProblems);

/// <summary>What to export: the pack's code, version and names, and the items (<c>Tag:vip</c>, <c>Journey:winback</c>…); none means everything.</summary>
public sealed record PackExportBody(string? Code, string? Version, string? NameZh, string? NameEn, string? DescriptionZh, string? DescriptionEn,
    IReadOnlyList<string>? Selection);

public static class TemplatesApi
{
    public static void MapTemplatesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/schemas/{kind}", (string kind) => DefinitionSchemas.Find(kind) is { } k
                ? Results.Text(DefinitionSchemas.Published(k.Name), "application/schema+json")
                : Results.NotFound())
            .WithTags("Schemas")
            .WithSummary("The JSON Schema of a definition kind: " + string.Join(", ", DefinitionSchemas.Kinds.Select(k => k.Name)) + ".");

        var group = api.MapGroup("/templates").WithTags("Templates").RequireAuthorization(Policies.Templates).DisableAntiforgery();

        group.MapGet("", async (BundledPacks bundled, StudioDbContext db, CancellationToken ct) =>
            {
                var installed = await db.InstalledTemplates.AsNoTracking().OrderBy(t => t.Code).ToListAsync(ct);
                return new TemplatesOverview(
                    [.. bundled.List().Select(p => new PackSummary(p.Code, p.Version, p.NameZh, p.NameEn, p.DescriptionZh, p.DescriptionEn, p.Tags, p.Segments,
                        p.Journeys, p.EmailTemplates, installed.FirstOrDefault(i => i.Code == p.Code)?.Version))],
                    [.. installed.Select(i => new InstalledPackSummary(i.Code, i.Version, i.Name, i.InstalledAt, i.InstalledBy))]);
            })
            .WithName("ListTemplates").WithSummary("The bundled packs (with the version installed, if any) and every installed pack.");

        group.MapGet("/bundled/{code}", (string code, BundledPacks bundled) => bundled.Read(code) is { } bytes
                ? Results.File(bytes, "application/json", $"{code}.pack.json")
                : Results.NotFound())
            .WithName("DownloadBundledTemplate").WithSummary("A bundled pack's JSON document.");

        group.MapPost("/validate", async (HttpRequest request, BundledPacks bundled, TemplatePackService packs, CancellationToken ct) =>
            {
                var input = await PackInput.ReadAsync(request, bundled, ct);
                if (input.Error is not null) return Results.BadRequest(input.Error);
                var validation = await packs.ValidateAsync(input.Bytes!, ct);
                return Results.Ok(new PackValidationBody(validation.Ok, Errors(validation.Located)));
            })
            .WithName("ValidateTemplate")
            .WithSummary("Checks a pack (JSON body, or multipart `file` — .json or .zip — or `bundled`=code): every error with its JSON path and a message in the request's language.");

        group.MapPost("/diff", async (HttpRequest request, BundledPacks bundled, TemplatePackService packs, CancellationToken ct) =>
            {
                var input = await PackInput.ReadAsync(request, bundled, ct);
                if (input.Error is not null) return Results.BadRequest(input.Error);
                var (validation, diff) = await packs.DiffAsync(input.Bytes!, ct);
                if (diff is null) return Results.BadRequest(new ApiErrors(Text("InvalidPack"), 400, Errors(validation.Located)));
                return Results.Ok(Body(diff));
            })
            .WithName("DiffTemplate")
            .WithSummary("What installing the pack would change: each item new, unchanged, changed (an upgrade of this pack's own item) or conflicting (same code, different meaning), with the code a rename would use.");

        group.MapPost("/install", async (HttpRequest request, BundledPacks bundled, TemplatePackService packs, System.Security.Claims.ClaimsPrincipal user,
                CancellationToken ct) =>
            {
                var input = await PackInput.ReadAsync(request, bundled, ct);
                if (input.Error is not null) return Results.BadRequest(input.Error);
                var result = await packs.InstallAsync(input.Bytes!, input.Choices, user.ToActor(), ct);
                var body = new PackInstallBody(result.Ok, Errors(result.Errors),
                    [.. result.Items.Select(i => new PackInstallLine(i.Key.ToString(), i.Name, i.Outcome, i.Members))],
                    result.Renamed, Math.Round(result.Elapsed.TotalSeconds, 2), result.AfterInstallProblems);
                return result.Ok ? Results.Ok(body) : Results.BadRequest(body);
            })
            .WithName("InstallTemplate")
            .WithSummary("Installs a pack in one transaction (multipart `file` or `bundled`, and `choices`: a JSON object {\"Tag:vip\":\"rename\"} with skip, rename or overwrite for every conflict). All or nothing; re-installing the same version changes nothing.");

        group.MapGet("/export", (string? code, string? version, string? nameZh, string? nameEn, string[]? select, TemplatePackService packs, CancellationToken ct) =>
                ExportAsync(new PackExportBody(code, version, nameZh, nameEn, null, null, select is { Length: > 0 } ? select : null), packs, ct))
            .WithName("DownloadExport")
            .WithSummary("The same export as a download link: ?code=&version=&nameZh=&nameEn=&select=Tag:vip&select=Journey:winback (no select: everything).");

        group.MapPost("/export", ExportAsync)
            .WithName("ExportTemplate")
            .WithSummary("The workspace's definitions (all, or the selected items with what they depend on) as a pack that installs into an empty workspace.");
    }

    private static async Task<IResult> ExportAsync(PackExportBody body, TemplatePackService packs, CancellationToken ct)
    {
        List<PackItemKey> selection = [];
        foreach (var key in body.Selection ?? [])
        {
            try
            {
                selection.Add(PackItemKey.Parse(key));
            }
            catch (ArgumentException)
            {
                return Results.BadRequest(new ApiErrors(Text("InvalidPack"), 400, [new ApiError("selection", "UnknownItem", key)]));
            }
        }
        var result = await packs.ExportAsync(new PackExportRequest(body.Code ?? "workspace", body.Version ?? "1.0.0",
            body.NameZh ?? "工作区导出", body.NameEn ?? "Workspace export", body.DescriptionZh, body.DescriptionEn,
            body.Selection is null ? null : selection), ct);
        return Results.File(System.Text.Encoding.UTF8.GetBytes(result.Json), "application/json", $"{result.Pack.Code}.pack.json");
    }

    internal static PackDiffBody Body(PackDiff diff) => new(diff.Code, diff.Version, diff.InstalledVersion,
        [.. diff.Items.Select(i => new PackDiffLine(i.Key.ToString(), i.Key.Kind.ToString(), i.Key.Code, i.Key.Language, i.Name, i.Change, i.Differences, i.RenameTo,
            [.. i.Warnings.Select(w => w.Message())]))]);

    private static List<ApiError> Errors(IEnumerable<ConditionError> errors) => [.. errors.Select(e => new ApiError(e.Path, e.Code, e.Message()))];

    private static string Text(string code) => new ConditionError("", code).Message();

    /// <summary>A pack from the request: multipart `file` or `bundled` (with `choices`), or the raw body.</summary>
    private sealed record PackInput(byte[]? Bytes, IReadOnlyDictionary<string, ConflictChoice> Choices, ApiErrors? Error)
    {
        public static async Task<PackInput> ReadAsync(HttpRequest request, BundledPacks bundled, CancellationToken ct)
        {
            var choices = new Dictionary<string, ConflictChoice>();
            string? code = request.Query["bundled"];
            byte[]? bytes = null;
            if (request.HasFormContentType)
            {
                var form = await request.ReadFormAsync(ct);
                code ??= form["bundled"];
                if (form.Files["file"] is { } file)
                {
                    if (file.Length > TemplatePackReader.MaxFileBytes) bytes = new byte[TemplatePackReader.MaxFileBytes + 1];
                    else
                    {
                        using var buffer = new MemoryStream();
                        await file.CopyToAsync(buffer, ct);
                        bytes = buffer.ToArray();
                    }
                }
                if (form["choices"] is { Count: > 0 } text && !string.IsNullOrWhiteSpace(text))
                {
                    try
                    {
                        foreach (var (key, value) in JsonSerializer.Deserialize<Dictionary<string, string>>(text.ToString()) ?? [])
                            choices[key] = Enum.Parse<ConflictChoice>(value, ignoreCase: true);
                    }
                    catch (Exception ex) when (ex is JsonException or ArgumentException)
                    {
                        return new PackInput(null, choices, new ApiErrors(Text("InvalidPack"), 400, [new ApiError("choices", "InvalidChoices", ex.Message)]));
                    }
                }
            }
            else if (code is null)
            {
                using var buffer = new MemoryStream();
                await request.Body.CopyToAsync(buffer, ct);
                bytes = buffer.ToArray();
            }
            if (bytes is null && code is not null) bytes = bundled.Read(code);
            return bytes is null
                ? new PackInput(null, choices, new ApiErrors(Text("InvalidPack"), 400, [new ApiError("file", "PackMissing", code is null ? "no file" : $"no bundled pack {code}")]))
                : new PackInput(bytes, choices, null);
        }
    }
}
