using CustomerStudio.Core.Data;
using CustomerStudio.Core.Tags;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace CustomerStudio.Web.Features.Tags.Card;

/// <summary>
/// The review tab. Approve and reject are offered to everyone who opens it but enabled for governance only; the core
/// refuses anyone else (ApproveNotAllowed), and the card shows that refusal.
/// </summary>
public sealed partial class TagReviewPanel
{
    private List<TagRevision>? _revisions;
    private Dictionary<string, string> _names = [];
    private readonly HashSet<long> _open = [];
    private string? _comment;
    private (int, long?)? _loaded;

    [Inject] private IDbContextFactory<StudioDbContext> DbFactory { get; set; } = default!;

    [Parameter, EditorRequired] public Tag Tag { get; set; } = default!;
    /// <summary>The revision waiting for a decision, if any.</summary>
    [Parameter] public TagRevision? Pending { get; set; }
    [Parameter] public bool CanApprove { get; set; }
    [Parameter] public bool Busy { get; set; }
    /// <summary>Approve with the comment; true when it went through.</summary>
    [Parameter, EditorRequired] public Func<string?, Task<bool>> OnApprove { get; set; } = default!;
    [Parameter, EditorRequired] public Func<string?, Task<bool>> OnReject { get; set; } = default!;

    protected override async Task OnParametersSetAsync()
    {
        // The card hands in a new tag object after every action: read the history again then.
        var key = (Tag.Id, Pending?.Id);
        if (_loaded == key && _revisions is not null) return;
        _loaded = key;
        await using var db = await DbFactory.CreateDbContextAsync();
        _revisions = await db.TagRevisions.AsNoTracking().Where(r => r.TagId == Tag.Id)
            .OrderByDescending(r => r.Version).ThenByDescending(r => r.Id).ToListAsync();
        var ids = _revisions.SelectMany(r => new[] { r.SubmittedBy, r.ReviewedBy }).OfType<string>().Distinct().ToList();
        _names = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id))
            .Select(u => new { u.Id, Name = u.DisplayName ?? u.Email ?? u.UserName ?? u.Id }).ToDictionaryAsync(u => u.Id, u => u.Name);
    }

    private string UserName(string? id) => id is null ? "" : _names.GetValueOrDefault(id) ?? id;

    private void Toggle(long id)
    {
        if (!_open.Remove(id)) _open.Add(id);
    }

    private async Task ApproveAsync()
    {
        if (await OnApprove(_comment)) _comment = null;
    }

    private async Task RejectAsync()
    {
        if (await OnReject(_comment)) _comment = null;
    }

    private static Color RevisionColor(RevisionStatus status) => status switch
    {
        RevisionStatus.Pending => Color.Info,
        RevisionStatus.Approved => Color.Success,
        RevisionStatus.Rejected => Color.Error,
        _ => Color.Default,
    };
}
