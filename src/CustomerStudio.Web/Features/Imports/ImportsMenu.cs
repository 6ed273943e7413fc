using CustomerStudio.Web.Components.Shared;
using CustomerStudio.Web.Security;
using MudBlazor;

namespace CustomerStudio.Web.Features.Imports;

/// <summary>The imports section's entry in the navigation.</summary>
internal sealed class ImportsMenu : IMenuProvider
{
    public IEnumerable<MenuItem> GetItems() => [new("Nav_Imports", "/imports", Icons.Material.Filled.UploadFile, Policies.Imports, 50)];
}
