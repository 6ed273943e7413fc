using System.Globalization;
using CustomerStudio.Core.Customers;
using CustomerStudio.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace CustomerStudio.Web.Features.Customers.Profile;

public sealed partial class ProfileScores
{
    private List<ChartSeries<double>> _series = [];
    private string[] _labels = [];

    [Inject] private WorkspaceClock Clock { get; set; } = default!;

    [Parameter, EditorRequired] public ProfileSummary Summary { get; set; } = default!;

    private static bool IsZh => CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase);

    protected override async Task OnParametersSetAsync()
    {
        // Oldest first for the chart; the history comes newest first.
        var points = Summary.LeadScoreHistory.OrderBy(l => l.At).ToList();
        if (points.Count < 2)
        {
            _series = [];
            return;
        }
        var zone = await Clock.ZoneAsync();
        _labels = points.Select(p => TimeZoneInfo.ConvertTimeFromUtc(p.At, zone).ToString("M/d", CultureInfo.CurrentCulture)).ToArray();
        _series = [new ChartSeries<double> { Name = L["Profile_LeadScore"], Data = new ChartData<double>([.. points.Select(p => (double)p.Total)]) }];
    }

    private string FeatureText(string feature) => L["Feature_" + feature] is { ResourceNotFound: false } text ? text : feature;
}
