using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using CareWorkflows.Engine.Access;
using CareWorkflows.Engine.Persistence;
using CareWorkflows.Host.Access;
using CareWorkflows.Host.Hosting;
using Microsoft.EntityFrameworkCore;

namespace CareWorkflows.Host.Bench;

/// <summary>The answer to one POST of a batch, as the bench sees it.</summary>
internal readonly record struct PostOutcome(double Milliseconds, int Applied, int Duplicates, int Failed);

/// <summary>The real careflow host (the one <c>careflow serve</c> runs) on a fresh data folder and a free loopback port, with an HTTP client.</summary>
internal sealed class BenchHost : IAsyncDisposable
{
    public const string Practice = "demo";

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly WebApplication _app;
    private readonly HttpClient _client;

    private BenchHost(WebApplication app, HttpClient client, string dataDirectory)
    {
        _app = app;
        _client = client;
        DataDirectory = dataDirectory;
    }

    public string DataDirectory { get; }

    public string DatabasePath => Path.Join(DataDirectory, "careflow.db");

    public Uri Address => _client.BaseAddress!;

    /// <summary>The engine's own database contexts, for counting what was committed.</summary>
    public IDbContextFactory<CareflowDbContext> Contexts => _app.Services.GetRequiredService<IDbContextFactory<CareflowDbContext>>();

    public static async Task<BenchHost> StartAsync(string workflows, string rules, string dataDirectory, CancellationToken cancellationToken)
    {
        var options = new ServeOptions(workflows, rules, "http://127.0.0.1:0", dataDirectory) { SweepInterval = TimeSpan.FromSeconds(1), DeliverReminders = false };
        var app = await CareflowApp.BuildAsync(options, cancellationToken);
        await app.StartAsync(cancellationToken);
        var address = app.Urls.FirstOrDefault(u => !u.EndsWith(":0", StringComparison.Ordinal))
            ?? throw new BenchFailedException($"the host started but reports no address it listens on ({string.Join(", ", app.Urls)}).");
        var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = new Uri(address),
            Timeout = TimeSpan.FromMinutes(5),
        };
        // The bench posts as a care-team client would: authenticated, authorized and audited like any other.
        var (_, key) = await app.Services.GetRequiredService<ApiKeyStore>().CreateAsync("bench", AccessPolicy.CareTeam, [Practice], cancellationToken);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return new BenchHost(app, client, dataDirectory);
    }

    /// <summary>POSTs one batch (a JSON array of events) and waits for the answer, which comes after the commit.</summary>
    public async Task<PostOutcome> PostAsync(byte[] body, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = Json;
        var started = Stopwatch.GetTimestamp();
        using var response = await _client.PostAsync(new Uri($"/api/practices/{Practice}/events", UriKind.Relative), content, cancellationToken);
        var answer = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (!response.IsSuccessStatusCode)
        {
            throw new BenchFailedException($"POST /api/practices/{Practice}/events answered {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(answer)}");
        }

        using var document = JsonDocument.Parse(answer);
        var root = document.RootElement;
        return new PostOutcome(elapsed, root.GetProperty("applied").GetInt32(), root.GetProperty("duplicates").GetInt32(), root.GetProperty("failed").GetInt32());
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
