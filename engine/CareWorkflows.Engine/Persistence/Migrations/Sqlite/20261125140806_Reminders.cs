using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CareWorkflows.Engine.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Reminders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Channel",
                table: "timeline",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Language",
                table: "timeline",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Attempts",
                table: "reminders",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "Data",
                table: "reminders",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Language",
                table: "reminders",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<long>(
                name: "LeaseUntil",
                table: "reminders",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "NotBefore",
                table: "reminders",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "Outcome",
                table: "reminders",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "SentAt",
                table: "reminders",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SentBy",
                table: "reminders",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TaskId",
                table: "reminders",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "group_invitations",
                columns: table => new
                {
                    PracticeId = table.Column<string>(type: "TEXT", nullable: false),
                    SessionId = table.Column<string>(type: "TEXT", nullable: false),
                    PatientId = table.Column<string>(type: "TEXT", nullable: false),
                    InvitedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    InvitedBy = table.Column<string>(type: "TEXT", nullable: true),
                    Via = table.Column<string>(type: "TEXT", nullable: false),
                    Rsvp = table.Column<string>(type: "TEXT", nullable: true),
                    RsvpAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Attended = table.Column<bool>(type: "INTEGER", nullable: true),
                    AttendanceAt = table.Column<long>(type: "INTEGER", nullable: true),
                    AttendanceBy = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_group_invitations", x => new { x.PracticeId, x.SessionId, x.PatientId });
                });

            migrationBuilder.CreateTable(
                name: "group_sessions",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    PracticeId = table.Column<string>(type: "TEXT", nullable: false),
                    Topic = table.Column<string>(type: "TEXT", nullable: false),
                    Program = table.Column<string>(type: "TEXT", nullable: true),
                    StartsAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Minutes = table.Column<int>(type: "INTEGER", nullable: false),
                    Place = table.Column<string>(type: "TEXT", nullable: false),
                    Capacity = table.Column<int>(type: "INTEGER", nullable: false),
                    Facilitator = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_group_sessions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "patient_contacts",
                columns: table => new
                {
                    PracticeId = table.Column<string>(type: "TEXT", nullable: false),
                    PatientId = table.Column<string>(type: "TEXT", nullable: false),
                    FirstName = table.Column<string>(type: "TEXT", nullable: true),
                    Phone = table.Column<string>(type: "TEXT", nullable: true),
                    PhoneE164 = table.Column<string>(type: "TEXT", nullable: true),
                    Email = table.Column<string>(type: "TEXT", nullable: true),
                    PortalId = table.Column<string>(type: "TEXT", nullable: true),
                    TimeZone = table.Column<string>(type: "TEXT", nullable: true),
                    BestTime = table.Column<string>(type: "TEXT", nullable: true),
                    UpdatedBy = table.Column<string>(type: "TEXT", nullable: true),
                    Channels = table.Column<string>(type: "TEXT", nullable: false),
                    OptOuts = table.Column<string>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_patient_contacts", x => new { x.PracticeId, x.PatientId });
                });

            migrationBuilder.CreateIndex(
                name: "IX_reminders_PracticeId_PatientId",
                table: "reminders",
                columns: new[] { "PracticeId", "PatientId" });

            migrationBuilder.CreateIndex(
                name: "IX_reminders_Status_NotBefore",
                table: "reminders",
                columns: new[] { "Status", "NotBefore" });

            migrationBuilder.CreateIndex(
                name: "IX_group_invitations_PracticeId_PatientId",
                table: "group_invitations",
                columns: new[] { "PracticeId", "PatientId" });

            migrationBuilder.CreateIndex(
                name: "IX_group_sessions_PracticeId_StartsAt",
                table: "group_sessions",
                columns: new[] { "PracticeId", "StartsAt" });

            migrationBuilder.CreateIndex(
                name: "IX_patient_contacts_PracticeId_PhoneE164",
                table: "patient_contacts",
                columns: new[] { "PracticeId", "PhoneE164" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "group_invitations");

            migrationBuilder.DropTable(
                name: "group_sessions");

            migrationBuilder.DropTable(
                name: "patient_contacts");

            migrationBuilder.DropIndex(
                name: "IX_reminders_PracticeId_PatientId",
                table: "reminders");

            migrationBuilder.DropIndex(
                name: "IX_reminders_Status_NotBefore",
                table: "reminders");

            migrationBuilder.DropColumn(
                name: "Channel",
                table: "timeline");

            migrationBuilder.DropColumn(
                name: "Language",
                table: "timeline");

            migrationBuilder.DropColumn(
                name: "Attempts",
                table: "reminders");

            migrationBuilder.DropColumn(
                name: "Data",
                table: "reminders");

            migrationBuilder.DropColumn(
                name: "Language",
                table: "reminders");

            migrationBuilder.DropColumn(
                name: "LeaseUntil",
                table: "reminders");

            migrationBuilder.DropColumn(
                name: "NotBefore",
                table: "reminders");

            migrationBuilder.DropColumn(
                name: "Outcome",
                table: "reminders");

            migrationBuilder.DropColumn(
                name: "SentAt",
                table: "reminders");

            migrationBuilder.DropColumn(
                name: "SentBy",
                table: "reminders");

            migrationBuilder.DropColumn(
                name: "TaskId",
                table: "reminders");
        }
    }
}
