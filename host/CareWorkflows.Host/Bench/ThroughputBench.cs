using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Persistence;

namespace CareWorkflows.Host.Bench;

/// <summary>
/// <c>careflow bench b2</c>: N instances of <see cref="SixStepWorkflow"/> on our engine in memory (the preview's path),
/// on a SQLite file, and on PostgreSQL when <c>--postgres</c> is given (a fresh database), beside the same six steps on WorkflowCore in memory.
/// Step transitions a second (six per finished instance), p99 latency at half the SQLite peak, and the SQLite rate again
/// once the store holds a million instances.
/// </summary>
internal static class ThroughputBench
{
    public const double TargetRatioToWorkflowCore = 3;
    public const double TargetSqliteTransitionsPerSecond = 5_000;
    public const double TargetP99Milliseconds = 20;
    public const double TargetSlowdownPercent = 10;
    public const int SmallStore = 10_000;
    public const string PostgresNotGiven = "give --postgres CONNSTR";
    private const int Rounds = 3;

    public static async Task<BenchReport> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        var workflows = BenchDefinitions.Write(settings, SixStepWorkflow.Id, SixStepWorkflow.Yaml, SixStepWorkflow.Template);
        var definitions = DefinitionLoader.LoadOrThrow(workflows, settings.RulesDirectory);
        var n = settings.Count;
        var warmUp = Math.Max(1, Math.Min(n / 10, 1_000));
        var report = new BenchReport("b2", "workflow throughput");
        report.Add("instances", "instances a run (6 steps: record, decide, wait, timer, record, end)", n);
        var runs = new List<(string Engine, ThroughputRun Run)>();

        settings.Progress.WriteLine($"B2: our engine in memory (the preview's path): {n:N0} instances, {Rounds} runs...");
        await InMemoryEngine.RunAsync(definitions, "mw-", warmUp, cancellationToken);
        var memory = new List<ThroughputRun>();
        for (var round = 0; round < Rounds; round++)
        {
            memory.Add(await InMemoryEngine.RunAsync(definitions, $"m{round}-", n, cancellationToken));
        }

        runs.AddRange(memory.Select(r => ("in memory", r)));
        var memoryRate = Percentile.Median(memory.Select(r => r.TransitionsPerSecond));
        report.Add("memory_transitions_per_second", $"ours in memory: step transitions/s (median of {Rounds})", memoryRate);

        settings.Progress.WriteLine($"B2: WorkflowCore 3.22 in memory: {n:N0} instances, {Rounds} runs...");
        var giveUp = TimeSpan.FromSeconds(Math.Max(120, n / 50.0));
        await WorkflowCorePeer.RunAsync(warmUp, giveUp, cancellationToken);
        var peer = new List<ThroughputRun>();
        for (var round = 0; round < Rounds; round++)
        {
            peer.Add(await WorkflowCorePeer.RunAsync(n, giveUp, cancellationToken));
        }

        runs.AddRange(peer.Select(r => ("WorkflowCore", r)));
        var peerRate = Percentile.Median(peer.Select(r => r.TransitionsPerSecond));
        report.Add("workflowcore_transitions_per_second", $"WorkflowCore in memory: step transitions/s (median of {Rounds})", peerRate);
        report.Add("ratio_to_workflowcore", "ours in memory / WorkflowCore in memory", memoryRate / peerRate,
            $">= {TargetRatioToWorkflowCore:0}", memoryRate / peerRate >= TargetRatioToWorkflowCore);

        var database = Path.Join(settings.Root, "b2-sqlite", "careflow.db");
        Directory.CreateDirectory(Path.GetDirectoryName(database)!);
        await using (var sqlite = await StoreEngine.OpenAsync(definitions, services => services.AddCareflowSqlite(PersistenceSetup.SqliteConnectionString(database)), cancellationToken))
        {
            await StoreFiguresAsync(settings, report, runs, sqlite, database, warmUp, cancellationToken);
        }

