using CustomerStudio.Web.Components.Shared;
using CustomerStudio.Web.Security;
using MudBlazor;

namespace CustomerStudio.Web.Features.Journeys;

/// <summary>The journeys section's entry in the navigation.</summary>
internal sealed class JourneysMenu : IMenuProvider
{
    public IEnumerable<MenuItem> GetItems() => [new("Nav_Journeys", "/journeys", Icons.Material.Filled.AccountTree, Policies.Journeys, 40)];
}
