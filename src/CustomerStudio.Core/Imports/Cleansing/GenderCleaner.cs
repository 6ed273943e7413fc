using CustomerStudio.Core.Customers;

namespace CustomerStudio.Core.Imports.Cleansing;

/// <summary>男/女, M/F, male/female, 1/0 (1 = male, the common export convention), 先生/女士.</summary>
public static class GenderCleaner
{
    private static readonly Dictionary<string, Gender> Map = new(StringComparer.OrdinalIgnoreCase)
    {
        ["男"] = Gender.Male, ["男性"] = Gender.Male, ["先生"] = Gender.Male, ["m"] = Gender.Male, ["male"] = Gender.Male,
        ["man"] = Gender.Male, ["1"] = Gender.Male,
        ["女"] = Gender.Female, ["女性"] = Gender.Female, ["女士"] = Gender.Female, ["小姐"] = Gender.Female, ["f"] = Gender.Female,
        ["female"] = Gender.Female, ["woman"] = Gender.Female, ["0"] = Gender.Female,
        ["未知"] = Gender.Unknown, ["保密"] = Gender.Unknown, ["u"] = Gender.Unknown, ["unknown"] = Gender.Unknown, ["-"] = Gender.Unknown,
    };

    public static Cleaned<Gender?> Normalize(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return Cleaned<Gender?>.Empty;
        return Map.TryGetValue(raw.Trim(), out var gender) ? Cleaned<Gender?>.Of(gender) : Cleaned<Gender?>.Refused("InvalidGender", raw.Trim());
    }
}
