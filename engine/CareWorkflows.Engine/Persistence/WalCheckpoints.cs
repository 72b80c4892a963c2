using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CareWorkflows.Engine.Persistence;

/// <summary>
/// SQLite's WAL checkpoints, off the commit path. Left to SQLite, the commit that crosses 1,000 WAL pages copies them
/// into the database file and syncs it before it returns — while the store's writer waits — which made every tenth
/// batch or so several times slower than the rest (B2's p99). Our connections turn that off (<see cref="SqlitePragmas"/>)
/// and this runs the checkpoint on a connection of its own after commits: a PASSIVE checkpoint copies what is committed
/// while the writer goes on. A WAL file is only reused from its start once a checkpoint has caught up with it, which a
/// writer that never pauses would prevent: once the WAL has grown past <see cref="ForceAfterPages"/>, the checkpoint
/// takes the writer for the few pages written meanwhile rather than let the file grow further.
/// </summary>
internal sealed partial class WalCheckpoints(IDbContextFactory<CareflowDbContext> contexts, SemaphoreSlim writer, ILogger logger) : IDisposable
{
    /// <summary>WAL pages (4 KiB each) after which a checkpoint waits for the writer to catch up fully.</summary>
    public const long ForceAfterPages = 16_384;

    private readonly CancellationTokenSource _stopping = new();
    private Task _running = Task.CompletedTask;
    private bool _active;
    private bool _again;

    /// <summary>
    /// Starts a checkpoint in the background; when one is running, another follows it, so what the last commit wrote
    /// is always copied. Small, frequent checkpoints measured better than one a second (B2's p99 at half of peak).
    /// </summary>
    public void AfterCommit()
    {
        lock (_stopping)
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            if (_active)
            {
                _again = true;
                return;
            }

            _active = true;
            _running = Task.Run(() => RunAsync(_stopping.Token));
        }
    }

    public void Dispose()
    {
        Task running;
        lock (_stopping)
        {
            _stopping.Cancel();
            running = _running;
        }

        // The store is going away: a checkpoint halfway is harmless (the next one or the next open finishes it).
        running.ContinueWith(_ => { }, TaskScheduler.Default).Wait(TimeSpan.FromSeconds(5));
        _stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await CheckpointAsync(cancellationToken);
            lock (_stopping)
            {
                if (!_again || cancellationToken.IsCancellationRequested)
                {
                    _active = false;
                    return;
                }

                _again = false;
            }
        }
    }

    private async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var connection = db.Database.GetDbConnection();
            await db.Database.OpenConnectionAsync(cancellationToken);
            var (log, copied) = await PassiveAsync(connection, cancellationToken);
            if (log <= copied)
            {
                return;
            }

            if (log < ForceAfterPages)
            {
                return;
            }

            await writer.WaitAsync(cancellationToken);
            try
            {
                await PassiveAsync(connection, cancellationToken);
            }
            finally
            {
                writer.Release();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or ObjectDisposedException)
        {
            // Nothing is lost: the WAL holds every commit, and the next checkpoint (or opening the file) copies it.
            LogCheckpointFailed(logger, ex);
        }
    }

    /// <returns>The WAL's size and how much of it is in the database file, in pages.</returns>
    private static async Task<(long Log, long Copied)> PassiveAsync(System.Data.Common.DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(1), reader.GetInt64(2)) : (0, 0);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A WAL checkpoint failed; the next one retries")]
    private static partial void LogCheckpointFailed(ILogger logger, Exception exception);
}
