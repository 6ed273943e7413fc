using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Segments;
using CustomerStudio.Tests.Infrastructure;
using CustomerStudio.Tests.Web;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MiniExcelLibs;

namespace CustomerStudio.Tests.Segments;

public class SegmentsApiTests(StudioAppFixture app) : IClassFixture<StudioAppFixture>
{
    private const string Purchased = """{"tag":"purchased"}""";
    private const string Shanghai = """{"attr":"province","op":"eq","value":"上海"}""";
    private const string Invalid = """{"all":[{"attr":"nope","op":"eq","value":1},{"attr":"lead_score","op":"gt","value":"ten"}]}""";

    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    private static StringContent ConditionBody(string condition) => Body($$"""{"condition":{{condition}}}""");

    private static async Task<JsonNode> JsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    /// <summary>Counted straight against the app's database, not through the API.</summary>
    private async Task<int> CountDirectlyAsync(string condition)
    {
        using var scope = app.Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<StudioDbContext>();
        var compiled = await Audience.CompileAsync(db, condition, DateTime.UtcNow);
        return await Audience.CountAsync(db, compiled.Require());
    }

    private async Task<JsonNode> CreateAsync(HttpClient client, string code, string definition, string kind = "dynamic", string? cron = null)
    {
        var cronJson = cron is null ? "null" : $"\"{cron}\"";
        var response = await client.PostAsync("/api/segments", Body(
            $$"""{"code":"{{code}}","name":"{{code}} 名称","kind":"{{kind}}","definition":{{definition}},"refreshCron":{{cronJson}}}"""));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var created = await JsonAsync(response);
        Assert.Equal($"/api/segments/{created["id"]}", response.Headers.Location!.OriginalString);
        return created;
    }

    [Fact]
    public async Task Validation_gives_each_error_its_path_in_chinese_by_default()
    {
        var client = await app.Factory.SignedInAsync(StudioAppFactory.Marketer);
        var result = await JsonAsync(await client.PostAsync("/api/conditions/validate", ConditionBody(Invalid)));

        Assert.False(result["ok"]!.GetValue<bool>());
        var errors = result["errors"]!.AsArray();
        Assert.Equal(["$.all[0].attr", "$.all[1].value"], errors.Select(e => e!["path"]!.GetValue<string>()));
        Assert.Equal(["UnknownField", "WrongValueType"], errors.Select(e => e!["code"]!.GetValue<string>()));
        Assert.Equal("未知字段“nope”", errors[0]!["message"]!.GetValue<string>());

        var ok = await JsonAsync(await client.PostAsync("/api/conditions/validate", ConditionBody(Purchased)));
        Assert.True(ok["ok"]!.GetValue<bool>());
        Assert.Empty(ok["errors"]!.AsArray());
    }

