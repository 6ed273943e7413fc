using System.Text.RegularExpressions;
using System.Xml.Linq;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Journeys;
using CustomerStudio.Core.Segments;
using CustomerStudio.Core.Tags;
using CustomerStudio.Tests.Infrastructure;

namespace CustomerStudio.Tests.Localization;

public partial class ResourceTests
{
    private static readonly string WebDir = Path.Combine(RepoPaths.Root, "src", "CustomerStudio.Web");

    private static HashSet<string> Keys(string file) =>
        XDocument.Load(Path.Combine(WebDir, "Resources", file)).Root!.Elements("data")
            .Where(d => !string.IsNullOrWhiteSpace(d.Element("value")?.Value))
            .Select(d => d.Attribute("name")!.Value).ToHashSet();

    [Fact]
    public void Chinese_and_english_have_the_same_keys()
    {
        var en = Keys("Localization.SharedResource.resx");
        var zh = Keys("Localization.SharedResource.zh-CN.resx");
        Assert.Empty(en.Except(zh));
        Assert.Empty(zh.Except(en));
    }

    [Fact]
    public void Every_key_the_ui_uses_exists()
    {
        var known = Keys("Localization.SharedResource.resx");
        var used = Directory.EnumerateFiles(WebDir, "*.*", SearchOption.AllDirectories)
            .Where(f => (f.EndsWith(".razor") || f.EndsWith(".cs")) && !f.Contains("/obj/") && !f.Contains("/bin/"))
            .SelectMany(f => UsedKey().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .ToHashSet();
        // Menu entries name their title key in C#.
        used.UnionWith(Directory.EnumerateFiles(Path.Combine(WebDir, "Features"), "*.cs", SearchOption.AllDirectories)
            .SelectMany(f => MenuKey().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value)));
        Assert.NotEmpty(used);
        Assert.Empty(used.Except(known));
    }

    [Fact]
    public void Every_enum_value_shown_in_the_ui_has_a_label()
    {
        var known = Keys("Localization.SharedResource.resx");
        string[] expected =
        [
            .. Enum.GetNames<LifecycleStage>().Select(n => "Stage_" + n),
            .. Enum.GetNames<TagKind>().Select(n => "TagKind_" + n),
            .. Enum.GetNames<TagStatus>().Select(n => "TagStatus_" + n),
            .. Enum.GetNames<RefreshRule>().Select(n => "Refresh_" + n),
            .. Enum.GetNames<Sensitivity>().Select(n => "Sensitivity_" + n),
            .. Enum.GetNames<SegmentKind>().Select(n => "SegmentKind_" + n),
            .. Enum.GetNames<JourneyStatus>().Select(n => "JourneyStatus_" + n),
            .. Enum.GetNames<CustomerStudio.Core.Templates.PackChange>().Select(n => "PackChange_" + n),
            .. Enum.GetNames<CustomerStudio.Core.Templates.PackItemKind>().Select(n => "PackKind_" + n),
            .. CustomerStudio.Core.Journeys.Runtime.StepMessages.AllCodes.Select(c => "Step_" + c),
        ];
        Assert.Empty(expected.Except(known));
    }

    [Fact]
    public void Every_resource_file_names_each_key_once_and_its_chinese_twin_has_the_same_keys()
    {
        // A repeated key is dropped by the build with only a warning (MSB3568): the first wins, whatever its placeholders.
        var files = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "src"), "*.resx", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/") && !f.Contains("/bin/")).ToList();
        Assert.True(files.Count >= 10, $"found only {files.Count} resource files");
        List<string> Names(string file) => XDocument.Load(file).Root!.Elements("data").Select(d => d.Attribute("name")!.Value).ToList();
        var repeated = files.SelectMany(f => Names(f).GroupBy(k => k).Where(g => g.Count() > 1).Select(g => $"{Path.GetFileName(f)}: {g.Key}")).ToList();
        Assert.Empty(repeated);
        foreach (var english in files.Where(f => !f.EndsWith(".zh-CN.resx", StringComparison.Ordinal)))
        {
            var chinese = english[..^".resx".Length] + ".zh-CN.resx";
            Assert.True(File.Exists(chinese), $"{Path.GetFileName(english)} has no zh-CN twin");
            Assert.Equal(Names(english).Order(), Names(chinese).Order());
        }
    }

    [Fact]
    public void The_journey_runtime_writes_its_steps_from_step_messages_so_that_each_has_a_label()
    {
        // Free text in a step is an error (Fail); what Leave, Step and End log must be a StepMessages constant.
        var engine = File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "CustomerStudio.Core", "Journeys", "Runtime", "JourneyEngine.cs"));
        Assert.Empty(StepCallWithText().Matches(engine).Select(m => m.Value));
        Assert.Contains("StepMessages.Queued", engine);
    }

    [GeneratedRegex("""L\["([A-Za-z0-9_]+)"\]""")]
    private static partial Regex UsedKey();

    [GeneratedRegex("""new\("(Nav_[A-Za-z]+)",""")]
    private static partial Regex MenuKey();

    [GeneratedRegex("""\b(Leave|Step|End)\(batch,[^;]*"[^;]*;""")]
    private static partial Regex StepCallWithText();
}
