using CareWorkflows.Engine.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CareWorkflows.Host.Cli;

/// <summary>The store of a data folder for a command that needs no runtime (keys, definitions, conformance): created and migrated as careflow serve would.</summary>
internal static class CliStore
{
    public static async Task<ServiceProvider> OpenAsync(DirectoryInfo data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        data.Create();
        var services = new ServiceCollection()
            .AddSingleton(TimeProvider.System)
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .AddCareflowSqlite(PersistenceSetup.SqliteConnectionString(Path.Join(data.FullName, "careflow.db")))
            .BuildServiceProvider();
        await StoreSchema.MigrateAsync(services.GetRequiredService<IDbContextFactory<CareflowDbContext>>(), cancellationToken);
        return services;
    }
}
