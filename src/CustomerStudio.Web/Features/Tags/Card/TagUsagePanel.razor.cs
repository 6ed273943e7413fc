using System.Globalization;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Data;
using CustomerStudio.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace CustomerStudio.Web.Features.Tags.Card;

/// <summary>The usage tab: definitions that refer to the tag (linked), coverage now and by value, and the daily coverage trend.</summary>
public sealed partial class TagUsagePanel
{
    private IReadOnlyList<Usage>? _usage;
    private int _coverage;
    private int _total;
    private DateTime? _lastComputed;
    private List<(string Name, int Count)> _byValue = [];
    private List<ChartSeries<double>> _series = [];
    private string[] _labels = [];

    [Inject] private IDbContextFactory<StudioDbContext> DbFactory { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;
    [Inject] private WorkspaceClock WorkspaceClock { get; set; } = default!;

    [Parameter, EditorRequired] public int TagId { get; set; }
    [Parameter, EditorRequired] public string Code { get; set; } = "";

    protected override async Task OnParametersSetAsync()
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        var now = Clock.GetUtcNow().UtcDateTime;
        var zh = CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase);
        _usage = [.. (await DefinitionUsage.OfTagAsync(db, Code)).Where(u => !(u.Kind == "tag" && u.Id == TagId))];
        var live = db.TagAssignments.Where(a => a.TagId == TagId && (a.ExpiresAt == null || a.ExpiresAt > now));
        _coverage = await live.Select(a => a.CustomerId).Distinct().CountAsync();
        _total = await db.Customers.CountAsync(c => c.MergedIntoId == null);
        _lastComputed = await db.Tags.Where(t => t.Id == TagId).Select(t => t.LastComputedAt).FirstOrDefaultAsync();
        var values = await db.TagValues.AsNoTracking().Where(v => v.TagId == TagId).OrderBy(v => v.SortOrder).ToListAsync();
        var counts = await live.GroupBy(a => a.TagValueId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count);
        _byValue = [.. values.Select(v => ($"{(zh ? v.NameZh : v.NameEn)} ({v.Code})", counts.GetValueOrDefault(v.Id)))];

        var points = await db.TagCoverageSnapshots.AsNoTracking().Where(s => s.TagId == TagId)
            .OrderByDescending(s => s.At).Take(90).ToListAsync();
        points.Reverse();
        var zone = await WorkspaceClock.ZoneAsync();
        _labels = [.. points.Select(p => TimeZoneInfo.ConvertTimeFromUtc(p.At, zone).ToString("M/d", CultureInfo.CurrentCulture))];
        _series = points.Count == 0 ? [] :
        [
            new ChartSeries<double> { Name = L["Tag_Coverage"], Data = new ChartData<double>([.. points.Select(p => (double)p.Customers)]) },
        ];
    }

    private static string LinkOf(Usage use) => use.Kind switch
    {
        "segment" => $"/segments/{use.Id}",
        "tag" => $"/tags/{use.Id}",
        _ => "/journeys",
    };
}
