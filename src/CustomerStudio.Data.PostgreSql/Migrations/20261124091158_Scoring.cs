using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerStudio.Data.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class Scoring : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "LeadScoringJson",
                table: "WorkspaceSettings",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "RfmWindowDays",
                table: "WorkspaceSettings",
                type: "integer",
                nullable: false,
                defaultValue: 365);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "LeadScoringJson",
                table: "WorkspaceSettings");

            migrationBuilder.DropColumn(
                name: "RfmWindowDays",
                table: "WorkspaceSettings");
        }
    }
}
