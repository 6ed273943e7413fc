using CustomerStudio.Core.Data;
using CustomerStudio.Core.Imports;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Web.Features.Imports;

/// <summary>The latest 100 imports, newest first.</summary>
public sealed partial class ImportHistory
{
    private List<ImportJob>? _items;

    [Inject] private IDbContextFactory<StudioDbContext> DbFactory { get; set; } = default!;

    /// <summary>Raise to read the list again (an import started or moved on).</summary>
    [Parameter] public int Version { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        _items = await db.ImportJobs.AsNoTracking().OrderByDescending(j => j.Id).Take(100).ToListAsync();
    }
}
