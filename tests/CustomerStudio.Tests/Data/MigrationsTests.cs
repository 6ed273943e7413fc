using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using CustomerStudio.Tests.Infrastructure;

namespace CustomerStudio.Tests.Data;

public class MigrationsTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.SqlServer, DatabaseProvider.PostgreSql];

    private static readonly Dictionary<DatabaseProvider, string> DesignTimeConnections = new()
    {
        [DatabaseProvider.Sqlite] = "Data Source=:memory:",
        [DatabaseProvider.SqlServer] = "Server=localhost;Database=CustomerStudio;Trusted_Connection=True;TrustServerCertificate=True",
        [DatabaseProvider.PostgreSql] = "Host=localhost;Database=customerstudio;Username=postgres",
    };

    private static StudioDbContext Context(DatabaseProvider provider, bool drift = false)
    {
        var builder = new DbContextOptionsBuilder<StudioDbContext>();
        StudioDatabase.Configure(builder, provider, DesignTimeConnections[provider]);
        if (drift)
            builder.ReplaceService<IModelCustomizer, DriftingModelCustomizer>();
        return new StudioDbContext(builder.Options);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void Migrations_match_the_model(DatabaseProvider provider)
    {
        using var db = Context(provider);
        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(),
            $"The {provider} migrations are behind the model: add a migration to CustomerStudio.Data.{provider}.");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void The_drift_check_fails_when_the_model_changes(DatabaseProvider provider)
    {
        // Proves the check above can fail (efcore#34967 reports it misbehaving with a separate migrations assembly).
        using var db = Context(provider, drift: true);
        Assert.True(db.Database.HasPendingModelChanges());
    }

    [Fact]
    public void The_sql_server_idempotent_script_is_generated_and_creates_every_table()
    {
        using var db = Context(DatabaseProvider.SqlServer);
        var script = db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);

        Assert.Contains("IF NOT EXISTS", script);
        Assert.Contains("__EFMigrationsHistory", script);
        foreach (var table in db.Model.GetEntityTypes().Select(t => t.GetTableName()).Distinct())
            Assert.Contains($"CREATE TABLE [{table}]", script);
        // SQLite-only column types must never leak into the SQL Server migrations (elsa-core#197).
        Assert.DoesNotContain(" TEXT ", script);
        Assert.DoesNotContain("AUTOINCREMENT", script);
        Assert.Contains("nvarchar(max)", script);

        var committed = Path.Combine(RepoPaths.Root, "src", "CustomerStudio.Data.SqlServer", "Scripts", "migrate-idempotent.sql");
        if (Environment.GetEnvironmentVariable("UPDATE_SQL_SCRIPTS") == "1")
            File.WriteAllText(committed, script);
        Assert.True(File.Exists(committed), $"{committed} is missing: run the tests once with UPDATE_SQL_SCRIPTS=1.");
        Assert.True(Normalize(File.ReadAllText(committed)) == Normalize(script),
            "The committed SQL Server script differs from the migrations: run the tests with UPDATE_SQL_SCRIPTS=1 and commit it.");
    }

    [Fact]
    public void Every_provider_has_the_same_migrations()
    {
        DatabaseProvider[] providers = [DatabaseProvider.Sqlite, DatabaseProvider.SqlServer, DatabaseProvider.PostgreSql];
        var names = providers.Select(p => Context(p).Database.GetMigrations().Select(m => m[15..]).ToList()).ToList();
        Assert.All(names, n => Assert.Equal(names[0], n));
    }

    private static string Normalize(string s) => s.Replace("\r\n", "\n").Trim();

    private sealed class DriftingModelCustomizer(ModelCustomizerDependencies dependencies) : RelationalModelCustomizer(dependencies)
    {
        public override void Customize(ModelBuilder modelBuilder, DbContext context)
        {
            base.Customize(modelBuilder, context);
            modelBuilder.Entity<Customer>().Property<string>("DriftColumn").HasMaxLength(10);
        }
    }
}
