using System.Text.Json.Nodes;
using AngleSharp.Dom;
using Bunit;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Segments;
using CustomerStudio.Core.Tags;
using CustomerStudio.Core.Workspace;
using CustomerStudio.Tests.Infrastructure;
using CustomerStudio.Web.Components.Shared;
using CustomerStudio.Web.Features.Segments;
using CustomerStudio.Web.Features.Segments.Builder;
using CustomerStudio.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CustomerStudio.Tests.Components;

/// <summary>A small SQLite workspace for the segment builder: 8 live customers, one merged away, a tag, a segment, events.</summary>
public sealed class SegmentBuilderDatabase : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var db = Database.CreateContext();
        var now = DateTime.UtcNow;
        db.WorkspaceSettings.Add(new WorkspaceSettings { TimeZone = "Asia/Shanghai" });
        string?[] provinces = ["上海", "上海", "江苏", "江苏", "浙江", "北京", "北京", null];
        var customers = provinces.Select((p, i) => new Customer
        {
            Name = $"客户{i}", Province = p, Phone = $"+86138000000{i:00}", Email = $"c{i}@example.com", CreatedAt = now, UpdatedAt = now,
        }).ToList();
        db.Customers.AddRange(customers);
        await db.SaveChangesAsync();
        var merged = new Customer { Name = "merged", Province = "上海", CreatedAt = now, UpdatedAt = now, MergedIntoId = customers[0].Id };
        db.Customers.Add(merged);
        db.Events.Add(new CustomerEvent { CustomerId = customers[0].Id, Type = "page_view", OccurredAt = now, ReceivedAt = now, Channel = "web" });
        var category = new TagCategory { Code = "cat", NameZh = "类", NameEn = "Cat", CreatedAt = now };
        db.TagCategories.Add(category);
        await db.SaveChangesAsync();
        db.Tags.Add(new Tag { CategoryId = category.Id, Code = "vip", NameZh = "重要客户", NameEn = "Key account", CreatedAt = now, UpdatedAt = now });
        db.Segments.Add(new Segment
        {
            Code = "beijing", Name = "北京客户", Kind = SegmentKind.Dynamic, DefinitionJson = """{"attr":"province","op":"eq","value":"北京"}""",
            CreatedAt = now, UpdatedAt = now,
        });
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync() => await Database.DisposeAsync();
}

