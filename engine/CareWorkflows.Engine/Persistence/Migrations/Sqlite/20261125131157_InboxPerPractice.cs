using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CareWorkflows.Engine.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InboxPerPractice : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_inbox_EventId",
                table: "inbox");

            migrationBuilder.CreateIndex(
                name: "IX_inbox_PracticeId_EventId",
                table: "inbox",
                columns: new[] { "PracticeId", "EventId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_inbox_PracticeId_EventId",
                table: "inbox");

            migrationBuilder.CreateIndex(
                name: "IX_inbox_EventId",
                table: "inbox",
                column: "EventId",
                unique: true);
        }
    }
}
