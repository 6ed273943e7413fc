using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerStudio.Data.PostgreSql.Migrations
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
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "JourneyTriggerStates",
                columns: table => new
                {
                    JourneyId = table.Column<int>(type: "integer", nullable: false),
                    NodeId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Cursor = table.Column<long>(type: "bigint", nullable: false),
                    LastRunAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
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
