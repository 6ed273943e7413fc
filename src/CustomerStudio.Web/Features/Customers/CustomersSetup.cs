using CustomerStudio.Core.Customers;

namespace CustomerStudio.Web.Features.Customers;

public static class CustomersSetup
{
    /// <summary>The 360° profile, merges, profile edits and accounts, each on the request's (or the operation's) DbContext.</summary>
    public static void AddCustomers(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<CustomerProfile>();
        builder.Services.AddScoped<CustomerMerge>();
        builder.Services.AddScoped<CustomerEditor>();
        builder.Services.AddScoped<Accounts>();
    }
}
