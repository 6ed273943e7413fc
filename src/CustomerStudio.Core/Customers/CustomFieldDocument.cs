using System.ComponentModel.DataAnnotations;

namespace CustomerStudio.Core.Customers;

/// <summary>One allowed value of an enum custom field: the code stored on customers and its names.</summary>
public sealed record CustomFieldOption
{
    [Required, MinLength(1), MaxLength(256)]
    public string Code { get; init; } = "";

    [Required, MaxLength(200)]
    public string NameZh { get; init; } = "";

    [Required, MaxLength(200)]
    public string NameEn { get; init; } = "";
}

/// <summary>A custom field as a portable definition; conditions name it by <see cref="Code"/>.</summary>
public sealed record CustomFieldDocument
{
    [Required, RegularExpression("^[a-z][a-z0-9_]{1,63}$")]
    public string Code { get; init; } = "";

    [Required, MaxLength(200)]
    public string NameZh { get; init; } = "";

    [Required, MaxLength(200)]
    public string NameEn { get; init; } = "";

    public CustomFieldType Type { get; init; }

    /// <summary>The allowed values of an enum field.</summary>
    public IReadOnlyList<CustomFieldOption> Options { get; init; } = [];

    /// <summary>Personal or sensitive data: masked for roles without the right to see it.</summary>
    public bool Sensitive { get; init; }
}
