using System.Globalization;
using System.Resources;

namespace CustomerStudio.Core.Segments;

/// <summary>Messages of the segment API and export (SegmentMessages.resx, .zh-CN.resx), in the given or current UI culture.</summary>
public static class SegmentMessages
{
    private static readonly ResourceManager Messages =
        new("CustomerStudio.Core.Segments.SegmentMessages", typeof(SegmentMessages).Assembly);

    public static string Get(string code, CultureInfo? culture = null, params string[] args)
    {
        culture ??= CultureInfo.CurrentUICulture;
        return string.Format(culture, Messages.GetString(code, culture) ?? code, args);
    }
}
