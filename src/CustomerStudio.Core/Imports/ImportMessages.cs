using System.Globalization;
using System.Resources;

namespace CustomerStudio.Core.Imports;

/// <summary>Why a row was rejected, in the language of whoever runs the import (zh-CN / en).</summary>
public static class ImportMessages
{
    private static readonly ResourceManager Messages = new("CustomerStudio.Core.Imports.ImportMessages", typeof(ImportMessages).Assembly);

    public static string Format(string code, string[] args, CultureInfo? culture = null)
    {
        culture ??= CultureInfo.CurrentUICulture;
        var template = Messages.GetString(code, culture) ?? code;
        return string.Format(culture, template, args);
    }
}
