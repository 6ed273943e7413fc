using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerStudio.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class JourneyRuntime : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ResumePort",
                table: "JourneyInstances",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "JourneyTriggerStates",
                columns: table => new
                {
                    JourneyId = table.Column<int>(type: "INTEGER", nullable: false),
                    NodeId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Cursor = table.Column<long>(type: "INTEGER", nullable: false),
                    LastRunAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_JourneyTriggerStates", x => new { x.JourneyId, x.NodeId });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "JourneyTriggerStates");

            migrationBuilder.DropColumn(
                name: "ResumePort",
                table: "JourneyInstances");
        }
    }
}
