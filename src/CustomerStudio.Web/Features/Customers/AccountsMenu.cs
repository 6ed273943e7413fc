using CustomerStudio.Web.Components.Shared;
using CustomerStudio.Web.Security;
using MudBlazor;

namespace CustomerStudio.Web.Features.Customers;

/// <summary>Accounts and households sit right under customers: whoever reads customers reads them.</summary>
internal sealed class AccountsMenu : IMenuProvider
{
    public IEnumerable<MenuItem> GetItems() => [new("Nav_Accounts", "/accounts", Icons.Material.Filled.Groups, Policies.Customers, 11)];
}
