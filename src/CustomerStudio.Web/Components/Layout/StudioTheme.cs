using MudBlazor;

namespace CustomerStudio.Web.Components.Layout;

public static class StudioTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight { Primary = "#3559E0", Secondary = "#00A58E", AppbarBackground = "#1F2A44" },
        PaletteDark = new PaletteDark { Primary = "#7C9BFF", Secondary = "#3CD3B5" },
        Typography = new Typography
        {
            Default = new DefaultTypography
            {
                FontFamily = ["-apple-system", "BlinkMacSystemFont", "Segoe UI", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "sans-serif"],
            },
        },
    };
}
