using Bunit;
using CustomerStudio.Web.Components.Layout;
using CustomerStudio.Web.Components.Shared;
using CustomerStudio.Web.Security;

namespace CustomerStudio.Tests.Components;

public class NavMenuTests : BunitTestBase
{
    public NavMenuTests() => Services.AddMenuProviders(typeof(Policies).Assembly);

    [Fact]
    public void Every_section_is_listed_for_an_admin_in_order()
    {
        UseCulture("en");
        AddAuthorization().SetAuthorized("admin").SetPolicies([.. Policies.Roles.Keys]);
        var cut = Render<NavMenu>();
        var links = cut.FindAll("a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Equal(["/", "/customers", "/accounts", "/tags", "/tags/stale", "/segments", "/journeys", "/imports", "/templates", "/settings"], links);
        Assert.Contains("Segments", cut.Markup);
    }

    [Fact]
    public void A_role_sees_only_the_sections_its_policies_allow()
    {
        UseCulture("zh-CN");
        AddAuthorization().SetAuthorized("sales").SetPolicies(Policies.Customers, Policies.PersonalData);
        var cut = Render<NavMenu>();
        var links = cut.FindAll("a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Equal(["/", "/customers", "/accounts"], links);
        Assert.Contains("客户", cut.Markup);
    }
}
