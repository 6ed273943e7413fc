using System.Text.Json;
using CustomerStudio.Core.Definitions;

namespace CustomerStudio.Core.Templates;

/// <summary>A starter pack shipped in templates/: its file and what it says about itself.</summary>
public sealed record BundledPack(string Code, string Version, string NameZh, string NameEn, string? DescriptionZh, string? DescriptionEn,
    int Tags, int Segments, int Journeys, int EmailTemplates, string File);

/// <summary>The packs shipped with the studio (templates/*.pack.json, copied beside the app).</summary>
public sealed class BundledPacks(string directory)
{
    private static readonly JsonSerializerOptions Lenient = new(DefinitionSchemas.Json)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Skip,
    };

    public string Directory { get; } = directory;

    /// <summary>The first folder that holds packs: the configured one, beside the app, or templates/ above the content root.</summary>
    public static BundledPacks Locate(string? configured, string contentRoot)
    {
        var candidates = new[] { configured, Path.Combine(AppContext.BaseDirectory, "templates"), Path.Combine(contentRoot, "..", "..", "templates") };
        var found = candidates.FirstOrDefault(c => !string.IsNullOrEmpty(c) && System.IO.Directory.Exists(c)
                                                   && System.IO.Directory.EnumerateFiles(c, "*.pack.json").Any());
        return new BundledPacks(Path.GetFullPath(found ?? Path.Combine(AppContext.BaseDirectory, "templates")));
    }

    public IReadOnlyList<BundledPack> List()
    {
        if (!System.IO.Directory.Exists(Directory)) return [];
        var result = new List<BundledPack>();
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*.pack.json").Order())
        {
            try
            {
                var pack = JsonSerializer.Deserialize<TemplatePack>(File.ReadAllBytes(file), Lenient);
                if (pack is null) continue;
                result.Add(new BundledPack(pack.Code, pack.Version, pack.NameZh, pack.NameEn, pack.DescriptionZh, pack.DescriptionEn,
                    pack.Tags.Count, pack.Segments.Count, pack.Journeys.Count, pack.EmailTemplates.Count, file));
            }
            catch (JsonException)
            {
                // A broken bundled pack is reported by its validation test; the list shows the others.
            }
        }
        return result;
    }

    public byte[]? Read(string code) => List().FirstOrDefault(p => p.Code == code) is { } pack ? File.ReadAllBytes(pack.File) : null;
}
