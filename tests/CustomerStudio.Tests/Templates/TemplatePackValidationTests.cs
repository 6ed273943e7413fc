using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Templates;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Tests.Templates;

/// <summary>Bad packs: a clear error naming the place, and nothing written.</summary>
public class TemplatePackValidationTests
{
    private static JsonObject Retail() => JsonNode.Parse(PackWorld.Bundled("retail"))!.AsObject();

    private static async Task<IReadOnlyList<string>> ErrorsAsync(byte[] bytes)
    {
        await using var database = await PackWorld.EmptyWorkspaceAsync(DatabaseProvider.Sqlite);
        await using var db = database.CreateContext();
        var result = await PackWorld.Service(db).InstallAsync(bytes, new Dictionary<string, ConflictChoice>(), PackWorld.Admin);
        Assert.False(result.Ok);
        await using var check = database.CreateContext();
        Assert.False(await check.Tags.AnyAsync());
        Assert.False(await check.Segments.AnyAsync());
        Assert.False(await check.InstalledTemplates.AnyAsync());
        return result.Errors.Select(e => $"{e.Path} {e.Code}").ToList();
    }

    private static void Add(ZipArchive zip, string name, byte[] content, CompressionLevel level = CompressionLevel.Optimal)
    {
        using var stream = zip.CreateEntry(name, level).Open();
        stream.Write(content);
    }

    private static Task<IReadOnlyList<string>> ErrorsAsync(JsonNode json) => ErrorsAsync(Encoding.UTF8.GetBytes(json.ToJsonString()));

    [Fact]
    public async Task Malformed_json_names_line_and_position()
    {
        var text = Encoding.UTF8.GetString(PackWorld.Bundled("retail")).Replace("\"version\": \"1.0.0\",", "\"version\": \"1.0.0\"");
        var errors = await ErrorsAsync(Encoding.UTF8.GetBytes(text));
        var error = Assert.Single(errors);
        Assert.StartsWith("$ JsonSyntax", error);
        await using var database = await PackWorld.EmptyWorkspaceAsync(DatabaseProvider.Sqlite);
        await using var db = database.CreateContext();
        var validation = await PackWorld.Service(db).ValidateAsync(Encoding.UTF8.GetBytes(text));
        Assert.Equal("6", validation.Errors[0].Args[0]);
        Assert.Contains("第 6 行", validation.Errors[0].Message(CultureInfo.GetCultureInfo("zh-CN")));
    }

    [Fact]
    public async Task A_newer_schema_version_is_refused()
    {
        var json = Retail();
        json["schemaVersion"] = "2.0";
        Assert.Equal(["$.schemaVersion UnsupportedSchemaVersion"], await ErrorsAsync(json));
    }

    [Fact]
    public async Task Schema_errors_are_listed_by_json_path()
    {
        var json = Retail();
        json["code"] = "Retail Pack";
        json["tags"]![0]!.AsObject().Remove("nameEn");
        json["tags"]![1]!["colour"] = "red";
        json["customFields"]![0]!["type"] = "money";
        var errors = await ErrorsAsync(json);
        Assert.Contains("$.code SchemaPattern", errors);
        Assert.Contains("$.tags[0].nameEn SchemaRequired", errors);
        Assert.Contains("$.tags[1].colour SchemaUnknownProperty", errors);
        Assert.Contains("$.customFields[0].type SchemaNotInEnumeration", errors);
    }

    [Fact]
    public async Task Unknown_node_and_condition_kinds_are_named()
    {
        var json = Retail();
        json["journeys"]![0]!["definition"]!["nodes"]![1]!["kind"] = "send_fax";
        json["segments"]![0]!["condition"] = JsonNode.Parse("""{"horoscope":"leo"}""");
        var errors = await ErrorsAsync(json);
        Assert.Contains("$.journeys[0].definition.nodes[1].kind UnknownNodeKind", errors);
        Assert.Contains("$.segments[0].condition UnknownConditionKind", errors);
    }

