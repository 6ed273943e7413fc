using System.Security.Claims;
using System.Text.Json.Nodes;
using Bunit;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Journeys;
using CustomerStudio.Core.Journeys.Definition;
using CustomerStudio.Core.Security;
using CustomerStudio.Tests.Components;
using CustomerStudio.Tests.Infrastructure;
using CustomerStudio.Web.Components.Shared;
using CustomerStudio.Web.Features.Journeys.Designer;
using CustomerStudio.Web.Features.Segments.Builder;
using CustomerStudio.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CustomerStudio.Tests.Journeys;

/// <summary>A SQLite workspace with what journeys refer to (see <see cref="JourneyWorkspaceWorld"/>).</summary>
public sealed class DesignerDatabase : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var db = Database.CreateContext();
        await JourneyWorkspaceWorld.SeedAsync(db);
    }

    public async Task<int> CreateAsync(string code, string? json = null, bool publish = false)
    {
        await using var db = Database.CreateContext();
        var service = new JourneyService(db, TimeProvider.System);
        var journey = (await service.CreateAsync(new JourneyDraft(code, "设计器测试 " + code, null, json), Actor.System)).Journey!;
        if (publish) Assert.True((await service.PublishAsync(journey.Id, Actor.System)).Ok);
        return journey.Id;
    }

    public async Task DisposeAsync() => await Database.DisposeAsync();
}

