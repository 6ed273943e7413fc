using PhoneNumbers;

namespace CustomerStudio.Core.Imports.Cleansing;

/// <summary>
/// Phone numbers to E.164 with libphonenumber: mainland China by default (11-digit mobiles, landlines with their
/// area code), international prefixes written as <c>+86</c>, <c>0086</c>, <c>(+86)</c> or <c>86-</c>; spaces, dashes, dots
/// and brackets ignored. A number libphonenumber does not consider valid is refused, never guessed.
/// </summary>
public sealed class PhoneCleaner(string defaultRegion = "CN")
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    public Cleaned<string> Normalize(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return Cleaned<string>.Empty;
        var text = raw.Trim();
        // Full-width digits and plus signs from Chinese input methods.
        text = new string(text.Select(ch => ch is >= '０' and <= '９' ? (char)('0' + (ch - '０')) : ch == '＋' ? '+' : ch).ToArray());
        var digits = new string(text.Where(char.IsDigit).ToArray());
        if (digits.Length == 0) return Cleaned<string>.Refused("InvalidPhone", raw.Trim());

        string candidate;
        if (text.TrimStart('(', '（', ' ').StartsWith('+')) candidate = "+" + digits;
        else if (digits.StartsWith("00", StringComparison.Ordinal)) candidate = "+" + digits[2..];
        // "86 138…" or "8613812345678": the country code without a plus, in front of a mobile number.
        else if (defaultRegion == "CN" && digits.Length == 13 && digits.StartsWith("861", StringComparison.Ordinal)) candidate = "+" + digits;
        else candidate = digits;

        try
        {
            var number = Util.Parse(candidate, defaultRegion);
            if (!Util.IsValidNumber(number)) return Cleaned<string>.Refused("InvalidPhone", raw.Trim());
            return Cleaned<string>.Of(Util.Format(number, PhoneNumberFormat.E164));
        }
        catch (NumberParseException)
        {
            return Cleaned<string>.Refused("InvalidPhone", raw.Trim());
        }
    }
}
