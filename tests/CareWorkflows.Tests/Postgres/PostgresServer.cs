using System.Diagnostics;
using CareWorkflows.Engine.Persistence;
using CareWorkflows.Tests.Integration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CareWorkflows.Tests.Postgres;

/// <summary>
/// A real, throwaway PostgreSQL server for the tests: the Debian package's <c>initdb</c> (trust authentication) into a
/// fresh folder and <c>pg_ctl start</c> on a free loopback port with a socket folder of its own; as the
/// <c>postgres</c> user when the tests run as root (initdb refuses root). Shared by the tests of the "PostgreSQL"
/// collection, each with a database of its own (<see cref="CreateDatabaseAsync"/>); a test that stops the server
/// starts one for itself (<see cref="StartAsync"/>). Without the binaries every test using it fails, saying how to install them.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string NotInstalled = "PostgreSQL is not installed: run `bash .ci/run` (installs the Debian postgresql package) or `apt-get install postgresql`.";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private string? _root;
    private string? _bin;

    /// <summary>The port the server listens on, on 127.0.0.1.</summary>
    public int Port { get; private set; }

    private string Data => Path.Join(_root, "data");

    private string Sockets => Path.Join(_root, "sockets");

    /// <summary>Starts a server of its own, for a test that stops and restarts it.</summary>
    public static async Task<PostgresServer> StartAsync()
    {
        var server = new PostgresServer();
        await server.InitializeAsync();
        return server;
    }

    public async Task InitializeAsync()
    {
        _bin = BinDirectory();
        _root = Path.Join(Path.GetTempPath(), "careflow-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Sockets);
        Port = LoopbackPort.Free();
        if (RunsAsRoot)
        {
            await ExecuteAsync("chown", asServerUser: false, "-R", "postgres", _root);
        }

        await RunAsync("initdb", "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync", "-D", Data);
        await StartAgainAsync();
    }

    /// <summary>Starts the server (again) on the same data folder and port.</summary>
    public Task StartAgainAsync() =>
        RunAsync("pg_ctl", "-D", Data, "-w", "-t", "60", "-l", Path.Join(_root, "server.log"), "-o",
            $"-p {Port} -c listen_addresses=127.0.0.1 -k {Sockets} -c fsync=off -c max_connections=200", "start");

    /// <summary><c>pg_ctl stop -m fast</c>: open connections are ended, the server is down until <see cref="StartAgainAsync"/>.</summary>
    public Task StopAsync() => RunAsync("pg_ctl", "-D", Data, "-w", "-m", "fast", "stop");

    /// <summary>The connection string of a database on this server.</summary>
    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Database = database, Username = "postgres", Pooling = false }.ToString();

    /// <summary>
    /// A new database with careflow's schema (migrated as careflow serve does) and the tests' admin key
    /// (<see cref="TestAdminKey"/>) copied in, so every careflow process on it accepts the key the tests send.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        var template = Path.Join(Path.GetTempPath(), "careflow-key-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            await TestAdminKey.ProvisionAsync(template);
            await using var services = new ServiceCollection()
                .AddSingleton(TimeProvider.System)
                .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
                .AddCareflowPostgres(ConnectionString(name))
                .BuildServiceProvider();
            var contexts = services.GetRequiredService<IDbContextFactory<CareflowDbContext>>();
            await StoreSchema.MigrateAsync(contexts, CancellationToken.None);
            await using var sqlite = new SqliteCareflowDbContext(new DbContextOptionsBuilder<SqliteCareflowDbContext>()
                .UseSqlite(PersistenceSetup.SqliteConnectionString(Path.Join(template, "careflow.db"))).Options);
            await using var db = await contexts.CreateDbContextAsync();
            db.ApiKeys.AddRange(await sqlite.ApiKeys.AsNoTracking().ToListAsync());
            await db.SaveChangesAsync();
        }
        finally
        {
            Directory.Delete(template, recursive: true);
        }

        return ConnectionString(name);
    }

    public async Task DisposeAsync()
    {
        if (_root is null)
        {
            return;
        }

        try
        {
            await RunAsync("pg_ctl", "-D", Data, "-w", "-m", "immediate", "stop");
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        Directory.Delete(_root, recursive: true);
    }

    /// <summary>The server binaries: <c>pg_config --bindir</c>, else the newest /usr/lib/postgresql/N/bin.</summary>
    private static string BinDirectory()
    {
        static bool HasServer(string? folder) => folder is not null && File.Exists(Path.Join(folder, "initdb")) && File.Exists(Path.Join(folder, "pg_ctl"));

        try
        {
            using var pgConfig = Process.Start(new ProcessStartInfo("pg_config", "--bindir") { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var folder = pgConfig.StandardOutput.ReadToEnd().Trim();
            pgConfig.WaitForExit();
            if (HasServer(folder))
            {
                return folder;
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No pg_config on PATH (package postgresql-server-dev); look where the Debian packages put the server.
        }

        var installed = Directory.Exists("/usr/lib/postgresql")
            ? Directory.EnumerateDirectories("/usr/lib/postgresql").Select(v => Path.Join(v, "bin")).Where(HasServer)
                .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var major) ? major : 0).FirstOrDefault()
            : null;
        return installed ?? throw new InvalidOperationException(NotInstalled);
    }

    private static bool RunsAsRoot => Environment.UserName == "root";

    private Task RunAsync(string program, params string[] arguments) => ExecuteAsync(Path.Join(_bin, program), RunsAsRoot, arguments);

    /// <summary>Runs a command to its end (as the postgres user when asked); throws with its output when it fails.</summary>
    private static async Task ExecuteAsync(string program, bool asServerUser, params string[] arguments)
    {
        var start = new ProcessStartInfo(asServerUser ? "runuser" : program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asServerUser)
        {
            foreach (var argument in (string[])["-u", "postgres", "--", program])
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', arguments)} exited {process.ExitCode}: {await stderr}{await stdout}");
        }
    }
}

/// <summary>The PostgreSQL tests share one server and run one after the other (each test starts careflow processes of its own).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresServerGroup : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}
