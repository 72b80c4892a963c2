using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CareWorkflows.Engine.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Hl7Identifiers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "hl7_rejected",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PracticeId = table.Column<string>(type: "TEXT", nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Source = table.Column<string>(type: "TEXT", nullable: false),
                    ControlId = table.Column<string>(type: "TEXT", nullable: true),
                    MessageType = table.Column<string>(type: "TEXT", nullable: true),
                    Ack = table.Column<string>(type: "TEXT", nullable: false),
                    Condition = table.Column<int>(type: "INTEGER", nullable: false),
                    Location = table.Column<string>(type: "TEXT", nullable: false),
                    Error = table.Column<string>(type: "TEXT", nullable: false),
                    Message = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_hl7_rejected", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "patient_identifiers",
                columns: table => new
                {
                    PracticeId = table.Column<string>(type: "TEXT", nullable: false),
                    System = table.Column<string>(type: "TEXT", nullable: false),
                    Value = table.Column<string>(type: "TEXT", nullable: false),
                    PatientId = table.Column<string>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_patient_identifiers", x => new { x.PracticeId, x.System, x.Value });
                });

            migrationBuilder.CreateIndex(
                name: "IX_hl7_rejected_PracticeId_Id",
                table: "hl7_rejected",
                columns: new[] { "PracticeId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_patient_identifiers_PracticeId_PatientId",
                table: "patient_identifiers",
                columns: new[] { "PracticeId", "PatientId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "hl7_rejected");

            migrationBuilder.DropTable(
                name: "patient_identifiers");
        }
    }
}
