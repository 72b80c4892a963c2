using System.Diagnostics;
using CareWorkflows.Engine.Definitions;
using Microsoft.EntityFrameworkCore;

namespace CareWorkflows.Host.Bench;

/// <summary>
/// <c>careflow bench timers</c>: reminders for many patients all due at one instant T. A workflow of its own
/// (bench-reminder: on appointment.scheduled, remind 1 minute before appointment.start) runs on the real host;
/// the bench posts the appointments, then lets the Quartz sweeper fire every reminder and measures how late.
/// </summary>
internal static class TimersBench
{
    public const double TargetScheduleSeconds = 5;
    public const double TargetLatenessSeconds = 30;
    public const string Workflow = "bench-reminder";
    public const string Template = "appointment-reminder";

    public const string WorkflowYaml = """
        # Written by `careflow bench timers` into its own temporary workflows folder; not a care workflow.
        workflow: bench-reminder
        version: 1
        title: Bench reminder
        description: One appointment reminder a minute before the appointment, to measure a burst of timers.
        phase: pre-visit
        starts-on: appointment.scheduled
        if-running: parallel
        steps:
          - id: remind
            kind: reminder
            title: Appointment reminder
            template: appointment-reminder
            at: 1 minute before appointment.start
            next: end

        """;

    public static async Task<BenchReport> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        var workflows = BenchDefinitions.Write(settings, Workflow, WorkflowYaml, Template);
        // Fail here, with the definitions' own messages, rather than inside the host.
        DefinitionLoader.LoadOrThrow(workflows, settings.RulesDirectory);

        await using var host = await BenchHost.StartAsync(workflows, settings.RulesDirectory, Path.Join(settings.Root, "timers"), cancellationToken);
        var clock = TimeProvider.System;

        // Warm-up, then a calibration: appointments a day away, whose reminders are not due during the run.
        foreach (var body in BenchEvents.Batches(BenchEvents.Appointments("w-", 5 * settings.Batch, clock.GetUtcNow().AddDays(1)), settings.Batch))
        {
            await host.PostAsync(body, cancellationToken);
        }

        var calibration = BenchEvents.Batches(BenchEvents.Appointments("c-", Math.Min(settings.Count, 10 * settings.Batch), clock.GetUtcNow().AddDays(1)), settings.Batch);
        var calibrated = await PostAllAsync(host, calibration, settings.Clients, cancellationToken);
        var rate = Math.Min(settings.Count, 10 * settings.Batch) / calibrated;

        // T leaves time to schedule everything first at the calibrated rate, with a margin, on a whole second.
        var lead = TimeSpan.FromSeconds(Math.Max(10, 5 + (1.5 * settings.Count / rate)));
        var dueAt = RoundUpToSecond(clock.GetUtcNow() + lead);
        var batches = BenchEvents.Batches(BenchEvents.Appointments("b-", settings.Count, dueAt.AddMinutes(1)), settings.Batch);
        settings.Progress.WriteLine($"scheduling {settings.Count:N0} reminders due at {dueAt:HH:mm:ss} UTC with {settings.Clients} clients in batches of {settings.Batch}...");

        var outcomes = new PostOutcome[batches.Count];
        var scheduleSeconds = await PostAllAsync(host, batches, settings.Clients, cancellationToken, outcomes);
        var scheduledBeforeDue = clock.GetUtcNow() < dueAt;

        int pending;
        await using (var db = await host.Contexts.CreateDbContextAsync(cancellationToken))
        {
            pending = await db.Timers.CountAsync(t => t.PatientId.StartsWith("b-"), cancellationToken);
        }