        if (settings.Postgres is null)
        {
            report.NotRun("postgres_transitions_per_second", "ours on PostgreSQL: step transitions/s", PostgresNotGiven);
            report.NotRun("postgres_p99_ms_at_half_peak", "ours on PostgreSQL: p99 ms an event at half of peak", PostgresNotGiven);
        }
        else
        {
            await using var fresh = await PostgresBenchDatabase.CreateAsync(settings.Postgres, settings.Progress, cancellationToken);
            await using var postgres = await StoreEngine.OpenAsync(definitions, services => services.AddCareflowPostgres(fresh.ConnectionString), cancellationToken);
            await PostgresFiguresAsync(settings, report, runs, postgres, warmUp, cancellationToken);
        }

        foreach (var run in peer.Where(r => !r.Finished))
        {
            report.Note($"A WorkflowCore run ended {run.Ended:N0} of {run.Instances:N0} instances in the {giveUp.TotalSeconds:N0} s the bench waits; its rate counts those.");
        }

        // Ours must finish every instance; the peer is measured as far as it gets.
        foreach (var (engine, run) in runs.Where(r => r.Engine != "WorkflowCore" && !r.Run.Finished))
        {
            report.Problem($"{engine}: only {run.Ended:N0} of {run.Instances:N0} instances ended.");
        }

        var duplicates = runs.Sum(r => Math.Max(0, r.Run.Reminders - r.Run.Instances));
        report.Add("duplicates", "reminders sent more than once (every run)", duplicates, "0", duplicates == 0);
        if (duplicates > 0)
        {
            report.Problem($"{duplicates:N0} timers fired a second reminder.");
        }

