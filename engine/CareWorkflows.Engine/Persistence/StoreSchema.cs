using Microsoft.EntityFrameworkCore;

namespace CareWorkflows.Engine.Persistence;

/// <summary>Creates or upgrades the schema; for the host and for commands that only need the store (keys).</summary>
internal static class StoreSchema
{
    // Any fixed number: the nodes of one database take this PostgreSQL advisory lock to migrate one at a time.
    private const long MigrationLock = 0x63617265666c6f77;

    public static async Task MigrateAsync(IDbContextFactory<CareflowDbContext> contexts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(contexts);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (db is PostgresCareflowDbContext)
        {
            await MigratePostgresAsync(db, cancellationToken);
            return;
        }

        await db.Database.MigrateAsync(cancellationToken);
        if (db is SqliteCareflowDbContext)
        {
            // WAL, so readers never block the writer; it stays set in the database file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }

    /// <summary>
    /// Nodes starting together migrate one after the other, and Quartz's tables are created under the same lock:
    /// Quartz's own provisioning (CREATE TABLE IF NOT EXISTS) can still collide when two nodes run it at once.
    /// </summary>
    private static async Task MigratePostgresAsync(CareflowDbContext db, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({MigrationLock})", cancellationToken);
            try
            {
                await db.Database.MigrateAsync(cancellationToken);
                foreach (var statement in QuartzSchema())
                {
                    await db.Database.ExecuteSqlRawAsync(statement, cancellationToken);
                }
            }
            finally
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({MigrationLock})", CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The statements of the PostgreSQL schema script Quartz embeds (every one creates only what is missing), for the default table prefix.</summary>
    private static List<string> QuartzSchema()
    {
        const string resource = "Quartz.Impl.AdoJobStore.Schema.create_postgres.sql";
        using var stream = typeof(Quartz.IJob).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Quartz.dll no longer embeds {resource}; see docs/decisions (PostgreSQL scale-out) for what the migration expects of it.");
        using var reader = new StreamReader(stream);
        var script = reader.ReadToEnd().Replace("{0}", "qrtz_", StringComparison.Ordinal).Replace("{1}", "qrtz_", StringComparison.Ordinal);
        return script.Split("\n--;;", StringSplitOptions.RemoveEmptyEntries)
            .Select(s => string.Join('\n', s.Split('\n').Where(line => !line.TrimStart().StartsWith("--", StringComparison.Ordinal))).Trim())
            .Where(s => s.Length > 0)
            .ToList();
    }
}
