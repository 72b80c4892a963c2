using CareWorkflows.Engine.Access;
using CareWorkflows.Engine.Audit;
using CareWorkflows.Engine.Runtime;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CareWorkflows.Engine.Persistence;

/// <summary>Registers the engine's store on a SQLite file.</summary>
public static class PersistenceSetup
{
    /// <summary>The connection string for a SQLite database file.</summary>
    public static string SqliteConnectionString(string databasePath) =>
        new SqliteConnectionStringBuilder { DataSource = databasePath, DefaultTimeout = 30, Pooling = true }.ToString();

    /// <summary>Registers the runtime, its SQLite store and the read queries.</summary>
    public static IServiceCollection AddCareflowSqlite(this IServiceCollection services, string connectionString)
    {
        services.AddPooledDbContextFactory<SqliteCareflowDbContext>(options => options
            .UseSqlite(connectionString)
            .AddInterceptors(new SqlitePragmas()));
        services.AddSingleton<IDbContextFactory<CareflowDbContext>>(provider =>
            new ContextFactory<SqliteCareflowDbContext>(provider.GetRequiredService<IDbContextFactory<SqliteCareflowDbContext>>()));
        services.AddSingleton<WorkflowRuntime>();
        services.AddSingleton<RuntimeStore>();
        services.AddSingleton<CareQueries>();
        services.AddSingleton<DefinitionVersionStore>();
        services.AddSingleton<Publishing.DefinitionPublisher>();
        services.AddSingleton<Conformance.ConformanceReport>();
        services.AddSingleton<PatientIdentifierStore>();
        services.AddSingleton<RejectedMessageStore>();
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<AuditTrail>();
        return services;
    }

    private sealed class ContextFactory<T>(IDbContextFactory<T> inner) : IDbContextFactory<CareflowDbContext>
        where T : CareflowDbContext
    {
        public CareflowDbContext CreateDbContext() => inner.CreateDbContext();

        public async Task<CareflowDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
            await inner.CreateDbContextAsync(cancellationToken);
    }
}
