using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Web.Security;
using Microsoft.AspNetCore.Authorization;

namespace CustomerStudio.Web.Features.Customers;

public static class CustomersApi
{
    public static void MapCustomersApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/customers").WithTags("Customers").RequireAuthorization(Policies.Customers);

        group.MapGet("/", async (string? search, int? page, int? pageSize, StudioDbContext db,
                HttpContext http, IAuthorizationService authz, CancellationToken ct) =>
            {
                var result = await CustomerDirectory.SearchAsync(db, search, page ?? 0, pageSize ?? 50, ct);
                var canSee = (await authz.AuthorizeAsync(http.User, Policies.PersonalData)).Succeeded;
                return new CustomerPage(result.Items.Select(c => Mask(c, canSee)).ToList(), result.Total);
            })
            .WithName("SearchCustomers")
            .WithSummary("Customers, newest first, searched by name, phone or email. Personal data is masked without the personal-data right.");
    }

    internal static CustomerRow Mask(CustomerRow c, bool canSee) => canSee ? c : c with
    {
        Name = PersonalDataMask.Name(c.Name, false),
        Phone = PersonalDataMask.Phone(c.Phone, false),
        Email = PersonalDataMask.Email(c.Email, false),
    };
}
