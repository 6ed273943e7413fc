using System.Globalization;
using System.Text.RegularExpressions;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Security;
using CustomerStudio.Core.Tags;
using CustomerStudio.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CustomerStudio.Web.Features.Tags.Card;

/// <summary>
/// The tag card: every field of a tag, its values and its rules or model settings, saved through the core (errors
/// shown on the fields they point at, 同名不同义 warnings in an alert), the lifecycle actions the user's role and
/// the tag's status allow, and tabs for usage, review, audit, the model and manual assignment.
/// Read-only for users who may not edit the tag's category, and while the tag is in review or archived.
/// </summary>
public sealed partial class TagCard
{
    public const int DefinitionTab = 0;

    /// <summary>Error paths shown beside their own field; anything else goes to the alert above the form.</summary>
    private static readonly string[] FieldPaths =
        ["code", "nameZh", "nameEn", "categoryId", "expiryDays", "kind", "refreshRule", "definition.model.horizonDays", "definition.model.retrainDays"];

    private (int? Id, int? Category, int Version)? _loadedKey;
    private int? _id;
    private bool _notFound;
    private bool _busy;
    private Actor _actor = new(null, null);
    private TagPermissions _permissions = new([]);
    private List<TagCategory> _categories = [];
    private List<(string Id, string Name)> _users = [];
    private ConditionCatalog? _catalog;
    private IReadOnlyList<string> _eventTypes = [];
    private Tag? _tag;
    private TagRevision? _pending;
    private TagCardModel _model = new();
    private int _coverage;
    private int _tab;
    private IReadOnlyList<ConditionError> _errors = [];
    private IReadOnlyList<TagWarning> _warnings = [];
    private IReadOnlyList<ConditionError> _actionErrors = [];
    private string? _failure;
    private TagRulesEditor? _rules;

