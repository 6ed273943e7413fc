using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CustomerStudio.Core.Journeys.Runtime;

/// <summary>
/// The unsubscribe link every journey e-mail carries: <c>{PublicBaseUrl}/unsubscribe/{customerId}.{signature}</c>, the
/// signature an HMAC of the customer id with the workspace secret, so the link works without signing in and cannot be
/// forged for another customer.
/// </summary>
public static class Unsubscribe
{
    public static string Token(long customerId, string secret) =>
        $"{customerId.ToString(CultureInfo.InvariantCulture)}.{Signature(customerId, secret)}";

    public static string? Url(string? publicBaseUrl, long customerId, string secret) =>
        string.IsNullOrWhiteSpace(publicBaseUrl) || string.IsNullOrEmpty(secret) ? null : $"{publicBaseUrl.TrimEnd('/')}/unsubscribe/{Token(customerId, secret)}";

    public static bool TryRead(string? token, string secret, out long customerId)
    {
        customerId = 0;
        var parts = token?.Split('.');
        if (parts is not { Length: 2 } || string.IsNullOrEmpty(secret)
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id)) return false;
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(parts[1]), Encoding.ASCII.GetBytes(Signature(id, secret)))) return false;
        customerId = id;
        return true;
    }

    private static string Signature(long customerId, string secret) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"unsubscribe:{customerId}")))[..32];
}