public class JourneyDesignerTests : BunitTestBase, IClassFixture<DesignerDatabase>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly DesignerDatabase _world;

    public JourneyDesignerTests(DesignerDatabase world)
    {
        _world = world;
        UseCulture("zh-CN");
        Services.AddDbContextFactory<StudioDbContext>(o => StudioDatabase.Configure(o, DatabaseProvider.Sqlite, world.Database.ConnectionString));
        Services.AddSingleton(TimeProvider.System);
        Services.AddScoped<WorkspaceClock>();
        Services.AddScoped<DesignerClipboard>();
        Services.AddScoped<PersonalDataMask>();
        AddAuthorization().SetAuthorized("marketer@customerstudio.local").SetRoles(StudioRoles.Marketer).SetPolicies(Policies.Journeys)
            .SetClaims(new Claim(ClaimTypes.NameIdentifier, "u-marketer"));
        SetRendererInfo(new RendererInfo("Server", true));
        Render<MudPopoverProvider>();
        Render<MudDialogProvider>();
    }

    private async Task<IRenderedComponent<JourneyDesignerPage>> OpenAsync(string code, string? json = null, bool publish = false)
    {
        var id = await _world.CreateAsync(code, json, publish);
        var cut = Render<JourneyDesignerPage>(p => p.Add(x => x.Id, id));
        cut.WaitForState(() => cut.Instance.Diagram is not null && cut.Instance.Canvas is not null, Wait);
        return cut;
    }

    private static JourneyDiagram Diagram(IRenderedComponent<JourneyDesignerPage> cut) => cut.Instance.Diagram!;

    private static JourneyCanvas Canvas(IRenderedComponent<JourneyDesignerPage> cut) => cut.Instance.Canvas!;

    private static AngleSharp.Dom.IElement Node(IRenderedComponent<JourneyDesignerPage> cut, string id) => cut.Find($"[data-testid=canvas-node][data-node-id='{id}']");

    private async Task SelectAsync(IRenderedComponent<JourneyDesignerPage> cut, string id) =>
        await cut.InvokeAsync(() => Node(cut, id).Click());

    /// <summary>Chooses a value in the MudSelect with the test id, as picking its option does.</summary>
    private static async Task ChooseAsync<T>(IRenderedComponent<JourneyDesignerPage> cut, string testId, T value)
    {
        var select = cut.FindComponents<MudSelect<T>>()
            .First(s => s.Instance.UserAttributes.TryGetValue("data-testid", out var id) && (string?)id == testId);
        await cut.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(value));
    }

    [Fact]
    public async Task The_palette_groups_every_kind_and_a_click_or_a_drop_adds_a_node_with_its_settings_panel()
    {
        var cut = await OpenAsync("palette");
        Assert.Equal(JourneyNodeKinds.All.Count, cut.FindAll("[data-testid=journey-palette] [data-palette-kind]").Count);
        Assert.Equal(["trigger", "flow", "action", "end"], cut.FindAll("[data-testid^=palette-group-]").Select(g => g.GetAttribute("data-testid")!["palette-group-".Length..]));
        Assert.Equal("进入分群", cut.Find("[data-testid=palette-segment_entered]").TextContent.Trim());
        cut.Find("[data-testid=canvas-empty]");

        await cut.InvokeAsync(() => cut.Find("[data-testid=palette-segment_entered]").Click());
        var trigger = Assert.Single(Diagram(cut).Nodes);
        Assert.Equal((JourneyNodeKind.SegmentEntered, "segment_entered_1"), (trigger.Kind, trigger.Id));
        cut.WaitForAssertion(() => Assert.Equal("segment_entered", cut.Find("[data-testid=node-settings]").GetAttribute("data-kind")), Wait);

        // A drop from the palette arrives from the canvas module with the kind's code and the canvas position.
        await Canvas(cut).DropKind("send_email", 400, 180);
        var email = Diagram(cut).Nodes[1];
        Assert.Equal((JourneyNodeKind.SendEmail, 400d, 180d), (email.Kind, email.X, email.Y));
        cut.WaitForAssertion(() =>
        {
            Assert.Equal(2, cut.FindAll("[data-testid=canvas-node]").Count);
            Assert.Equal("translate(400,180)", Node(cut, email.Id).GetAttribute("transform"));
            Assert.Equal("send_email", cut.Find("[data-testid=node-settings]").GetAttribute("data-kind"));
        }, Wait);
        Assert.Empty(cut.FindAll("[data-testid=canvas-empty]"));
    }

    [Fact]
    public async Task Connecting_moving_deleting_and_undo_redo_edit_the_diagram()
    {
        var cut = await OpenAsync("connect");
        var canvas = Canvas(cut);
        await canvas.DropKind("segment_entered", 40, 100);
        await canvas.DropKind("wait", 320, 100);
        await canvas.DropKind("exit", 600, 100);
        var (trigger, wait, exit) = (Diagram(cut).Nodes[0].Id, Diagram(cut).Nodes[1].Id, Diagram(cut).Nodes[2].Id);

        await canvas.Connect(trigger, "next", wait);
        await canvas.Connect(wait, "next", exit);
        // Nothing leads into a trigger, and a port is not connected to its own node.
        await canvas.Connect(wait, "next", trigger);
        await canvas.Connect(exit, "next", exit);
        Assert.Equal([$"{trigger}.next→{wait}", $"{wait}.next→{exit}"], Diagram(cut).Edges.Select(e => $"{e.From}.{e.Port}→{e.To}"));
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=canvas-edge]").Count), Wait);
        Assert.Contains("connected", cut.Find($"[data-testid='port-{trigger}-next']").GetAttribute("class"));

        await canvas.MoveNodes([new JourneyCanvas.NodeMove(wait, 333.4, 222.6)]);
        Assert.Equal((333d, 223d), (Diagram(cut).Node(wait)!.X, Diagram(cut).Node(wait)!.Y));
        // The edge into the moved node follows it.
        cut.WaitForAssertion(() => Assert.EndsWith("333 255", cut.FindAll("[data-testid=canvas-edge] .jc-edge-line")[0].GetAttribute("d")), Wait);

        await SelectAsync(cut, wait);
        await canvas.Command("DeleteSelection");
        Assert.Equal(2, Diagram(cut).Nodes.Count);
        Assert.Empty(Diagram(cut).Edges);

        await cut.InvokeAsync(() => cut.Find("[data-testid=designer-undo]").Click());
        Assert.Equal(3, Diagram(cut).Nodes.Count);
        Assert.Equal(2, Diagram(cut).Edges.Count);
        await canvas.Command("Undo");
        Assert.Equal(320d, Diagram(cut).Node(wait)!.X);
        await canvas.Command("Redo");
        Assert.Equal(333d, Diagram(cut).Node(wait)!.X);
        await cut.InvokeAsync(() => cut.Find("[data-testid=designer-redo]").Click());
        Assert.Null(Diagram(cut).Node(wait));
        cut.WaitForAssertion(() => Assert.True(cut.Find("[data-testid=designer-redo]").HasAttribute("disabled")), Wait);
    }

    [Fact]
    public async Task Copy_and_paste_duplicate_the_selection_with_new_ids_and_the_edges_between_them()
    {
        var cut = await OpenAsync("clipboard");
        var canvas = Canvas(cut);
        await canvas.DropKind("wait", 100, 100);
        await canvas.DropKind("send_sms", 400, 100);
        var (wait, sms) = (Diagram(cut).Nodes[0].Id, Diagram(cut).Nodes[1].Id);
        await canvas.Connect(wait, "next", sms);
        await canvas.Command("SelectAll");
        await canvas.Command("Copy");
        await canvas.Command("Paste");

        Assert.Equal(["wait_1", "send_sms_1", "wait_2", "send_sms_2"], Diagram(cut).Nodes.Select(n => n.Id));
        Assert.Equal((140d, 140d), (Diagram(cut).Node("wait_2")!.X, Diagram(cut).Node("wait_2")!.Y));
        Assert.Contains(Diagram(cut).Edges, e => e is { From: "wait_2", Port: "next", To: "send_sms_2" });
        Assert.Equal(["wait_2", "send_sms_2"], Diagram(cut).Selected.Order().Reverse());
        await cut.InvokeAsync(() => cut.Find("[data-testid=designer-paste]").Click());
        Assert.Equal((180d, 180d), (Diagram(cut).Node("wait_3")!.X, Diagram(cut).Node("wait_3")!.Y));
    }

    [Fact]
    public async Task Markers_show_unconnected_ports_missing_settings_and_unreachable_nodes_and_go_when_fixed()
    {
        var cut = await OpenAsync("markers");
        var canvas = Canvas(cut);
        await canvas.DropKind("segment_entered", 40, 100);
        await canvas.DropKind("send_email", 320, 100);
        await canvas.DropKind("exit", 600, 100);
        cut.WaitForAssertion(() =>
        {
            // The trigger: no segment and an unconnected port; the email: no template, unconnected, unreachable; the exit: unreachable.
            Assert.Equal("2", Node(cut, "segment_entered_1").QuerySelector("[data-testid=node-problem]")!.GetAttribute("data-count"));
            Assert.Equal("3", Node(cut, "send_email_1").QuerySelector("[data-testid=node-problem]")!.GetAttribute("data-count"));
            Assert.Equal("1", Node(cut, "exit_1").QuerySelector("[data-testid=node-problem]")!.GetAttribute("data-count"));
        }, Wait);
        var paths = cut.Instance.Problems.Select(p => $"{p.Path} {p.Code}").ToList();
        Assert.Contains("$.nodes[0].settings.segment SettingNotSet", paths);
        Assert.Contains("$.nodes[0] UnconnectedPort", paths);
        Assert.Contains("$.nodes[1].settings.template SettingNotSet", paths);
        Assert.Contains("$.nodes[1] UnreachableNode", paths);
        Assert.Contains("$.nodes[2] UnreachableNode", paths);
        await cut.InvokeAsync(() => cut.FindAll(".mud-tab")[1].Click());
        cut.WaitForAssertion(() => Assert.Equal(paths.Count, cut.FindAll("[data-testid=problem]").Count), Wait);

        // A problem in the list selects its node.
        await cut.InvokeAsync(() => cut.FindAll("[data-testid=problem]").First(p => p.GetAttribute("data-node") == "exit_1").Click());
        Assert.Equal(["exit_1"], Diagram(cut).Selected);

        await canvas.Connect("segment_entered_1", "next", "send_email_1");
        await canvas.Connect("send_email_1", "next", "exit_1");
        await SelectAsync(cut, "segment_entered_1");
        await ChooseAsync(cut, "setting-segment", "high_intent");
        await SelectAsync(cut, "send_email_1");
        await ChooseAsync(cut, "setting-template", "welcome");
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=node-problem]")), Wait);
        await cut.InvokeAsync(() => cut.FindAll(".mud-tab")[1].Click());
        cut.WaitForAssertion(() => cut.Find("[data-testid=no-problems]"), Wait);
        Assert.Equal("high_intent", ((SegmentEnteredSettings)Diagram(cut).Node("segment_entered_1")!.Settings).Segment);
        Assert.Equal("welcome", ((SendEmailSettings)Diagram(cut).Node("send_email_1")!.Settings).Template);
    }

    [Fact]
    public async Task The_settings_panel_has_a_form_per_kind_that_writes_typed_settings()
    {
        var cut = await OpenAsync("forms");
        var canvas = Canvas(cut);

        await canvas.DropKind("wait", 100, 100);
        await SelectAsync(cut, "wait_1");
        await cut.InvokeAsync(() => cut.Find("[data-testid=setting-duration-amount]").Change("3"));
        Assert.Equal("P3D", ((WaitSettings)Diagram(cut).Node("wait_1")!.Settings).Duration);
        await ChooseAsync(cut, "setting-duration-unit", "Hours");
        Assert.Equal("PT3H", ((WaitSettings)Diagram(cut).Node("wait_1")!.Settings).Duration);
        cut.WaitForAssertion(() => Assert.Contains("3 小时", Node(cut, "wait_1").TextContent), Wait);

        await canvas.DropKind("add_tag", 100, 300);
        await SelectAsync(cut, "add_tag_1");
        await ChooseAsync(cut, "setting-tag", "hot_lead");
        await ChooseAsync(cut, "setting-tag-value", "hot");
        await cut.InvokeAsync(() => cut.Find("[data-testid=setting-expiry]").Change("30"));
        Assert.Equal(new TagActionSettings { Tag = "hot_lead", Value = "hot", ExpiryDays = 30 }, Diagram(cut).Node("add_tag_1")!.Settings);

        await cut.InvokeAsync(() => cut.Find("[data-testid=node-label]").Change("标记热线索"));
        Assert.Equal("标记热线索", Diagram(cut).Node("add_tag_1")!.Label);
        cut.WaitForAssertion(() => Assert.Contains("标记热线索", Node(cut, "add_tag_1").TextContent), Wait);

        await canvas.DropKind("ab_split", 400, 100);
        await SelectAsync(cut, "ab_split_1");
        await cut.InvokeAsync(() => cut.Find("[data-testid=variant-add]").Click());
        await cut.InvokeAsync(() => cut.Find("[data-testid=variant-weight-2]").Change("20"));
        var split = (AbSplitSettings)Diagram(cut).Node("ab_split_1")!.Settings;
        Assert.Equal(["a:50", "b:50", "c:20"], split.Variants.Select(v => $"{v.Port}:{v.Weight}"));
        cut.WaitForAssertion(() => Assert.Equal(3, Node(cut, "ab_split_1").QuerySelectorAll("circle[data-port]").Length), Wait);
        // A renamed variant keeps its connection.
        await canvas.Connect("ab_split_1", "c", "add_tag_1");
        await cut.InvokeAsync(() => cut.Find("[data-testid=variant-port-2]").Change("control"));
        Assert.Contains(Diagram(cut).Edges, e => e is { From: "ab_split_1", Port: "control", To: "add_tag_1" });
    }

    [Fact]
    public async Task Condition_nodes_edit_their_condition_with_the_segment_builder()
    {
        var cut = await OpenAsync("condition");
        await Canvas(cut).DropKind("condition", 100, 100);
        await SelectAsync(cut, "condition_1");
        cut.WaitForAssertion(() => cut.Find("[data-testid=setting-condition] [data-testid=condition-builder]"), Wait);
        // The empty group is a problem until a condition is added.
        Assert.Contains(cut.Instance.Problems, p => p.Path == "$.nodes[0].settings.condition.all" && p.Code == "EmptyGroup");

        var builder = cut.FindComponent<ConditionBuilder>();
        await cut.InvokeAsync(() => builder.Instance.Tree.Insert(builder.Instance.Tree.Root, new AttributeNode { Field = "company", Op = "is_not_empty" }));
        var settings = (ConditionSettings)Diagram(cut).Node("condition_1")!.Settings;
        Assert.Equal("""{"all":[{"attr":"company","op":"is_not_empty"}]}""", settings.Condition.ToJsonString());
        Assert.DoesNotContain(cut.Instance.Problems, p => p.Path.StartsWith("$.nodes[0].settings"));
        cut.WaitForAssertion(() => Assert.Contains("公司", Node(cut, "condition_1").TextContent), Wait);

        // The designer's undo takes the condition back too.
        await Canvas(cut).Command("Undo");
        Assert.Equal("""{"all":[]}""", ((ConditionSettings)Diagram(cut).Node("condition_1")!.Settings).Condition.ToJsonString());
    }

    [Fact]
    public async Task Saving_keeps_a_draft_with_problems_and_publishing_creates_a_version()
    {
        var cut = await OpenAsync("publish");
        var canvas = Canvas(cut);
        await canvas.DropKind("manual", 40, 100);
        await cut.InvokeAsync(() => cut.Find("[data-testid=journey-save]").Click());
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=unsaved]")), Wait);
        await using (var db = _world.Database.CreateContext())
            Assert.Contains("manual_1", (await db.Journeys.SingleAsync(j => j.Id == cut.Instance.Journey!.Id)).DraftJson);

        // The port is not connected: publishing is refused and the problems tab shows why.
        await cut.InvokeAsync(() => cut.Find("[data-testid=journey-publish]").Click());
        cut.WaitForAssertion(() => Assert.Contains(cut.FindAll("[data-testid=problem]"), p => p.GetAttribute("data-path") == "$.nodes[0]"), Wait);
        Assert.Null(cut.Instance.Journey!.PublishedVersion);

        await canvas.DropKind("exit", 320, 100);
        await canvas.Connect("manual_1", "next", "exit_1");
        await cut.InvokeAsync(() => cut.Find("[data-testid=journey-publish]").Click());
        cut.WaitForAssertion(() =>
        {
            Assert.Equal("1", cut.Find("[data-testid=journey-version]").GetAttribute("data-version"));
            Assert.Equal("Published", cut.Find("[data-testid=journey-status]").GetAttribute("data-status"));
            // A published journey shows its figures on the nodes.
            Assert.Equal("0", Node(cut, "manual_1").QuerySelector("[data-testid=node-stats]")!.GetAttribute("data-entered"));
        }, Wait);
        await using (var db = _world.Database.CreateContext())
            Assert.Contains("exit_1", (await db.JourneyVersions.SingleAsync(v => v.JourneyId == cut.Instance.Journey!.Id)).DefinitionJson);
    }

    [Fact]
    public async Task A_published_journey_shows_per_node_counts_and_the_ab_difference()
    {
        var cut = await OpenAsync("figures", JourneyWorkspaceWorld.Fixture, publish: true);
        var id = cut.Instance.Journey!.Id;
        await using (var db = _world.Database.CreateContext())
        {
            var version = await db.JourneyVersions.SingleAsync(v => v.JourneyId == id);
            var customers = await db.Customers.OrderBy(c => c.Id).Select(c => c.Id).Take(12).ToListAsync();
            for (var i = 0; i < 12; i++)
            {
                var variant = i < 6 ? "a" : "b";
                var converted = variant == "a" ? i < 4 : i < 7;
                var instance = new JourneyInstance
                {
                    JourneyId = id, JourneyVersionId = version.Id, CustomerId = customers[i], StartedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
                    Status = converted ? InstanceStatus.Converted : InstanceStatus.Waiting, CurrentNodeId = converted ? "goal" : "wait_demo",
                };
                db.JourneyInstances.Add(instance);
                await db.SaveChangesAsync();
                foreach (var (node, port) in new[] { ("entered", "next"), ("split", variant) })
                    db.JourneyStepLog.Add(new JourneyStepLog { InstanceId = instance.Id, JourneyId = id, NodeId = node, Port = port, At = DateTime.UtcNow });
            }
            await db.SaveChangesAsync();
        }
        cut = Render<JourneyDesignerPage>(p => p.Add(x => x.Id, id));
        cut.WaitForAssertion(() =>
        {
            Assert.Equal("12", Node(cut, "entered").QuerySelector("[data-testid=node-stats]")!.GetAttribute("data-entered"));
            Assert.Equal("7", Node(cut, "wait_demo").QuerySelector("[data-testid=node-stats]")!.GetAttribute("data-waiting"));
            Assert.Equal("5", Node(cut, "goal").QuerySelector("[data-testid=node-stats]")!.GetAttribute("data-converted"));
            Assert.Equal(["6", "6"], Node(cut, "split").QuerySelectorAll("[data-testid=port-count]").Select(e => e.TextContent));
            // a: 4 of 6 converted, b: 1 of 6: b − a = −50 points.
            Assert.Contains("B−A：-50.0 pp", Node(cut, "split").QuerySelector("[data-testid=node-split]")!.TextContent);
            var difference = cut.Find("[data-testid=split-difference]");
            Assert.Contains("-50.0", difference.TextContent);
            // Wald interval: −0.50 ± 1.96 × 0.245, which excludes 0.
            Assert.Equal("true", difference.GetAttribute("data-significant"));
        }, Wait);
    }

    [Fact]
    public async Task A_dry_run_shows_the_path_on_the_canvas_and_what_would_be_sent_masked()
    {
        var cut = await OpenAsync("dry_run", JourneyWorkspaceWorld.Fixture);
        await cut.InvokeAsync(() => cut.FindAll(".mud-tab")[2].Click());
        cut.WaitForAssertion(() => cut.Find("[data-testid=dry-run]"), Wait);
        CustomerStudio.Core.Customers.CustomerRow customer;
        await using (var db = _world.Database.CreateContext())
            customer = (await CustomerStudio.Core.Customers.CustomerDirectory.SearchAsync(db, "客户0", 0, 5)).Items.Single(c => c.Name == "客户0");
        var picker = cut.FindComponents<MudAutocomplete<CustomerStudio.Core.Customers.CustomerRow>>().Single();
        await cut.InvokeAsync(() => picker.Instance.ValueChanged.InvokeAsync(customer));
        // The customer asks for a demo a day after entering.
        await cut.InvokeAsync(() => cut.Find("[data-testid=dry-run-add-event]").Click());
        var type = cut.FindComponents<MudAutocomplete<string>>().Single(a => (string?)a.Instance.UserAttributes["data-testid"] == "dry-run-event-type-0");
        await cut.InvokeAsync(() => type.Instance.ValueChanged.InvokeAsync("demo_request"));
        await cut.InvokeAsync(() => cut.Find("[data-testid=dry-run-start]").Click());

        cut.WaitForAssertion(() =>
        {
            Assert.Equal("completed", cut.Find("[data-testid=dry-run-result]").GetAttribute("data-outcome"));
            Assert.Equal(["entered", "welcome", "wait_demo", "tag_hot", "notify", "done"],
                cut.FindAll("[data-testid=dry-run-step]").Select(s => s.GetAttribute("data-node")));
            // Highlighted on the canvas, numbered in order, with the ports taken.
            Assert.Equal("3", Node(cut, "wait_demo").QuerySelector("[data-testid=path-step]")!.TextContent);
            Assert.Contains("on-path", Node(cut, "tag_hot").GetAttribute("class"));
            Assert.DoesNotContain("on-path", Node(cut, "is_b2b").GetAttribute("class"));
            Assert.Contains(cut.FindAll("[data-testid=canvas-edge].on-path"), e => e.GetAttribute("data-from") == "wait_demo" && e.GetAttribute("data-port") == "event");
        }, Wait);
        // Each step says what happened in the marketer's language.
        var steps = cut.FindAll("[data-testid=dry-run-step]");
        Assert.Contains("进入旅程", steps[0].TextContent);
        Assert.Contains("将发送邮件", steps[1].TextContent);
        Assert.Contains("收到事件 demo_request", steps[2].TextContent);
        Assert.Contains("将添加标签 hot_lead", steps[3].TextContent);
        Assert.DoesNotContain("would", string.Concat(steps.Select(x => x.TextContent)));
        // What would be sent, with the marketer seeing the address masked; nothing went to the outbox.
        var wouldSend = cut.Find("[data-testid=dry-run-step][data-node=welcome] [data-testid=dry-run-would-send]").TextContent;
        Assert.Contains("c***@example.com", wouldSend);
        Assert.DoesNotContain("c0@example.com", wouldSend);
        Assert.Contains("你好", wouldSend);
        await using (var db = _world.Database.CreateContext())
            Assert.False(await db.Outbox.AnyAsync());

        await cut.InvokeAsync(() => cut.Find("[data-testid=dry-run-clear]").Click());
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=path-step]")), Wait);
    }

    [Fact]
    public async Task A_sample_dry_run_counts_on_the_canvas_how_many_reached_each_node_and_opens_one_run()
    {
        // Six customers are in the trigger's segment (客户0–客户5; the even ones have a company).
        List<long> members;
        await using (var db = _world.Database.CreateContext())
        {
            var segment = await db.Segments.Where(x => x.Code == "high_intent").Select(x => x.Id).SingleAsync();
            members = await db.Customers.Where(c => c.Name!.StartsWith("客户") && c.Name.Length == 3).OrderBy(c => c.Id).Select(c => c.Id).Take(6).ToListAsync();
            if (!await db.SegmentMemberships.AnyAsync(m => m.SegmentId == segment))
            {
                db.SegmentMemberships.AddRange(members.Select(id => new CustomerStudio.Core.Segments.SegmentMembership { SegmentId = segment, CustomerId = id, EnteredAt = DateTime.UtcNow }));
                await db.SaveChangesAsync();
            }
        }
        var cut = await OpenAsync("dry_run_sample", JourneyWorkspaceWorld.Fixture);
        await cut.InvokeAsync(() => cut.FindAll(".mud-tab")[2].Click());
        cut.WaitForAssertion(() => cut.Find("[data-testid=dry-run]"), Wait);
        var mode = cut.FindComponents<MudRadioGroup<bool>>().Single();
        await cut.InvokeAsync(() => mode.Instance.ValueChanged.InvokeAsync(true));
        cut.WaitForAssertion(() => cut.Find("[data-testid=dry-run-sample-size]"), Wait);
        Assert.False(cut.Find("[data-testid=dry-run-start]").HasAttribute("disabled"));
        await cut.InvokeAsync(() => cut.Find("[data-testid=dry-run-start]").Click());

        cut.WaitForAssertion(() => Assert.Equal("6", cut.Find("[data-testid=dry-run-sample]").GetAttribute("data-runs")), Wait);
        Assert.Contains("从分群「高意向」的 6 位成员中随机抽取了 6 位", cut.Find("[data-testid=dry-run-sample-source]").TextContent);
        Assert.Equal(members, cut.FindAll("[data-testid=dry-run-sample-run]").Select(r => long.Parse(r.GetAttribute("data-customer-id")!)));
        // Names stay masked for the marketer.
        Assert.Contains("客*", cut.Find("[data-testid=dry-run-sample-run]").TextContent);
        Assert.Equal(6, cut.FindAll("[data-testid=dry-run-sample-outcome]").Sum(o => int.Parse(o.GetAttribute("data-count")!)));
        // The canvas counts the customers: all six entered and waited; the three with a company went to the A/B split.
        string Count(string node) => Node(cut, node).QuerySelector("[data-testid=path-count]")?.GetAttribute("data-count") ?? "";
        Assert.Equal(("6", "6", "6", "3"), (Count("entered"), Count("wait_demo"), Count("is_b2b"), Count("split")));
        Assert.Empty(cut.FindAll("[data-testid=path-step]"));
        Assert.Equal("", Count("tag_hot"));
        Assert.Contains(cut.FindAll("[data-testid=canvas-edge].on-path"), e => e.GetAttribute("data-from") == "is_b2b" && e.GetAttribute("data-port") == "no");
        Assert.Equal("6", cut.Find("[data-testid=dry-run-sample-send][data-node=welcome]").GetAttribute("data-count"));
        Assert.Contains("欢迎邮件：6 人中 6 人", cut.Find("[data-testid=dry-run-sample-send][data-node=welcome]").TextContent);

        // One run's own path: the single-customer dry run, numbered on the canvas.
        await cut.InvokeAsync(() => cut.FindAll("[data-testid=dry-run-sample-path]")[1].Click());
        cut.WaitForAssertion(() =>
        {
            Assert.Equal(["entered", "welcome", "wait_demo", "is_b2b", "done"], cut.FindAll("[data-testid=dry-run-step]").Select(x => x.GetAttribute("data-node")));
            Assert.Empty(cut.FindAll("[data-testid=dry-run-sample]"));
            Assert.Equal("1", Node(cut, "entered").QuerySelector("[data-testid=path-step]")!.TextContent);
        }, Wait);
        await using (var db = _world.Database.CreateContext())
            Assert.False(await db.Outbox.AnyAsync());
    }
}
