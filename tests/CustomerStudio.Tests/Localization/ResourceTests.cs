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
        ];
        Assert.Empty(expected.Except(known));
    }

    [GeneratedRegex("""L\["([A-Za-z0-9_]+)"\]""")]
    private static partial Regex UsedKey();

    [GeneratedRegex("""new\("(Nav_[A-Za-z]+)",""")]
    private static partial Regex MenuKey();
}
