using System.Security.Claims;
using Bunit;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Security;
using CustomerStudio.Tests.Components;
using CustomerStudio.Tests.Infrastructure;
using CustomerStudio.Web.Components.Shared;
using CustomerStudio.Web.Features.Customers;
using CustomerStudio.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CustomerStudio.Tests.Web;

/// <summary>
/// A bUnit context wired like the studio for the customer profile: a fresh SQLite database per test seeded by
/// <see cref="ProfileWorld"/>, the customer services, and a signed-in role (with the personal-data right for admins and sales).
/// </summary>
public abstract class ProfileTestBase : BunitTestBase
{
    protected static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    protected static readonly DateTime Now = DateTime.UtcNow;
    private TestDatabase? _database;

    protected ProfileIds Ids { get; private set; } = default!;
    protected IRenderedComponent<MudPopoverProvider>? Popovers { get; private set; }
    protected IRenderedComponent<MudDialogProvider>? Dialogs { get; private set; }
    protected IRenderedComponent<MudSnackbarProvider>? Snackbars { get; private set; }

    protected ProfileTestBase()
    {
        UseCulture("zh-CN");
        Services.AddDbContextFactory<StudioDbContext>(o => StudioDatabase.Configure(o, DatabaseProvider.Sqlite, Database.ConnectionString));
        Services.AddDbContext<StudioDbContext>(o => StudioDatabase.Configure(o, DatabaseProvider.Sqlite, Database.ConnectionString),
            optionsLifetime: ServiceLifetime.Singleton);
        Services.AddSingleton(TimeProvider.System);
        Services.AddScoped<CustomerProfile>();
        Services.AddScoped<CustomerMerge>();
        Services.AddScoped<CustomerEditor>();
        Services.AddScoped<Accounts>();
        Services.AddScoped<WorkspaceClock>();
        Services.AddScoped<PersonalDataMask>();
    }

    protected TestDatabase Database => _database ?? throw new InvalidOperationException("Call StartAsync first.");

    /// <summary>Seeds a fresh workspace and signs in; nothing may be rendered before this.</summary>
    protected async Task StartAsync(Actor actor)
    {
        _database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using (var db = _database.CreateContext())
            Ids = await ProfileWorld.SeedAsync(db, Now);
        var policies = new List<string> { Policies.Customers };
        if (actor.IsIn(StudioRoles.Admin) || actor.IsIn(StudioRoles.Sales)) policies.Add(Policies.PersonalData);
        AddAuthorization().SetAuthorized(actor.UserName!).SetRoles([.. actor.Roles]).SetPolicies([.. policies])
            .SetClaims(new Claim(ClaimTypes.NameIdentifier, actor.UserId!));
        SetRendererInfo(new RendererInfo("Server", true));
        Popovers = Render<MudPopoverProvider>();
        Dialogs = Render<MudDialogProvider>();
        Snackbars = Render<MudSnackbarProvider>();
    }

    protected StudioDbContext Db() => Database.CreateContext();

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        if (_database is not null) await _database.DisposeAsync();
    }
}
