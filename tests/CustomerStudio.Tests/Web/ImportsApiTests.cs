using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CustomerStudio.Tests.Infrastructure;

namespace CustomerStudio.Tests.Web;

/// <summary>The import endpoints on the real app: upload, background run, progress, the rejected-rows report.</summary>
public class ImportsApiTests(StudioAppFixture app) : IClassFixture<StudioAppFixture>
{
    private const string File = """
        客户姓名,手机,E-mail,省份
        测试甲,170 0000 0001,Import.A@Example.com,浙江省
        测试乙,17000000002,,上海市
        测试丙,12345,c@example.com,江苏
        测试丁,17000000004,not-mail,火星
        """;

    private const string Plan = """
        {"policy":"fillEmpty","delimiter":",","encoding":"UTF-8","hasHeader":true,
         "columns":[{"index":0,"header":"客户姓名","target":"name"},{"index":1,"header":"手机","target":"phone"},
                    {"index":2,"header":"E-mail","target":"email"},{"index":3,"header":"省份","target":"province"}]}
        """;

    /// <summary>Polls the import until it is no longer pending or running (30 s at most).</summary>
    private static async Task<JsonNode> FinishedAsync(HttpClient admin, long id)
    {
        JsonNode job;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        do
        {
            await Task.Delay(100);
            job = JsonNode.Parse(await admin.GetStringAsync($"/api/imports/{id}"))!;
        } while (job["status"]!.GetValue<string>() is "pending" or "running" && waited.Elapsed < TimeSpan.FromSeconds(30));
        return job;
    }

    private static MultipartFormDataContent Upload(string text, string? plan = null)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "customers.csv");
        if (plan is not null) form.Add(new StringContent(plan, Encoding.UTF8), "plan");
        return form;
    }

    [Fact]
    public async Task An_admin_previews_uploads_and_downloads_the_report_of_rejected_rows()
    {
        var admin = await app.Factory.SignedInAsync(StudioAppFactory.Admin);
        var preview = JsonNode.Parse(await (await admin.PostAsync("/api/imports/preview", Upload(File))).Content.ReadAsStringAsync())!;
        Assert.Equal(("UTF-8", ",", true), (preview["encoding"]!.GetValue<string>(), preview["delimiter"]!.GetValue<string>(), preview["hasHeader"]!.GetValue<bool>()));
        Assert.Equal(["name", "phone", "email", "province"], preview["suggestions"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal(4, preview["rows"]!.AsArray().Count);

        var started = await admin.PostAsync("/api/imports", Upload(File, Plan));
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var id = JsonNode.Parse(await started.Content.ReadAsStringAsync())!["id"]!.GetValue<long>();

        var job = await FinishedAsync(admin, id);
        Assert.Equal(("completed", 4, 4, 2, 2), (job["status"]!.GetValue<string>(), job["totalRows"]!.GetValue<int>(),
            job["processedRows"]!.GetValue<int>(), job["created"]!.GetValue<int>(), job["rejected"]!.GetValue<int>()));

        var report = await admin.GetAsync($"/api/imports/{id}/report.csv");
        Assert.Equal("text/csv", report.Content.Headers.ContentType!.MediaType);
        var lines = (await report.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("line,column,reason", lines[0]);
        Assert.StartsWith("4,手机,", lines[1]);
        Assert.Contains("12345", lines[1]);
        Assert.StartsWith("5,E-mail,", lines[2]);
        Assert.StartsWith("5,省份,", lines[3]);
        Assert.Equal(4, lines.Length);
    }

    private static ByteArrayContent Gzip(string text, string? mediaType = "application/gzip")
    {
        using var buffer = new MemoryStream();
        using (var gz = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
            gz.Write(Encoding.UTF8.GetBytes(text));
        var content = new ByteArrayContent(buffer.ToArray());
        if (mediaType is not null) content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }

    [Fact]
    public async Task A_gzip_compressed_csv_previews_and_imports_as_the_file_inside()
    {
        var admin = await app.Factory.SignedInAsync(StudioAppFactory.Admin);
        var text = File.Replace("170 0000 0001", "171 0000 0001").Replace("17000000002", "17100000002").Replace("Import.A", "Gz.A");
        var previewForm = new MultipartFormDataContent { { Gzip(text), "file", "customers.csv.gz" } };
        var preview = JsonNode.Parse(await (await admin.PostAsync("/api/imports/preview", previewForm)).Content.ReadAsStringAsync())!;
        Assert.Equal("csv", preview["format"]!.GetValue<string>());
        Assert.Equal(["name", "phone", "email", "province"], preview["suggestions"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal(4, preview["rows"]!.AsArray().Count);

        var form = new MultipartFormDataContent { { Gzip(text), "file", "customers.csv.gz" }, { new StringContent(Plan, Encoding.UTF8), "plan" } };
        var started = await admin.PostAsync("/api/imports", form);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var id = JsonNode.Parse(await started.Content.ReadAsStringAsync())!["id"]!.GetValue<long>();
        var job = await FinishedAsync(admin, id);
        Assert.Equal(("completed", 4, 2, 2), (job["status"]!.GetValue<string>(), job["totalRows"]!.GetValue<int>(),
            job["created"]!.GetValue<int>(), job["rejected"]!.GetValue<int>()));
        Assert.Equal("customers.csv.gz", job["fileName"]!.GetValue<string>());

        // A file that is not gzip at all, named .gz: a clear refusal, nothing started.
        var broken = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(File)), "file", "customers.csv.gz" } };
        var refused = await admin.PostAsync("/api/imports/preview", broken);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }

    [Fact]
    public async Task An_event_file_preview_suggests_event_fields_identities_and_properties()
    {
        var admin = await app.Factory.SignedInAsync(StudioAppFactory.Admin);
        var form = Upload("手机,事件,时间,渠道,页面,姓名\n13812345678,page_view,2026-11-20 10:00,web,/pricing,张三\n");
        form.Add(new StringContent("events"), "kind");
        var preview = JsonNode.Parse(await (await admin.PostAsync("/api/imports/preview", form)).Content.ReadAsStringAsync())!;
        Assert.Equal(["phone", "event_type", "occurred_at", "channel", "prop:页面", null],
            preview["suggestions"]!.AsArray().Select(s => s?.GetValue<string>()));
    }

    [Fact]
    public async Task Only_admins_import_and_unknown_imports_are_404()
    {
        var marketer = await app.Factory.SignedInAsync(StudioAppFactory.Marketer);
        Assert.Equal(HttpStatusCode.Forbidden, (await marketer.PostAsync("/api/imports/preview", Upload(File))).StatusCode);
        var admin = await app.Factory.SignedInAsync(StudioAppFactory.Admin);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/imports/987654")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync("/api/imports/987654/cancel", null)).StatusCode);
        var bad = await admin.PostAsync("/api/imports", Upload(File, "{not json"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Factory.Anonymous().GetAsync("/api/imports")).StatusCode);
    }
}