    [Fact]
    public async Task A_segment_naming_a_tag_in_neither_pack_nor_workspace_is_a_dangling_reference()
    {
        var json = Retail();
        json["segments"]![6]!["condition"] = JsonNode.Parse("""{"all":[{"tag":"cart_abandoner"},{"tag":"whale"}]}""");
        json["journeys"]![0]!["definition"]!["nodes"]![1]!["settings"]!["template"] = "no_such_mail";
        json["tags"]![0]!["category"] = "nowhere";
        var errors = await ErrorsAsync(json);
        Assert.Contains("$.segments[6].condition.all[1].tag UnknownTag", errors);
        Assert.Contains("$.journeys[0].definition.nodes[1].settings.template UnknownEmailTemplate", errors);
        Assert.Contains("$.tags[0].category UnknownCategory", errors);
    }

    [Fact]
    public async Task Duplicate_codes_inside_a_pack_are_errors()
    {
        var json = Retail();
        json["tags"]!.AsArray().Add(json["tags"]![0]!.DeepClone());
        Assert.Contains("$.tags[10] DuplicateCode", await ErrorsAsync(json));
    }

    [Fact]
    public async Task Oversized_files_are_refused_before_parsing()
    {
        var big = new byte[(int)TemplatePackReader.MaxFileBytes + 1];
        Array.Fill(big, (byte)' ');
        Assert.Equal(["$ PackTooLarge"], await ErrorsAsync(big));
    }

    [Fact]
    public async Task A_zip_bomb_is_refused()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, "pack.json", PackWorld.Bundled("retail"));
            using var bomb = zip.CreateEntry("tags/bomb.json", CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 40; i++) bomb.Write(zeros); // 40 MB of zeros squeeze into ~40 KB
        }
        var errors = await ErrorsAsync(buffer.ToArray());
        Assert.Contains(errors, e => e.EndsWith("ZipBomb"));
    }

    [Theory]
    [InlineData("../evil.json")]
    [InlineData("/etc/passwd")]
    [InlineData("tags/../../evil.json")]
    [InlineData("C:\\evil.json")]
    public async Task Path_traversal_in_a_zip_is_refused(string name)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, "pack.json", PackWorld.Bundled("retail"));
            Add(zip, name, "{}"u8.ToArray());
        }
        Assert.Equal([$"{name} ZipUnsafePath"], await ErrorsAsync(buffer.ToArray()));
    }

    [Fact]
    public async Task A_zip_with_a_manifest_and_section_files_installs_and_errors_name_the_file()
    {
        var json = Retail();
        var journeys = json["journeys"]!.AsArray();
        json.Remove("journeys");
        byte[] Zip(JsonArray items)
        {
            using var buffer = new MemoryStream();
            using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            {
                Add(zip, "pack.json", Encoding.UTF8.GetBytes(json.ToJsonString()));
                for (var i = 0; i < items.Count; i++)
                    Add(zip, $"journeys/{(string)items[i]!["code"]!}.json", Encoding.UTF8.GetBytes(items[i]!.ToJsonString()));
            }
            return buffer.ToArray();
        }

        await using var database = await PackWorld.EmptyWorkspaceAsync(DatabaseProvider.Sqlite);
        await using var db = database.CreateContext();
        var validation = await PackWorld.Service(db).ValidateAsync(Zip(journeys));
        Assert.True(validation.Ok, string.Join("\n", validation.Errors));
        Assert.Equal(3, validation.Pack!.Journeys.Count);

        var broken = (JsonArray)journeys.DeepClone();
        broken[1]!["definition"]!["nodes"]![2]!["kind"] = "teleport";
        var bad = await PackWorld.Service(db).InstallAsync(Zip(broken), new Dictionary<string, ConflictChoice>(), PackWorld.Admin);
        Assert.Contains(bad.Errors, e => e.Path == "journeys/winback.json: $.definition.nodes[2].kind" && e.Code == "UnknownNodeKind");
    }

    [Fact]
    public async Task Only_those_who_govern_may_install()
    {
        await using var database = await PackWorld.EmptyWorkspaceAsync(DatabaseProvider.Sqlite);
        await using var db = database.CreateContext();
        var result = await PackWorld.Service(db).InstallAsync(PackWorld.Bundled("retail"), new Dictionary<string, ConflictChoice>(), PackWorld.Marketer);
        Assert.Equal("InstallNotAllowed", Assert.Single(result.Errors).Code);
    }
}
