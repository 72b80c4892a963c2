using System.Diagnostics;
using Microsoft.EntityFrameworkCore;

namespace CareWorkflows.Host.Bench;

/// <summary>
/// <c>careflow bench events</c>: events POSTed over real HTTP to the real host, in batches, by one client and then by
/// several on a second fresh database; every answer comes after the one-transaction commit, so events/s is the
/// committed rate. The same rows inserted by a plain SQLite loop are the floor to compare with.
/// </summary>
internal static class EventsBench
{
    public const double TargetEventsPerSecond = 5_000;
    public const double TargetP99Milliseconds = 50;
    private const int WarmUpBatches = 5;

    public static async Task<BenchReport> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        var now = TimeProvider.System.GetUtcNow();
        var events = BenchEvents.Care("b-", settings.Count, now);
        var batches = BenchEvents.Batches(events, settings.Batch);
        // Warm-up patients of their own (JIT, connection pools, SQLite page cache); not counted.
        var warmUp = BenchEvents.Batches(BenchEvents.Care("w-", WarmUpBatches * settings.Batch, now), settings.Batch);

        settings.Progress.WriteLine($"floor: inserting {events.Count:N0} rows with plain SQLite (WAL, synchronous=FULL, {settings.Batch} rows a transaction)...");
        Directory.CreateDirectory(Path.Join(settings.Root, "floor"));
        var floor = SqliteFloor.RowsPerSecond(Path.Join(settings.Root, "floor", "floor.db"), events, settings.Batch, now);

        settings.Progress.WriteLine($"1 client: posting {events.Count:N0} events for {events.Count / 10:N0} patients in batches of {settings.Batch}...");
        var single = await PassAsync(settings, "one-client", batches, warmUp, 1, cancellationToken);
        settings.Progress.WriteLine($"{settings.Clients} clients: posting the same events to a fresh database...");
        var several = await PassAsync(settings, "clients", batches, warmUp, settings.Clients, cancellationToken);

        var report = new BenchReport("events", "events over HTTP");
        report.Add("events", "events posted (each pass)", events.Count);
        report.Add("batch_size", "events per POST", settings.Batch);
        report.Add("events_per_second", "events/s, 1 client (POST to commit)", single.EventsPerSecond,
            $">= {TargetEventsPerSecond:N0}", single.EventsPerSecond >= TargetEventsPerSecond);
        report.Add("p50_ms", "p50 ms per batch, 1 client", single.P50);
        report.Add("p99_ms", "p99 ms per batch, 1 client", single.P99, $"< {TargetP99Milliseconds:N0}", single.P99 < TargetP99Milliseconds);
        report.Add("concurrent_clients", "concurrent clients", settings.Clients);
        report.Add("concurrent_events_per_second", $"events/s, {settings.Clients} clients", several.EventsPerSecond,
            $">= {TargetEventsPerSecond:N0}", several.EventsPerSecond >= TargetEventsPerSecond);
        report.Add("concurrent_p50_ms", $"p50 ms per batch, {settings.Clients} clients", several.P50);
        report.Add("concurrent_p99_ms", $"p99 ms per batch, {settings.Clients} clients", several.P99, $"< {TargetP99Milliseconds:N0}", several.P99 < TargetP99Milliseconds);
        report.Add("sqlite_rows_per_second", "floor: plain SQLite rows/s", floor);
        report.Add("ratio_to_floor", "ratio to floor (1-client events/s ÷ floor)", single.EventsPerSecond / floor);
        report.Add("tasks_created", "tasks committed (1-client pass)", single.Tasks);
        report.Add("concurrent_tasks_created", $"tasks committed ({settings.Clients}-client pass)", several.Tasks);
        report.Add("rows_per_event", "rows stored per event (net)", single.RowsWritten / (double)events.Count);
        report.Add("statements_per_event", "SQL statements written per event", single.Statements / (double)events.Count);
        foreach (var (phase, median) in single.PhaseMedians)
        {
            report.Add($"{phase}_ms", $"  of a batch, 1 client: {phase} (median ms)", median);
        }
        report.Note("Each figure is from one run. The bench client runs in the host's process and shares its cores.");
        report.Note($"The floor inserts the same {events.Count:N0} events as rows of one inbox-shaped table (WAL, synchronous=FULL, {settings.Batch} rows a transaction).");
        report.Note("Both passes start on an empty database; warm-up batches of other patients go first and are not counted.");

        foreach (var pass in new[] { single, several })
        {
            if (pass.Applied != events.Count)
            {
                report.Problem($"{pass.Name}: {pass.Applied:N0} of {events.Count:N0} events were applied ({pass.Failed:N0} failed, {pass.Duplicates:N0} duplicates).");
            }

            if (pass.Tasks == 0)
            {
                report.Problem($"{pass.Name}: no task was committed; the workflows did not start.");
            }
        }

        return report;
    }

    private static async Task<PassResult> PassAsync(BenchSettings settings, string name, List<byte[]> batches, List<byte[]> warmUp, int clients, CancellationToken cancellationToken)
    {
        await using var host = await BenchHost.StartAsync(settings.WorkflowsDirectory, settings.RulesDirectory, Path.Join(settings.Root, name), cancellationToken);
        using var phases = new PhaseRecorder();
        foreach (var body in warmUp)
        {
            await host.PostAsync(body, cancellationToken);
        }

        phases.Clear();

        var outcomes = new PostOutcome[batches.Count];
        var next = -1;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < batches.Count; i = Interlocked.Increment(ref next))
            {
                outcomes[i] = await host.PostAsync(batches[i], cancellationToken);
            }
        }, cancellationToken)));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var medians = phases.Medians();
        var statements = phases.Statements;

        var latencies = outcomes.Select(o => o.Milliseconds).Order().ToList();
        await using var db = await host.Contexts.CreateDbContextAsync(cancellationToken);
        var tasks = await db.Tasks.CountAsync(t => t.PatientId.StartsWith("b-"), cancellationToken);
        var rows = await db.Inbox.CountAsync(r => r.PatientId.StartsWith("b-"), cancellationToken)
            + await db.Patients.CountAsync(r => r.PatientId.StartsWith("b-"), cancellationToken)
            + await db.Instances.CountAsync(r => r.PatientId.StartsWith("b-"), cancellationToken)
            + tasks
            + await db.Timers.CountAsync(r => r.PatientId.StartsWith("b-"), cancellationToken)
            + await db.Timeline.CountAsync(r => r.PatientId.StartsWith("b-"), cancellationToken)
            + await db.Reminders.CountAsync(r => r.PatientId.StartsWith("b-"), cancellationToken)
            + await db.ListEntries.CountAsync(r => r.PatientId.StartsWith("b-"), cancellationToken);
        return new PassResult(
            name,
            outcomes.Sum(o => o.Applied) / seconds,
            Percentile.Of(latencies, 50),
            Percentile.Of(latencies, 99),
            outcomes.Sum(o => o.Applied),
            outcomes.Sum(o => o.Failed),
            outcomes.Sum(o => o.Duplicates),
            tasks,
            rows,
            statements,
            medians);
    }

    private sealed record PassResult(string Name, double EventsPerSecond, double P50, double P99, int Applied, int Failed, int Duplicates, int Tasks, int RowsWritten, long Statements,
        IReadOnlyList<(string Phase, double Median)> PhaseMedians);
}
