using System.Globalization;
using System.Text;

namespace CustomerStudio.Core.Tags;

/// <summary>When two tag names or codes look alike enough to suspect 同名不同义 (one name, two meanings) or a duplicate.</summary>
public static class TagSimilarity
{
    /// <summary>Equal after dropping case, spaces and punctuation; one containing the other (≥ 2 characters); or one edit apart.</summary>
    public static bool SimilarNames(string? a, string? b)
    {
        var x = Normalize(a);
        var y = Normalize(b);
        if (x.Length < 2 || y.Length < 2) return x.Length > 0 && x == y;
        if (x == y || x.Contains(y, StringComparison.Ordinal) || y.Contains(x, StringComparison.Ordinal)) return true;
        return Math.Max(x.Length, y.Length) >= 4 && Distance(x, y) <= 1;
    }

    /// <summary>Codes equal without underscores, or at most one edit apart (≥ 5 characters), e.g. high_value / highvalue / high_values.</summary>
    public static bool SimilarCodes(string? a, string? b)
    {
        var x = (a ?? "").Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();
        var y = (b ?? "").Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();
        if (x.Length == 0 || y.Length == 0) return false;
        return x == y || (Math.Min(x.Length, y.Length) >= 5 && Distance(x, y) <= 1);
    }

    private static string Normalize(string? s)
    {
        var builder = new StringBuilder();
        foreach (var ch in (s ?? "").Normalize(NormalizationForm.FormKC))
            if (char.IsLetterOrDigit(ch)) builder.Append(char.ToLower(ch, CultureInfo.InvariantCulture));
        return builder.ToString();
    }

    /// <summary>Levenshtein distance (the strings here are short names).</summary>
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
