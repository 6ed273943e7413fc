using CustomerStudio.Web.Components.Shared;
using CustomerStudio.Web.Security;
using MudBlazor;

namespace CustomerStudio.Web.Features;

// Each feature's navigation entry, registered by scanning for IMenuProvider.
internal sealed class HomeMenu : IMenuProvider
{
    public IEnumerable<MenuItem> GetItems() => [new("Nav_Home", "/", Icons.Material.Filled.Dashboard, null, 0)];
}

internal sealed class CustomersMenu : IMenuProvider
{
    public IEnumerable<MenuItem> GetItems() => [new("Nav_Customers", "/customers", Icons.Material.Filled.People, Policies.Customers, 10)];
}

internal sealed class TagsMenu : IMenuProvider
{
    public IEnumerable<MenuItem> GetItems() => [new("Nav_Tags", "/tags", Icons.Material.Filled.Label, Policies.Tags, 20)];
}

internal sealed class SegmentsMenu : IMenuProvider
{
    public IEnumerable<MenuItem> GetItems() => [new("Nav_Segments", "/segments", Icons.Material.Filled.FilterAlt, Policies.Segments, 30)];
}

internal sealed class JourneysMenu : IMenuProvider
{
    public IEnumerable<MenuItem> GetItems() => [new("Nav_Journeys", "/journeys", Icons.Material.Filled.AccountTree, Policies.Journeys, 40)];
}

internal sealed class ImportsMenu : IMenuProvider
{
    public IEnumerable<MenuItem> GetItems() => [new("Nav_Imports", "/imports", Icons.Material.Filled.UploadFile, Policies.Imports, 50)];
}

internal sealed class TemplatesMenu : IMenuProvider
{
    public IEnumerable<MenuItem> GetItems() => [new("Nav_Templates", "/templates", Icons.Material.Filled.Inventory2, Policies.Templates, 60)];
}

internal sealed class SettingsMenu : IMenuProvider
{
    public IEnumerable<MenuItem> GetItems() => [new("Nav_Settings", "/settings", Icons.Material.Filled.Settings, Policies.Settings, 70)];
}
