using CareWorkflows.Engine.Persistence;
using Npgsql;

namespace CareWorkflows.Host.Bench;

/// <summary>
/// A fresh, empty database for one PostgreSQL pass of benches B2 and B4, so that runs never see each other's rows:
/// <c>CREATE DATABASE careflow_bench_&lt;guid&gt;</c> on the server <c>--postgres</c> names, dropped again on dispose.
/// Every error a user can cause (a connection string Npgsql cannot read, a server it cannot reach, a role without the
/// right to create databases) says what is wrong and how to fix it.
/// </summary>
internal sealed class PostgresBenchDatabase : IAsyncDisposable
{
    private const string Example = "Host=127.0.0.1;Port=5432;Username=careflow;Database=postgres";
    private readonly string _admin;
    private readonly string _name;
    private readonly TextWriter _progress;

    private PostgresBenchDatabase(string admin, string name, string connectionString, TextWriter progress)
    {
        _admin = admin;
        _name = name;
        _progress = progress;
        ConnectionString = connectionString;
    }

    /// <summary>The new database's connection string (the given one with its Database replaced).</summary>
    public string ConnectionString { get; }

    public static async Task<PostgresBenchDatabase> CreateAsync(string connectionString, TextWriter progress, CancellationToken cancellationToken)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new BenchFailedException($"--postgres is not a connection string Npgsql reads ({ex.Message}). Give it as '{Example}'.", ex);
        }

        if (string.IsNullOrWhiteSpace(builder.Host) || string.IsNullOrWhiteSpace(builder.Database))
        {
            throw new BenchFailedException($"--postgres needs Host and Database (a database the role may connect to; the bench creates its own beside it). Give it as '{Example}'.");
        }

        builder = new NpgsqlConnectionStringBuilder(PersistenceSetup.PostgresConnectionString(builder.ConnectionString));

        var name = $"careflow_bench_{Guid.NewGuid():N}";
        var where = $"PostgreSQL at {builder.Host}:{builder.Port}, database '{builder.Database}' as '{builder.Username}'";
        await using (var connection = new NpgsqlConnection(builder.ConnectionString))
        {
            try
            {
                await connection.OpenAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                throw new BenchFailedException($"could not connect to {where}: {ex.Message}. Check that the server runs and that --postgres names it.", ex);
            }

            try
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                throw new BenchFailedException(
                    $"{where} may not create databases ({ex.MessageText}); the bench makes a fresh one a pass. Run `ALTER ROLE \"{builder.Username}\" CREATEDB;` as a superuser, or give --postgres a role that may.", ex);
            }
            catch (NpgsqlException ex)
            {
                throw new BenchFailedException($"could not create a bench database on {where}: {ex.Message}.", ex);
            }
        }

        var target = new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Database = name };
        return new PostgresBenchDatabase(builder.ConnectionString, name, target.ConnectionString, progress);
    }

    public async ValueTask DisposeAsync()
    {
        // The stores have been disposed; their pooled connections to the database must go before it can be dropped.
        NpgsqlConnection.ClearAllPools();
        try
        {
            await using var connection = new NpgsqlConnection(_admin);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException ex)
        {
            // The figures are measured already; say what is left behind and how to remove it.
            await _progress.WriteLineAsync($"Could not drop the bench database '{_name}' ({ex.Message}); drop it by hand: DROP DATABASE \"{_name}\";");
        }
    }
}
