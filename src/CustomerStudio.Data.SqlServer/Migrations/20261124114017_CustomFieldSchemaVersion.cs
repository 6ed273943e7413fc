using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerStudio.Data.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class CustomFieldSchemaVersion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "SchemaVersion",
                table: "CustomFields",
                type: "nvarchar(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "1.0");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "SchemaVersion",
                table: "CustomFields");
        }
    }
}
