using System.Diagnostics;
using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Persistence;
using CareWorkflows.Engine.Preview;
using CareWorkflows.Engine.Runtime;
using Microsoft.EntityFrameworkCore;

namespace CareWorkflows.Host.Bench;

/// <summary>One pass of bench B2: instances started, how many ended (all six steps), reminders sent, seconds taken.</summary>
internal sealed record ThroughputRun(int Instances, int Ended, int Reminders, double Seconds, bool Finished)
{
    public double TransitionsPerSecond => Ended * SixStepWorkflow.Steps / Seconds;
}

/// <summary>Our engine in memory: the preview's path (<see cref="Simulator"/>), the production step function on a virtual clock.</summary>
internal static class InMemoryEngine
{
    public static async Task<ThroughputRun> RunAsync(DefinitionSet definitions, string prefix, int instances, CancellationToken cancellationToken)
    {
        var start = TimeProvider.System.GetUtcNow();
        var visit = start.AddHours(1);
        var scenario = new Scenario(
            definitions.Practice(BenchHost.Practice),
            start,
            start.AddDays(1),
            [.. Enumerable.Range(0, instances).Select(i => new ScenarioPatient(SixStepWorkflow.Patient(prefix, i), new Dictionary<string, string>()))],
            [
                .. Enumerable.Range(0, instances).Select(i => SixStepWorkflow.Start(prefix, i, start)),
                .. Enumerable.Range(0, instances).Select(i => SixStepWorkflow.Visit(prefix, i, visit)),
            ]);
        var simulator = new Simulator(new WorkflowRuntime(new DefinitionHistory(definitions)));
        var started = Stopwatch.GetTimestamp();
        var timeline = await simulator.RunAsync(scenario, cancellationToken);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var ended = timeline.Count(t => t.Type == "instance.ended" && t.Workflow == SixStepWorkflow.Id);
        var reminders = timeline.Count(t => t.Type == "reminder.sent" && t.Workflow == SixStepWorkflow.Id);
        return new ThroughputRun(instances, ended, reminders, seconds, ended == instances);
    }
}

/// <summary>
/// Our engine on a store: the <see cref="RuntimeStore"/> the host runs (inbox, step function, one commit per batch), on a
/// clock the bench moves so that timers fall due without waiting; the timers are fired as the Quartz sweeper does.
/// Which database is a parameter: the registration of the store's services.
/// </summary>
internal sealed class StoreEngine : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly VirtualClock _clock;

    private StoreEngine(ServiceProvider services, VirtualClock clock)
    {
        _services = services;
        _clock = clock;
    }

    public IServiceProvider Services => _services;

    public RuntimeStore Store => _services.GetRequiredService<RuntimeStore>();

    public IDbContextFactory<CareflowDbContext> Contexts => _services.GetRequiredService<IDbContextFactory<CareflowDbContext>>();

    /// <param name="definitions">The bench's definitions.</param>
    /// <param name="addStore">Registers the store: <c>AddCareflowSqlite</c> or <c>AddCareflowPostgres</c>.</param>
    /// <param name="cancellationToken">Cancels the migration.</param>
    public static async Task<StoreEngine> OpenAsync(DefinitionSet definitions, Action<IServiceCollection> addStore, CancellationToken cancellationToken)
    {
        var clock = new VirtualClock(TimeProvider.System.GetUtcNow());
        var services = new ServiceCollection()
            .AddSingleton<TimeProvider>(clock)
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton(new DefinitionHistory(definitions));
        addStore(services);
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<RuntimeStore>().MigrateAsync(cancellationToken);
        return new StoreEngine(provider, clock);
    }

    /// <summary>As fast as it goes: every start in batches, every visit in batches, then every timer fired.</summary>
    public async Task<ThroughputRun> RunAsync(string prefix, int instances, int batch, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        foreach (var events in Events(prefix, instances, batch))
        {
            await SubmitAsync(events, cancellationToken);
        }

        await FireTimersAsync(cancellationToken);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var (ended, reminders) = await CountAsync(prefix, cancellationToken);
        return new ThroughputRun(instances, ended, reminders, seconds, ended == instances);
    }

    /// <summary>
    /// The same events offered at a fixed rate; each batch's latency runs from when it was due to be sent to its commit,
    /// so a batch that had to queue behind a slow one counts its wait too. Returns milliseconds, sorted.
    /// </summary>
    public async Task<List<double>> PacedAsync(string prefix, int instances, int batch, double eventsPerSecond, CancellationToken cancellationToken)
    {
        var latencies = new List<double>();
        var interval = batch / eventsPerSecond;
        var first = Stopwatch.GetTimestamp();
        var k = 0;
        foreach (var events in Events(prefix, instances, batch))
        {
            var due = first + (long)(k++ * interval * Stopwatch.Frequency);
            var ahead = due - Stopwatch.GetTimestamp();
            if (ahead > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds((double)ahead / Stopwatch.Frequency), cancellationToken);
            }

            await SubmitAsync(events, cancellationToken);
            latencies.Add(Stopwatch.GetElapsedTime(due).TotalMilliseconds);
        }

        await FireTimersAsync(cancellationToken);
        latencies.Sort();
        return latencies;
    }

    /// <summary>Instances of the bench workflow ended and reminders sent, for patients whose ids start with <paramref name="prefix"/>.</summary>
    public Task<(int Ended, int Reminders)> EndedAsync(string prefix, CancellationToken cancellationToken) => CountAsync(prefix, cancellationToken);

    /// <summary>Instances of the bench workflow stored, of every patient.</summary>
    public async Task<int> StoredInstancesAsync(CancellationToken cancellationToken)
    {
        await using var db = await Contexts.CreateDbContextAsync(cancellationToken);
        return await db.Instances.CountAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();

    private IEnumerable<List<WorkflowEvent>> Events(string prefix, int instances, int batch)
    {
        foreach (var kind in new[] { 0, 1 })
        {
            for (var first = 0; first < instances; first += batch)
            {
                var at = _clock.GetUtcNow();
                yield return [.. Enumerable.Range(first, Math.Min(batch, instances - first))
                    .Select(i => kind == 0 ? SixStepWorkflow.Start(prefix, i, at) : SixStepWorkflow.Visit(prefix, i, at))];
            }
        }
    }

    private async Task SubmitAsync(List<WorkflowEvent> events, CancellationToken cancellationToken)
    {
        var results = await Store.SubmitAsync(events, cancellationToken);
        if (results.FirstOrDefault(r => r.Status != SubmissionStatus.Applied) is { } refused)
        {
            throw new BenchFailedException($"the store answered {refused.Status} for event {refused.EventId}: {refused.Error}");
        }
    }

    private async Task FireTimersAsync(CancellationToken cancellationToken)
    {
        _clock.AdvanceTo(_clock.GetUtcNow() + SixStepWorkflow.TimerDelay + TimeSpan.FromSeconds(1));
        while (await Store.FireDueTimersAsync(Engine.Scheduling.TimerSweepJob.BatchSize, cancellationToken) > 0)
        {
            // As the sweeper does: keep claiming batches while any timer is due.
        }
    }

    private async Task<(int Ended, int Reminders)> CountAsync(string prefix, CancellationToken cancellationToken)
    {
        await using var db = await Contexts.CreateDbContextAsync(cancellationToken);
        var ended = await db.Instances.CountAsync(i => i.PatientId.StartsWith(prefix) && i.WorkflowId == SixStepWorkflow.Id && i.Status == "ended", cancellationToken);
        var reminders = await db.Reminders.CountAsync(r => r.PatientId.StartsWith(prefix), cancellationToken);
        return (ended, reminders);
    }
}
