using CustomerStudio.Core.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace CustomerStudio.Web.Components.Account;

public static class AccountEndpoints
{
    public static void MapStudioAccount(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/logout", async ([FromServices] SignInManager<StudioUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("~/account/login");
        }).ExcludeFromDescription();
    }
}
