using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CareWorkflows.Engine.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DefinitionPublishing : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Note",
                table: "definition_versions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "PublishedAt",
                table: "definition_versions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PublishedBy",
                table: "definition_versions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Source",
                table: "definition_versions",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Note",
                table: "definition_versions");

            migrationBuilder.DropColumn(
                name: "PublishedAt",
                table: "definition_versions");

            migrationBuilder.DropColumn(
                name: "PublishedBy",
                table: "definition_versions");

            migrationBuilder.DropColumn(
                name: "Source",
                table: "definition_versions");
        }
    }
}
