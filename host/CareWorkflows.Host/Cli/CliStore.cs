using CareWorkflows.Engine.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CareWorkflows.Host.Cli;

/// <summary>
/// The store of a data folder (or of a PostgreSQL database, when <c>postgres</c> is given) for a command that needs no
/// runtime (keys, definitions, conformance): created and migrated as careflow serve would.
/// </summary>
internal static class CliStore
{
    public static async Task<ServiceProvider> OpenAsync(DirectoryInfo data, CancellationToken cancellationToken, string? postgres = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var services = new ServiceCollection()
            .AddSingleton(TimeProvider.System)
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        if (string.IsNullOrWhiteSpace(postgres))
        {
            data.Create();
            services.AddCareflowSqlite(PersistenceSetup.SqliteConnectionString(Path.Join(data.FullName, "careflow.db")));
        }
        else
        {
            services.AddCareflowPostgres(postgres);
        }

        var provider = services.BuildServiceProvider();
        await StoreSchema.MigrateAsync(provider.GetRequiredService<IDbContextFactory<CareflowDbContext>>(), cancellationToken);
        return provider;
    }
}
