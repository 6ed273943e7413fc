using System.Globalization;
using System.Resources;

namespace CustomerStudio.Core.Conditions;

/// <summary>A problem with a condition, at a JSON path such as <c>$.all[1].count.value</c>, localized on demand.</summary>
public sealed record ConditionError(string Path, string Code, params string[] Args)
{
    // Conditions, journey definitions, journeys and template packs report problems alike; each keeps its messages beside its code.
    private static readonly ResourceManager[] Messages =
    [
        new("CustomerStudio.Core.Conditions.ConditionMessages", typeof(ConditionError).Assembly),
        new("CustomerStudio.Core.Definitions.DefinitionMessages", typeof(ConditionError).Assembly),
        new("CustomerStudio.Core.Journeys.JourneyMessages", typeof(ConditionError).Assembly),
    ];

    public string Message(CultureInfo? culture = null)
    {
        culture ??= CultureInfo.CurrentUICulture;
        var template = Messages.Select(m => m.GetString(Code, culture)).FirstOrDefault(t => t is not null) ?? Code;
        return string.Format(culture, template, Args);
    }

    public override string ToString() => $"{Path}: {Message(CultureInfo.InvariantCulture)}";
}

/// <summary>Thrown when a condition that must be valid is not; carries every error found.</summary>
public sealed class ConditionException(IReadOnlyList<ConditionError> errors)
    : Exception(string.Join("; ", errors.Select(e => e.ToString())))
{
    public IReadOnlyList<ConditionError> Errors { get; } = errors;
}
