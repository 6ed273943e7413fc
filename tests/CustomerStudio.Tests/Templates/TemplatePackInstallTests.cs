using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Journeys;
using CustomerStudio.Core.Journeys.Definition;
using CustomerStudio.Core.Tags;
using CustomerStudio.Core.Templates;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace CustomerStudio.Tests.Templates;

public class TemplatePackInstallTests(ITestOutputHelper output)
{
    public static TheoryData<string, DatabaseProvider> PacksOnProviders()
    {
        var data = new TheoryData<string, DatabaseProvider>();
        foreach (var code in PackWorld.BundledCodes)
            foreach (var provider in new[] { DatabaseProvider.Sqlite, DatabaseProvider.PostgreSql })
                data.Add(code, provider);
        return data;
    }

    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.PostgreSql];

    [Theory]
    [MemberData(nameof(PacksOnProviders))]
    public async Task Every_bundled_pack_validates_and_installs_into_an_empty_workspace(string code, DatabaseProvider provider)
    {
        await using var database = await PackWorld.EmptyWorkspaceAsync(provider);
        await using var db = database.CreateContext();
        var service = PackWorld.Service(db);
        var bytes = PackWorld.Bundled(code);

        var validation = await service.ValidateAsync(bytes);
        Assert.True(validation.Ok, string.Join("\n", validation.Errors));
        var (_, diff) = await service.DiffAsync(bytes);
        Assert.All(diff!.Items, i => Assert.Equal(PackChange.New, i.Change));

        var watch = Stopwatch.StartNew();
        var result = await service.InstallAsync(bytes, new Dictionary<string, ConflictChoice>(), PackWorld.Admin);
        output.WriteLine($"{code} on {provider}: {diff.Items.Count} items installed in {watch.ElapsedMilliseconds} ms");
        Assert.True(result.Ok, string.Join("\n", result.Errors));
        Assert.Empty(result.AfterInstallProblems);
        Assert.All(result.Items, i => Assert.Equal("installed", i.Outcome));

        await using var check = database.CreateContext();
        var pack = validation.Pack!;
        Assert.Equal(pack.Tags.Count, await check.Tags.CountAsync(t => t.Status == TagStatus.Active));
        Assert.Equal(pack.Segments.Count, await check.Segments.CountAsync());
        Assert.Equal(pack.Journeys.Count, await check.Journeys.CountAsync(j => j.Status == JourneyStatus.Draft));
        foreach (var journey in await check.Journeys.ToListAsync())
            Assert.True(JourneyValidator.Validate(journey.DraftJson).Ok, journey.Code);
        var installed = await check.InstalledTemplates.SingleAsync();
        Assert.Equal((pack.Code, pack.Version), (installed.Code, installed.Version));
        Assert.True(await check.AuditEntries.AnyAsync(a => a.EntityType == "TemplatePack" && a.Action == "installed"));
        Assert.True(await check.TagRevisions.AllAsync(r => r.Status == RevisionStatus.Approved && r.ReviewedBy == "admin-1"));

        // Installing the same version again changes nothing.
        var again = await PackWorld.Service(check).InstallAsync(bytes, new Dictionary<string, ConflictChoice>(), PackWorld.Admin);
        Assert.True(again.Ok, string.Join("\n", again.Errors));
        Assert.All(again.Items, i => Assert.Equal("unchanged", i.Outcome));
    }
}
