using System.Globalization;
using CustomerStudio.Core.Customers;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace CustomerStudio.Web.Features.Customers.Profile;

public sealed partial class ProfileHeader
{
    /// <summary>The funnel a customer moves along; churned sits outside it.</summary>
    private static readonly LifecycleStage[] Path = [LifecycleStage.Lead, LifecycleStage.Mql, LifecycleStage.Sql, LifecycleStage.Customer];

    [Parameter, EditorRequired] public ProfileSummary Summary { get; set; } = default!;
    /// <summary>The name as the user may see it.</summary>
    [Parameter, EditorRequired] public string Name { get; set; } = "";
    [Parameter] public string Owner { get; set; } = "—";
    [Parameter] public bool CanSee { get; set; }
    [Parameter] public bool CanEdit { get; set; }
    [Parameter] public EventCallback OnMerge { get; set; }

    private static bool IsZh => CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase);

    private LifecycleStage Stage => Summary.Customer.LifecycleStage;

    private string Initial => Name.Length > 0 ? Name[..1] : "?";

    private bool Reached(LifecycleStage stage) => Stage != LifecycleStage.Churned && stage <= Stage;

    private static string Stars(byte score) => new string('●', score) + new string('○', Math.Max(0, 5 - score));

    private string FeatureText(string feature) => L["Feature_" + feature] is { ResourceNotFound: false } text ? text : feature;

    private static string IdentityIcon(IdentityKind kind) => kind switch
    {
        IdentityKind.Phone => Icons.Material.Filled.Phone,
        IdentityKind.Email => Icons.Material.Filled.Email,
        IdentityKind.WeChatOpenId or IdentityKind.WeChatUnionId => Icons.Material.Filled.Chat,
        _ => Icons.Material.Filled.Badge,
    };
}
