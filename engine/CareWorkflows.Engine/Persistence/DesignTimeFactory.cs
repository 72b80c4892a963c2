using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace CareWorkflows.Engine.Persistence;

/// <summary>Lets `dotnet ef migrations add` build the SQLite context without the host.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteCareflowDbContext>
{
    public SqliteCareflowDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteCareflowDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

/// <summary>Lets `dotnet ef migrations add --context PostgresCareflowDbContext` build the model; no server is contacted.</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresCareflowDbContext>
{
    public PostgresCareflowDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresCareflowDbContext>().UseNpgsql("Host=127.0.0.1;Database=design-time").Options);
}
