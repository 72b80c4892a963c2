using CareWorkflows.Engine.Access;
using CareWorkflows.Engine.Audit;
using CareWorkflows.Engine.Runtime;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CareWorkflows.Engine.Persistence;

/// <summary>Registers the engine's store: on a SQLite file (one process), or on PostgreSQL (one or several nodes).</summary>
public static class PersistenceSetup
{
    /// <summary>How long a node's open transaction may wait on the node itself before PostgreSQL ends it and frees its patients.</summary>
    public static readonly TimeSpan IdleTransactionTimeout = TimeSpan.FromSeconds(20);

    /// <summary>The connection string for a SQLite database file.</summary>
    public static string SqliteConnectionString(string databasePath) =>
        new SqliteConnectionStringBuilder { DataSource = databasePath, DefaultTimeout = 30, Pooling = true }.ToString();

    /// <summary>
    /// The connection string careflow uses for PostgreSQL: the given one (Host, Port, Database, Username ...) plus
    /// automatic preparation of the write path's statements and the server-side limits that free a vanished node's
    /// patients: an idle transaction ends after <see cref="IdleTransactionTimeout"/>, a silent connection after ~11 s
    /// of TCP keepalives. Throws <see cref="ArgumentException"/> naming what is wrong with <paramref name="connectionString"/>.
    /// </summary>
    public static string PostgresConnectionString(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"The PostgreSQL connection string cannot be read: {ex.Message} Write it as Host=127.0.0.1;Port=5432;Database=careflow;Username=careflow.", nameof(connectionString), ex);
        }

        if (string.IsNullOrWhiteSpace(builder.Host) || string.IsNullOrWhiteSpace(builder.Database))
        {
            throw new ArgumentException("The PostgreSQL connection string needs Host and Database, e.g. Host=127.0.0.1;Port=5432;Database=careflow;Username=careflow.", nameof(connectionString));
        }

        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 64;
        }

        var limits = $"-c idle_in_transaction_session_timeout={(int)IdleTransactionTimeout.TotalMilliseconds} -c tcp_keepalives_idle=5 -c tcp_keepalives_interval=2 -c tcp_keepalives_count=3";
        builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? limits : $"{limits} {builder.Options}";
        return builder.ToString();
    }

    /// <summary>Registers the runtime, its SQLite store and the read queries.</summary>
    public static IServiceCollection AddCareflowSqlite(this IServiceCollection services, string connectionString)
    {
        services.AddPooledDbContextFactory<SqliteCareflowDbContext>(options => options
            .UseSqlite(connectionString)
            .AddInterceptors(new SqlitePragmas()));
        services.AddSingleton<IDbContextFactory<CareflowDbContext>>(provider =>
            new ContextFactory<SqliteCareflowDbContext>(provider.GetRequiredService<IDbContextFactory<SqliteCareflowDbContext>>()));
        return services.AddStores();
    }

    /// <summary>
    /// Registers the runtime, its PostgreSQL store and the read queries. Any number of processes may register the same
    /// database: each is a node, and the nodes share the patients (one node at a time per patient).
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="connectionString">An Npgsql connection string, e.g. <c>Host=127.0.0.1;Port=5432;Database=careflow;Username=careflow</c>.</param>
    public static IServiceCollection AddCareflowPostgres(this IServiceCollection services, string connectionString)
    {
        var connection = PostgresConnectionString(connectionString);
        services.AddPooledDbContextFactory<PostgresCareflowDbContext>(options => options.UseNpgsql(connection));
        services.AddSingleton<IDbContextFactory<CareflowDbContext>>(provider =>
            new ContextFactory<PostgresCareflowDbContext>(provider.GetRequiredService<IDbContextFactory<PostgresCareflowDbContext>>()));
        services.AddSingleton(new PatientClaims(PatientClaims.NewNodeName()));
        return services.AddStores();
    }

    private static IServiceCollection AddStores(this IServiceCollection services)
    {
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
