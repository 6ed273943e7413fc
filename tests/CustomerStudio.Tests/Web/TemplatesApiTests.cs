using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CustomerStudio.Core.Definitions;
using CustomerStudio.Tests.Infrastructure;

namespace CustomerStudio.Tests.Web;

public class TemplatesApiTests : IAsyncLifetime
{
    private readonly StudioAppFactory _factory = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private static MultipartFormDataContent Form(params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields) form.Add(new StringContent(value), name);
        return form;
    }

    [Fact]
    public async Task Every_schema_is_served_and_unknown_kinds_are_404()
    {
        var client = await _factory.SignedInAsync(StudioAppFactory.Marketer);
        foreach (var kind in DefinitionSchemas.Kinds)
        {
            var response = await client.GetAsync($"/api/schemas/{kind.Name}");
            Assert.Equal("application/schema+json", response.Content.Headers.ContentType!.MediaType);
            Assert.Equal(DefinitionSchemas.Published(kind.Name), await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/schemas/horoscope")).StatusCode);
    }

    [Fact]
    public async Task Templates_are_for_admins_only()
    {
        var marketer = await _factory.SignedInAsync(StudioAppFactory.Marketer);
        Assert.Equal(HttpStatusCode.Forbidden, (await marketer.GetAsync("/api/templates")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await marketer.PostAsync("/api/templates/install", Form(("bundled", "retail")))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _factory.Anonymous().GetAsync("/api/templates")).StatusCode);
    }

    [Fact]
    public async Task An_admin_lists_validates_diffs_installs_and_exports()
    {
        var admin = await _factory.SignedInAsync(StudioAppFactory.Admin);
        var overview = await admin.GetFromJsonAsync<JsonElement>("/api/templates");
        Assert.Equal(["b2b-tech", "education", "finance", "retail"], overview.GetProperty("bundled").EnumerateArray().Select(p => p.GetProperty("code").GetString()));

        var invalid = await admin.PostAsync("/api/templates/validate", new StringContent("""{"schemaVersion":"1.0","code":"Bad Code"}""", System.Text.Encoding.UTF8, "application/json"));
        var validation = await invalid.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(validation.GetProperty("ok").GetBoolean());
        Assert.Contains(validation.GetProperty("errors").EnumerateArray(), e => e.GetProperty("path").GetString() == "$.code");

        // The demo workspace has its own repeat_buyer: the retail pack conflicts with it.
        var diff = await (await admin.PostAsync("/api/templates/diff", Form(("bundled", "retail")))).Content.ReadFromJsonAsync<JsonElement>();
        var conflicts = diff.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("change").GetString() == "Conflict").ToList();
        Assert.Contains(conflicts, c => c.GetProperty("key").GetString() == "Tag:repeat_buyer");

        // 同名不同义: the pack's VIP专属关怀 looks like the demo's VIP tag.
        var vipCare = diff.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("key").GetString() == "Tag:vip_care");
        Assert.Contains(vipCare.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("vip"));

        var refused = await admin.PostAsync("/api/templates/install", Form(("bundled", "retail")));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);

        var choices = JsonSerializer.Serialize(conflicts.ToDictionary(c => c.GetProperty("key").GetString()!, _ => "rename"));
        var installed = await admin.PostAsync("/api/templates/install", Form(("bundled", "retail"), ("choices", choices)));
        var body = await installed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(installed.IsSuccessStatusCode, body.ToString());
        Assert.Contains(body.GetProperty("items").EnumerateArray(), i => i.GetProperty("key").GetString() == "Tag:repeat_buyer_2" && i.GetProperty("outcome").GetString() == "renamed");

        var export = await admin.GetAsync("/api/templates/export?code=mine&select=Journey:winback");
        Assert.Equal("application/json", export.Content.Headers.ContentType!.MediaType);
        var pack = await export.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("mine", pack.GetProperty("code").GetString());
        Assert.Single(pack.GetProperty("journeys").EnumerateArray());
    }
}
