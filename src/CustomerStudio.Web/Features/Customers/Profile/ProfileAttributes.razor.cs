using System.Globalization;
using System.Text.Json;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Web.Features.Tags;
using CustomerStudio.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerStudio.Web.Features.Customers.Profile;

/// <summary>The attributes and every custom field of the workspace; the form saves through <see cref="CustomerEditor"/>.</summary>
public sealed partial class ProfileAttributes
{
    private List<CustomFieldDefinition> _fields = [];
    private bool _editing;
    private bool _saving;
    private CustomerEdit _edit = new();
    private IReadOnlyList<ConditionError> _errors = [];

    [Inject] private IDbContextFactory<StudioDbContext> DbFactory { get; set; } = default!;
    [Inject] private IServiceScopeFactory Scopes { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Auth { get; set; } = default!;

    [Parameter, EditorRequired] public ProfileSummary Summary { get; set; } = default!;
    [Parameter] public bool CanSee { get; set; }
    [Parameter] public bool CanEdit { get; set; }
    /// <summary>Possible owners: user id → name.</summary>
    [Parameter] public IReadOnlyDictionary<string, string> Users { get; set; } = new Dictionary<string, string>();
    [Parameter] public EventCallback OnSaved { get; set; }

    private static bool IsZh => CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase);

    private Customer C => Summary.Customer;

    private IEnumerable<(string Label, string Value, string Code)> Attributes =>
    [
        (L["Field_Name"], Or(PersonalDataMask.Name(C.Name, CanSee)), "name"),
        (L["Profile_Gender"], GenderText(C.Gender), "gender"),
        (L["Profile_BirthDate"], C.BirthDate is { } birth ? CanSee ? birth.ToString("d", CultureInfo.CurrentCulture) : CustomerAccess.Hidden : "—", "birth_date"),
        (L["Field_Phone"], Or(PersonalDataMask.Phone(C.Phone, CanSee)), "phone"),
        (L["Field_Email"], Or(PersonalDataMask.Email(C.Email, CanSee)), "email"),
        (L["Field_Region"], Or(string.Join(" ", new[] { C.Province, C.City }.Where(x => !string.IsNullOrEmpty(x)))), "region"),
        (L["Profile_Company"], Or(C.Company), "company"),
        (L["Profile_Industry"], Or(Industries.Name(C.Industry)), "industry"),
        (L["Profile_CompanySize"], Or(C.CompanySize), "company_size"),
        (L["Field_Channel"], Or(C.SourceChannel), "source_channel"),
        (L["Profile_Owner"], C.OwnerId is null ? "—" : Users.GetValueOrDefault(C.OwnerId, C.OwnerId), "owner"),
        (L["Profile_OptOuts"], OptOuts(), "opt_outs"),
    ];

    protected override async Task OnInitializedAsync()
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        _fields = await db.CustomFields.AsNoTracking().OrderBy(f => f.SortOrder).ThenBy(f => f.Code).ToListAsync();
    }

    private static string Or(string? text) => string.IsNullOrWhiteSpace(text) ? "—" : text;

    private string OptOuts()
    {
        var list = new List<string>();
        if (C.EmailOptOut) list.Add(L["Profile_EmailOptOut"]);
        if (C.SmsOptOut) list.Add(L["Profile_SmsOptOut"]);
        return list.Count == 0 ? "—" : string.Join(", ", list);
    }

    private string CustomText(CustomFieldDefinition field)
    {
        var value = Summary.CustomFields.FirstOrDefault(f => f.Code == field.Code)?.Value;
        if (string.IsNullOrEmpty(value)) return "—";
        if (field.IsSensitive && !CanSee) return CustomerAccess.Hidden;
        return field.Type == CustomFieldType.Bool && bool.TryParse(value, out var b) ? (b ? L["Bool_True"] : L["Bool_False"]).Value : value;
    }

    private string GenderText(Gender gender) => L["Gender_" + gender.ToString().ToLowerInvariant()];

    private string StageText(LifecycleStage stage) => L["Stage_" + stage];

    private string OwnerText(string? id) => id is null ? "" : Users.GetValueOrDefault(id, id);

    private string? TypeHint(CustomFieldType type) => type switch
    {
        CustomFieldType.Number => L["Profile_HintNumber"].Value,
        CustomFieldType.Date => L["Profile_HintDate"].Value,
        CustomFieldType.Bool => L["Profile_HintBool"].Value,
        _ => null,
    };

    private static string[] EnumValues(CustomFieldDefinition field)
    {
        if (string.IsNullOrWhiteSpace(field.EnumValuesJson)) return [];
        try
        {
            return [.. CustomFieldOptions.Codes(field)];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private void StartEditing()
    {
        _edit = CustomerEdit.Of(Summary);
        _errors = [];
        _editing = true;
    }

    /// <summary>Saves the form; public to the tests, which drive it like the Save button.</summary>
    internal async Task SaveAsync()
    {
        _saving = true;
        try
        {
            var actor = (await Auth.GetAuthenticationStateAsync()).User.ToActor();
            var (id, edit) = (C.Id, _edit);
            var (saved, errors) = await Scopes.RunAsync(sp => sp.GetRequiredService<CustomerEditor>().SaveAsync(id, edit, actor));
            _errors = errors;
            if (!saved) return;
            _editing = false;
            await OnSaved.InvokeAsync();
        }
        finally
        {
            _saving = false;
        }
    }
}
