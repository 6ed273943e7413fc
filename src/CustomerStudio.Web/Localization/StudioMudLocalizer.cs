using Microsoft.Extensions.Localization;
using MudBlazor;

namespace CustomerStudio.Web.Localization;

/// <summary>Gives MudBlazor's own texts (pager, filters) from the studio's resources; unknown keys keep MudBlazor's English.</summary>
internal sealed class StudioMudLocalizer(IStringLocalizer<SharedResource> localizer) : MudLocalizer
{
    public override LocalizedString this[string key]
    {
        get
        {
            var text = localizer[key];
            return text.ResourceNotFound ? new LocalizedString(key, key, resourceNotFound: true) : text;
        }
    }

    public override LocalizedString this[string key, params object[] arguments]
    {
        get
        {
            var text = this[key];
            return arguments.Length == 0 || text.ResourceNotFound
                ? text
                : new LocalizedString(key, string.Format(System.Globalization.CultureInfo.CurrentCulture, text.Value, arguments));
        }
    }
}
