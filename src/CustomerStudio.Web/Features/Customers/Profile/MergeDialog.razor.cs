using System.Globalization;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Web.Features.Tags;
using CustomerStudio.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CustomerStudio.Web.Features.Customers.Profile;

/// <summary>
/// Finds the customer to merge (name, phone, email through <see cref="CustomerDirectory"/>, or an id), previews both
/// records with <see cref="CustomerMerge.PreviewAsync"/> (the profile's customer survives unless swapped) and merges
/// with a reason. Closes with the <see cref="MergeResult"/>.
/// </summary>
public sealed partial class MergeDialog
{
    private string? _search;
    private bool _searching;
    private bool _busy;
    private List<CustomerRow> _candidates = [];
    private MergePreview? _preview;
    private string? _reason;
    private bool _canSee;
    private Dictionary<string, string> _users = [];
    private IReadOnlyList<ConditionError> _errors = [];

    [CascadingParameter] private IMudDialogInstance Dialog { get; set; } = default!;
    [Inject] private IDbContextFactory<StudioDbContext> DbFactory { get; set; } = default!;
    [Inject] private IServiceScopeFactory Scopes { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Auth { get; set; } = default!;
    [Inject] private PersonalDataMask Mask { get; set; } = default!;

    /// <summary>The profile's customer: the survivor, unless the user swaps.</summary>
    [Parameter] public long CustomerId { get; set; }

    internal MergePreview? Preview => _preview;

    private sealed record Row(string Label, string Code, string Survivor, string Merged, bool Filled);

    protected override async Task OnInitializedAsync()
    {
        _canSee = await Mask.CanSeeAsync();
        await using var db = await DbFactory.CreateDbContextAsync();
        _users = (await db.Users.AsNoTracking().Select(u => new { u.Id, u.DisplayName, u.Email }).ToListAsync())
            .ToDictionary(u => u.Id, u => u.DisplayName ?? u.Email ?? u.Id);
    }

    internal async Task SearchAsync(string? text)
    {
        _search = text;
        _errors = [];
        if (string.IsNullOrWhiteSpace(text))
        {
            _candidates = [];
            return;
        }
        _searching = true;
        try
        {
            await using var db = await DbFactory.CreateDbContextAsync();
            var found = (await CustomerDirectory.SearchAsync(db, text, 0, 10)).Items.ToList();
            // An id goes straight to that customer (the directory searches names, phones and emails).
            if (long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && found.All(c => c.Id != id)
                && await db.Customers.AsNoTracking().Where(c => c.Id == id && c.MergedIntoId == null)
                    .Select(c => new CustomerRow(c.Id, c.Name, c.Gender, c.Phone, c.Email, c.Province, c.City, c.LifecycleStage, c.SourceChannel, c.CreatedAt))
                    .FirstOrDefaultAsync() is { } byId)
                found.Insert(0, byId);
            _candidates = found.Where(c => c.Id != CustomerId).Select(c => CustomersApi.Mask(c, _canSee)).ToList();
        }
        finally
        {
            _searching = false;
        }
    }

    internal async Task PreviewAsync(long survivorId, long mergedId)
    {
        _busy = true;
        try
        {
            var (preview, errors) = await Scopes.RunAsync(sp => sp.GetRequiredService<CustomerMerge>().PreviewAsync(survivorId, mergedId));
            _preview = preview;
            _errors = errors;
        }
        finally
        {
            _busy = false;
        }
    }

    private Task SwapAsync() => _preview is null ? Task.CompletedTask : PreviewAsync(_preview.Merged.Customer.Id, _preview.Survivor.Customer.Id);

    private void Back()
    {
        _preview = null;
        _errors = [];
    }

    internal void SetReason(string reason) => _reason = reason;

    internal async Task MergeAsync()
    {
        if (_preview is null || string.IsNullOrWhiteSpace(_reason)) return;
        _busy = true;
        try
        {
            var actor = (await Auth.GetAuthenticationStateAsync()).User.ToActor();
            var (survivor, merged, reason) = (_preview.Survivor.Customer.Id, _preview.Merged.Customer.Id, _reason.Trim());
            var (result, errors) = await Scopes.RunAsync(sp => sp.GetRequiredService<CustomerMerge>().MergeAsync(survivor, merged, actor, reason));
            _errors = errors;
            if (result is not null) Dialog.Close(DialogResult.Ok(result));
        }
        finally
        {
            _busy = false;
        }
    }

    private IEnumerable<Row> Rows
    {
        get
        {
            var (s, m) = (_preview!.Survivor.Customer, _preview.Merged.Customer);
            var filled = _preview.FieldsFilled;
            Row Make(string code, string? survivor, string? merged) =>
                new(FieldLabel(code), code, Or(survivor), Or(merged), filled.Contains(code));
            yield return Make("name", PersonalDataMask.Name(s.Name, _canSee), PersonalDataMask.Name(m.Name, _canSee));
            yield return Make("gender", s.Gender == Gender.Unknown ? null : GenderText(s.Gender), m.Gender == Gender.Unknown ? null : GenderText(m.Gender));
            yield return Make("birth_date", Birth(s.BirthDate), Birth(m.BirthDate));
            yield return Make("phone", PersonalDataMask.Phone(s.Phone, _canSee), PersonalDataMask.Phone(m.Phone, _canSee));
            yield return Make("email", PersonalDataMask.Email(s.Email, _canSee), PersonalDataMask.Email(m.Email, _canSee));
            yield return Make("province", s.Province, m.Province);
            yield return Make("city", s.City, m.City);
            yield return Make("company", s.Company, m.Company);
            yield return Make("industry", s.Industry, m.Industry);
            yield return Make("company_size", s.CompanySize, m.CompanySize);
            yield return Make("source_channel", s.SourceChannel, m.SourceChannel);
            yield return Make("owner", Owner(s.OwnerId), Owner(m.OwnerId));
            yield return Make("lifecycle_stage", L["Stage_" + s.LifecycleStage], L["Stage_" + m.LifecycleStage]);
            yield return Make("lead_score", s.LeadScore.ToString(CultureInfo.CurrentCulture), m.LeadScore.ToString(CultureInfo.CurrentCulture));
            yield return Make("created_at", s.CreatedAt.ToString("d", CultureInfo.CurrentCulture), m.CreatedAt.ToString("d", CultureInfo.CurrentCulture));
        }
    }

    private IEnumerable<(string Label, string Code, int Survivor, int Merged)> Counts =>
    [
        (L["Merge_Events"], "events", _preview!.Survivor.Events, _preview.Merged.Events),
        (L["Merge_Orders"], "orders", _preview.Survivor.Orders, _preview.Merged.Orders),
        (L["Merge_Tags"], "tags", _preview.Survivor.Tags, _preview.Merged.Tags),
        (L["Merge_Journeys"], "journeys", _preview.Survivor.JourneyInstances, _preview.Merged.JourneyInstances),
        (L["Merge_Accounts"], "accounts", _preview.Survivor.Accounts, _preview.Merged.Accounts),
    ];

    private string? Owner(string? id) => id is null ? null : _users.GetValueOrDefault(id, id);

    private static string Or(string? text) => string.IsNullOrWhiteSpace(text) ? "—" : text;

    private string GenderText(Gender gender) => L["Gender_" + gender.ToString().ToLowerInvariant()];

    private string? Birth(DateOnly? date) => date is { } d ? _canSee ? d.ToString("d", CultureInfo.CurrentCulture) : CustomerAccess.Hidden : null;

    private string IdentityText(CustomerIdentity identity) =>
        $"{L[CustomerAccess.IdentityKey(identity.Kind)]}: {CustomerAccess.Identity(identity.Kind, identity.Value, _canSee)}";

    /// <summary>The label of a field code of <see cref="MergePreview.FieldsFilled"/>.</summary>
    private string FieldLabel(string code) => L["MergeField_" + code] is { ResourceNotFound: false } text ? text : code;
}