        // Watch the reminders commit: (seconds after T, reminders committed so far), sampled every 50 ms. Only the
        // measured reminders can be sent meanwhile (the warm-up and calibration ones fall due tomorrow), so the
        // count needs no filter and stays cheap next to the work it watches.
        settings.Progress.WriteLine($"waiting for the sweeper to fire them (due in {Math.Max(0, (dueAt - clock.GetUtcNow()).TotalSeconds):0} s)...");
        var giveUpAt = dueAt + TimeSpan.FromSeconds(Math.Max(120, settings.Count / 100.0));
        var commits = new List<(double Seconds, int Count)>();
        var committed = 0;
        while (committed < settings.Count && clock.GetUtcNow() < giveUpAt)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
            await using var db = await host.Contexts.CreateDbContextAsync(cancellationToken);
            var count = await db.Reminders.CountAsync(cancellationToken);
            if (count > committed)
            {
                commits.Add(((clock.GetUtcNow() - dueAt).TotalSeconds, count));
                committed = count;
            }
        }

        List<double> fired;
        int timelineSends;
        int sendingInstances;
        int inboxFired;
        await using (var db = await host.Contexts.CreateDbContextAsync(cancellationToken))
        {
            fired = [.. (await db.Timers.AsNoTracking().Where(t => t.PatientId.StartsWith("b-") && t.FiredAt != null)
                    .Select(t => new { t.DueAt, t.FiredAt }).ToListAsync(cancellationToken))
                .Select(t => (t.FiredAt!.Value - t.DueAt).TotalMilliseconds).Order()];
            var sends = db.Timeline.Where(e => e.PatientId.StartsWith("b-") && e.Type == "reminder.sent");
            timelineSends = await sends.CountAsync(cancellationToken);
            sendingInstances = await sends.Select(e => e.InstanceId).Distinct().CountAsync(cancellationToken);
            inboxFired = await db.Inbox.CountAsync(r => r.PatientId.StartsWith("b-") && r.Type == "timer.fired", cancellationToken);
        }

        // Each reminder counts as late as the first sample that saw it committed.
        var commitLateness = new List<double>(committed);
        var before = 0;
        foreach (var (seconds, count) in commits)
        {
            commitLateness.AddRange(Enumerable.Repeat(seconds * 1000, count - before));
            before = count;
        }

        var duplicates = (timelineSends - sendingInstances) + Math.Max(0, inboxFired - fired.Count);
        var lastCommitted = commitLateness.Count > 0 ? commitLateness[^1] : double.NaN;
        var allWithin = committed == settings.Count && fired.Count == settings.Count
            && lastCommitted <= TargetLatenessSeconds * 1000 && fired[^1] <= TargetLatenessSeconds * 1000;

        var report = new BenchReport("b3", "timers");
        report.Add("reminders", "reminders due at one instant", settings.Count);
        report.Add("schedule_seconds", $"seconds to schedule ({settings.Clients} clients, {settings.Batch} a POST)", scheduleSeconds,
            $"< {TargetScheduleSeconds:0} s", scheduleSeconds < TargetScheduleSeconds);
        report.Add("scheduled_per_second", "appointments scheduled per second", settings.Count / scheduleSeconds);
        report.Add("scheduled_before_due", "all scheduled before they fell due", scheduledBeforeDue);
        report.Add("timers_stored", "reminder timers stored", pending);
        report.Add("fired", "reminders sent", committed);
        report.Add("p50_lateness_ms", "p50 ms late (timer FiredAt - DueAt)", fired.Count > 0 ? Percentile.Of(fired, 50) : double.NaN);
        report.Add("p99_lateness_ms", "p99 ms late (timer FiredAt - DueAt)", fired.Count > 0 ? Percentile.Of(fired, 99) : double.NaN);
        report.Add("p50_commit_lateness_ms", "p50 ms late, reminder committed", Percentile.Of(commitLateness, 50));
        report.Add("p99_commit_lateness_ms", "p99 ms late, reminder committed", Percentile.Of(commitLateness, 99));
        report.Add("last_commit_lateness_ms", "ms late, last reminder committed", lastCommitted);
        // From the first claim of a batch to the last commit.
        var burstSeconds = fired.Count > 0 ? (lastCommitted - fired[0]) / 1000 : double.NaN;
        report.Add("fired_per_second", "reminders fired per second", committed / burstSeconds);
        report.Add("duplicates", "duplicate sends", duplicates, "0", duplicates == 0);
        report.Add("all_within_30s", "all sent within 30 s of due", allWithin, "yes", allWithin);
        report.Note($"Each figure is from one run. The sweeper runs every second and fires {Engine.Scheduling.TimerSweepJob.BatchSize:N0} timers a transaction.");
        report.Note("The engine stores a reminder's SendAt as its logical due time, so lateness is the timer's FiredAt (when its batch was claimed) minus DueAt; commit lateness is when the bench saw the reminder rows committed (50 ms polling).");
        if (!scheduledBeforeDue)
        {
            report.Note("Scheduling overran T: reminders started firing before every appointment was posted; lateness includes that.");
        }

        if (outcomes.Sum(o => o.Applied) != settings.Count)
        {
            report.Problem($"{outcomes.Sum(o => o.Applied):N0} of {settings.Count:N0} appointments were applied ({outcomes.Sum(o => o.Failed):N0} failed).");
        }

        if (committed != settings.Count)
        {
            report.Problem($"only {committed:N0} of {settings.Count:N0} reminders were sent by {giveUpAt - dueAt:c} after their due time.");
        }

        if (duplicates != 0)
        {
            report.Problem($"{duplicates:N0} reminders were sent more than once.");
        }

        return report;
    }

    /// <summary>Posts the batches with <paramref name="clients"/> concurrent clients; returns the seconds it took.</summary>
    private static async Task<double> PostAllAsync(BenchHost host, List<byte[]> batches, int clients, CancellationToken cancellationToken, PostOutcome[]? outcomes = null)
    {
        var next = -1;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < batches.Count; i = Interlocked.Increment(ref next))
            {
                var outcome = await host.PostAsync(batches[i], cancellationToken);
                if (outcomes is not null)
                {
                    outcomes[i] = outcome;
                }
            }
        }, cancellationToken)));
        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static DateTimeOffset RoundUpToSecond(DateTimeOffset at) =>
        new DateTimeOffset(at.Ticks - (at.Ticks % TimeSpan.TicksPerSecond), at.Offset).AddSeconds(1);
}