public class SegmentBuilderEditorTests : BunitTestBase, IClassFixture<SegmentBuilderDatabase>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly SegmentBuilderDatabase _world;
    private readonly IRenderedComponent<MudPopoverProvider> _popovers;

    public SegmentBuilderEditorTests(SegmentBuilderDatabase world)
    {
        _world = world;
        UseCulture("zh-CN");
        Services.AddDbContextFactory<StudioDbContext>(o =>
            StudioDatabase.Configure(o, DatabaseProvider.Sqlite, world.Database.ConnectionString));
        Services.AddSingleton(TimeProvider.System);
        Services.AddScoped<PersonalDataMask>();
        Services.AddScoped<WorkspaceClock>();
        // Roles before claims: setting roles resets the claims.
        AddAuthorization().SetAuthorized("marketer@customerstudio.local").SetRoles("Marketer").SetPolicies(Policies.Segments)
            .SetClaims(new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.NameIdentifier, "u-marketer"));
        SetRendererInfo(new RendererInfo("Server", true));
        _popovers = Render<MudPopoverProvider>();
    }

    private IRenderedComponent<SegmentBuilderPage> OpenNew()
    {
        var cut = Render<SegmentBuilderPage>();
        cut.WaitForState(() => cut.Instance.Tree is not null, Wait);
        return cut;
    }

    private static ConditionTree TreeOf(IRenderedComponent<SegmentBuilderPage> cut) => cut.Instance.Tree!;

    /// <summary>The drop item (the draggable element) around a palette entry.</summary>
    private static IElement PaletteItem(IRenderedComponent<SegmentBuilderPage> cut, string kind) =>
        cut.FindAll("[data-testid=palette] .mud-drop-item").First(e => e.QuerySelector($"[data-testid=palette-{kind}]") is not null);

    private static IElement Zone(IRenderedComponent<SegmentBuilderPage> cut, GroupNode group) => cut.Find($".mud-drop-zone[data-zone='{group.Id}']");

    private static IElement Leaf(IRenderedComponent<SegmentBuilderPage> cut, ConditionNode node) => cut.Find($"[data-node-id='{node.Id}']");

    /// <summary>A text field with its label and helper or error text.</summary>
    private static string Control(IRenderedComponent<SegmentBuilderPage> cut, string testId) =>
        cut.Find($"[data-testid={testId}]").Closest(".mud-input-control")!.TextContent;

    private static async Task DragAsync(IRenderedComponent<SegmentBuilderPage> cut, Func<IElement> source, Func<IElement> target)
    {
        await cut.InvokeAsync(() => source().DragStart());
        await cut.InvokeAsync(() => target().DragEnter());
        await cut.InvokeAsync(() => target().Drop());
    }

    [Fact]
    public async Task Dragging_from_the_palette_adds_a_condition_to_the_group_it_is_dropped_in()
    {
        var cut = OpenNew();
        var tree = TreeOf(cut);
        Assert.Equal(7, cut.FindAll("[data-testid=palette] [data-testid^=palette-]").Count);

        await DragAsync(cut, () => PaletteItem(cut, "attribute"), () => Zone(cut, tree.Root));
        var attribute = Assert.IsType<AttributeNode>(Assert.Single(TreeOf(cut).Root.Items));
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=condition-leaf][data-kind=attribute]")), Wait);
        Assert.Equal("province", attribute.Field);

        // Dropped on the group before reaching any of its conditions, the new one goes first.
        await DragAsync(cut, () => PaletteItem(cut, "identity"), () => Zone(cut, tree.Root));
        Assert.Equal(2, tree.Root.Items.Count);
        Assert.Equal("""{"all":[{"identity":"phone","op":"has"},{"attr":"province","op":"eq"}]}""", cut.Instance.Json);
        // The palette keeps every entry.
        Assert.Equal(7, cut.FindAll("[data-testid=palette] [data-testid^=palette-]").Count);
    }

    [Fact]
    public async Task A_group_nests_inside_a_group_and_conditions_move_between_groups_by_drag()
    {
        var cut = OpenNew();
        var tree = TreeOf(cut);
        await cut.InvokeAsync(() => cut.Find("[data-testid=root-group] [data-testid=add-menu] button").Click());
        await cut.InvokeAsync(() => _popovers.Find("[data-testid=add-identity]").Click());
        await DragAsync(cut, () => PaletteItem(cut, "group"), () => Zone(cut, tree.Root));
        // Dropped on the group before reaching any condition: it goes first.
        var inner = Assert.IsType<GroupNode>(tree.Root.Items[0]);
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=condition-group]")), Wait);

        // A condition dropped into the nested group lands there, not in the group around it.
        await DragAsync(cut, () => PaletteItem(cut, "tag"), () => Zone(cut, inner));
        Assert.Equal("vip", Assert.IsType<TagConditionNode>(Assert.Single(inner.Items)).Tag);
        Assert.Equal(2, tree.Root.Items.Count);

        // The identity condition moves from the root into the nested group by its drag handle.
        var identity = Assert.IsType<IdentityNode>(tree.Root.Items[1]);
        await DragAsync(cut, () => Leaf(cut, identity).QuerySelector(".mud-drag-handle")!, () => Zone(cut, inner));
        Assert.Same(inner, identity.Parent);
        Assert.Equal("""{"all":[{"all":[{"identity":"phone","op":"has"},{"tag":"vip","op":"has"}]}]}""", cut.Instance.Json);
        cut.WaitForAssertion(() => Assert.Equal(2, cut.Find("[data-testid=condition-group]").QuerySelectorAll("[data-testid=condition-leaf]").Length), Wait);

        // A group cannot be dropped into itself.
        await DragAsync(cut, () => cut.Find($"[data-node-id='{inner.Id}']").QuerySelector(".mud-drag-handle")!, () => Zone(cut, inner));
        Assert.Same(tree.Root, inner.Parent);
    }

    [Fact]
    public async Task Negating_and_toggling_all_or_any_change_the_condition_and_the_sentence()
    {
        var cut = OpenNew();
        var tree = TreeOf(cut);
        await cut.InvokeAsync(() => tree.Insert(tree.Root, new TagConditionNode { Tag = "vip" }));
        await cut.InvokeAsync(() => tree.Insert(tree.Root, new SegmentConditionNode { Segment = "beijing" }));
        var tag = tree.Root.Items[0];

        await cut.InvokeAsync(() => Leaf(cut, tag).QuerySelector("[data-testid=negate]")!.Click());
        Assert.True(tag.Negated);
        await cut.InvokeAsync(() => cut.Find("[data-testid=root-group] [data-testid=group-any]").Click());
        Assert.Equal("""{"any":[{"not":{"tag":"vip","op":"has"}},{"segment":"beijing","op":"in"}]}""", cut.Instance.Json);
        cut.WaitForAssertion(() =>
        {
            Assert.Equal("any", cut.Find("[data-testid=root-group]").GetAttribute("data-mode"));
            Assert.Equal("true", Leaf(cut, tag).GetAttribute("data-negated"));
            Assert.Equal("并非（拥有标签「重要客户」） 或 属于分群「北京客户」", cut.Find("[data-testid=condition-sentence]").TextContent.Trim());
        }, Wait);

        await cut.InvokeAsync(() => cut.Find("[data-testid=root-group] > div [data-testid=negate]").Click());
        await cut.InvokeAsync(() => cut.Find("[data-testid=root-group] [data-testid=group-all]").Click());
        Assert.Equal("""{"not":{"all":[{"not":{"tag":"vip","op":"has"}},{"segment":"beijing","op":"in"}]}}""", cut.Instance.Json);
        // Not (not vip and in 北京) = vip or not in 北京: the 6 live customers outside 北京 (none has the tag).
        cut.WaitForAssertion(() => Assert.Equal("6", cut.Find("[data-testid=audience-count]").GetAttribute("data-count")), Wait);
    }

    [Fact]
    public async Task Undo_and_redo_restore_earlier_trees_from_buttons_and_shortcuts()
    {
        var cut = OpenNew();
        var tree = TreeOf(cut);
        Assert.True(cut.Find("[data-testid=undo]").HasAttribute("disabled"));
        await cut.InvokeAsync(() => tree.Insert(tree.Root, new IdentityNode()));
        await cut.InvokeAsync(() => tree.Insert(tree.Root, new TagConditionNode { Tag = "vip" }));
        await cut.InvokeAsync(() => cut.Find("[data-testid=root-group] [data-testid=group-any]").Click());

        await cut.InvokeAsync(() => cut.Find("[data-testid=undo]").Click());
        Assert.Equal("""{"all":[{"identity":"phone","op":"has"},{"tag":"vip","op":"has"}]}""", cut.Instance.Json);
        await cut.InvokeAsync(() => cut.Find("[data-testid=undo]").Click());
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=condition-leaf]")), Wait);

        // Ctrl+Y and Ctrl+Z come through the keyboard listener.
        var builder = cut.FindComponent<ConditionBuilder>().Instance;
        await builder.RedoFromKeyboard();
        await builder.RedoFromKeyboard();
        Assert.Equal("""{"any":[{"identity":"phone","op":"has"},{"tag":"vip","op":"has"}]}""", cut.Instance.Json);
        Assert.True(cut.Find("[data-testid=redo]").HasAttribute("disabled"));
        await builder.UndoFromKeyboard();
        cut.WaitForAssertion(() =>
        {
            Assert.Equal("all", cut.Find("[data-testid=root-group]").GetAttribute("data-mode"));
            Assert.Equal(2, cut.FindAll("[data-testid=condition-leaf]").Count);
        }, Wait);
    }

    [Fact]
    public async Task Validation_errors_are_shown_with_their_path_and_the_condition_is_not_run()
    {
        var cut = OpenNew();
        // The empty tree is not a valid condition yet.
        cut.WaitForAssertion(() => Assert.Equal("$.all", cut.Find("[data-testid=error-path]").TextContent), Wait);
        Assert.Equal("", cut.Find("[data-testid=audience-count]").GetAttribute("data-count"));

        await cut.InvokeAsync(() => cut.Find("[data-testid=root-group] [data-testid=add-menu] button").Click());
        await cut.InvokeAsync(() => _popovers.Find("[data-testid=add-attribute]").Click());
        cut.WaitForAssertion(() =>
        {
            var error = Assert.Single(cut.FindAll("[data-testid=condition-error]"));
            Assert.Equal("$.all[0].value", error.QuerySelector("[data-testid=error-path]")!.TextContent);
            Assert.Equal("运算符“eq”需要一个值", error.QuerySelector("[data-testid=error-message]")!.TextContent);
            // The same message sits on the condition it is about.
            Assert.Equal("$.all[0].value", cut.Find("[data-testid=condition-leaf] [data-testid=node-error]").GetAttribute("data-path"));
            Assert.Equal("", cut.Find("[data-testid=audience-count]").GetAttribute("data-count"));
        }, Wait);
    }

    [Fact]
    public async Task Editing_the_value_updates_the_live_count_share_sample_and_sentence()
    {
        UseCulture("en");
        var cut = OpenNew();
        var tree = TreeOf(cut);
        var province = await cut.InvokeAsync(() => tree.Insert(tree.Root, new AttributeNode { Field = "province", Op = "in" }));

        await cut.InvokeAsync(() => cut.Find("[data-testid=attr-value]").Change("上海, 江苏，浙江"));
        Assert.Equal("""["上海","江苏","浙江"]""", province.Value!.ToJsonString(new System.Text.Json.JsonSerializerOptions
        {
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }));
        // 上海 ×2 (the merged-away one does not count), 江苏 ×2, 浙江 ×1 of 8 live customers.
        cut.WaitForAssertion(() =>
        {
            Assert.Equal("5", cut.Find("[data-testid=audience-count]").GetAttribute("data-count"));
            Assert.Equal("62.5% of 8 customers", cut.Find("[data-testid=audience-share]").TextContent.Trim());
            Assert.Equal("Province is one of 上海, 江苏, 浙江", cut.Find("[data-testid=condition-sentence]").TextContent.Trim());
            Assert.Equal(5, cut.FindAll("[data-testid=sample-row]").Count);
            // A marketer sees personal data masked.
            Assert.Contains("****", cut.Find("[data-testid=sample-row]").TextContent);
        }, Wait);

        province.Value = JsonValue.Create("北京");
        await cut.InvokeAsync(() => { province.Op = "eq"; tree.Commit(); });
        cut.WaitForAssertion(() => Assert.Equal("2", cut.Find("[data-testid=audience-count]").GetAttribute("data-count")), Wait);
    }

    [Fact]
    public async Task Saving_checks_the_fields_then_stores_the_segment_and_reopening_shows_the_same_tree()
    {
        var cut = OpenNew();
        var tree = TreeOf(cut);
        await cut.InvokeAsync(() => tree.Insert(tree.Root, new AttributeNode { Field = "province", Op = "in", Value = new JsonArray("江苏", "浙江") }));
        var group = await cut.InvokeAsync(() => tree.Insert(tree.Root, new GroupNode { IsAny = true }));
        await cut.InvokeAsync(() => tree.Insert(group, new IdentityNode { Negated = true }));
        await cut.InvokeAsync(() => tree.Insert(group, new SegmentConditionNode { Segment = "beijing", Op = "not_in" }));

        await cut.InvokeAsync(() => cut.Find("[data-testid=segment-code]").Change("Bad Code"));
        await cut.InvokeAsync(() => cut.Find("[data-testid=segment-cron]").Change("every day"));
        await cut.InvokeAsync(() => cut.Find("[data-testid=segment-save]").Click());
        cut.WaitForAssertion(() =>
        {
            Assert.Contains("Bad Code", Control(cut, "segment-code"));
            Assert.Contains("every day", Control(cut, "segment-cron"));
            Assert.Contains("“name”", Control(cut, "segment-name"));
        }, Wait);

        await cut.InvokeAsync(() => cut.Find("[data-testid=segment-code]").Change("jiangzhe_builder"));
        await cut.InvokeAsync(() => cut.Find("[data-testid=segment-name]").Change("江浙客户"));
        await cut.InvokeAsync(() => cut.Find("[data-testid=segment-cron]").Change("0 0 3 * * ?"));
        await cut.InvokeAsync(() => cut.Find("[data-testid=segment-save]").Click());

        var navigation = Services.GetRequiredService<NavigationManager>();
        cut.WaitForAssertion(() => Assert.Matches(@"/segments/\d+$", navigation.Uri), Wait);
        await using var db = _world.Database.CreateContext();
        var saved = await db.Segments.AsNoTracking().SingleAsync(s => s.Code == "jiangzhe_builder");
        Assert.Equal("u-marketer", saved.OwnerId);
        Assert.Equal("0 0 3 * * ?", saved.RefreshCron);
        Assert.Equal(3, saved.MemberCount);
        var expected = """{"all":[{"attr":"province","op":"in","value":["江苏","浙江"]},{"any":[{"not":{"identity":"phone","op":"has"}},{"segment":"beijing","op":"not_in"}]}]}""";
        Assert.Equal(expected, saved.DefinitionJson);

        var reopened = Render<SegmentBuilderPage>(p => p.Add(x => x.Id, saved.Id));
        reopened.WaitForAssertion(() =>
        {
            Assert.Equal(expected, reopened.Instance.Json);
            Assert.Equal("江浙客户", reopened.Find("[data-testid=page-title]").TextContent);
            Assert.Equal(3, reopened.FindAll("[data-testid=condition-leaf]").Count);
            Assert.Single(reopened.FindAll("[data-testid=condition-group]"));
            Assert.Equal("3", reopened.Find("[data-testid=audience-count]").GetAttribute("data-count"));
            Assert.NotNull(reopened.Find("[data-testid=size-chart]"));
        }, Wait);
        // Its own code is not offered as a segment to refer to.
        Assert.DoesNotContain(reopened.FindComponent<ConditionBuilder>().Instance.OtherSegments(), s => s.Code == "jiangzhe_builder");
    }

    [Fact]
    public void Every_operator_kind_and_unit_the_builder_shows_has_a_label_in_both_languages()
    {
        var localizer = Services.GetRequiredService<Microsoft.Extensions.Localization.IStringLocalizer<CustomerStudio.Web.Localization.SharedResource>>();
        string[] keys =
        [
            .. CustomerStudio.Core.Conditions.ConditionOperators.ByType.Values.SelectMany(o => o).Distinct().Select(o => "Op_" + o),
            .. CustomerStudio.Core.Conditions.ConditionOperators.TagOps.Select(o => "Op_" + o),
            .. CustomerStudio.Core.Conditions.ConditionOperators.OrderMetrics.Select(m => "OrderMetric_" + m),
            .. CustomerStudio.Core.Conditions.ConditionOperators.OrderStatuses.Select(s => "OrderStatus_" + s),
            .. CustomerStudio.Core.Conditions.ConditionOperators.IdentityKinds.Select(k => "IdentityKind_" + k),
            .. Enum.GetNames<ConditionKind>().Select(k => "Kind_" + k),
            .. Enum.GetNames<SegmentKind>().Select(k => "SegmentKindHint_" + k),
            .. new[] { "D", "W", "M", "Y" }.Select(u => "WindowUnit_" + u),
            .. new[] { "male", "female", "unknown" }.Select(g => "Gender_" + g),
        ];
        foreach (var culture in new[] { "zh-CN", "en" })
        {
            UseCulture(culture);
            Assert.Equal([], keys.Where(k => localizer[k].ResourceNotFound).ToArray());
        }
    }
}
