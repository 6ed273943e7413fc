using System.Security.Claims;
using CustomerStudio.Core.Security;

namespace CustomerStudio.Web.Security;

public static class ActorClaims
{
    /// <summary>The signed-in user as the core sees them: id, name and roles.</summary>
    public static Actor ToActor(this ClaimsPrincipal user) =>
        new(user.FindFirstValue(ClaimTypes.NameIdentifier), user.Identity?.Name ?? user.FindFirstValue(ClaimTypes.Name))
        {
            Roles = StudioRoles.All.Where(user.IsInRole).ToArray(),
        };
}
