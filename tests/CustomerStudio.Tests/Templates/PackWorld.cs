using CustomerStudio.Core.Data;
using CustomerStudio.Core.Security;
using CustomerStudio.Core.Segments;
using CustomerStudio.Core.Tags;
using CustomerStudio.Core.Templates;
using CustomerStudio.Core.Workspace;
using CustomerStudio.Tests.Infrastructure;

namespace CustomerStudio.Tests.Templates;

/// <summary>Helpers for pack tests: the bundled packs, an admin, and the pack service over one context.</summary>
public static class PackWorld
{
    public static readonly DateTime Now = new(2026, 6, 15, 4, 0, 0, DateTimeKind.Utc);
    public static readonly Actor Admin = new("admin-1", "admin@customerstudio.local") { Roles = [StudioRoles.Admin] };
    public static readonly Actor Marketer = new("mkt-1", "marketer@customerstudio.local") { Roles = [StudioRoles.Marketer] };

    public static string Folder => Path.Combine(RepoPaths.Root, "templates");

    public static byte[] Bundled(string code) => File.ReadAllBytes(Path.Combine(Folder, $"{code}.pack.json"));

    public static TheoryData<string> BundledCodes => [.. Directory.GetFiles(Folder, "*.pack.json").Select(f => Path.GetFileName(f)[..^".pack.json".Length]).Order()];

    public static TemplatePackService Service(StudioDbContext db)
    {
        var clock = new Tags.TagWorld.Clock(Now);
        var assignments = new TagAssignments(db, clock);
        return new TemplatePackService(db, clock, new SegmentService(db, clock), new TagRuleEngine(db, assignments, clock));
    }

    /// <summary>An empty, migrated workspace with its settings row (as after first start without the demo).</summary>
    public static async Task<TestDatabase> EmptyWorkspaceAsync(DatabaseProvider provider)
    {
        var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.CreateContext();
        db.WorkspaceSettings.Add(new WorkspaceSettings { TimeZone = "Asia/Shanghai", DefaultCulture = "zh-CN" });
        await db.SaveChangesAsync();
        return database;
    }
}
