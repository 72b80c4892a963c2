using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Interop;
using CareWorkflows.Engine.Persistence;
using CareWorkflows.Engine.Records;
using CareWorkflows.Engine.Reports;
using CareWorkflows.Engine.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CareWorkflows.Tests.Interop;

/// <summary>
/// The real store (RuntimeStore on a temporary SQLite file) with the shipped workflows and rules, on a fixed clock,
/// built the way <c>careflow import</c> builds it.
/// </summary>
internal sealed class InteropStore : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly string _folder;

    private readonly bool _ownsFolder;

    private InteropStore(ServiceProvider services, string folder, bool ownsFolder)
    {
        _services = services;
        _folder = folder;
        _ownsFolder = ownsFolder;
    }

    /// <summary>The data folder holding careflow.db.</summary>
    public string Folder => _folder;

    public RuntimeStore Store => _services.GetRequiredService<RuntimeStore>();

    public CareQueries Queries => _services.GetRequiredService<CareQueries>();

    public ReportRunner Reports => _services.GetRequiredService<ReportRunner>();

    /// <summary>
    /// A store on a new temporary database, or, with <paramref name="sharedFolder"/>, a second store (as another process would be) on an existing one;
    /// with <paramref name="postgres"/>, on that PostgreSQL database (each store a node of its own).
    /// </summary>
    public static async Task<InteropStore> CreateAsync(DateTimeOffset now, string? sharedFolder = null, string? postgres = null)
    {
        var folder = sharedFolder ?? Path.Join(Path.GetTempPath(), "careflow-interop-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        var definitions = DefinitionLoader.LoadOrThrow(RepositoryPaths.Workflows, RepositoryPaths.Rules);
        var services = new ServiceCollection()
            .AddSingleton<TimeProvider>(new FixedTime(now))
            .AddSingleton(new DefinitionHistory(definitions))
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        _ = postgres is null
            ? services.AddCareflowSqlite(PersistenceSetup.SqliteConnectionString(Path.Join(folder, "careflow.db")))
            : services.AddCareflowPostgres(postgres);
        services.AddCareRecords(RepositoryPaths.Rules);
        var store = new InteropStore(services.BuildServiceProvider(), folder, ownsFolder: sharedFolder is null);
        await store.Store.MigrateAsync(CancellationToken.None);
        return store;
    }

    public Task<ApplySummary> ApplyAsync(IReadOnlyList<WorkflowEvent> events) =>
        ImportApplier.ApplyAsync(Store, events, null, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        if (!_ownsFolder)
        {
            return;
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // The OS temp cleaner takes it.
        }
    }
}
