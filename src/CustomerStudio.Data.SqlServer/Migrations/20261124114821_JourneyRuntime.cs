using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerStudio.Data.SqlServer.Migrations
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
                type: "nvarchar(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "JourneyTriggerStates",
                columns: table => new
                {
                    JourneyId = table.Column<int>(type: "int", nullable: false),
                    NodeId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Cursor = table.Column<long>(type: "bigint", nullable: false),
                    LastRunAt = table.Column<DateTime>(type: "datetime2", nullable: true)
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
