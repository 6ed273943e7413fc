using System.Text.Json;
using System.Text.RegularExpressions;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Web.Features.Tags;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerStudio.Web.Features.Customers.Profile;

public enum TimelineFilter { All, Events, Orders }

/// <summary>The timeline of <see cref="CustomerProfile.TimelineAsync"/>, a page at a time.</summary>
public sealed partial class ProfileTimeline
{
    public const int PageSize = 25;

    private readonly List<TimelineItem> _items = [];
    private TimelineFilter _filter;
    private IReadOnlyCollection<string> _types = [];
    private List<string> _eventTypes = [];
    private bool _hasMore;
    private bool _loading;

    [Inject] private IDbContextFactory<StudioDbContext> DbFactory { get; set; } = default!;
    [Inject] private IServiceScopeFactory Scopes { get; set; } = default!;

    [Parameter, EditorRequired] public long CustomerId { get; set; }

    protected override async Task OnInitializedAsync()
    {
        await using (var db = await DbFactory.CreateDbContextAsync())
            _eventTypes = await db.Events.Where(e => e.CustomerId == CustomerId).Select(e => e.Type).Distinct().OrderBy(t => t).ToListAsync();
        await LoadAsync(reset: true);
    }

    private async Task SetFilterAsync(TimelineFilter filter)
    {
        _filter = filter;
        if (filter != TimelineFilter.Events) _types = [];
        await LoadAsync(reset: true);
    }

    private async Task SetTypesAsync(IEnumerable<string>? types)
    {
        _types = types?.ToList() ?? [];
        await LoadAsync(reset: true);
    }

    internal Task LoadMoreAsync() => LoadAsync(reset: false);

    private async Task LoadAsync(bool reset)
    {
        _loading = true;
        try
        {
            bool? orders = _filter switch { TimelineFilter.Orders => true, TimelineFilter.Events => false, _ => null };
            var types = _filter == TimelineFilter.Events ? _types : [];
            var id = CustomerId;
            var after = reset || _items.Count == 0 ? (TimelineCursor?)null : TimelineCursor.Of(_items[^1]);
            var page = await Scopes.RunAsync(sp => sp.GetRequiredService<CustomerProfile>().TimelineAsync(id, types, orders, pageSize: PageSize, after: after));
            if (after is null) _items.Clear();
            _items.AddRange(page.Items);
            _hasMore = page.HasMore;
        }
        finally
        {
            _loading = false;
        }
    }

    private string Details(TimelineItem item)
    {
        if (item.Kind == TimelineKind.Order)
            return item.Details is { } lines && Regex.Match(lines, @"^(\d+) lines$") is { Success: true } m ? string.Format(L["Timeline_Lines"], m.Groups[1].Value) : item.Details ?? "";
        return Properties(item.Details);
    }

    /// <summary>An event's properties as "key: value · key: value" (the JSON as sent when it is not a flat object).</summary>
    internal static string Properties(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return "";
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object) return json;
            return string.Join(" · ", document.RootElement.EnumerateObject().Select(p =>
                $"{p.Name}: {(p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText())}"));
        }
        catch (JsonException)
        {
            return json;
        }
    }
}
