using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerStudio.Data.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class ConditionIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Events_Type_OccurredAt",
                table: "Events");

            migrationBuilder.DropIndex(
                name: "IX_EventProperties_Key_Value",
                table: "EventProperties");

            migrationBuilder.CreateIndex(
                name: "IX_Events_Type_OccurredAt_CustomerId",
                table: "Events",
                columns: new[] { "Type", "OccurredAt", "CustomerId" });

            migrationBuilder.CreateIndex(
                name: "IX_EventProperties_Key_Value_EventId",
                table: "EventProperties",
                columns: new[] { "Key", "Value", "EventId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Events_Type_OccurredAt_CustomerId",
                table: "Events");

            migrationBuilder.DropIndex(
                name: "IX_EventProperties_Key_Value_EventId",
                table: "EventProperties");

            migrationBuilder.CreateIndex(
                name: "IX_Events_Type_OccurredAt",
                table: "Events",
                columns: new[] { "Type", "OccurredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_EventProperties_Key_Value",
                table: "EventProperties",
                columns: new[] { "Key", "Value" });
        }
    }
}
