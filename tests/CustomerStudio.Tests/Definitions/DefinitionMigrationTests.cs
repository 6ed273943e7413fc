using System.Text.Json.Nodes;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Definitions;
using CustomerStudio.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Tests.Definitions;

public class DefinitionMigrationTests
{
    [Fact]
    public void Custom_field_options_1_0_codes_become_named_options_in_1_1()
    {
        var upgraded = DefinitionMigrations.Upgrade(CustomFieldOptions.Kind, "1.0", JsonNode.Parse("""["gold","silver"]"""));
        Assert.Equal("""[{"code":"gold","nameZh":"gold","nameEn":"gold"},{"code":"silver","nameZh":"silver","nameEn":"silver"}]""",
            upgraded!.ToJsonString());
        var options = CustomFieldOptions.Read("""["gold","silver"]""", "1.0");
        Assert.Equal(["gold", "silver"], options.Select(o => o.Code));
    }

    [Fact]
    public void The_current_version_is_read_as_it_is_and_an_unknown_one_is_refused()
    {
        var current = """[{"code":"gold","nameZh":"黄金","nameEn":"Gold"}]""";
        Assert.Equal("黄金", Assert.Single(CustomFieldOptions.Read(current, "1.1")).NameZh);
        Assert.False(DefinitionMigrations.CanRead(CustomFieldOptions.Kind, "9.0"));
        Assert.Throws<InvalidOperationException>(() => CustomFieldOptions.Read(current, "9.0"));
    }

    [Fact]
    public void Every_registered_migration_leads_to_its_kinds_current_version()
    {
        foreach (var migration in DefinitionMigrations.All)
            Assert.True(DefinitionMigrations.CanRead(migration.Kind, migration.From), $"{migration.Kind} {migration.From}");
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task A_field_stored_before_versions_existed_is_read_as_1_0_and_written_back_as_1_1(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using (var db = database.CreateContext())
        {
            // An old row: written by code that knew nothing of versions (the column's default).
            db.CustomFields.Add(new CustomFieldDefinition { Code = "plan", NameZh = "套餐", NameEn = "Plan", Type = CustomFieldType.Enum, EnumValuesJson = """["basic","pro"]""" });
            await db.SaveChangesAsync();
        }
        await using (var db = database.CreateContext())
        {
            var field = await db.CustomFields.SingleAsync();
            Assert.Equal("1.0", field.SchemaVersion);
            Assert.Equal(["basic", "pro"], CustomFieldOptions.Codes(field));
            CustomFieldOptions.Write(field, [.. CustomFieldOptions.Read(field).Select(o => o with { NameZh = o.Code == "pro" ? "专业版" : "基础版" })]);
            await db.SaveChangesAsync();
        }
        await using (var db = database.CreateContext())
        {
            var field = await db.CustomFields.SingleAsync();
            Assert.Equal("1.1", field.SchemaVersion);
            Assert.Equal("专业版", CustomFieldOptions.Read(field)[1].NameZh);
            var catalog = await Core.Conditions.ConditionCatalog.LoadAsync(db);
            Assert.Equal(["basic", "pro"], catalog.Fields["plan"].Values);
        }
    }
}