    [Inject] private IDbContextFactory<StudioDbContext> DbFactory { get; set; } = default!;
    [Inject] private IServiceScopeFactory Scopes { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Auth { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;

    /// <summary>The tag to show; null with <see cref="NewCategoryId"/> (or none) starts a new tag.</summary>
    [Parameter] public int? TagId { get; set; }
    /// <summary>The category a new tag starts in.</summary>
    [Parameter] public int? NewCategoryId { get; set; }
    /// <summary>Raise to make the card read the tag again (it moved in the tree).</summary>
    [Parameter] public int Version { get; set; }
    /// <summary>A new tag was created (the page moves to its address).</summary>
    [Parameter] public EventCallback<int> OnCreated { get; set; }
    /// <summary>The tag's status, place or coverage changed (the tree refreshes).</summary>
    [Parameter] public EventCallback OnChanged { get; set; }
    /// <summary>The draft was deleted.</summary>
    [Parameter] public EventCallback OnDeleted { get; set; }

    internal TagCardModel Model => _model;
    internal Tag? Tag => _tag;
    internal IReadOnlyList<ConditionError> Errors => _errors;

    private bool IsZh => CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase);

    /// <summary>May the user change this tag at all (its category names their role, or they govern)?</summary>
    private bool CanEdit => _permissions.CanEdit(_actor, _tag?.CategoryId ?? _model.CategoryId);

    /// <summary>The form takes edits: allowed, and the tag is neither frozen for review nor archived.</summary>
    private bool Editable => CanEdit && _tag?.Status is null or TagStatus.Draft or TagStatus.Active or TagStatus.Deprecated;

    private bool CanApprove => TagPermissions.CanApprove(_actor);

    private bool HasPending => _pending is not null;

    protected override async Task OnParametersSetAsync()
    {
        var key = (TagId, NewCategoryId, Version);
        if (_loadedKey == key) return;
        var continuing = _loadedKey is { Id: null } && TagId is not null && TagId == _id;
        _loadedKey = key;
        // The page caught up with the tag this card has just created: keep what the save showed.
        if (continuing) return;
        _id = TagId;
        (_errors, _warnings, _actionErrors, _failure, _tab) = ([], [], [], null, DefinitionTab);
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _actor = (await Auth.GetAuthenticationStateAsync()).User.ToActor();
        await using var db = await DbFactory.CreateDbContextAsync();
        _categories = await db.TagCategories.AsNoTracking().OrderBy(c => c.SortOrder).ToListAsync();
        _permissions = new TagPermissions(_categories);
        _catalog = await ConditionCatalog.LoadAsync(db);
        _eventTypes = await db.Events.AsNoTracking().Select(e => e.Type).Distinct().OrderBy(t => t).Take(500).ToListAsync();
        _users = [.. (await db.Users.AsNoTracking().Select(u => new { u.Id, Name = u.DisplayName ?? u.Email ?? u.UserName }).ToListAsync())
            .Select(u => (u.Id, u.Name ?? u.Id)).OrderBy(u => u.Item2, StringComparer.CurrentCulture)];
        _notFound = false;

        if (_id is { } id)
        {
            _tag = await db.Tags.AsNoTracking().Include(t => t.Values).FirstOrDefaultAsync(t => t.Id == id);
            if (_tag is null || TagPermissions.IsHidden(_tag.Sensitivity, _actor))
            {
                (_tag, _notFound) = (null, true);
                return;
            }
            _pending = await db.TagRevisions.AsNoTracking().FirstOrDefaultAsync(r => r.TagId == id && r.Status == RevisionStatus.Pending);
            _model = TagCardModel.From(_tag);
            // A live tag with a change under review: the editor continues from the proposal, not from what runs now.
            if (_pending is not null && _tag.Status != TagStatus.InReview && TagJson.ReadProposal(_pending.DefinitionJson) is { } proposal)
            {
                (_model.Kind, _model.MultiValued) = (proposal.Kind, proposal.MultiValued);
                _model.Values.Clear();
                _model.Values.AddRange(proposal.Values.Select(v => new ValueRow { Code = v.Code, NameZh = v.NameZh, NameEn = v.NameEn }));
                _model.ReadDefinition(proposal.DefinitionJson);
            }
            var now = Clock.GetUtcNow().UtcDateTime;
            _coverage = await db.TagAssignments.Where(a => a.TagId == id && (a.ExpiresAt == null || a.ExpiresAt > now))
                .Select(a => a.CustomerId).Distinct().CountAsync();
        }
        else
        {
            (_tag, _pending, _coverage) = (null, null, 0);
            var category = NewCategoryId is { } wanted && _categories.Any(c => c.Id == wanted) ? wanted
                : _categories.FirstOrDefault(c => _permissions.CanEdit(_actor, c.Id))?.Id ?? 0;
            _model = TagCardModel.New(category);
            _model.OwnerId = _actor.UserId;
        }
        _model.EnsureKindShape();
        // 同名不同义 stays visible on the card for as long as it holds, not just right after a save.
        if (_tag is { Status: not TagStatus.Archived })
        {
            var draft = _model.ToDraft();
            _warnings = await Scopes.RunAsync(sp => sp.GetRequiredService<TagService>().WarningsAsync(_id, draft));
        }
    }

    // ------------------------------------------------------------------ fields

    internal string? Error(string path)
    {
        var messages = _errors.Where(e => e.Path == path).Select(e => e.Message()).ToList();
        return messages.Count == 0 ? null : string.Join("; ", messages);
    }

    /// <summary>Errors no field shows: listed above the form.</summary>
    private IEnumerable<ConditionError> UnplacedErrors => _errors.Where(e => !IsPlaced(e.Path));

    private static bool IsPlaced(string path) =>
        FieldPaths.Contains(path) || ValuePath().IsMatch(path) || path.StartsWith("definition.rules", StringComparison.Ordinal)
        || path.StartsWith("definition.model.thresholds", StringComparison.Ordinal);

    [GeneratedRegex(@"^values\[\d+\]\.(code|name)$")]
    private static partial Regex ValuePath();

    private async Task SetCodeAsync(string code)
    {
        _model.Code = code;
        await CheckWarningsAsync();
        _rules?.SchedulePreview();
    }

    private async Task SetNameZhAsync(string name)
    {
        _model.NameZh = name;
        await CheckWarningsAsync();
    }

    private async Task SetNameEnAsync(string name)
    {
        _model.NameEn = name;
        await CheckWarningsAsync();
    }

    private void SetKind(TagKind kind)
    {
        // A computed tag is refreshed daily unless the user says otherwise; a manual one never is.
        if (_model.Kind == TagKind.Manual && kind != TagKind.Manual && _model.RefreshRule == RefreshRule.Manual) _model.RefreshRule = RefreshRule.Daily;
        _model.Kind = kind;
        _model.EnsureKindShape();
    }

    private void OnValuesChanged() => _rules?.SchedulePreview();

    /// <summary>同名不同义 while typing: the same check the save runs, shown before anything is saved.</summary>
    private async Task CheckWarningsAsync()
    {
        if (!Editable || (string.IsNullOrWhiteSpace(_model.Code) && string.IsNullOrWhiteSpace(_model.NameZh) && string.IsNullOrWhiteSpace(_model.NameEn))) return;
        var draft = _model.ToDraft();
        _warnings = await Scopes.RunAsync(sp => sp.GetRequiredService<TagService>().WarningsAsync(_id, draft));
    }

    private string CategoryText(int id) => _categories.FirstOrDefault(c => c.Id == id) is { } c ? PathOf(c) : "";

    private string PathOf(TagCategory category)
    {
        var names = new List<string>();
        var seen = new HashSet<int>();
        for (var c = category; c is not null && seen.Add(c.Id); c = _categories.FirstOrDefault(x => x.Id == c.ParentId))
            names.Insert(0, IsZh ? c.NameZh : c.NameEn);
        return string.Join(" › ", names);
    }

    private string UserText(string? id) => id is null ? "" : _users.FirstOrDefault(u => u.Id == id).Name ?? id;

    private string KindText(TagKind kind) => L["TagKind_" + kind];
    private string RefreshText(RefreshRule rule) => L["Refresh_" + rule];
    private string SensitivityText(Sensitivity sensitivity) => L["Sensitivity_" + sensitivity];

    // ------------------------------------------------------------------ save and lifecycle

    internal async Task SaveAsync()
    {
        if (!Editable) return;
        _busy = true;
        try
        {
            var draft = _model.ToDraft();
            var result = await Scopes.RunAsync(sp => sp.GetRequiredService<TagService>().SaveAsync(_id, draft, _actor));
            (_errors, _warnings, _actionErrors, _failure) = (result.Errors, result.Warnings, [], null);
            if (!result.Ok)
            {
                Snackbar.Add(L["Tag_SaveFailed"], Severity.Error);
                return;
            }
            var saved = result.Tag!;
            var name = IsZh ? saved.NameZh : saved.NameEn;
            Snackbar.Add(result.PendingReview ? string.Format(L["Tag_SavedForReview"], name) : string.Format(L["Tag_Saved"], name), Severity.Success);
            var created = _id is null;
            _id = saved.Id;
            await LoadAsync();
            if (created) await OnCreated.InvokeAsync(saved.Id);
            else await OnChanged.InvokeAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    /// <summary>Runs a lifecycle action; refusals from the core (not allowed, wrong status, in use) are shown on the card.</summary>
    internal async Task<bool> RunAsync(Func<TagService, Task<TagActionResult>> action, string doneKey)
    {
        if (_id is not { } id) return false;
        _busy = true;
        try
        {
            var result = await Scopes.RunAsync(sp => action(sp.GetRequiredService<TagService>()));
            (_actionErrors, _failure) = (result.Errors, null);
            if (!result.Ok) return false;
            var name = IsZh ? _model.NameZh : _model.NameEn;
            Snackbar.Add(result.Recompute is { } r
                ? string.Format(L["Tag_DoneWithCoverage"], string.Format(L[doneKey], name), r.Coverage.ToString("N0"))
                : string.Format(L[doneKey], name), Severity.Success);
            _id = id;
            await LoadAsync();
            await OnChanged.InvokeAsync();
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The action may have gone through before a later step (computing) failed: show the tag as it is now.
            _failure = ex.Message;
            await LoadAsync();
            await OnChanged.InvokeAsync();
            return false;
        }
        finally
        {
            _busy = false;
            // Review decisions arrive from the review tab's handlers, which re-render only that tab.
            StateHasChanged();
        }
    }

    private Task SubmitAsync() => RunAsync(s => s.SubmitAsync(_id!.Value, _actor), "Tag_Submitted");

    private Task WithdrawAsync() => RunAsync(s => s.WithdrawAsync(_id!.Value, _actor), "Tag_Withdrawn");

    private Task RecomputeAsync() => RunAsync(s => s.RecomputeAsync(_id!.Value, _actor), "Tag_Recomputed");

    private Task ReinstateAsync() => RunAsync(s => s.ReinstateAsync(_id!.Value, _actor), "Tag_Reinstated");

    private Task ArchiveAsync() => ConfirmAsync("Tag_ArchiveConfirm", () => RunAsync(s => s.ArchiveAsync(_id!.Value, _actor), "Tag_Archived"));

    private Task DeprecateAsync() => ConfirmAsync("Tag_DeprecateConfirm", () => RunAsync(async s =>
    {
        var results = await s.DeprecateAsync([_id!.Value], null, _actor);
        return results[_id!.Value];
    }, "Tag_Deprecated"));

    private Task DeleteAsync() => ConfirmAsync("Tag_DeleteConfirm", async () =>
    {
        _busy = true;
        try
        {
            var result = await Scopes.RunAsync(sp => sp.GetRequiredService<TagService>().DeleteDraftAsync(_id!.Value, _actor));
            _actionErrors = result.Errors;
            if (!result.Ok) return false;
            Snackbar.Add(string.Format(L["Tag_Deleted"], IsZh ? _model.NameZh : _model.NameEn), Severity.Success);
            await OnDeleted.InvokeAsync();
            return true;
        }
        finally
        {
            _busy = false;
        }
    });

    private async Task ConfirmAsync(string messageKey, Func<Task<bool>> action)
    {
        var name = IsZh ? _model.NameZh : _model.NameEn;
        var ok = await Dialogs.ShowMessageBoxAsync(L["Common_Confirm"], string.Format(L[messageKey], name), yesText: L["Common_Yes"], cancelText: L["Common_Cancel"]);
        if (ok == true) await action();
    }

    /// <summary>Review decisions come from the review tab.</summary>
    internal Task<bool> ApproveAsync(string? comment) => RunAsync(s => s.ApproveAsync(_id!.Value, comment, _actor), "Tag_Approved");

    internal Task<bool> RejectAsync(string? comment) => RunAsync(s => s.RejectAsync(_id!.Value, comment, _actor), "Tag_Rejected");

    private void ClearActionErrors() => (_actionErrors, _failure) = ([], null);

    /// <summary>Coverage moved (a manual assignment): read the tag again.</summary>
    private async Task OnAssignedAsync()
    {
        await LoadAsync();
        await OnChanged.InvokeAsync();
    }
}
