using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CareWorkflows.Engine.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DefinitionVersions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "definition_versions",
                columns: table => new
                {
                    WorkflowId = table.Column<string>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    Practice = table.Column<string>(type: "TEXT", nullable: false),
                    Definition = table.Column<string>(type: "TEXT", nullable: false),
                    StoredAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_definition_versions", x => new { x.WorkflowId, x.Version, x.Practice });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "definition_versions");
        }
    }
}
