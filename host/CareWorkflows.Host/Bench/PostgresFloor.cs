using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace CareWorkflows.Host.Bench;

/// <summary>
/// The PostgreSQL floor of bench B0: the same inbox-shaped rows as <see cref="SqliteFloor"/>, inserted one row a
/// transaction by a prepared INSERT, and all at once by a binary COPY, into a table of the bench's own that is dropped
/// afterwards. A logged table with the server's own synchronous_commit: the durable rate the engine could reach there.
/// </summary>
internal sealed class PostgresFloor : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly string _table = $"careflow_bench_floor_{Guid.NewGuid():N}";

    private PostgresFloor(NpgsqlConnection connection) => _connection = connection;

    /// <summary>The server's synchronous_commit setting, shown next to the figures.</summary>
    public string SynchronousCommit { get; private set; } = "";

    public static async Task<PostgresFloor> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new BenchFailedException($"--postgres is not a connection string Npgsql reads ({ex.Message}). Give it as 'Host=127.0.0.1;Port=5432;Username=careflow;Database=careflow'.", ex);
        }

        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            await connection.DisposeAsync();
            throw new BenchFailedException(
                $"could not connect to PostgreSQL at {builder.Host}:{builder.Port}, database '{builder.Database}' as '{builder.Username}': {ex.Message}. Check that the server runs and that --postgres names it.", ex);
        }

        var floor = new PostgresFloor(connection);
        await using var command = connection.CreateCommand();
        command.CommandText = "SHOW synchronous_commit";
        floor.SynchronousCommit = Convert.ToString(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) ?? "";
        return floor;
    }

    /// <summary>One INSERT a transaction (autocommit), prepared once.</summary>
    public async Task<double> SingleRowsPerSecondAsync(IReadOnlyList<BenchEvent> events, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await CreateAsync(cancellationToken);
        await using var insert = _connection.CreateCommand();
        insert.CommandText = $"INSERT INTO {_table} (event_id, practice_id, patient_id, type, at, received_at, payload, status) VALUES ($1, $2, $3, $4, $5, $6, $7, 'done')";
        for (var i = 0; i < 7; i++)
        {
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = i is 4 or 5 ? NpgsqlDbType.Bigint : NpgsqlDbType.Text });
        }

        await insert.PrepareAsync(cancellationToken);
        var rows = events.Select(e => SqliteFloor.Row(e, now)).ToList();
        var started = Stopwatch.GetTimestamp();
        foreach (var row in rows)
        {
            insert.Parameters[0].Value = row.Id;
            insert.Parameters[1].Value = row.Practice;
            insert.Parameters[2].Value = row.Patient;
            insert.Parameters[3].Value = row.Type;
            insert.Parameters[4].Value = row.At;
            insert.Parameters[5].Value = row.Received;
            insert.Parameters[6].Value = row.Payload;
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        return events.Count / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    /// <summary>Every row through one binary COPY.</summary>
    public async Task<double> CopyRowsPerSecondAsync(IReadOnlyList<BenchEvent> events, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await CreateAsync(cancellationToken);
        var rows = events.Select(e => SqliteFloor.Row(e, now)).ToList();
        var started = Stopwatch.GetTimestamp();
        await using (var import = await _connection.BeginBinaryImportAsync(
            $"COPY {_table} (event_id, practice_id, patient_id, type, at, received_at, payload, status) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var row in rows)
            {
                await import.StartRowAsync(cancellationToken);
                await import.WriteAsync(row.Id, NpgsqlDbType.Text, cancellationToken);
                await import.WriteAsync(row.Practice, NpgsqlDbType.Text, cancellationToken);
                await import.WriteAsync(row.Patient, NpgsqlDbType.Text, cancellationToken);
                await import.WriteAsync(row.Type, NpgsqlDbType.Text, cancellationToken);
                await import.WriteAsync(row.At, NpgsqlDbType.Bigint, cancellationToken);
                await import.WriteAsync(row.Received, NpgsqlDbType.Bigint, cancellationToken);
                await import.WriteAsync(row.Payload, NpgsqlDbType.Text, cancellationToken);
                await import.WriteAsync("done", NpgsqlDbType.Text, cancellationToken);
            }

            await import.CompleteAsync(cancellationToken);
        }

        return events.Count / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await ExecuteAsync($"DROP TABLE IF EXISTS {_table}", CancellationToken.None);
        }
        finally
        {
            await _connection.DisposeAsync();
        }
    }

    // Each run starts on an empty table with the same unique index as the inbox.
    private async Task CreateAsync(CancellationToken cancellationToken) => await ExecuteAsync(
        $"""
        DROP TABLE IF EXISTS {_table};
        CREATE TABLE {_table} (
            sequence bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            event_id text NOT NULL UNIQUE,
            practice_id text NOT NULL,
            patient_id text NOT NULL,
            type text NOT NULL,
            at bigint NOT NULL,
            received_at bigint NOT NULL,
            payload text NOT NULL,
            status text NOT NULL)
        """, cancellationToken);

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = _connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
