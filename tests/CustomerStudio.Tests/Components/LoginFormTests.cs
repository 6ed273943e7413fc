using Bunit;
using CustomerStudio.Web.Components.Account;

namespace CustomerStudio.Tests.Components;

public class LoginFormTests : BunitTestBase
{
    [Fact]
    public void The_form_has_email_password_and_a_submit_button_in_chinese_by_default()
    {
        UseCulture("zh-CN");
        var cut = Render<LoginForm>(p => p.Add(x => x.Model, new LoginModel()));
        Assert.NotNull(cut.Find("[data-testid=login-email]"));
        Assert.Equal("password", cut.Find("[data-testid=login-password]").GetAttribute("type"));
        Assert.Equal("登录", cut.Find("[data-testid=login-submit]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=login-error]"));
    }

    [Fact]
    public void An_error_is_shown_as_an_alert()
    {
        UseCulture("en");
        var cut = Render<LoginForm>(p => p.Add(x => x.Model, new LoginModel()).Add(x => x.ErrorMessage, "The email or password is incorrect."));
        var alert = cut.Find("[data-testid=login-error]");
        Assert.Equal("alert", alert.GetAttribute("role"));
        Assert.Equal("The email or password is incorrect.", alert.TextContent);
        Assert.Equal("Sign in", cut.Find("[data-testid=login-submit]").TextContent);
    }

    [Fact]
    public async Task Submitting_binds_the_typed_values_and_calls_back()
    {
        var model = new LoginModel();
        var submitted = false;
        var cut = Render<LoginForm>(p => p.Add(x => x.Model, model).Add(x => x.OnSubmit, () => { submitted = true; }));
        await cut.InvokeAsync(() => cut.Find("[data-testid=login-email]").Change("admin@customerstudio.local"));
        await cut.InvokeAsync(() => cut.Find("[data-testid=login-password]").Change("secret-123"));
        await cut.InvokeAsync(() => cut.Find("form").Submit());
        Assert.True(submitted);
        Assert.Equal("admin@customerstudio.local", model.Email);
        Assert.Equal("secret-123", model.Password);
    }
}
