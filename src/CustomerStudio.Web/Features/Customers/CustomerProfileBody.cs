using System.Text.Json;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Scoring;
using CustomerStudio.Core.Tags;
using CustomerStudio.Web.Security;

namespace CustomerStudio.Web.Features.Customers;

public sealed record ProfileIdentityBody(IdentityKind Kind, string Value, bool IsPrimary);

public sealed record ProfileScoreBody(string Tag, string Name, double Score, string? ValueCode, DateTime ComputedAt, IReadOnlyList<FeatureContribution> TopFeatures);

public sealed record ProfileRfmBody(int RecencyDays, int Frequency, decimal Monetary, byte R, byte F, byte M, string Segment, string SegmentName, DateTime ComputedAt);

public sealed record ProfileLeadScoreBody(int Points, int Total, string Reason, DateTime At);

public sealed record ProfileLifecycleBody(LifecycleStage From, LifecycleStage To, string? Reason, string? By, DateTime At);

public sealed record ProfileTaskBody(long Id, string Title, string? Details, SalesTaskStatus Status, string? OwnerId, DateTime? DueAt, DateTime CreatedAt);

public sealed record ProfileMemberBody(long AccountId, string AccountName, AccountKind Kind, long CustomerId, string? Name, AccountRole Role);

public sealed record ProfileCustomerBody(
    long Id, string? Name, Gender Gender, DateOnly? BirthDate, string? Province, string? City, string? Phone, string? Email, string? Company,
    string? Industry, string? CompanySize, string? SourceChannel, string? OwnerId, LifecycleStage LifecycleStage, int LeadScore,
    bool EmailOptOut, bool SmsOptOut, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>
/// <c>GET /api/customers/{id}</c>: the 360° profile. Personal data (name, phone, email, birth date, identities,
/// sensitive custom fields, household names) is masked for callers without the personal-data right, and
/// <see cref="Masked"/> says so; sensitive tags come masked and restricted ones not at all, as in the profile page.
/// </summary>
public sealed record ProfileBody(
    ProfileCustomerBody Customer, bool Masked, IReadOnlyList<ProfileIdentityBody> Identities, IReadOnlyList<ProfileCustomField> CustomFields,
    ProfileRfmBody? Rfm, IReadOnlyList<ProfileScoreBody> Scores, IReadOnlyList<ProfileLeadScoreBody> LeadScoreHistory,
    IReadOnlyList<ProfileLifecycleBody> Lifecycle, IReadOnlyList<CustomerTag> Tags, IReadOnlyList<ProfileSegment> Segments,
    IReadOnlyList<ProfileJourney> Journeys, IReadOnlyList<ProfileMemberBody> Household, IReadOnlyList<ProfileTaskBody> Tasks,
    int Events, int Orders, decimal PaidTotal)
{
    private static readonly JsonSerializerOptions FeatureJson = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static ProfileBody Of(ProfileSummary s, bool canSee, bool zh)
    {
        var c = s.Customer;
        var rfm = s.Rfm is { } r
            ? new ProfileRfmBody(r.RecencyDays, r.Frequency, r.Monetary, r.R, r.F, r.M, r.Segment, RfmName(r.Segment, zh), r.ComputedAt)
            : null;
        return new ProfileBody(
            new ProfileCustomerBody(c.Id, PersonalDataMask.Name(c.Name, canSee), c.Gender, canSee ? c.BirthDate : null, c.Province, c.City,
                PersonalDataMask.Phone(c.Phone, canSee), PersonalDataMask.Email(c.Email, canSee), c.Company, c.Industry, c.CompanySize, c.SourceChannel,
                c.OwnerId, c.LifecycleStage, c.LeadScore, c.EmailOptOut, c.SmsOptOut, c.CreatedAt, c.UpdatedAt),
            !canSee,
            s.Identities.Select(i => new ProfileIdentityBody(i.Kind, CustomerAccess.Identity(i.Kind, i.Value, canSee), i.IsPrimary)).ToList(),
            s.CustomFields.Select(f => f.Sensitive && !canSee && f.Value is not null ? f with { Value = CustomerAccess.Hidden } : f).ToList(),
            rfm,
            s.Scores.Select(p => new ProfileScoreBody(p.Tag, zh ? p.NameZh : p.NameEn, p.Score, p.ValueCode, p.ComputedAt, Features(p.TopFeaturesJson))).ToList(),
            s.LeadScoreHistory.Select(l => new ProfileLeadScoreBody(l.Points, l.Total, l.Reason, l.At)).ToList(),
            s.Lifecycle.Select(l => new ProfileLifecycleBody(l.From, l.To, l.Reason, l.By, l.At)).ToList(),
            s.Tags, s.Segments, s.Journeys,
            s.Household.Select(m => new ProfileMemberBody(m.AccountId, m.AccountName, m.Kind, m.CustomerId, PersonalDataMask.Name(m.Name, canSee), m.Role)).ToList(),
            s.Tasks.Select(t => new ProfileTaskBody(t.Id, t.Title, t.Details, t.Status, t.OwnerId, t.DueAt, t.CreatedAt)).ToList(),
            s.Events, s.Orders, s.PaidTotal);
    }

    /// <summary>The features that moved a score most, as stored with it (empty when unreadable).</summary>
    public static IReadOnlyList<FeatureContribution> Features(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return [];
        try
        {
            return JsonSerializer.Deserialize<List<FeatureContribution>>(json, FeatureJson) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    public static string RfmName(string code, bool zh) =>
        RfmScoring.Segments.FirstOrDefault(x => x.Code == code) is { } info ? zh ? info.NameZh : info.NameEn : code;
}
