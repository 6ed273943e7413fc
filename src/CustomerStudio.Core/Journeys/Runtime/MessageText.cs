using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace CustomerStudio.Core.Journeys.Runtime;

/// <summary>
/// Fills a message's placeholders from the customer: <c>{{name}}</c>, <c>{{city}}</c>, <c>{{company}}</c>,
/// <c>{{email}}</c>, <c>{{id}}</c> (HTML-encoded in HTML); an unknown placeholder becomes empty.
/// </summary>
public static partial class MessageText
{
    public sealed record Fields(long Id, string? Name, string? City, string? Company, string? Email);

    [GeneratedRegex(@"\{\{\s*([a-z_]+)\s*\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    public static string Fill(string text, Fields customer, bool html) => Placeholder().Replace(text, m =>
    {
        var value = m.Groups[1].Value switch
        {
            "name" => customer.Name, "city" => customer.City, "company" => customer.Company, "email" => customer.Email,
            "id" => customer.Id.ToString(CultureInfo.InvariantCulture), _ => "",
        } ?? "";
        return html ? WebUtility.HtmlEncode(value) : value;
    });
}
