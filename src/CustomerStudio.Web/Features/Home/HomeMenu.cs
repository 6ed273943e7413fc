using CustomerStudio.Web.Components.Shared;
using MudBlazor;

namespace CustomerStudio.Web.Features.Home;

/// <summary>The home section's entry in the navigation.</summary>
internal sealed class HomeMenu : IMenuProvider
{
    public IEnumerable<MenuItem> GetItems() => [new("Nav_Home", "/", Icons.Material.Filled.Dashboard, null, 0)];
}
