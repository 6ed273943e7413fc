using System.Security.Cryptography;
using CustomerStudio.Core.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CustomerStudio.Web.Security;

public sealed class AdminBootstrapOptions
{
    public const string Section = "Studio:Admin";
    public string Email { get; set; } = "admin@customerstudio.local";
    /// <summary>When empty, a password is generated and printed once to the console.</summary>
    public string? Password { get; set; }
    /// <summary>Also create one demo user per role (same password) so each role can be tried.</summary>
    public bool CreateRoleUsers { get; set; } = true;
}

/// <summary>Creates the roles and, on first start with no users, the admin account.</summary>
public sealed class AdminBootstrap(
    UserManager<StudioUser> users, RoleManager<IdentityRole> roles,
    IOptions<AdminBootstrapOptions> options, ILogger<AdminBootstrap> logger)
{
    public static readonly (string Email, string Role, string Name)[] RoleUsers =
    [
        ("governance@customerstudio.local", StudioRoles.Governance, "运营 Ops"),
        ("marketer@customerstudio.local", StudioRoles.Marketer, "市场 Marketing"),
        ("sales@customerstudio.local", StudioRoles.Sales, "销售 Sales"),
    ];

    /// <summary>Returns the password when accounts were created now, so the caller can print it once.</summary>
    public async Task<string?> EnsureAsync(CancellationToken ct)
    {
        foreach (var role in StudioRoles.All)
            if (!await roles.RoleExistsAsync(role))
                Check(await roles.CreateAsync(new IdentityRole(role)), $"role {role}");

        if (await users.Users.AnyAsync(ct)) return null;

        var o = options.Value;
        var password = string.IsNullOrWhiteSpace(o.Password) ? Generate() : o.Password;
        await CreateAsync(o.Email, "Administrator", StudioRoles.Admin, password);
        if (o.CreateRoleUsers)
            foreach (var (email, role, name) in RoleUsers)
                await CreateAsync(email, name, role, password);
        logger.LogInformation("Created the administrator account {Email}", o.Email);
        return password;
    }

    private async Task CreateAsync(string email, string name, string role, string password)
    {
        var user = new StudioUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = name };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
            throw new Core.Data.StudioConfigurationException(
                $"{AdminBootstrapOptions.Section}:Password is not accepted: {string.Join(" ", created.Errors.Select(e => e.Description))}");
        Check(await users.AddToRoleAsync(user, role), $"role of {email}");
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException($"Could not create {what}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
    }

    // 16 characters from an unambiguous alphabet, with upper, lower and digits so the password rules hold.
    private static string Generate()
    {
        const string lower = "abcdefghjkmnpqrstuvwxyz", upper = "ABCDEFGHJKMNPQRSTUVWXYZ", digits = "23456789";
        return RandomNumberGenerator.GetString(upper, 4) + RandomNumberGenerator.GetString(lower + upper + digits, 8)
             + RandomNumberGenerator.GetString(lower, 2) + RandomNumberGenerator.GetString(digits, 2);
    }
}
