using System.Net.Mail;

namespace CustomerStudio.Core.Imports.Cleansing;

/// <summary>E-mail addresses trimmed and lower-cased (so case never creates a duplicate); malformed ones refused.</summary>
public static class EmailCleaner
{
    public static Cleaned<string> Normalize(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return Cleaned<string>.Empty;
        var text = raw.Trim().Replace('＠', '@').ToLowerInvariant();
        if (text.StartsWith("mailto:", StringComparison.Ordinal)) text = text[7..];
        var at = text.IndexOf('@');
        // One @, a dot in the domain, no spaces, and what MailAddress reads back is the whole text.
        if (at <= 0 || at != text.LastIndexOf('@') || text.Contains(' ') || !text[(at + 1)..].Contains('.') || text.EndsWith('.')
            || !MailAddress.TryCreate(text, out var address) || address.Address != text)
            return Cleaned<string>.Refused("InvalidEmail", raw.Trim());
        return Cleaned<string>.Of(text);
    }
}
