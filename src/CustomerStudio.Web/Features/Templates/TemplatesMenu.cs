using CustomerStudio.Web.Components.Shared;
using CustomerStudio.Web.Security;
using MudBlazor;

namespace CustomerStudio.Web.Features.Templates;

/// <summary>The templates section's entry in the navigation.</summary>
internal sealed class TemplatesMenu : IMenuProvider
{
    public IEnumerable<MenuItem> GetItems() => [new("Nav_Templates", "/templates", Icons.Material.Filled.Inventory2, Policies.Templates, 60)];
}
