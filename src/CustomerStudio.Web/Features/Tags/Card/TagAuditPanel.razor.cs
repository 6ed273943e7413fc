using System.Globalization;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Security;
using CustomerStudio.Core.Tags;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Web.Features.Tags.Card;

/// <summary>Every audited change of the tag, newest first: who, when, what, and the fields it changed.</summary>
public sealed partial class TagAuditPanel
{
    private List<AuditEntry>? _entries;
    private readonly HashSet<long> _open = [];

    [Inject] private IDbContextFactory<StudioDbContext> DbFactory { get; set; } = default!;

    [Parameter, EditorRequired] public int TagId { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        var id = TagId.ToString(CultureInfo.InvariantCulture);
        _entries = await db.AuditEntries.AsNoTracking().Where(a => a.EntityType == nameof(Tag) && a.EntityId == id)
            .OrderByDescending(a => a.At).ThenByDescending(a => a.Id).Take(200).ToListAsync();
    }

    private string ActionText(string action) => L["AuditAction_" + action] is { ResourceNotFound: false } text ? text : action;

    private void Toggle(long id)
    {
        if (!_open.Remove(id)) _open.Add(id);
    }
}
