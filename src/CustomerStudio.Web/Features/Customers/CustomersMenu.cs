using CustomerStudio.Web.Components.Shared;
using CustomerStudio.Web.Security;
using MudBlazor;

namespace CustomerStudio.Web.Features.Customers;

/// <summary>The customers section's entry in the navigation.</summary>
internal sealed class CustomersMenu : IMenuProvider
{
    public IEnumerable<MenuItem> GetItems() => [new("Nav_Customers", "/customers", Icons.Material.Filled.People, Policies.Customers, 10)];
}
