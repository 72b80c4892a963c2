using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CareWorkflows.Engine.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class StoreGeneration : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "store_generation",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    Value = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_store_generation", x => x.Id);
                });

            migrationBuilder.InsertData(
                table: "store_generation",
                columns: new[] { "Id", "Value" },
                values: new object[] { 1, 0L });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "store_generation");
        }
    }
}
