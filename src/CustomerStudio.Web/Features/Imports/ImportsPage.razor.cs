using Microsoft.AspNetCore.Components;

namespace CustomerStudio.Web.Features.Imports;

/// <summary>
/// Imports (<c>/imports</c>): the wizard, or with an id (<c>/imports/{id}</c>) that import's progress and report; the
/// list of past imports below either.
/// </summary>
public sealed partial class ImportsPage
{
    private int _historyVersion;

    [Inject] private NavigationManager Navigation { get; set; } = default!;

    /// <summary>The import whose progress and report to show; none shows the wizard.</summary>
    [Parameter] public long? Id { get; set; }

    private void OnStarted(long id)
    {
        _historyVersion++;
        Navigation.NavigateTo($"/imports/{id}");
    }
}
