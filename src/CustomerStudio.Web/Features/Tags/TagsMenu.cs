using CustomerStudio.Web.Components.Shared;
using CustomerStudio.Web.Security;
using MudBlazor;

namespace CustomerStudio.Web.Features.Tags;

/// <summary>The tags section's entry in the navigation.</summary>
internal sealed class TagsMenu : IMenuProvider
{
    public IEnumerable<MenuItem> GetItems() => [new("Nav_Tags", "/tags", Icons.Material.Filled.Label, Policies.Tags, 20)];
}
