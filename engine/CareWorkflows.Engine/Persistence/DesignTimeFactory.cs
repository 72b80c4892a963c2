using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace CareWorkflows.Engine.Persistence;

/// <summary>Lets `dotnet ef migrations add` build the SQLite context without the host.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteCareflowDbContext>
{
    public SqliteCareflowDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteCareflowDbContext>().UseSqlite("Data Source=design-time.db").Options);
}
