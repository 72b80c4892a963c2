using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CareWorkflows.Engine.Persistence;

/// <summary>
/// Every SQLite connection: FULL sync so a commit survives power loss,
/// a busy timeout so the Quartz connections and ours wait for each other instead of failing,
/// and no checkpoint inside a commit: <see cref="WalCheckpoints"/> runs them in the background.
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    // journal_mode=WAL is a property of the file, set once when the schema is migrated; the rest are per connection.
    private const string Pragmas = "PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000; PRAGMA wal_autocheckpoint=0;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
