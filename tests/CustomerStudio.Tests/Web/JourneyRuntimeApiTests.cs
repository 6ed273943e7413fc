using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Journeys;
using CustomerStudio.Core.Journeys.Runtime;
using CustomerStudio.Core.Templates;
using CustomerStudio.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerStudio.Tests.Web;

/// <summary>The runtime in the real app (its sweeping jobs running): enrol over the API, a failure shown with its error, retry, remove a customer.</summary>
public class JourneyRuntimeApiTests(StudioAppFixture app) : IClassFixture<StudioAppFixture>
{
    private async Task<T> DbAsync<T>(Func<StudioDbContext, Task<T>> read)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<StudioDbContext>());
    }

    private async Task<List<JourneyInstance>> WaitAsync(int journeyId, Func<List<JourneyInstance>, bool> done)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var instances = await DbAsync(db => db.JourneyInstances.AsNoTracking().Where(i => i.JourneyId == journeyId).OrderBy(i => i.CustomerId).ToListAsync());
            if (done(instances)) return instances;
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(40), "the runtime did not get there within 40 s: " + string.Join(", ", instances.Select(i => $"{i.Status}@{i.CurrentNodeId}")));
            await Task.Delay(250);
        }
    }

    [Fact]
    public async Task Marketers_enrol_see_a_failure_retry_it_and_remove_a_customer()
    {
        var code = "rt_" + Guid.NewGuid().ToString("N")[..8];
        var template = "tpl_" + Guid.NewGuid().ToString("N")[..8];
        var json = $$"""
            {
              "schemaVersion": "1.0", "entry": { "mode": "once" }, "messages": { "useWorkspaceLimits": false },
              "nodes": [
                { "id": "start", "kind": "manual" },
                { "id": "mail", "kind": "send_email", "settings": { "template": "{{template}}" } },
                { "id": "pause", "kind": "wait", "settings": { "duration": "P1D" } },
                { "id": "done", "kind": "exit" }
              ],
              "edges": [ { "from": "start", "port": "next", "to": "mail" }, { "from": "mail", "port": "next", "to": "pause" }, { "from": "pause", "port": "next", "to": "done" } ]
            }
            """;
        var (journeyId, customers) = await DbAsync(async db =>
        {
            var journey = new Journey { Code = code, Name = code, Status = JourneyStatus.Published, PublishedVersion = 1, DraftJson = json, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
            db.Journeys.Add(journey);
            await db.SaveChangesAsync();
            db.JourneyVersions.Add(new JourneyVersion { JourneyId = journey.Id, Version = 1, DefinitionJson = json, PublishedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
            var ids = await db.Customers.Where(c => c.Email != null && !c.EmailOptOut && c.MergedIntoId == null).OrderBy(c => c.Id).Select(c => c.Id).Take(2).ToListAsync();
            return (journey.Id, ids);
        });

        var sales = await app.Factory.SignedInAsync(StudioAppFactory.Sales);
        Assert.Equal(HttpStatusCode.Forbidden, (await sales.PostAsJsonAsync($"/api/journeys/{journeyId}/enroll", new { customerIds = customers })).StatusCode);
        var marketer = await app.Factory.SignedInAsync(StudioAppFactory.Marketer);
        var enrolled = JsonNode.Parse(await (await marketer.PostAsJsonAsync($"/api/journeys/{journeyId}/enroll", new { customerIds = customers.Append(987_654_321) })).Content.ReadAsStringAsync())!;
        Assert.Equal((3, 2, 1), (enrolled["offered"]!.GetValue<int>(), enrolled["enrolled"]!.GetValue<int>(), enrolled["unknown"]!.GetValue<int>()));
        Assert.Equal(0, JsonNode.Parse(await (await marketer.PostAsJsonAsync($"/api/journeys/{journeyId}/enroll", new { customerIds = customers })).Content.ReadAsStringAsync())!["enrolled"]!.GetValue<int>());

        // The template does not exist yet: both fail at the mail node, and operators see why.
        await WaitAsync(journeyId, list => list.All(i => i.Status == InstanceStatus.Failed));
        var failed = JsonNode.Parse(await marketer.GetStringAsync($"/api/journeys/{journeyId}/instances?status=failed"))!;
        Assert.Equal(2, failed["total"]!.GetValue<int>());
        Assert.All(failed["items"]!.AsArray(), i => Assert.Contains(template, i!["lastError"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.BadRequest, (await marketer.GetAsync($"/api/journeys/{journeyId}/instances?status=stuck")).StatusCode);

        // Fixed: the template is created, the instances retried; they send and wait a day.
        await DbAsync(async db =>
        {
            db.EmailTemplates.Add(new EmailTemplate { Code = template, Name = "t", Subject = "Hi {{name}}", BodyHtml = "<p>hi</p>", Language = "zh-CN", UpdatedAt = DateTime.UtcNow });
            return await db.SaveChangesAsync();
        });
        var retried = JsonNode.Parse(await (await marketer.PostAsJsonAsync($"/api/journeys/{journeyId}/instances/retry", new { })).Content.ReadAsStringAsync())!;
        Assert.Equal(2, retried["retried"]!.GetValue<int>());
        await WaitAsync(journeyId, list => list.All(i => i.Status == InstanceStatus.Waiting && i.CurrentNodeId == "pause"));
        Assert.Equal(2, await DbAsync(db => db.Outbox.CountAsync(o => o.InstanceId != null && db.JourneyInstances.Any(i => i.Id == o.InstanceId && i.JourneyId == journeyId))));

        // One customer is taken out.
        var removed = JsonNode.Parse(await (await marketer.DeleteAsync($"/api/journeys/{journeyId}/customers/{customers[0]}")).Content.ReadAsStringAsync())!;
        Assert.Equal(1, removed["removed"]!.GetValue<int>());
        var instances = await WaitAsync(journeyId, _ => true);
        Assert.Equal([InstanceStatus.Removed, InstanceStatus.Waiting], instances.Select(i => i.Status));
        Assert.True(await DbAsync(db => db.AuditEntries.AnyAsync(a => a.EntityType == "Journey" && a.EntityId == journeyId.ToString() && a.Action == "customer_removed")));
        Assert.Equal(HttpStatusCode.NotFound, (await marketer.GetAsync("/api/journeys/987654/instances")).StatusCode);

        // The path the runtime wrote for the one still waiting: entered, queued its e-mail (after the retry), waits.
        var steps = JsonNode.Parse(await marketer.GetStringAsync($"/api/journeys/{journeyId}/instances/{instances[1].Id}/steps"))!.AsArray();
        Assert.Equal(("start", "next"), (steps[0]!["nodeId"]!.GetValue<string>(), steps[0]!["port"]!.GetValue<string>()));
        Assert.Equal([("mail", "next", StepMessages.Queued), ("pause", null, StepMessages.Waiting)],
            steps.TakeLast(2).Select(x => (x!["nodeId"]!.GetValue<string>(), x["port"]?.GetValue<string>(), x["message"]?.GetValue<string>())));
        var other = await marketer.GetAsync($"/api/journeys/{journeyId + 1000}/instances/{instances[1].Id}/steps");
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Contains("instanceId", await other.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_unsubscribe_link_asks_then_unsubscribes_without_signing_in_and_cannot_be_forged()
    {
        var options = app.Factory.Services.GetRequiredService<Core.Journeys.Runtime.JourneyRuntimeOptions>();
        var customerId = await DbAsync(db => db.Customers.Where(c => !c.EmailOptOut && c.Email != null).OrderByDescending(c => c.Id).Select(c => c.Id).FirstAsync());
        var anonymous = app.Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var token = Core.Journeys.Runtime.Unsubscribe.Token(customerId, options.UnsubscribeSecret);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/unsubscribe/{customerId + 1}.{token.Split('.')[1]}")).StatusCode);
        Assert.False(await DbAsync(db => db.Customers.Where(c => c.Id == customerId).Select(c => c.EmailOptOut).SingleAsync()));
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.PostAsync($"/unsubscribe/{customerId + 1}.{token.Split('.')[1]}", null)).StatusCode);
        // Opening the link (as a mail scanner would) only asks.
        var asked = await anonymous.GetAsync($"/unsubscribe/{token}");
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        Assert.Contains("unsubscribe-confirm", await asked.Content.ReadAsStringAsync());
        Assert.False(await DbAsync(db => db.Customers.Where(c => c.Id == customerId).Select(c => c.EmailOptOut).SingleAsync()));
        // A mail client's one-click unsubscribe (RFC 8058) posts without any session or antiforgery token.
        var ok = await anonymous.PostAsync($"/unsubscribe/{token}",
            new FormUrlEncodedContent([new KeyValuePair<string, string>("List-Unsubscribe", "One-Click")]));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Contains("已退订", await ok.Content.ReadAsStringAsync());
        Assert.Contains("已退订", await (await anonymous.GetAsync($"/unsubscribe/{token}")).Content.ReadAsStringAsync());
        Assert.True(await DbAsync(db => db.Customers.Where(c => c.Id == customerId).Select(c => c.EmailOptOut).SingleAsync()));
        Assert.True(await DbAsync(db => db.AuditEntries.AnyAsync(a => a.EntityType == "Customer" && a.EntityId == customerId.ToString() && a.Action == "unsubscribed")));
    }
}
