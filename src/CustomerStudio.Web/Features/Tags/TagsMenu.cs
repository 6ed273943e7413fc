using CustomerStudio.Web.Components.Shared;
using CustomerStudio.Web.Security;
using MudBlazor;

namespace CustomerStudio.Web.Features.Tags;

/// <summary>The tags section's entries in the navigation: the taxonomy designer and the stale-tag report under it.</summary>
internal sealed class TagsMenu : IMenuProvider
{
    public IEnumerable<MenuItem> GetItems() =>
    [
        new("Nav_Tags", "/tags", Icons.Material.Filled.Label, Policies.Tags, 20),
        new("Nav_StaleTags", "/tags/stale", Icons.Material.Filled.HourglassBottom, Policies.Tags, 21),
    ];
}
