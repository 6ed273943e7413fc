using CustomerStudio.Core.Conditions;
using NJsonSchema.Validation;

namespace CustomerStudio.Core.Definitions;

/// <summary>Turns NJsonSchema's validation errors into definition errors with JSON paths (<c>$.nodes[2].settings.template</c>).</summary>
internal static class SchemaErrors
{
    public static IReadOnlyList<ConditionError> From(IEnumerable<ValidationError> errors, string path)
    {
        var result = new List<ConditionError>();
        foreach (var error in errors) Add(result, error, path);
        return result.DistinctBy(e => (e.Path, e.Code, string.Join("|", e.Args))).ToList();
    }

    private static void Add(List<ConditionError> result, ValidationError error, string root)
    {
        if (error is ChildSchemaValidationError child)
        {
            if (error.Kind is ValidationErrorKind.NotOneOf or ValidationErrorKind.NotAnyOf)
            {
                // One of several shapes (a node kind, a condition kind): report the shape the value was closest to,
                // preferring one whose "kind" matched; when several are equally close, say that none fits.
                var ranked = child.Errors
                    .Select(b => (Errors: b.Value, Score: Leaves(b.Value).Sum(e => e.Property == "kind" && e.Kind == ValidationErrorKind.NotInEnumeration ? 1000 : 1)))
                    .OrderBy(b => b.Score).ToList();
                if (ranked.Count == 0) return;
                if (ranked.Count > 1 && ranked[0].Score == ranked[1].Score)
                {
                    result.Add(new ConditionError(PathOf(error, root), "SchemaNoMatchingShape"));
                    return;
                }
                foreach (var e in ranked[0].Errors) Add(result, e, root);
                return;
            }
            foreach (var (_, errors) in child.Errors)
                foreach (var e in errors) Add(result, e, root);
            return;
        }
        if (error is MultiTypeValidationError multi)
        {
            result.Add(new ConditionError(PathOf(error, root), "SchemaWrongType", string.Join(", ", multi.Errors.Keys.Select(k => k.ToString().ToLowerInvariant()))));
            return;
        }
        var code = error.Kind switch
        {
            ValidationErrorKind.PropertyRequired => "SchemaRequired",
            ValidationErrorKind.NoAdditionalPropertiesAllowed => "SchemaUnknownProperty",
            ValidationErrorKind.NotInEnumeration => "SchemaNotInEnumeration",
            ValidationErrorKind.PatternMismatch => "SchemaPattern",
            ValidationErrorKind.StringTooShort => "SchemaTooShort",
            ValidationErrorKind.StringTooLong => "SchemaTooLong",
            ValidationErrorKind.TooFewItems => "SchemaTooFewItems",
            ValidationErrorKind.TooManyItems => "SchemaTooManyItems",
            ValidationErrorKind.NumberTooSmall => "SchemaNumberTooSmall",
            ValidationErrorKind.NumberTooBig => "SchemaNumberTooBig",
            ValidationErrorKind.StringExpected or ValidationErrorKind.IntegerExpected or ValidationErrorKind.NumberExpected
                or ValidationErrorKind.BooleanExpected or ValidationErrorKind.ObjectExpected or ValidationErrorKind.ArrayExpected
                or ValidationErrorKind.NullExpected => "SchemaExpected",
            _ => "SchemaInvalid",
        };
        var args = code switch
        {
            "SchemaRequired" or "SchemaUnknownProperty" => [error.Property ?? ""],
            "SchemaNotInEnumeration" => [string.Join(", ", error.Schema?.Enumeration.Select(v => v?.ToString()) ?? [])],
            "SchemaPattern" => [error.Schema?.Pattern ?? ""],
            "SchemaTooShort" => [(error.Schema?.MinLength ?? 0).ToString()],
            "SchemaTooLong" => [(error.Schema?.MaxLength ?? 0).ToString()],
            "SchemaTooFewItems" => [(error.Schema?.MinItems ?? 0).ToString()],
            "SchemaTooManyItems" => [(error.Schema?.MaxItems ?? 0).ToString()],
            "SchemaNumberTooSmall" => [error.Schema?.Minimum?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ""],
            "SchemaNumberTooBig" => [error.Schema?.Maximum?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ""],
            "SchemaExpected" => [error.Kind.ToString().Replace("Expected", "").ToLowerInvariant()],
            _ => new[] { error.Kind.ToString() },
        };
        result.Add(new ConditionError(PathOf(error, root), code, args));
    }

    private static IEnumerable<ValidationError> Leaves(IEnumerable<ValidationError> errors) =>
        errors.SelectMany(e => e is ChildSchemaValidationError c ? Leaves(c.Errors.SelectMany(b => b.Value)).DefaultIfEmpty(e) : [e]);

    /// <summary>NJsonSchema's "#/nodes[0].kind" under <paramref name="root"/> ("$" or "$.journeys[1].definition").</summary>
    public static string PathOf(ValidationError error, string root)
    {
        var path = error.Path ?? "#";
        var rest = path.StartsWith("#/", StringComparison.Ordinal) ? path[2..] : path.TrimStart('#');
        if (rest.Length == 0) return root;
        return rest.StartsWith('[') ? root + rest : $"{root}.{rest}";
    }
}
