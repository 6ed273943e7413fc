using System.Globalization;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Tags;
using CustomerStudio.Web.Components.Shared;
using CustomerStudio.Web.Features.Segments.Builder;
using CustomerStudio.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerStudio.Web.Features.Tags.Card;

public enum AssignMode { Customers, Segment, Condition }

/// <summary>
/// Manual assignment on a manual tag's card, through <see cref="TagAssignments"/>: to listed customer ids, a segment's
/// members, or an ad-hoc condition, with an optional expiry date; the result says how many were added, changed,
/// unchanged and removed.
/// </summary>
public sealed partial class TagAssignPanel
{
    private AssignMode _mode = AssignMode.Customers;
    private string? _ids;
    private string? _idsError;
    private int? _segmentId;
    private readonly ConditionTree _tree = new();
    private string? _value;
    private DateTime? _expiry;
    private bool _busy;
    private AssignResult? _result;
    private List<(int Id, string Name, int Size)> _segments = [];

    [Inject] private IDbContextFactory<StudioDbContext> DbFactory { get; set; } = default!;
    [Inject] private IServiceScopeFactory Scopes { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Auth { get; set; } = default!;
    [Inject] private WorkspaceClock WorkspaceClock { get; set; } = default!;

    [Parameter, EditorRequired] public Tag Tag { get; set; } = default!;
    [Parameter, EditorRequired] public ConditionCatalog Catalog { get; set; } = default!;
    [Parameter] public IReadOnlyList<string> EventTypes { get; set; } = [];
    [Parameter] public bool CanAssign { get; set; }
    [Parameter] public EventCallback OnAssigned { get; set; }

    protected override async Task OnInitializedAsync()
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        _segments = [.. (await db.Segments.AsNoTracking().OrderBy(s => s.Name).Select(s => new { s.Id, s.Name, s.MemberCount }).ToListAsync())
            .Select(s => (s.Id, s.Name, s.MemberCount))];
        _value = Tag.Values.OrderBy(v => v.SortOrder).FirstOrDefault()?.Code;
    }

    private string SegmentText(int? id) => _segments.FirstOrDefault(s => s.Id == id).Name ?? "";

    private string ValueText(string? code)
    {
        var zh = CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase);
        return Tag.Values.FirstOrDefault(v => v.Code == code) is { } v ? $"{(zh ? v.NameZh : v.NameEn)} ({v.Code})" : code ?? "";
    }

    /// <summary>Customer ids separated by commas, spaces or new lines; anything else is named back.</summary>
    internal static (List<long> Ids, List<string> Bad) ParseIds(string? text)
    {
        var ids = new List<long>();
        var bad = new List<string>();
        foreach (var token in (text ?? "").Split([',', '，', ';', '；', ' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries))
            if (long.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0) ids.Add(id);
            else bad.Add(token);
        return (ids, bad);
    }

    private async Task RunAsync(bool remove)
    {
        _idsError = null;
        AssignTarget target;
        switch (_mode)
        {
            case AssignMode.Customers:
                var (ids, bad) = ParseIds(_ids);
                if (bad.Count > 0 || ids.Count == 0)
                {
                    _idsError = bad.Count > 0 ? string.Format(L["TagAssign_BadIds"], string.Join(", ", bad.Take(5))) : L["TagAssign_NoIds"];
                    return;
                }
                target = new AssignTarget.Customers(ids);
                break;
            case AssignMode.Segment when _segmentId is { } segment:
                target = new AssignTarget.Segment(segment);
                break;
            case AssignMode.Segment:
                return;
            default:
                target = new AssignTarget.Condition(_tree.ToJson());
                break;
        }

        _busy = true;
        try
        {
            var actor = (await Auth.GetAuthenticationStateAsync()).User.ToActor();
            DateTime? expiresAt = null;
            if (_expiry is { } day)
            {
                // Carried through the chosen day, in the workspace's time zone.
                var zone = await WorkspaceClock.ZoneAsync();
                expiresAt = TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(day.Date.AddDays(1), DateTimeKind.Unspecified), zone);
            }
            var value = string.IsNullOrWhiteSpace(_value) ? null : _value;
            _result = await Scopes.RunAsync(sp =>
            {
                var assignments = sp.GetRequiredService<TagAssignments>();
                return remove ? assignments.RemoveAsync(Tag.Id, value, target, actor) : assignments.AssignAsync(Tag.Id, value, target, actor, expiresAt);
            });
            if (_result.Ok) await OnAssigned.InvokeAsync();
        }
        finally
        {
            _busy = false;
        }
    }
}
