using CustomerStudio.Core.Security;
using Microsoft.AspNetCore.Authorization;

namespace CustomerStudio.Web.Security;

/// <summary>One policy per area of the studio, named by what it guards.</summary>
public static class Policies
{
    public const string Customers = "area:customers";
    public const string Tags = "area:tags";
    public const string Segments = "area:segments";
    public const string Journeys = "area:journeys";
    public const string Imports = "area:imports";
    public const string Templates = "area:templates";
    public const string Settings = "area:settings";
    /// <summary>May see phone numbers, emails and other personal data unmasked.</summary>
    public const string PersonalData = "data:personal";

    public static readonly IReadOnlyDictionary<string, string[]> Roles = new Dictionary<string, string[]>
    {
        [Customers] = [StudioRoles.Admin, StudioRoles.Governance, StudioRoles.Marketer, StudioRoles.Sales],
        [Tags] = [StudioRoles.Admin, StudioRoles.Governance, StudioRoles.Marketer],
        [Segments] = [StudioRoles.Admin, StudioRoles.Governance, StudioRoles.Marketer],
        [Journeys] = [StudioRoles.Admin, StudioRoles.Marketer],
        [Imports] = [StudioRoles.Admin],
        [Templates] = [StudioRoles.Admin],
        [Settings] = [StudioRoles.Admin],
        [PersonalData] = [StudioRoles.Admin, StudioRoles.Sales],
    };

    public static void Add(AuthorizationOptions options)
    {
        foreach (var (policy, roles) in Roles)
            options.AddPolicy(policy, p => p.RequireAuthenticatedUser().RequireRole(roles));
        // Anything not marked otherwise needs a signed-in user.
        options.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
    }
}
