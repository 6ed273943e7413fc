using System.ComponentModel.DataAnnotations;

namespace CustomerStudio.Core.Templates;

/// <summary>
/// An email template in one language; journeys' send_email nodes name it by <see cref="Code"/> and the customer's
/// language picks the variant. <c>{{name}}</c>-style placeholders are filled when sending.
/// </summary>
public sealed record EmailTemplateDocument
{
    [Required, RegularExpression("^[a-z][a-z0-9_]{1,63}$")]
    public string Code { get; init; } = "";

    /// <summary>zh-CN or en.</summary>
    [Required, RegularExpression("^(zh-CN|en)$")]
    public string Language { get; init; } = "zh-CN";

    [Required, MaxLength(200)]
    public string Name { get; init; } = "";

    [Required, MaxLength(256)]
    public string Subject { get; init; } = "";

    [Required, MinLength(1)]
    public string BodyHtml { get; init; } = "";
}