        report.Note($"Counts six step transitions per instance that ended; a run is {n:N0} starts and {n:N0} visits in batches of {settings.Batch} events, then every timer fired. In memory the preview also applies one registration event a patient.");
        report.Note($"Timers: ours fire on a clock the bench moves a minute on (the sweeper's batches, without its 1 s wait); WorkflowCore's timer step sleeps {WorkflowCorePeer.TimerDelay.TotalMilliseconds:0} ms of real time.");
        return report;
    }

    /// <summary>The SQLite passes on PostgreSQL, in a fresh database, without growing the store.</summary>
    private static async Task PostgresFiguresAsync(BenchSettings settings, BenchReport report, List<(string Engine, ThroughputRun Run)> runs, StoreEngine postgres,
        int warmUp, CancellationToken cancellationToken)
    {
        var n = settings.Count;
        settings.Progress.WriteLine($"B2: our engine on PostgreSQL (a fresh database): warm-up, then {n:N0} instances, {Rounds} runs...");
        runs.Add(("PostgreSQL warm-up", await postgres.RunAsync("pw-", warmUp, settings.Batch, cancellationToken)));
        var measured = new List<ThroughputRun>();
        for (var round = 0; round < Rounds; round++)
        {
            measured.Add(await postgres.RunAsync($"p{round}-", n, settings.Batch, cancellationToken));
        }

        runs.AddRange(measured.Select(r => ("PostgreSQL", r)));
        report.Add("postgres_transitions_per_second", $"ours on PostgreSQL: step transitions/s (median of {Rounds})", Percentile.Median(measured.Select(r => r.TransitionsPerSecond)));

        await HalfPeakAsync(settings, report, postgres, measured, "ph-", "postgres", "PostgreSQL", cancellationToken);
    }

    /// <summary>
    /// The paced pass: half of the measured peak in events a second (timer firings included), the same events offered
    /// at that rate, p50/p99 from each batch's due time to its commit (figures <c>{key}_p50_ms_at_half_peak</c> ...).
    /// </summary>
    private static async Task HalfPeakAsync(BenchSettings settings, BenchReport report, StoreEngine store, List<ThroughputRun> measured, string prefix, string key, string label,
        CancellationToken cancellationToken)
    {
        var peakEvents = Percentile.Median(measured.Select(r => 3.0 * r.Instances / r.Seconds));
        var paced = Math.Max(1, settings.Count / 2);
        settings.Progress.WriteLine($"B2: {label} at half of peak: {2 * paced:N0} events offered at {peakEvents / 2:N0} events/s...");
        var latencies = await store.PacedAsync(prefix, paced, settings.Batch, peakEvents / 2, cancellationToken);
        var p99 = Percentile.Of(latencies, 99);
        report.Add($"{key}_paced_events_per_second", $"{label}: events/s offered at half of peak", peakEvents / 2);
        report.Add($"{key}_p50_ms_at_half_peak", $"ours on {label}: p50 ms from an event's send to its commit, at half of peak ({settings.Batch} events a batch)", Percentile.Of(latencies, 50));
        report.Add($"{key}_p99_ms_at_half_peak", $"ours on {label}: p99 ms from an event's send to its commit, at half of peak", p99, $"< {TargetP99Milliseconds:0}", p99 < TargetP99Milliseconds);
    }

    private static async Task StoreFiguresAsync(BenchSettings settings, BenchReport report, List<(string Engine, ThroughputRun Run)> runs, StoreEngine sqlite, string database,
        int warmUp, CancellationToken cancellationToken)
    {
        var n = settings.Count;
        settings.Progress.WriteLine($"B2: our engine on SQLite: warm-up, then the store grown to {SmallStore:N0} instances...");
        runs.Add(("SQLite warm-up", await sqlite.RunAsync("sw-", warmUp, settings.Batch, cancellationToken)));
        // A patient whose instance idles at the wait: one start event, no visit.
        await sqlite.Store.SubmitAsync([SixStepWorkflow.Start("si-", 0, TimeProvider.System.GetUtcNow())], cancellationToken);
        var finished = SixStepWorkflow.Patient("sw-", 0);
        var idle = SixStepWorkflow.Patient("si-", 0);
        StoreFill.Fill(database, finished, idle, SmallStore, "s");

        settings.Progress.WriteLine($"B2: our engine on SQLite: {n:N0} instances, {Rounds} runs...");
        var smallStored = await sqlite.StoredInstancesAsync(cancellationToken);
        var small = new List<ThroughputRun>();
        for (var round = 0; round < Rounds; round++)
        {
            small.Add(await sqlite.RunAsync($"s{round}-", n, settings.Batch, cancellationToken));
        }

        runs.AddRange(small.Select(r => ("SQLite", r)));
        var smallRate = Percentile.Median(small.Select(r => r.TransitionsPerSecond));
        report.Add("sqlite_transitions_per_second", $"ours on SQLite: step transitions/s (median of {Rounds}, store of {smallStored:N0} instances)", smallRate,
            $">= {TargetSqliteTransitionsPerSecond:N0}", smallRate >= TargetSqliteTransitionsPerSecond);
        report.Add("ratio_sqlite_to_memory", "ours on SQLite / ours in memory", smallRate / Percentile.Median(runs.Where(r => r.Engine == "in memory").Select(r => r.Run.TransitionsPerSecond)));

        await HalfPeakAsync(settings, report, sqlite, small, "h-", "sqlite", "SQLite", cancellationToken);

        settings.Progress.WriteLine($"B2: growing the SQLite store to {settings.StoredInstances:N0} instances (bulk insert)...");
        var fill = System.Diagnostics.Stopwatch.StartNew();
        StoreFill.Fill(database, finished, idle, settings.StoredInstances, "l");
        var fillSeconds = fill.Elapsed.TotalSeconds;
        var largeStored = await sqlite.StoredInstancesAsync(cancellationToken);
        settings.Progress.WriteLine($"B2: our engine on SQLite with {largeStored:N0} instances stored: {n:N0} instances, {Rounds} runs...");
        var large = new List<ThroughputRun>();
        for (var round = 0; round < Rounds; round++)
        {
            large.Add(await sqlite.RunAsync($"l{round}-", n, settings.Batch, cancellationToken));
        }

        runs.AddRange(large.Select(r => ("SQLite, grown store", r)));
        var largeRate = Percentile.Median(large.Select(r => r.TransitionsPerSecond));
        var slowdown = 100 * (1 - (largeRate / smallRate));
        report.Add("stored_instances_large", "instances stored before the grown-store runs", largeStored);
        report.Add("fill_seconds", "seconds to grow the store (bulk INSERT ... SELECT)", fillSeconds);
        report.Add("sqlite_transitions_per_second_grown", $"ours on SQLite, grown store: step transitions/s (median of {Rounds})", largeRate);
        report.Add("slowdown_percent", $"slowdown from {smallStored:N0} to {largeStored:N0} stored instances (%)", slowdown,
            $"<= {TargetSlowdownPercent:0}", slowdown <= TargetSlowdownPercent);
    }
}
