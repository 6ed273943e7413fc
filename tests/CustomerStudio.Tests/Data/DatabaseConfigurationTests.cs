using CustomerStudio.Core.Data;
using CustomerStudio.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Tests.Data;

public class DatabaseConfigurationTests
{
    [Theory]
    [InlineData("Oracle")]
    [InlineData("")]
    [InlineData("7")]
    public void An_unknown_provider_names_the_setting(string provider)
    {
        var ex = Assert.Throws<StudioConfigurationException>(() => StudioDatabase.ParseProvider(provider));
        Assert.Contains("Database:Provider", ex.Message);
        Assert.Contains("Sqlite, SqlServer, PostgreSql", ex.Message);
    }

    [Theory]
    [InlineData("sqlite", DatabaseProvider.Sqlite)]
    [InlineData("PostgreSql", DatabaseProvider.PostgreSql)]
    [InlineData("SQLSERVER", DatabaseProvider.SqlServer)]
    public void Provider_names_are_case_insensitive(string value, DatabaseProvider expected) =>
        Assert.Equal(expected, StudioDatabase.ParseProvider(value));

    [Theory]
    [InlineData("PostgreSql", "Host=localhost;Bogus Key=1;Password=secret-value")]
    [InlineData("SqlServer", "Server=.;Nonsense=yes;Password=secret-value")]
    [InlineData("Sqlite", "this is not a connection string")]
    public void A_malformed_connection_string_names_the_setting_without_echoing_it(string provider, string connectionString)
    {
        var ex = Assert.Throws<StudioConfigurationException>(() => StudioDatabase.ResolveConnectionString(
            new DatabaseOptions { Provider = provider, ConnectionString = connectionString }, Path.GetTempPath()));
        Assert.Contains("Database:ConnectionString", ex.Message);
        Assert.DoesNotContain("secret-value", ex.Message);
    }

    [Fact]
    public void A_server_provider_without_a_connection_string_names_the_setting()
    {
        var ex = Assert.Throws<StudioConfigurationException>(() => StudioDatabase.ResolveConnectionString(
            new DatabaseOptions { Provider = "PostgreSql" }, Path.GetTempPath()));
        Assert.Contains("Database:ConnectionString is required", ex.Message);
    }

    [Fact]
    public void Sqlite_defaults_to_a_file_in_the_data_directory()
    {
        var root = Directory.CreateTempSubdirectory().FullName;
        var cs = StudioDatabase.ResolveConnectionString(new DatabaseOptions { DataDirectory = "data" }, root);
        Assert.Contains(Path.Combine(root, "data", "customerstudio.db"), cs);
        Assert.True(Directory.Exists(Path.Combine(root, "data")));
        Directory.Delete(root, true);
    }

    [Fact]
    public async Task An_unreachable_database_names_the_setting()
    {
        var builder = new DbContextOptionsBuilder<StudioDbContext>();
        // Port 1 on loopback: nothing listens there.
        StudioDatabase.Configure(builder, DatabaseProvider.PostgreSql, "Host=127.0.0.1;Port=1;Username=x;Password=y;Timeout=3");
        await using var db = new StudioDbContext(builder.Options);
        var ex = await Assert.ThrowsAsync<StudioConfigurationException>(() => StudioDatabase.MigrateAsync(db, DatabaseProvider.PostgreSql));
        Assert.Contains("Database:ConnectionString", ex.Message);
        Assert.Contains("cannot be reached", ex.Message);
    }

    [Theory]
    [InlineData("Database__Provider", "Oracle", "Database:Provider 'Oracle' is not supported")]
    [InlineData("Database__ConnectionString", "Host=127.0.0.1;Port=1;Username=x;Password=y;Timeout=3", "Database:ConnectionString: the PostgreSql database cannot be reached")]
    public async Task The_app_stops_with_one_clear_line_on_bad_configuration(string variable, string value, string expected)
    {
        var env = new Dictionary<string, string> { [variable] = value, ["Studio__Admin__Password"] = "Test-Password-123" };
        if (variable == "Database__ConnectionString") env["Database__Provider"] = "PostgreSql";
        var (exit, stdout, stderr) = await StudioProcess.RunToExitAsync(env, TimeSpan.FromSeconds(60));
        Assert.Equal(2, exit);
        Assert.Contains($"CustomerStudio cannot start: {expected}", stderr);
        Assert.DoesNotContain("   at ", stderr); // no stack trace
        Assert.DoesNotContain("Password=y", stdout + stderr);
    }
}
