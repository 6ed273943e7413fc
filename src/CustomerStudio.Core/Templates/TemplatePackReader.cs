using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerStudio.Core.Conditions;

namespace CustomerStudio.Core.Templates;

/// <summary>A pack document as read: the merged JSON and, for zips, which file each section item came from.</summary>
public sealed record PackSource(JsonObject Json, IReadOnlyDictionary<string, string> Files)
{
    /// <summary>An error path with the zip file it points into: <c>journeys/winback.json: $.definition.nodes[2]</c>.</summary>
    public string Locate(string path)
    {
        foreach (var (prefix, file) in Files.OrderByDescending(f => f.Key.Length))
            if (path == prefix || path.StartsWith(prefix + ".", StringComparison.Ordinal) || path.StartsWith(prefix + "[", StringComparison.Ordinal))
                return $"{file}: ${path[prefix.Length..]}";
        return path;
    }
}

/// <summary>
/// Reads a pack from bytes: one JSON document, or a zip holding <c>pack.json</c> (the manifest) and section files
/// (<c>tags/*.json</c>, <c>segments/*.json</c>, <c>journeys/*.json</c>, … each one document or an array, and
/// <c>scoring.json</c>). Refuses oversized files, zip bombs (too many entries, too much inflated data, extreme ratios)
/// and paths that climb out of the archive, before anything is parsed.
/// </summary>
public static class TemplatePackReader
{
    public const long MaxFileBytes = 8 * 1024 * 1024;
    public const long MaxInflatedBytes = 32 * 1024 * 1024;
    public const int MaxEntries = 500;
    public const int MaxRatio = 100;

    private static readonly string[] Sections = ["categories", "tags", "custom-fields", "segments", "journeys", "email-templates"];

    public sealed record Result(PackSource? Source, IReadOnlyList<ConditionError> Errors)
    {
        public bool Ok => Source is not null && Errors.Count == 0;
    }

    public static Result Read(byte[] bytes, string? fileName = null)
    {
        if (bytes.LongLength > MaxFileBytes) return Fail("$", "PackTooLarge", (bytes.LongLength / 1024).ToString(), (MaxFileBytes / 1024 / 1024).ToString());
        var isZip = bytes.Length >= 4 && bytes[0] == 'P' && bytes[1] == 'K' && bytes[2] == 3 && bytes[3] == 4;
        return isZip ? ReadZip(bytes) : ReadJson(bytes, "$");
    }

    public static Result Read(string json) => Read(Encoding.UTF8.GetBytes(json));

    private static Result ReadJson(byte[] bytes, string where)
    {
        var parsed = Parse(bytes, where, out var error);
        if (error is not null) return new Result(null, [error]);
        if (parsed is not JsonObject obj) return Fail(where, "SchemaExpected", "object");
        return new Result(new PackSource(obj, new Dictionary<string, string>()), []);
    }

    private static JsonNode? Parse(byte[] bytes, string where, out ConditionError? error)
    {
        error = null;
        try
        {
            var span = bytes.AsSpan();
            if (span.StartsWith(Encoding.UTF8.Preamble)) span = span[3..];
            return JsonNode.Parse(span, documentOptions: new JsonDocumentOptions { MaxDepth = 128 });
        }
        catch (JsonException ex)
        {
            error = new ConditionError(where, "JsonSyntax", ((ex.LineNumber ?? 0) + 1).ToString(), ((ex.BytePositionInLine ?? 0) + 1).ToString(),
                ex.Message.Split(" LineNumber:")[0]);
            return null;
        }
    }

    private static Result ReadZip(byte[] bytes)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
        }
        catch (InvalidDataException ex)
        {
            return Fail("$", "ZipInvalid", ex.Message);
        }
        using (zip)
        {
            if (zip.Entries.Count > MaxEntries) return Fail("$", "ZipTooManyEntries", zip.Entries.Count.ToString(), MaxEntries.ToString());
            long declared = 0;
            foreach (var entry in zip.Entries)
            {
                if (!SafePath(entry.FullName)) return Fail(entry.FullName, "ZipUnsafePath", entry.FullName);
                declared += entry.Length;
                if (entry.CompressedLength > 0 && entry.Length / Math.Max(1, entry.CompressedLength) > MaxRatio && entry.Length > 1024 * 1024)
                    return Fail(entry.FullName, "ZipBomb", entry.FullName);
            }
            if (declared > MaxInflatedBytes) return Fail("$", "ZipBomb", $"{declared / 1024 / 1024} MB");

            var files = new Dictionary<string, byte[]>();
            long inflated = 0;
            foreach (var entry in zip.Entries.Where(e => !e.FullName.EndsWith('/')))
            {
                // Never trust the declared size: stop reading once the real data passes the limit.
                using var stream = entry.Open();
                using var buffer = new MemoryStream();
                var chunk = new byte[81920];
                int read;
                while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
                {
                    inflated += read;
                    if (inflated > MaxInflatedBytes || buffer.Length + read > MaxFileBytes) return Fail(entry.FullName, "ZipBomb", entry.FullName);
                    buffer.Write(chunk, 0, read);
                }
                files[entry.FullName] = buffer.ToArray();
            }

            if (!files.TryGetValue("pack.json", out var manifestBytes)) return Fail("pack.json", "ZipNoManifest");
            var manifest = Parse(manifestBytes, "pack.json", out var error);
            if (error is not null) return new Result(null, [Located(error, "pack.json")]);
            if (manifest is not JsonObject pack) return Fail("pack.json", "SchemaExpected", "object");

            var sources = new Dictionary<string, string>();
            var errors = new List<ConditionError>();
            foreach (var (name, content) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                if (name == "pack.json" || !name.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) continue;
                var section = name == "scoring.json" ? "scoring" : Sections.FirstOrDefault(s => name.StartsWith(s + "/", StringComparison.Ordinal));
                if (section is null) { errors.Add(new ConditionError(name, "ZipUnknownFile", name)); continue; }
                var node = Parse(content, name, out var fileError);
                if (fileError is not null) { errors.Add(Located(fileError, name)); continue; }
                if (section == "scoring")
                {
                    pack["scoring"] = node;
                    sources["$.scoring"] = name;
                    continue;
                }
                var property = section switch { "custom-fields" => "customFields", "email-templates" => "emailTemplates", _ => section };
                if (pack[property] is not JsonArray array) pack[property] = array = [];
                foreach (var item in node is JsonArray many ? many.Select(i => i?.DeepClone()).ToList() : [node])
                {
                    sources[$"$.{property}[{array.Count}]"] = node is JsonArray ? $"{name}[{array.Count}]" : name;
                    array.Add(item);
                }
            }
            return errors.Count > 0 ? new Result(null, errors) : new Result(new PackSource(pack, sources), []);
        }
    }

    private static ConditionError Located(ConditionError error, string file) => error with { Path = file };

    /// <summary>Relative, forward-slash paths that stay inside the archive.</summary>
    private static bool SafePath(string name) =>
        name.Length > 0 && !name.StartsWith('/') && !name.Contains('\\') && !name.Contains(':') && !name.Contains('\0')
        && name.Split('/').All(part => part is not ".." and not ".");

    private static Result Fail(string path, string code, params string[] args) => new(null, [new ConditionError(path, code, args)]);
}
