using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;

namespace CustomerStudio.Web.Security;

/// <summary>Masks phone numbers and emails for users without the personal-data right.</summary>
public sealed class PersonalDataMask(AuthenticationStateProvider auth, IAuthorizationService authorization)
{
    private bool? _canSee;

    public async Task<bool> CanSeeAsync()
    {
        if (_canSee is null)
        {
            var state = await auth.GetAuthenticationStateAsync();
            _canSee = (await authorization.AuthorizeAsync(state.User, Policies.PersonalData)).Succeeded;
        }
        return _canSee.Value;
    }

    public static string? Phone(string? phone, bool canSee) =>
        canSee || string.IsNullOrEmpty(phone) || phone.Length < 8
            ? phone
            : string.Concat(phone.AsSpan(0, phone.Length - 8), "****", phone.AsSpan(phone.Length - 4));

    public static string? Email(string? email, bool canSee)
    {
        if (canSee || string.IsNullOrEmpty(email)) return email;
        var at = email.IndexOf('@');
        return at <= 1 ? "***" + email[Math.Max(at, 0)..] : email[0] + "***" + email[at..];
    }

    public static string? Name(string? name, bool canSee) =>
        canSee || string.IsNullOrEmpty(name) ? name : name[0] + new string('*', Math.Max(name.Length - 1, 1));
}
