namespace CustomerStudio.Core.Definitions;

/// <summary>
/// Marks a property that holds a condition tree: its generated schema is a <c>$ref</c> to the condition schema
/// (docs/schemas/condition.schema.json), and validators compile it with the condition language.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ConditionReferenceAttribute : Attribute;
