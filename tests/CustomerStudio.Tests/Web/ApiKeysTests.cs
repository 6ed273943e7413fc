using System.Security.Claims;
using Bunit;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Security;
using CustomerStudio.Core.Workspace;
using CustomerStudio.Tests.Components;
using CustomerStudio.Tests.Infrastructure;
using CustomerStudio.Web.Components.Shared;
using CustomerStudio.Web.Features.Settings;
using CustomerStudio.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CustomerStudio.Tests.Web;

/// <summary>The API keys tab of Settings: create (the secret shown once), list, revoke (the cached validation dropped too).</summary>
public class ApiKeysTests : BunitTestBase
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly Actor Admin = new("u-admin", "admin@customerstudio.local") { Roles = [StudioRoles.Admin] };
    private TestDatabase? _database;
    private IRenderedComponent<MudDialogProvider> _dialogs = default!;

    public ApiKeysTests()
    {
        UseCulture("zh-CN");
        Services.AddDbContextFactory<StudioDbContext>(o => StudioDatabase.Configure(o, DatabaseProvider.Sqlite, _database!.ConnectionString));
        Services.AddDbContext<StudioDbContext>(o => StudioDatabase.Configure(o, DatabaseProvider.Sqlite, _database!.ConnectionString),
            optionsLifetime: ServiceLifetime.Singleton);
        Services.AddSingleton(TimeProvider.System);
        Services.AddScoped<ApiKeys>();
        Services.AddScoped<WorkspaceClock>();
        Services.AddMemoryCache();
    }

    private async Task<IRenderedComponent<ApiKeysPanel>> OpenAsync()
    {
        _database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using (var db = _database.CreateContext())
        {
            db.WorkspaceSettings.Add(new WorkspaceSettings { TimeZone = "Asia/Shanghai" });
            await db.SaveChangesAsync();
        }
        AddAuthorization().SetAuthorized(Admin.UserName!).SetRoles([.. Admin.Roles]).SetPolicies(Policies.Settings)
            .SetClaims(new Claim(ClaimTypes.NameIdentifier, Admin.UserId!));
        SetRendererInfo(new RendererInfo("Server", true));
        Render<MudPopoverProvider>();
        _dialogs = Render<MudDialogProvider>();
        Render<MudSnackbarProvider>();
        var cut = Render<ApiKeysPanel>();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=empty-state]")), Wait);
        return cut;
    }

    private async Task<string> CreateAsync(IRenderedComponent<ApiKeysPanel> cut, string name)
    {
        await cut.InvokeAsync(() => cut.Find("[data-testid=api-key-new]").Click());
        _dialogs.WaitForAssertion(() => Assert.NotNull(_dialogs.Find("[data-testid=api-key-dialog]")), Wait);
        await _dialogs.InvokeAsync(() => _dialogs.Find("input[data-testid=api-key-name]").Input(name));
        await _dialogs.InvokeAsync(() => _dialogs.Find("[data-testid=api-key-scope-ingest-customers] input, input[data-testid=api-key-scope-ingest-customers]").Change(true));
        await _dialogs.InvokeAsync(() => _dialogs.Find("[data-testid=api-key-create]").Click());
        _dialogs.WaitForAssertion(() => Assert.NotNull(_dialogs.Find("[data-testid=api-key-once]")), Wait);
        return _dialogs.Find("input[data-testid=api-key-secret]").GetAttribute("value")!;
    }

    [Fact]
    public async Task A_new_key_is_shown_once_stored_as_a_hash_and_listed_by_its_prefix()
    {
        var cut = await OpenAsync();

        var secret = await CreateAsync(cut, "小程序事件");

        Assert.StartsWith(ApiKeys.Prefix, secret);
        await _dialogs.InvokeAsync(() => _dialogs.Find("[data-testid=api-key-copy]").Click());
        Assert.Equal(secret, JSInterop.VerifyInvoke("navigator.clipboard.writeText").Arguments.Single());
        await using (var db = _database!.CreateContext())
        {
            var key = await db.ApiKeys.AsNoTracking().SingleAsync();
            Assert.Equal(("小程序事件", "ingest:customers,ingest:events", ApiKeys.Hash(secret), secret[..12]), (key.Name, key.Scopes, key.KeyHash, key.Prefix));
        }

        await _dialogs.InvokeAsync(() => _dialogs.Find("[data-testid=api-key-done]").Click());
        _dialogs.WaitForAssertion(() => Assert.Empty(_dialogs.FindAll("[data-testid=api-key-dialog]")), Wait);
        cut.WaitForAssertion(() => Assert.Equal("Active", cut.Find("[data-testid=api-key-row]").GetAttribute("data-status")), Wait);
        Assert.Contains(secret[..12], cut.Markup);
        // Never again: neither the list nor any dialog holds the key itself.
        Assert.DoesNotContain(secret, cut.Markup);
        Assert.DoesNotContain(secret, _dialogs.Markup);
    }

    [Fact]
    public async Task A_key_without_a_name_or_scope_is_refused_field_by_field()
    {
        var cut = await OpenAsync();
        await cut.InvokeAsync(() => cut.Find("[data-testid=api-key-new]").Click());
        _dialogs.WaitForAssertion(() => Assert.NotNull(_dialogs.Find("[data-testid=api-key-dialog]")), Wait);
        await _dialogs.InvokeAsync(() => _dialogs.Find("[data-testid=api-key-scope-ingest-events] input, input[data-testid=api-key-scope-ingest-events]").Change(false));
        await _dialogs.InvokeAsync(() => _dialogs.Find("[data-testid=api-key-create]").Click());

        _dialogs.WaitForAssertion(() => Assert.NotNull(_dialogs.Find("[data-testid=api-key-scopes-error]")), Wait);
        Assert.Contains("mud-input-error", _dialogs.Find("input[data-testid=api-key-name]").Closest(".mud-input-control")!.InnerHtml);
        Assert.Empty(_dialogs.FindAll("[data-testid=api-key-secret]"));
        await using var db = _database!.CreateContext();
        Assert.False(await db.ApiKeys.AnyAsync());
    }

    [Fact]
    public async Task Revoking_a_key_asks_first_and_drops_its_cached_validation()
    {
        var cut = await OpenAsync();
        var secret = await CreateAsync(cut, "CRM 同步");
        await _dialogs.InvokeAsync(() => _dialogs.Find("[data-testid=api-key-done]").Click());
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=api-key-revoke]")), Wait);
        // The API's authentication caches a validated key under its hash.
        var cache = Services.GetRequiredService<IMemoryCache>();
        cache.Set("apikey:" + ApiKeys.Hash(secret), "validated");

        await cut.InvokeAsync(() => cut.Find("[data-testid=api-key-revoke]").Click());
        _dialogs.WaitForAssertion(() => Assert.Contains("CRM 同步", _dialogs.Markup), Wait);
        await _dialogs.InvokeAsync(() => _dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "吊销").Click());

        cut.WaitForAssertion(() => Assert.Equal("Revoked", cut.Find("[data-testid=api-key-row]").GetAttribute("data-status")), Wait);
        Assert.Empty(cut.FindAll("[data-testid=api-key-revoke]"));
        Assert.False(cache.TryGetValue("apikey:" + ApiKeys.Hash(secret), out _));
        await using var db = _database!.CreateContext();
        Assert.NotNull((await db.ApiKeys.AsNoTracking().SingleAsync()).RevokedAt);
        Assert.Null(await new ApiKeys(db, TimeProvider.System).FindAsync(secret));
        Assert.Equal(["created", "revoked"], await db.AuditEntries.Where(e => e.EntityType == "ApiKey").OrderBy(e => e.Id).Select(e => e.Action).ToListAsync());
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        if (_database is not null) await _database.DisposeAsync();
    }
}