    [Fact]
    public async Task Validation_speaks_english_with_the_culture_cookie()
    {
        var cookies = new CookieContainer();
        var client = app.Factory.CreateDefaultClient(new Uri("http://localhost/"), new CookieContainerHandler(cookies));
        Assert.Equal(HttpStatusCode.Redirect, (await StudioAppFactory.PostLoginAsync(client, StudioAppFactory.Marketer, StudioAppFactory.Password)).StatusCode);
        cookies.Add(new Uri("http://localhost/"), new Cookie(".AspNetCore.Culture", "c=en|uic=en"));

        var result = await JsonAsync(await client.PostAsync("/api/conditions/validate", ConditionBody(Invalid)));
        Assert.Equal("Unknown field \"nope\"", result["errors"]![0]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Validation_speaks_english_with_accept_language()
    {
        var client = await app.Factory.SignedInAsync(StudioAppFactory.Marketer);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/conditions/validate") { Content = ConditionBody(Invalid) };
        request.Headers.AcceptLanguage.ParseAdd("en-US,en;q=0.9");
        var result = await JsonAsync(await client.SendAsync(request));
        Assert.Equal("$.all[0].attr", result["errors"]![0]!["path"]!.GetValue<string>());
        Assert.Equal("Unknown field \"nope\"", result["errors"]![0]!["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(Purchased)]
    [InlineData(Shanghai)]
    [InlineData("""{"all":[{"tag":"high_intent"},{"not":{"tag":"purchased"}}]}""")]
    public async Task The_count_is_the_audience_counted_in_the_database(string condition)
    {
        var client = await app.Factory.SignedInAsync(StudioAppFactory.Marketer);
        var response = await client.PostAsync("/api/conditions/count", ConditionBody(condition));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await JsonAsync(response);

        var expected = await CountDirectlyAsync(condition);
        Assert.True(expected > 0, "the demo should have customers for " + condition);
        Assert.Equal(expected, result["count"]!.GetValue<int>());
        Assert.Equal(300, result["total"]!.GetValue<int>());
        Assert.Equal((double)expected / 300, result["share"]!.GetValue<double>(), 6);
    }

    [Fact]
    public async Task Counting_an_invalid_condition_is_a_400_with_the_errors()
    {
        var client = await app.Factory.SignedInAsync(StudioAppFactory.Marketer);
        var response = await client.PostAsync("/api/conditions/count", ConditionBody(Invalid));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await JsonAsync(response);
        Assert.False(string.IsNullOrEmpty(body["title"]!.GetValue<string>()));
        Assert.Equal(["$.all[0].attr", "$.all[1].value"], body["errors"]!.AsArray().Select(e => e!["path"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Create_list_refresh_members_and_overlap()
    {
        var client = await app.Factory.SignedInAsync(StudioAppFactory.Marketer);
        var buyers = await CreateAsync(client, "api_buyers", Purchased, cron: "0 0 3 * * ?");
        var shanghai = await CreateAsync(client, "api_shanghai", Shanghai, kind: "static");
        var buyersId = buyers["id"]!.GetValue<int>();
        var shanghaiId = shanghai["id"]!.GetValue<int>();

        var buyerCount = await CountDirectlyAsync(Purchased);
        var shanghaiCount = await CountDirectlyAsync(Shanghai);
        var bothCount = await CountDirectlyAsync($$"""{"all":[{{Purchased}},{{Shanghai}}]}""");
        Assert.Equal(buyerCount, buyers["memberCount"]!.GetValue<int>());
        Assert.Equal("dynamic", buyers["kind"]!.GetValue<string>());
        Assert.Equal("purchased", buyers["definition"]!["tag"]!.GetValue<string>());
        Assert.NotNull(buyers["nextRefreshAt"]);
        Assert.Equal("static", shanghai["kind"]!.GetValue<string>());

        // The list, with the owner taken from the signed-in user.
        var list = (await client.GetFromJsonAsync<JsonArray>("/api/segments"))!;
        var listed = list.Single(s => s!["id"]!.GetValue<int>() == buyersId)!;
        Assert.Equal("api_buyers", listed["code"]!.GetValue<string>());
        Assert.Equal(buyerCount, listed["memberCount"]!.GetValue<int>());
        Assert.Equal("0 0 3 * * ?", listed["refreshCron"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(listed["ownerId"]?.GetValue<string>()));
        Assert.NotNull(listed["lastRefreshedAt"]);

        var one = (await client.GetFromJsonAsync<JsonObject>($"/api/segments/{shanghaiId}"))!;
        Assert.Equal("上海", one["definition"]!["value"]!.GetValue<string>());

        var refresh = await JsonAsync(await client.PostAsync($"/api/segments/{buyersId}/refresh", null));
        Assert.Equal((buyerCount, 0, 0), (refresh["members"]!.GetValue<int>(), refresh["entered"]!.GetValue<int>(), refresh["exited"]!.GetValue<int>()));

        var page = (await client.GetFromJsonAsync<CustomerPage>($"/api/segments/{shanghaiId}/members?page=0&pageSize=10"))!;
        Assert.Equal(shanghaiCount, page.Total);
        Assert.Equal(Math.Min(10, shanghaiCount), page.Items.Count);
        Assert.All(page.Items, c => Assert.Equal("上海", c.Province));
        Assert.All(page.Items, c => Assert.Matches(@"^\+861\d{2}\*{4}\d{4}$", c.Phone));
        var second = (await client.GetFromJsonAsync<CustomerPage>($"/api/segments/{shanghaiId}/members?page=1&pageSize=10"))!;
        Assert.Empty(second.Items.Select(c => c.Id).Intersect(page.Items.Select(c => c.Id)));

        var overlap = (await client.GetFromJsonAsync<JsonObject>($"/api/segments/overlap?first={buyersId}&second={shanghaiId}"))!;
        Assert.Equal(buyerCount, overlap["first"]!.GetValue<int>());
        Assert.Equal(shanghaiCount, overlap["second"]!.GetValue<int>());
        Assert.Equal(bothCount, overlap["both"]!.GetValue<int>());
        Assert.Equal(buyerCount + shanghaiCount - bothCount, overlap["either"]!.GetValue<int>());

        // Update: renamed, schedule removed.
        var put = await client.PutAsync($"/api/segments/{buyersId}", Body(
            $$"""{"code":"api_buyers","name":"买过的客户","kind":"dynamic","definition":{{Purchased}}}"""));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var updated = await JsonAsync(put);
        Assert.Equal("买过的客户", updated["name"]!.GetValue<string>());
        Assert.Null(updated["refreshCron"]);
        Assert.Null(updated["nextRefreshAt"]);
    }

    [Fact]
    public async Task Saving_an_invalid_segment_is_a_400_naming_each_problem()
    {
        var client = await app.Factory.SignedInAsync(StudioAppFactory.Marketer);
        var response = await client.PostAsync("/api/segments", Body(
            $$"""{"code":"Bad Code","name":"","kind":"static","definition":{{Invalid}},"refreshCron":"every day"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await JsonAsync(response))["errors"]!.AsArray();
        var paths = errors.Select(e => e!["path"]!.GetValue<string>()).ToList();
        Assert.Contains("code", paths);
        Assert.Contains("name", paths);
        Assert.Contains("refreshCron", paths);
        Assert.Contains("$.all[0].attr", paths);
        Assert.All(errors, e => Assert.False(string.IsNullOrEmpty(e!["message"]!.GetValue<string>())));

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/segments/999999")).StatusCode);
        var put = await client.PutAsync("/api/segments/999999", Body($$"""{"code":"nobody","name":"x","definition":{{Purchased}}}"""));
        Assert.Equal(HttpStatusCode.NotFound, put.StatusCode);
        Assert.Equal("UnknownSegment", (await JsonAsync(put))["errors"]![0]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_csv_export_has_a_bom_a_header_every_member_and_masks_for_roles_without_the_right()
    {
        var marketer = await app.Factory.SignedInAsync(StudioAppFactory.Marketer);
        var id = (await CreateAsync(marketer, "api_export_csv", Shanghai))["id"]!.GetValue<int>();
        var expected = await CountDirectlyAsync(Shanghai);

        var response = await marketer.GetAsync($"/api/segments/{id}/export?format=csv&columns=id,name,phone,email,province,city,lifecycle_stage,source_channel,created_at");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/csv", response.Content.Headers.ContentType!.ToString());
        Assert.Contains("api_export_csv", response.Content.Headers.ContentDisposition!.ToString());
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var lines = Lines(bytes);
        Assert.Equal("id,name,phone,email,province,city,lifecycle_stage,source_channel,created_at", lines[0]);
        Assert.Equal(expected + 1, lines.Count);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        Assert.All(rows, r => Assert.Matches(@"^\+861\d{2}\*{4}\d{4}$", r[2]));
        Assert.All(rows, r => Assert.Equal("上海", r[4]));
        Assert.All(rows, r => Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$", r[8]));

        var admin = await app.Factory.SignedInAsync(StudioAppFactory.Admin);
        var adminLines = Lines(await admin.GetByteArrayAsync($"/api/segments/{id}/export?columns=id,phone"));
        Assert.Equal("id,phone", adminLines[0]);
        Assert.Equal(expected + 1, adminLines.Count);
        Assert.All(adminLines.Skip(1), l => Assert.Matches(@"^\d+,\+861\d{10}$", l));
    }

    [Fact]
    public async Task An_unknown_export_column_or_format_is_a_400_naming_it()
    {
        var client = await app.Factory.SignedInAsync(StudioAppFactory.Marketer);
        var id = (await CreateAsync(client, "api_export_bad", Purchased))["id"]!.GetValue<int>();
        var response = await client.GetAsync($"/api/segments/{id}/export?format=csv&columns=id,wechat_id");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await JsonAsync(response);
        Assert.Contains("wechat_id", body["title"]!.GetValue<string>());
        Assert.Equal("UnknownColumn", body["errors"]![0]!["code"]!.GetValue<string>());

        var format = await client.GetAsync($"/api/segments/{id}/export?format=pdf");
        Assert.Equal(HttpStatusCode.BadRequest, format.StatusCode);
        Assert.Contains("pdf", (await JsonAsync(format))["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_xlsx_export_opens_with_every_member()
    {
        var client = await app.Factory.SignedInAsync(StudioAppFactory.Marketer);
        var id = (await CreateAsync(client, "api_export_xlsx", Purchased))["id"]!.GetValue<int>();
        var expected = await CountDirectlyAsync(Purchased);

        var response = await client.GetAsync($"/api/segments/{id}/export?format=xlsx&columns=id,name,phone,city");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Content.Headers.ContentType!.MediaType);
        using var stream = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
        var rows = MiniExcel.Query(stream, useHeaderRow: true).Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(expected, rows.Count);
        Assert.Equal(["id", "name", "phone", "city"], rows[0].Keys);
        Assert.All(rows, r => Assert.Matches(@"^\+861\d{2}\*{4}\d{4}$", (string)r["phone"]));
    }

    [Fact]
    public async Task Sales_has_no_access_to_segments_or_conditions()
    {
        var client = await app.Factory.SignedInAsync(StudioAppFactory.Sales);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/segments")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync("/api/conditions/validate", ConditionBody(Purchased))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync("/api/segments", Body("{}"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Factory.Anonymous().GetAsync("/api/segments")).StatusCode);
    }

    [Fact]
    public async Task The_export_writer_reports_progress_per_page_and_streams_every_row()
    {
        using var scope = app.Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<StudioDbContext>();
        var reported = new List<int>();
        using var output = new MemoryStream();
        var written = await SegmentExport.WriteAsync(db.Customers.Where(c => c.MergedIntoId == null), output,
            new SegmentExportOptions(SegmentExportFormat.Csv, ["id", "city"]), new SyncProgress(reported.Add));
        Assert.Equal(await db.Customers.CountAsync(c => c.MergedIntoId == null), written);
        Assert.Equal(written, reported[^1]);
        Assert.Equal(written + 1, Lines(output.ToArray()).Count);
    }

    [Theory]
    [InlineData("name", "=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")")]
    [InlineData("name", "@cmd", "'@cmd")]
    [InlineData("city", "-1+2", "'-1+2")]
    [InlineData("phone", "+8613800001234", "+8613800001234")]
    [InlineData("phone", "+86138****1234", "+86138****1234")]
    [InlineData("name", "张三", "张三")]
    public void Csv_cells_that_a_spreadsheet_would_run_as_formulas_are_defused(string column, string value, string expected) =>
        Assert.Equal(expected, SegmentExport.Text(column, value));

    private static List<string> Lines(byte[] bytes) =>
        Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF').Split(["\r\n", "\n"], StringSplitOptions.RemoveEmptyEntries).ToList();

    /// <summary>Progress&lt;T&gt; posts to the thread pool; this one reports in line so the test can read it at once.</summary>
    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
