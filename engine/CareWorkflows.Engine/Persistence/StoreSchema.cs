using Microsoft.EntityFrameworkCore;

namespace CareWorkflows.Engine.Persistence;

/// <summary>Creates or upgrades the schema; for the host and for commands that only need the store (keys).</summary>
internal static class StoreSchema
{
    public static async Task MigrateAsync(IDbContextFactory<CareflowDbContext> contexts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(contexts);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
        if (db is SqliteCareflowDbContext)
        {
            // WAL, so readers never block the writer; it stays set in the database file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }
}
