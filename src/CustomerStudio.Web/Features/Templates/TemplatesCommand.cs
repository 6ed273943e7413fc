using System.Globalization;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Security;
using CustomerStudio.Core.Segments;
using CustomerStudio.Core.Tags;
using CustomerStudio.Core.Templates;
using CustomerStudio.Web.Infrastructure;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CustomerStudio.Web.Features.Templates;

/// <summary>
/// <c>dotnet run --project src/CustomerStudio.Web -- templates list|validate|diff|install|export …</c>: template packs from the
/// command line, against the database the studio is configured for (same settings, e.g. <c>--Database:Provider=PostgreSql</c>).
/// Exit code 0 when it worked, 1 when the pack has errors or unresolved conflicts, 2 for a wrong command line.
/// </summary>
public static class TemplatesCommand
{
    private const string Usage = """
        Usage: templates <command> [options] [--Setting:Key=value …]
          list                                   bundled packs and installed packs
          validate <pack>                        check a pack; every error with its JSON path
          diff <pack>                            what installing would change (new, unchanged, changed, conflict)
          install <pack> [--on-conflict skip|rename|overwrite] [--choice Kind:code=skip|rename|overwrite …]
          export <file> [--code c] [--version 1.0.0] [--name-zh 名称] [--name-en Name] [--select Kind:code …]
        <pack> is a .json or .zip file, or bundled:<code> (e.g. bundled:retail).
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var settings = args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && a.Contains('=') && a.Contains(':')).ToArray();
        var words = args.Except(settings).ToList();
        if (words.Count == 0 || words[0] is "help" or "--help" or "-h")
        {
            Console.WriteLine(Usage);
            return words.Count == 0 ? 2 : 0;
        }

        var builder = WebApplication.CreateBuilder(settings);
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Warning);
        builder.AddStudioDatabase();
        builder.AddTemplates();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddScoped<TagAssignments>();
        builder.Services.AddScoped<TagRuleEngine>();
        builder.Services.AddScoped<SegmentService>();
        await using var app = builder.Build();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StudioDbContext>();
        await StudioDatabase.MigrateAsync(db, app.Services.GetRequiredService<ResolvedDatabase>().Provider);
        var packs = scope.ServiceProvider.GetRequiredService<TemplatePackService>();
        var bundled = scope.ServiceProvider.GetRequiredService<BundledPacks>();
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(Environment.GetEnvironmentVariable("STUDIO_LANGUAGE") ?? "en");

        byte[]? Pack(int index)
        {
            if (words.Count <= index) return null;
            var source = words[index];
            if (source.StartsWith("bundled:", StringComparison.Ordinal)) return bundled.Read(source["bundled:".Length..]);
            return File.Exists(source) ? File.ReadAllBytes(source) : null;
        }
        List<string> Values(string option) => [.. words.Select((w, i) => (w, i)).Where(x => x.w == option && x.i + 1 < words.Count).Select(x => words[x.i + 1])];
        string? Value(string option) => Values(option).LastOrDefault();

        switch (words[0])
        {
            case "list":
                foreach (var p in bundled.List()) Console.WriteLine($"bundled   {p.Code,-12} {p.Version,-8} {p.NameZh} / {p.NameEn}");
                foreach (var t in db.InstalledTemplates.OrderBy(t => t.Code)) Console.WriteLine($"installed {t.Code,-12} {t.Version,-8} {t.InstalledAt:u} by {t.InstalledBy}");
                return 0;
            case "validate" when Pack(1) is { } bytes:
            {
                var result = await packs.ValidateAsync(bytes);
                foreach (var e in result.Located) Console.WriteLine($"{e.Path}: {e.Message()}");
                Console.WriteLine(result.Ok ? $"OK: {result.Pack!.Code} {result.Pack.Version} is valid." : $"{result.Errors.Count} error(s).");
                return result.Ok ? 0 : 1;
            }
            case "diff" when Pack(1) is { } bytes:
            {
                var (validation, diff) = await packs.DiffAsync(bytes);
                if (diff is null)
                {
                    foreach (var e in validation.Located) Console.WriteLine($"{e.Path}: {e.Message()}");
                    return 1;
                }
                Console.WriteLine($"{diff.Code} {diff.Version} (installed: {diff.InstalledVersion ?? "none"})");
                foreach (var item in diff.Items.Where(i => i.Change != PackChange.Unchanged))
                    Console.WriteLine($"  {item.Change,-9} {item.Key,-40} {item.Name}" +
                                      (item.Differences.Count > 0 ? $"  [{string.Join(", ", item.Differences)}]" : "") +
                                      (item.RenameTo is null ? "" : $"  (rename → {item.RenameTo})") +
                                      string.Concat(item.Warnings.Select(w => $"\n      warning: {w.Message()}")));
                Console.WriteLine($"{diff.Count(PackChange.New)} new, {diff.Count(PackChange.Changed)} changed, {diff.Count(PackChange.Conflict)} conflicting, {diff.Count(PackChange.Unchanged)} unchanged{(diff.Count(PackChange.Dropped) > 0 ? $", {diff.Count(PackChange.Dropped)} no longer in the pack (kept)" : "")}.");
                return 0;
            }
            case "install" when Pack(1) is { } bytes:
            {
                var choices = new Dictionary<string, ConflictChoice>();
                if (Value("--on-conflict") is { } all)
                {
                    if (!Enum.TryParse<ConflictChoice>(all, true, out var choice)) return Wrong($"--on-conflict {all}");
                    var (_, diff) = await packs.DiffAsync(bytes);
                    foreach (var c in diff?.Conflicts ?? []) choices[c.Key.ToString()] = choice;
                }
                foreach (var given in Values("--choice"))
                {
                    var at = given.LastIndexOf('=');
                    if (at < 0 || !Enum.TryParse<ConflictChoice>(given[(at + 1)..], true, out var choice)) return Wrong($"--choice {given}");
                    choices[given[..at]] = choice;
                }
                var result = await packs.InstallAsync(bytes, choices, new Actor(null, "cli") { Roles = [StudioRoles.Admin] });
                foreach (var e in result.Errors) Console.WriteLine($"{e.Path}: {e.Message()}");
                if (!result.Ok) return 1;
                foreach (var item in result.Items.Where(i => i.Outcome != "unchanged"))
                    Console.WriteLine($"  {item.Outcome,-11} {item.Key,-40} {item.Name}{(item.Members is { } m ? $"  ({m} customers)" : "")}");
                foreach (var p in result.AfterInstallProblems) Console.WriteLine($"  warning: {p}");
                Console.WriteLine($"Installed in {result.Elapsed.TotalSeconds:F1} s: {result.Items.Count(i => i.Outcome is not ("unchanged" or "skipped"))} written, " +
                                  $"{result.Count("unchanged")} unchanged, {result.Count("skipped")} skipped.");
                return 0;
            }
            case "export" when words.Count > 1:
            {
                var selection = Values("--select").Select(PackItemKey.Parse).ToList();
                var result = await packs.ExportAsync(new PackExportRequest(Value("--code") ?? "workspace", Value("--version") ?? "1.0.0",
                    Value("--name-zh") ?? "工作区导出", Value("--name-en") ?? "Workspace export", Selection: selection.Count == 0 ? null : selection));
                await File.WriteAllTextAsync(words[1], result.Json);
                foreach (var s in result.Skipped) Console.WriteLine($"  left out {s} (not found, or a journey whose draft does not validate)");
                Console.WriteLine($"Exported {result.Pack.Tags.Count} tags, {result.Pack.Segments.Count} segments, {result.Pack.Journeys.Count} journeys to {words[1]}.");
                return 0;
            }
            default:
                return Wrong(string.Join(' ', words));
        }
    }

    private static int Wrong(string what)
    {
        Console.Error.WriteLine($"templates: cannot do \"{what}\" (a missing file or bundled pack, or an unknown command).");
        Console.Error.WriteLine(Usage);
        return 2;
    }
}
