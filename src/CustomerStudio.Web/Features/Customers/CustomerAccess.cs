using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Security;
using CustomerStudio.Web.Security;

namespace CustomerStudio.Web.Features.Customers;

/// <summary>Who may change customers (edit, merge), and how identities read for users without the personal-data right.</summary>
public static class CustomerAccess
{
    /// <summary>Edit a profile and merge customers: admins and sales, who own the customer relationship.</summary>
    public static readonly string[] EditorRoles = [StudioRoles.Admin, StudioRoles.Sales];

    public static bool CanEdit(Actor actor) => EditorRoles.Any(actor.IsIn);

    /// <summary>An identity as the user may see it: phones and emails like the customers grid, other ids cut to a hint.</summary>
    public static string Identity(IdentityKind kind, string value, bool canSee) => canSee ? value : kind switch
    {
        IdentityKind.Phone => PersonalDataMask.Phone(value, false) ?? "",
        IdentityKind.Email => PersonalDataMask.Email(value, false) ?? "",
        _ => value.Length <= 4 ? "****" : value[..Math.Min(4, value.Length / 3)] + "****",
    };

    /// <summary>The form of a value hidden from the user.</summary>
    public const string Hidden = "***";

    /// <summary>The localization key of an identity kind (the condition builder's labels).</summary>
    public static string IdentityKey(IdentityKind kind) => "IdentityKind_" + kind switch
    {
        IdentityKind.Phone => "phone",
        IdentityKind.Email => "email",
        IdentityKind.WeChatOpenId => "wechat_openid",
        IdentityKind.WeChatUnionId => "wechat_unionid",
        _ => "external_id",
    };
}
