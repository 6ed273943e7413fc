using CustomerStudio.Web.Components.Shared;
using CustomerStudio.Web.Security;
using MudBlazor;

namespace CustomerStudio.Web.Features.Segments;

/// <summary>The segments section's entry in the navigation.</summary>
internal sealed class SegmentsMenu : IMenuProvider
{
    public IEnumerable<MenuItem> GetItems() => [new("Nav_Segments", "/segments", Icons.Material.Filled.FilterAlt, Policies.Segments, 30)];
}
