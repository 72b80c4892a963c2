using System.Net.Http.Headers;
using CareWorkflows.Engine.Access;
using CareWorkflows.Host.Hosting;
using CareWorkflows.Tests.Integration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CareWorkflows.Tests.Access;

/// <summary>
/// The app <c>careflow serve</c> runs (CareflowApp), built in the test process on a loopback port so that a test can
/// read its EndpointDataSource; calls still go over real HTTP to real SQLite.
/// </summary>
public sealed class InProcessCareflow : IAsyncDisposable
{
    private readonly CareflowWorkspace _workspace;
    private readonly WebApplication _app;
    private readonly List<HttpClient> _clients = [];

    private InProcessCareflow(CareflowWorkspace workspace, WebApplication app)
    {
        _workspace = workspace;
        _app = app;
    }

    public Uri Address => new(_app.Urls.First(u => !u.EndsWith(":0", StringComparison.Ordinal)));

    public EndpointDataSource Endpoints => _app.Services.GetRequiredService<EndpointDataSource>();

    /// <summary>
    /// Builds and starts the app; <paramref name="mapMore"/> may map endpoints as another branch would;
    /// <paramref name="configJson"/> is the text of a <c>serve --config</c> file.
    /// </summary>
    public static async Task<InProcessCareflow> StartAsync(Action<WebApplication>? mapMore = null, string? configJson = null)
    {
        var workspace = CareflowWorkspace.Create();
        string? configFile = null;
        if (configJson is not null)
        {
            configFile = Path.Join(workspace.Data, "careflow.json");
            Directory.CreateDirectory(workspace.Data);
            await File.WriteAllTextAsync(configFile, configJson);
        }

        var options = new ServeOptions(workspace.Workflows, workspace.Rules, "http://127.0.0.1:0", workspace.Data) { ConfigFile = configFile };
        var app = await CareflowApp.BuildAsync(options, CancellationToken.None);
        mapMore?.Invoke(app);
        await app.StartAsync();
        return new InProcessCareflow(workspace, app);
    }

    /// <summary>A client without credentials.</summary>
    public HttpClient Anonymous()
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromMinutes(1) };
        _clients.Add(client);
        return client;
    }

    /// <summary>A client sending a new key with this role and practices (<c>*</c> for PO level).</summary>
    public async Task<HttpClient> ClientAsync(string role, params string[] practices)
    {
        var (_, key) = await _app.Services.GetRequiredService<ApiKeyStore>().CreateAsync($"{role} test key", role, practices, CancellationToken.None);
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        _clients.ForEach(c => c.Dispose());
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _workspace.Dispose();
    }
}
