using System.Security.Claims;
using AngleSharp.Dom;
using Bunit;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Journeys;
using CustomerStudio.Core.Journeys.Runtime;
using CustomerStudio.Core.Security;
using CustomerStudio.Tests.Components;
using CustomerStudio.Tests.Infrastructure;
using CustomerStudio.Web.Components.Shared;
using CustomerStudio.Web.Features.Journeys.Designer;
using CustomerStudio.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CustomerStudio.Tests.Journeys;

/// <summary>
/// The designer's runs tab: only for journeys with a published version; instances with their status, node and error,
/// filtered by status, customer or the node clicked; retrying failed instances and removing a customer (confirmed
/// first), both audited as the signed-in user; parked messages put back in the queue; names masked without the
/// personal-data right. Instances and outbox rows are written straight into the SQLite workspace.
/// </summary>
public class JourneyRunsPanelTests : BunitTestBase, IClassFixture<DesignerDatabase>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly DateTime Then = DateTime.UtcNow.AddHours(-2);
    private readonly DesignerDatabase _world;
    private IRenderedComponent<MudDialogProvider> _dialogs = default!;
    private IRenderedComponent<MudSnackbarProvider> _snackbars = default!;

    public JourneyRunsPanelTests(DesignerDatabase world)
    {
        _world = world;
        UseCulture("zh-CN");
        Services.AddDbContextFactory<StudioDbContext>(o => StudioDatabase.Configure(o, DatabaseProvider.Sqlite, world.Database.ConnectionString));
        Services.AddSingleton(TimeProvider.System);
        Services.AddScoped<WorkspaceClock>();
        Services.AddScoped<DesignerClipboard>();
        Services.AddScoped<PersonalDataMask>();
    }

    /// <summary>Signs in as a marketer (journeys, no personal data) or an admin (both); nothing may be rendered before.</summary>
    private void SignIn(bool admin = false)
    {
        var auth = AddAuthorization();
        if (admin)
            auth.SetAuthorized("admin@customerstudio.local").SetRoles(StudioRoles.Admin).SetPolicies(Policies.Journeys, Policies.PersonalData)
                .SetClaims(new Claim(ClaimTypes.NameIdentifier, "u-admin"));
        else
            auth.SetAuthorized("marketer@customerstudio.local").SetRoles(StudioRoles.Marketer).SetPolicies(Policies.Journeys)
                .SetClaims(new Claim(ClaimTypes.NameIdentifier, "u-marketer"));
        SetRendererInfo(new RendererInfo("Server", true));
        Render<MudPopoverProvider>();
        _dialogs = Render<MudDialogProvider>();
        _snackbars = Render<MudSnackbarProvider>();
    }

    private IRenderedComponent<JourneyDesignerPage> Open(int id)
    {
        var cut = Render<JourneyDesignerPage>(p => p.Add(x => x.Id, id));
        cut.WaitForState(() => cut.Instance.Diagram is not null && cut.Instance.Canvas is not null, Wait);
        return cut;
    }

    /// <summary>Opens the journey's designer on the runs tab, once its instances are listed.</summary>
    private async Task<IRenderedComponent<JourneyDesignerPage>> OpenRunsAsync(int id)
    {
        var cut = Open(id);
        await cut.InvokeAsync(() => RunsTab(cut).Click());
        cut.WaitForAssertion(() => cut.Find("[data-testid=runs-table]"), Wait);
        cut.WaitForAssertion(() => Assert.True(cut.FindAll("[data-testid=run-row]").Count > 0 || cut.FindAll("[data-testid=runs-empty]").Count > 0), Wait);
        return cut;
    }

    private static IElement RunsTab(IRenderedComponent<JourneyDesignerPage> cut) =>
        cut.FindAll(".mud-tab").Single(t => t.TextContent.Trim() == "运行");

    private static IReadOnlyList<IElement> Rows(IRenderedComponent<JourneyDesignerPage> cut) => cut.FindAll("[data-testid=run-row]");

    /// <summary>The table row of an instance (the row's first data cell carries the test id).</summary>
    private static IElement Row(IRenderedComponent<JourneyDesignerPage> cut, long instance) =>
        cut.Find($"[data-testid=run-row][data-instance-id='{instance}']").Closest("tr")!;

    private static async Task CheckAsync(IRenderedComponent<JourneyDesignerPage> cut, IElement row, string testId)
    {
        var box = row.QuerySelector($"[data-testid={testId}]")!;
        var input = box.TagName == "INPUT" ? box : box.QuerySelector("input")!;
        await cut.InvokeAsync(() => input.Change(true));
    }

    private static async Task ChooseStatusAsync(IRenderedComponent<JourneyDesignerPage> cut, string value)
    {
        var select = cut.FindComponents<MudSelect<string>>()
            .First(s => s.Instance.UserAttributes.TryGetValue("data-testid", out var id) && (string?)id == "runs-status-filter");
        await cut.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(value));
    }

    private async Task<int> PublishedAsync(string code) => await _world.CreateAsync(code, JourneyWorkspaceWorld.Fixture, publish: true);

    private async Task<List<long>> CustomersAsync(int take)
    {
        await using var db = _world.Database.CreateContext();
        return await db.Customers.OrderBy(c => c.Id).Select(c => c.Id).Take(take).ToListAsync();
    }

    private async Task<long> InstanceAsync(int journeyId, long customerId, InstanceStatus status, string node, string? error = null,
        string? awaited = null, DateTime? wakeAt = null, DateTime? updated = null)
    {
        await using var db = _world.Database.CreateContext();
        var version = await db.JourneyVersions.Where(v => v.JourneyId == journeyId).OrderByDescending(v => v.Version).FirstAsync();
        var instance = new JourneyInstance
        {
            JourneyId = journeyId, JourneyVersionId = version.Id, CustomerId = customerId, Status = status, CurrentNodeId = node, LastError = error,
            AwaitedEvent = awaited, WakeAt = wakeAt, StartedAt = Then, UpdatedAt = updated ?? Then,
        };
        db.JourneyInstances.Add(instance);
        await db.SaveChangesAsync();
        return instance.Id;
    }

    private async Task<long> OutboxAsync(long instanceId, string node, OutboxStatus status, string channel = "email", string? error = null)
    {
        await using var db = _world.Database.CreateContext();
        var instance = await db.JourneyInstances.SingleAsync(i => i.Id == instanceId);
        var message = new OutboxMessage
        {
            InstanceId = instanceId, NodeId = node, IdempotencyKey = $"{instanceId}:{node}:{Guid.NewGuid():N}", Channel = channel, CustomerId = instance.CustomerId,
            PayloadJson = "{}", Status = status, Attempts = status == OutboxStatus.Parked ? 5 : 0, NextAttemptAt = Then, LastError = error, CreatedAt = Then,
        };
        db.Outbox.Add(message);
        await db.SaveChangesAsync();
        return message.Id;
    }

    private async Task<JourneyInstance> InstanceRowAsync(long id)
    {
        await using var db = _world.Database.CreateContext();
        return await db.JourneyInstances.AsNoTracking().SingleAsync(i => i.Id == id);
    }

    private async Task<List<AuditEntry>> AuditAsync(string entityType, string? entityId = null)
    {
        await using var db = _world.Database.CreateContext();
        return await db.AuditEntries.AsNoTracking().Where(e => e.EntityType == entityType && (entityId == null || e.EntityId == entityId))
            .OrderBy(e => e.Id).ToListAsync();
    }

    [Fact]
    public async Task The_runs_tab_is_there_only_for_journeys_with_a_published_version()
    {
        SignIn();
        var draft = Open(await _world.CreateAsync("runs_draft", JourneyWorkspaceWorld.Fixture));
        Assert.Equal(3, draft.FindAll(".mud-tab").Count);
        Assert.Empty(draft.FindAll("[data-testid=tab-runs]"));

        var published = await PublishedAsync("runs_published");
        var cut = Open(published);
        Assert.Equal(4, cut.FindAll(".mud-tab").Count);
        Assert.Equal("运行", cut.FindAll(".mud-tab")[3].TextContent.Trim());
        await cut.InvokeAsync(() => RunsTab(cut).Click());
        cut.WaitForAssertion(() => cut.Find("[data-testid=tab-runs] [data-testid=runs-empty]"), Wait);
        Assert.Single(cut.FindAll("[data-testid=runs-retry-all]"));
        cut.Find("[data-testid=parked-empty]");

        // An archived journey keeps its runs to look at, without the actions.
        await using (var db = _world.Database.CreateContext())
            Assert.True((await new JourneyService(db, TimeProvider.System).ArchiveAsync(published, Actor.System)).Ok);
        var archived = Open(published);
        await archived.InvokeAsync(() => RunsTab(archived).Click());
        archived.WaitForAssertion(() => archived.Find("[data-testid=runs-empty]"), Wait);
        Assert.Empty(archived.FindAll("[data-testid=runs-retry-all]"));
        Assert.Empty(archived.FindAll("[data-testid=run-remove]"));
    }

    [Fact]
    public async Task Instances_show_status_node_label_wait_and_the_error_of_failed_ones_filtered_by_status_customer_and_node()
    {
        SignIn();
        var id = await PublishedAsync("runs_list");
        var customers = await CustomersAsync(25);
        var failed = await InstanceAsync(id, customers[0], InstanceStatus.Failed, "welcome", error: "SMTP 连接超时", updated: Then.AddMinutes(3));
        var waiting = await InstanceAsync(id, customers[1], InstanceStatus.Waiting, "wait_demo", awaited: "demo_request", wakeAt: Then.AddDays(3), updated: Then.AddMinutes(2));
        var running = await InstanceAsync(id, customers[2], InstanceStatus.Running, "is_b2b", updated: Then.AddMinutes(1));
        // A page holds 20: more instances than that page.
        for (var i = 3; i < 25; i++) await InstanceAsync(id, customers[i], InstanceStatus.Completed, "done", updated: Then);

        var cut = await OpenRunsAsync(id);
        cut.WaitForAssertion(() => Assert.Equal(JourneyRunsPanel.PageSize, Rows(cut).Count), Wait);
        Assert.Equal([failed, waiting, running], Rows(cut).Take(3).Select(r => long.Parse(r.GetAttribute("data-instance-id")!)));
        Assert.Equal(["Failed", "Waiting", "Running"], Rows(cut).Take(3).Select(r => r.GetAttribute("data-status")));
        Assert.Contains("第 1-20 条，共 25 条", cut.Find("[data-testid=runs-pager]").TextContent);

        var failedRow = Row(cut, failed);
        // The node by its label on the canvas; one without a label by its id.
        Assert.Equal("欢迎邮件", failedRow.QuerySelector("[data-testid=run-node]")!.TextContent.Trim());
        Assert.Equal("SMTP 连接超时", failedRow.QuerySelector("[data-testid=run-error]")!.TextContent.Trim());
        Assert.Equal("失败", failedRow.QuerySelector("[data-testid=run-status]")!.TextContent.Trim());
        Assert.Equal($"/customers/{customers[0]}", failedRow.QuerySelector("[data-testid=run-customer]")!.GetAttribute("href"));
        Assert.Equal("等待事件", Row(cut, waiting).QuerySelector("[data-testid=run-node]")!.TextContent.Trim());
        Assert.Contains("事件 demo_request", Row(cut, waiting).QuerySelector("[data-testid=run-waiting]")!.TextContent);
        Assert.Equal("", Row(cut, running).QuerySelector("[data-testid=run-error]")!.TextContent.Trim());
        // Only running and waiting customers can be taken out; only failed instances can be picked for a retry.
        Assert.NotNull(Row(cut, waiting).QuerySelector("[data-testid=run-remove]"));
        Assert.NotNull(Row(cut, running).QuerySelector("[data-testid=run-remove]"));
        Assert.Null(failedRow.QuerySelector("[data-testid=run-remove]"));
        Assert.NotNull(failedRow.QuerySelector("[data-testid=run-select]"));
        Assert.Null(Row(cut, running).QuerySelector("[data-testid=run-select]"));
        Assert.Contains("（1）", cut.Find("[data-testid=runs-retry-all]").TextContent);

        await ChooseStatusAsync(cut, nameof(InstanceStatus.Failed));
        cut.WaitForAssertion(() => Assert.Equal([failed], Rows(cut).Select(r => long.Parse(r.GetAttribute("data-instance-id")!))), Wait);
        await ChooseStatusAsync(cut, nameof(InstanceStatus.Completed));
        cut.WaitForAssertion(() => Assert.Contains("22", cut.Find("[data-testid=runs-pager]").TextContent), Wait);
        Assert.Equal(JourneyRunsPanel.PageSize, Rows(cut).Count);
        Assert.All(Rows(cut), r => Assert.Equal("Completed", r.GetAttribute("data-status")));
        await ChooseStatusAsync(cut, "all");

        // By customer id.
        var customer = cut.FindComponents<MudNumericField<long?>>().Single();
        await cut.InvokeAsync(() => customer.Instance.ValueChanged.InvokeAsync(customers[1]));
        cut.WaitForAssertion(() => Assert.Equal([waiting], Rows(cut).Select(r => long.Parse(r.GetAttribute("data-instance-id")!))), Wait);
        await cut.InvokeAsync(() => customer.Instance.ValueChanged.InvokeAsync(null));
        cut.WaitForAssertion(() => Assert.Equal(JourneyRunsPanel.PageSize, Rows(cut).Count), Wait);

        // A node clicked on the canvas with the runs open shows the customers at it, and the tab stays.
        await cut.InvokeAsync(() => cut.Find("[data-testid=canvas-node][data-node-id='is_b2b']").Click());
        cut.WaitForAssertion(() => Assert.Equal([running], Rows(cut).Select(r => long.Parse(r.GetAttribute("data-instance-id")!))), Wait);
        Assert.Equal("is_b2b", cut.Find("[data-testid=runs-node-filter]").GetAttribute("data-node"));
        await cut.InvokeAsync(() => cut.Find("[data-testid=canvas-node][data-node-id='welcome']").Click());
        cut.WaitForAssertion(() => Assert.Equal([failed], Rows(cut).Select(r => long.Parse(r.GetAttribute("data-instance-id")!))), Wait);
        Assert.Contains("欢迎邮件", cut.Find("[data-testid=runs-node-filter]").TextContent);
    }

    [Fact]
    public async Task Retrying_failed_instances_runs_them_again_audited_as_the_user()
    {
        SignIn();
        var id = await PublishedAsync("runs_retry");
        var customers = await CustomersAsync(3);
        var first = await InstanceAsync(id, customers[0], InstanceStatus.Failed, "welcome", error: "模板渲染失败", updated: Then.AddMinutes(2));
        var second = await InstanceAsync(id, customers[1], InstanceStatus.Failed, "notify", error: "负责人不存在", updated: Then.AddMinutes(1));
        var waiting = await InstanceAsync(id, customers[2], InstanceStatus.Waiting, "wait_demo", awaited: "demo_request", wakeAt: Then.AddDays(3));
        var cut = await OpenRunsAsync(id);
        cut.WaitForAssertion(() => Assert.Equal(3, Rows(cut).Count), Wait);
        Assert.True(cut.Find("[data-testid=runs-retry-selected]").HasAttribute("disabled"));

        // The one picked.
        await CheckAsync(cut, Row(cut, first), "run-select");
        cut.WaitForAssertion(() => Assert.False(cut.Find("[data-testid=runs-retry-selected]").HasAttribute("disabled")), Wait);
        await cut.InvokeAsync(() => cut.Find("[data-testid=runs-retry-selected]").Click());
        cut.WaitForAssertion(() => Assert.Equal("Running", Row(cut, first).QuerySelector("[data-testid=run-row]")!.GetAttribute("data-status")), Wait);
        var retried = await InstanceRowAsync(first);
        Assert.Equal((InstanceStatus.Running, null, "welcome"), (retried.Status, retried.LastError, retried.CurrentNodeId));
        Assert.NotNull(retried.WakeAt);
        Assert.Equal(InstanceStatus.Failed, (await InstanceRowAsync(second)).Status);
        Assert.Equal(InstanceStatus.Waiting, (await InstanceRowAsync(waiting)).Status);
        var audit = Assert.Single(await AuditAsync(nameof(Journey), id.ToString()), e => e.Action == "instances_retried");
        Assert.Equal(("u-marketer", "marketer@customerstudio.local"), (audit.UserId, audit.UserName));
        Assert.Contains(first.ToString(), audit.AfterJson);
        _snackbars.WaitForAssertion(() => Assert.Contains("已重试 1 个失败的实例", _snackbars.Markup), Wait);

        // Then every failed one.
        cut.WaitForAssertion(() => Assert.Contains("（1）", cut.Find("[data-testid=runs-retry-all]").TextContent), Wait);
        await cut.InvokeAsync(() => cut.Find("[data-testid=runs-retry-all]").Click());
        cut.WaitForAssertion(() => Assert.DoesNotContain(Rows(cut), r => r.GetAttribute("data-status") == "Failed"), Wait);
        Assert.Equal(InstanceStatus.Running, (await InstanceRowAsync(second)).Status);
        Assert.Equal(2, (await AuditAsync(nameof(Journey), id.ToString())).Count(e => e.Action == "instances_retried"));
        cut.WaitForAssertion(() => Assert.True(cut.Find("[data-testid=runs-retry-all]").HasAttribute("disabled")), Wait);
    }

    [Fact]
    public async Task Removing_a_customer_asks_first_then_ends_the_instance_as_removed()
    {
        SignIn();
        var id = await PublishedAsync("runs_remove");
        var customers = await CustomersAsync(2);
        var waiting = await InstanceAsync(id, customers[0], InstanceStatus.Waiting, "wait_demo", awaited: "demo_request", wakeAt: Then.AddDays(3));
        var other = await InstanceAsync(id, customers[1], InstanceStatus.Running, "welcome");
        var pending = await OutboxAsync(waiting, "welcome", OutboxStatus.Pending);
        var cut = await OpenRunsAsync(id);
        cut.WaitForAssertion(() => Assert.Equal(2, Rows(cut).Count), Wait);

        // Cancelled: nothing changes.
        await cut.InvokeAsync(() => Row(cut, waiting).QuerySelector("[data-testid=run-remove]")!.Click());
        _dialogs.WaitForAssertion(() => Assert.Contains("移出旅程", _dialogs.Markup), Wait);
        Assert.Contains("客*", _dialogs.Markup);
        await cut.InvokeAsync(() => _dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "取消").Click());
        _dialogs.WaitForAssertion(() => Assert.DoesNotContain("移出旅程", _dialogs.Markup), Wait);
        Assert.Equal(InstanceStatus.Waiting, (await InstanceRowAsync(waiting)).Status);

        // Confirmed: the instance ends as removed and its unsent message is dropped.
        await cut.InvokeAsync(() => Row(cut, waiting).QuerySelector("[data-testid=run-remove]")!.Click());
        _dialogs.WaitForAssertion(() => Assert.Contains("移出旅程", _dialogs.Markup), Wait);
        await cut.InvokeAsync(() => _dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "移出").Click());
        cut.WaitForAssertion(() => Assert.Equal("Removed", Row(cut, waiting).QuerySelector("[data-testid=run-row]")!.GetAttribute("data-status")), Wait);
        var removed = await InstanceRowAsync(waiting);
        Assert.Equal(InstanceStatus.Removed, removed.Status);
        Assert.NotNull(removed.EndedAt);
        Assert.Null(removed.AwaitedEvent);
        Assert.Null(Row(cut, waiting).QuerySelector("[data-testid=run-remove]"));
        Assert.Equal(InstanceStatus.Running, (await InstanceRowAsync(other)).Status);
        await using (var db = _world.Database.CreateContext())
            Assert.Equal(OutboxStatus.Failed, (await db.Outbox.SingleAsync(o => o.Id == pending)).Status);
        var audit = Assert.Single(await AuditAsync(nameof(Journey), id.ToString()), e => e.Action == "customer_removed");
        Assert.Equal("u-marketer", audit.UserId);
        Assert.Contains(customers[0].ToString(), audit.AfterJson);
        _snackbars.WaitForAssertion(() => Assert.Contains("已将 1 个实例移出旅程", _snackbars.Markup), Wait);
    }

    [Fact]
    public async Task Parked_messages_of_the_journey_are_listed_and_retry_puts_them_back_in_the_queue()
    {
        SignIn();
        var id = await PublishedAsync("runs_parked");
        var elsewhere = await PublishedAsync("runs_parked_other");
        var customers = await CustomersAsync(3);
        var instance = await InstanceAsync(id, customers[0], InstanceStatus.Completed, "done");
        var sms = await InstanceAsync(id, customers[1], InstanceStatus.Completed, "done");
        var foreign = await InstanceAsync(elsewhere, customers[2], InstanceStatus.Completed, "done");
        var parkedMail = await OutboxAsync(instance, "welcome", OutboxStatus.Parked, error: "550 mailbox unavailable");
        var parkedSms = await OutboxAsync(sms, "sms", OutboxStatus.Parked, channel: "sms", error: "号码无效");
        await OutboxAsync(instance, "case_mail", OutboxStatus.Sent);
        var foreignParked = await OutboxAsync(foreign, "welcome", OutboxStatus.Parked, error: "550");

        var cut = await OpenRunsAsync(id);
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=parked-row]").Count), Wait);
        var rows = cut.FindAll("[data-testid=parked-row]");
        Assert.Equal([parkedSms, parkedMail], rows.Select(r => long.Parse(r.GetAttribute("data-message-id")!)));
        var mailRow = rows[1].Closest("tr")!;
        Assert.Equal("邮件", rows[1].TextContent.Trim());
        Assert.Contains("欢迎邮件", mailRow.TextContent);
        Assert.Contains("550 mailbox unavailable", mailRow.TextContent);
        Assert.Contains("5", mailRow.Children[3].TextContent);
        Assert.Equal("短信", rows[0].TextContent.Trim());

        await CheckAsync(cut, mailRow, "parked-select");
        await cut.InvokeAsync(() => cut.Find("[data-testid=parked-retry-selected]").Click());
        cut.WaitForAssertion(() => Assert.Equal([parkedSms], cut.FindAll("[data-testid=parked-row]").Select(r => long.Parse(r.GetAttribute("data-message-id")!))), Wait);
        await using (var db = _world.Database.CreateContext())
        {
            var back = await db.Outbox.AsNoTracking().SingleAsync(o => o.Id == parkedMail);
            Assert.Equal((OutboxStatus.Pending, 0), (back.Status, back.Attempts));
            Assert.Equal(OutboxStatus.Parked, (await db.Outbox.AsNoTracking().SingleAsync(o => o.Id == parkedSms)).Status);
        }
        _snackbars.WaitForAssertion(() => Assert.Contains("已将 1 条消息放回发送队列", _snackbars.Markup), Wait);
        var audit = Assert.Single(await AuditAsync(nameof(OutboxMessage), parkedMail.ToString()));
        Assert.Equal(("retried", "u-marketer"), (audit.Action, audit.UserId));

        await cut.InvokeAsync(() => cut.Find("[data-testid=parked-retry-all]").Click());
        cut.WaitForAssertion(() => cut.Find("[data-testid=parked-empty]"), Wait);
        await using (var db = _world.Database.CreateContext())
        {
            Assert.Equal(OutboxStatus.Pending, (await db.Outbox.AsNoTracking().SingleAsync(o => o.Id == parkedSms)).Status);
            // Another journey's parked message is not this journey's to retry.
            Assert.Equal(OutboxStatus.Parked, (await db.Outbox.AsNoTracking().SingleAsync(o => o.Id == foreignParked)).Status);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Customer_names_are_masked_for_roles_without_the_personal_data_right(bool admin)
    {
        SignIn(admin);
        var id = await PublishedAsync(admin ? "runs_names_admin" : "runs_names_marketer");
        var customers = await CustomersAsync(4);
        var instance = await InstanceAsync(id, customers[3], InstanceStatus.Running, "welcome");
        var cut = await OpenRunsAsync(id);
        cut.WaitForAssertion(() => Assert.Single(Rows(cut)), Wait);
        var name = Row(cut, instance).QuerySelector("[data-testid=run-customer]")!.TextContent.Trim();
        Assert.Equal(admin ? "客户3" : "客**", name);
        Assert.DoesNotContain(admin ? "客**" : "客户3", cut.Find("[data-testid=runs-table]").TextContent);
    }
    [Fact]
    public async Task An_instance_path_opens_under_its_row_in_the_reader_language_and_on_the_canvas()
    {
        SignIn();
        var id = await PublishedAsync("runs_path");
        var customers = await CustomersAsync(2);
        var waiting = await InstanceAsync(id, customers[0], InstanceStatus.Waiting, "wait_demo", awaited: "demo_request", wakeAt: Then.AddDays(3));
        var converted = await InstanceAsync(id, customers[1], InstanceStatus.Converted, "goal");
        await using (var db = _world.Database.CreateContext())
        {
            JourneyStepLog Step(long instance, string node, string? port, string? message, int minutes) =>
                new() { InstanceId = instance, JourneyId = id, NodeId = node, Port = port, Message = message, At = Then.AddMinutes(minutes) };
            db.JourneyStepLog.AddRange(
                Step(waiting, "entered", "next", null, 0), Step(waiting, "welcome", "next", StepMessages.Queued, 1), Step(waiting, "wait_demo", null, StepMessages.Waiting, 1),
                Step(converted, "entered", "next", null, 0), Step(converted, "goal", null, StepMessages.GoalEvent("contract_signed"), 5));
            await db.SaveChangesAsync();
        }
        var cut = await OpenRunsAsync(id);

        await cut.InvokeAsync(() => Row(cut, waiting).QuerySelector("[data-testid=run-path]")!.Click());
        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=run-step]").Count), Wait);
        var steps = cut.FindAll("[data-testid=run-step]");
        Assert.Equal(["entered", "welcome", "wait_demo"], steps.Select(x => x.GetAttribute("data-node")));
        Assert.Contains("欢迎邮件", steps[1].TextContent);
        Assert.Equal(["", "已排队发送", "等待中"], steps.Select(x => x.QuerySelector("[data-testid=run-step-message]")!.TextContent.Trim()));
        Assert.Equal(["1.", "2.", "3."], steps.Select(x => x.QuerySelector("[data-testid=run-step-number]")!.TextContent.Trim()));
        Assert.DoesNotContain("next", steps[0].TextContent);
        // The canvas numbers the path and marks the ports taken.
        cut.WaitForAssertion(() => Assert.Equal("3", cut.Find("[data-testid=canvas-node][data-node-id='wait_demo'] [data-testid=path-step]").TextContent), Wait);
        Assert.Contains(cut.FindAll("[data-testid=canvas-edge].on-path"), e => e.GetAttribute("data-from") == "welcome" && e.GetAttribute("data-port") == "next");

        // Another instance's path replaces it; clicking again closes it and clears the canvas.
        await cut.InvokeAsync(() => Row(cut, converted).QuerySelector("[data-testid=run-path]")!.Click());
        cut.WaitForAssertion(() => Assert.Equal(converted.ToString(), cut.Find("[data-testid=run-steps]").GetAttribute("data-instance-id")), Wait);
        Assert.Equal("因事件 contract_signed 达成目标", cut.FindAll("[data-testid=run-step-message]")[1].TextContent.Trim());
        await cut.InvokeAsync(() => Row(cut, converted).QuerySelector("[data-testid=run-path]")!.Click());
        cut.WaitForAssertion(() =>
        {
            Assert.Empty(cut.FindAll("[data-testid=run-steps]"));
            Assert.Empty(cut.FindAll("[data-testid=path-step]"));
        }, Wait);
    }
}
