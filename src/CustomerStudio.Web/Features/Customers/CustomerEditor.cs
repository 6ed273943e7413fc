using System.Globalization;
using System.Text.Json;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Web.Features.Customers;

/// <summary>What the profile's form edits: the attributes <see cref="CustomerProfile.UpdateAsync"/> audits, and custom field values as text.</summary>
public sealed class CustomerEdit
{
    public string? Name { get; set; }
    public Gender Gender { get; set; }
    public DateTime? BirthDate { get; set; }
    public string? Province { get; set; }
    public string? City { get; set; }
    public string? Company { get; set; }
    public string? Industry { get; set; }
    public string? CompanySize { get; set; }
    public string? OwnerId { get; set; }
    public LifecycleStage Stage { get; set; }
    public bool EmailOptOut { get; set; }
    public bool SmsOptOut { get; set; }
    /// <summary>Custom values by field code, as the profile shows them (numbers invariant, dates yyyy-MM-dd, True/False).</summary>
    public Dictionary<string, string?> Custom { get; } = new(StringComparer.Ordinal);

    public static CustomerEdit Of(ProfileSummary summary)
    {
        var c = summary.Customer;
        var edit = new CustomerEdit
        {
            Name = c.Name, Gender = c.Gender, BirthDate = c.BirthDate?.ToDateTime(TimeOnly.MinValue), Province = c.Province, City = c.City,
            Company = c.Company, Industry = Industries.Name(c.Industry), CompanySize = c.CompanySize, OwnerId = c.OwnerId, Stage = c.LifecycleStage,
            EmailOptOut = c.EmailOptOut, SmsOptOut = c.SmsOptOut,
        };
        foreach (var field in summary.CustomFields) edit.Custom[field.Code] = field.Value;
        return edit;
    }
}

/// <summary>
/// Saves the profile's form: the attributes through <see cref="CustomerProfile.UpdateAsync"/> (audited, stage moves
/// logged) and, in the same SaveChanges, the custom field values with their own audit entry (the core's update covers
/// the customer row only). A value that does not fit its field's type is named back and nothing is saved.
/// </summary>
public sealed class CustomerEditor(StudioDbContext db, CustomerProfile profile, TimeProvider clock)
{
    public async Task<(bool Saved, IReadOnlyList<ConditionError> Errors)> SaveAsync(long id, CustomerEdit edit, Actor actor, CancellationToken ct = default)
    {
        // The profile offers the form to editors only; anything else reaching here is a bug, not a user error.
        if (!CustomerAccess.CanEdit(actor)) throw new UnauthorizedAccessException("Only admins and sales edit customers.");
        var fields = await db.CustomFields.AsNoTracking().ToDictionaryAsync(f => f.Code, ct);
        var values = await db.CustomFieldValues.Where(v => v.CustomerId == id).ToListAsync(ct);
        var errors = new List<ConditionError>();
        var before = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        var after = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (code, text) in edit.Custom)
        {
            if (!fields.TryGetValue(code, out var field)) continue;
            var value = values.FirstOrDefault(v => v.FieldId == field.Id);
            var old = value is null ? null : Text(value);
            var parsed = Parse(field, text, errors);
            if (parsed is { Error: true } || old == parsed.Text) continue;
            before[code] = old;
            after[code] = parsed.Text;
            if (parsed.Text is null)
            {
                if (value is not null) db.CustomFieldValues.Remove(value);
                continue;
            }
            if (value is null)
            {
                value = new CustomFieldValue { CustomerId = id, FieldId = field.Id };
                db.CustomFieldValues.Add(value);
            }
            (value.TextValue, value.NumberValue, value.DateValue, value.BoolValue) = (parsed.TextValue, parsed.Number, parsed.Date, parsed.Bool);
        }
        if (errors.Count > 0) return (false, errors);
        if (after.Count > 0)
            AuditLog.Record(db, actor, nameof(Customer), id.ToString(CultureInfo.InvariantCulture), "custom_fields_updated", before, after,
                clock.GetUtcNow().UtcDateTime);

        var saved = await profile.UpdateAsync(id, c =>
        {
            c.Name = Trimmed(edit.Name);
            c.Gender = edit.Gender;
            c.BirthDate = edit.BirthDate is { } birth ? DateOnly.FromDateTime(birth) : null;
            c.Province = Trimmed(edit.Province);
            c.City = Trimmed(edit.City);
            c.Company = Trimmed(edit.Company);
            c.Industry = Industries.Code(edit.Industry);
            c.CompanySize = Trimmed(edit.CompanySize);
            c.OwnerId = Trimmed(edit.OwnerId);
            c.LifecycleStage = edit.Stage;
            c.EmailOptOut = edit.EmailOptOut;
            c.SmsOptOut = edit.SmsOptOut;
        }, actor, ct);
        return saved ? (true, []) : (false, [new ConditionError("customer", "UnknownCustomer", id.ToString(CultureInfo.InvariantCulture))]);
    }

    /// <summary>Whether a custom field of this code exists in the workspace.</summary>
    public Task<bool> IsFieldAsync(string code, CancellationToken ct = default) => db.CustomFields.AnyAsync(f => f.Code == code, ct);

    private static string? Trimmed(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// <summary>A stored value as the profile shows it (the same text <see cref="CustomerProfile.SummaryAsync"/> gives).</summary>
    private static string? Text(CustomFieldValue v) =>
        v.TextValue ?? v.NumberValue?.ToString("0.####", CultureInfo.InvariantCulture)
        ?? v.DateValue?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? v.BoolValue?.ToString();

    private sealed record Parsed(string? Text, string? TextValue = null, decimal? Number = null, DateTime? Date = null, bool? Bool = null, bool Error = false);

    private static Parsed Parse(CustomFieldDefinition field, string? raw, List<ConditionError> errors)
    {
        var text = raw?.Trim();
        if (string.IsNullOrEmpty(text)) return new Parsed(null);
        Parsed Fail(string code, params string[] args)
        {
            errors.Add(new ConditionError("custom." + field.Code, code, args));
            return new Parsed(null, Error: true);
        }
        switch (field.Type)
        {
            case CustomFieldType.Number:
                return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n)
                    ? new Parsed(n.ToString("0.####", CultureInfo.InvariantCulture), Number: n)
                    : Fail("WrongValueType", field.Code, "number");
            case CustomFieldType.Date:
                return DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
                    ? new Parsed(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Date: DateTime.SpecifyKind(d, DateTimeKind.Utc))
                    : Fail("InvalidDate", text);
            case CustomFieldType.Bool:
                return bool.TryParse(text, out var b) ? new Parsed(b.ToString(), Bool: b) : Fail("WrongValueType", field.Code, "true/false");
            case CustomFieldType.Enum:
                var allowed = CustomFieldOptions.Codes(field);
                return allowed.Count == 0 || allowed.Contains(text)
                    ? new Parsed(text, TextValue: text)
                    : Fail("ValueNotAllowed", text, string.Join(", ", allowed));
            default:
                return new Parsed(text, TextValue: text);
        }
    }
}
