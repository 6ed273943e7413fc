using CustomerStudio.Web.Components.Shared;
using CustomerStudio.Web.Security;
using MudBlazor;

namespace CustomerStudio.Web.Features.Settings;

/// <summary>The settings section's entry in the navigation.</summary>
internal sealed class SettingsMenu : IMenuProvider
{
    public IEnumerable<MenuItem> GetItems() => [new("Nav_Settings", "/settings", Icons.Material.Filled.Settings, Policies.Settings, 70)];
}
