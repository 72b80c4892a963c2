using System.Collections.Concurrent;
using System.Diagnostics;
using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Persistence;
using CareWorkflows.Engine.Runtime;
using Microsoft.EntityFrameworkCore;
using Quartz;

namespace CareWorkflows.Host.Bench;

/// <summary>
/// Bench B3's comparison: the design DESIGN section 2 turned down, one Quartz one-off trigger per reminder, in a
/// Quartz AdoJobStore in the same SQLite file as the engine's store. Each trigger's job applies its reminder's
/// timer.fired event through the same <see cref="RuntimeStore"/>. The only Quartz job outside engine/Scheduling:
/// it exists to be measured against ours.
/// </summary>
internal static class QuartzEachBench
{
    private const string Group = "bench-each";
    private const int Chunk = 1_000;
    private const string Prefix = "q-";

    /// <summary>Adds the comparison's figures to bench B3's report of our timers, and returns it.</summary>
    public static async Task<BenchReport> AddToAsync(BenchReport report, BenchSettings settings, CancellationToken cancellationToken)
    {
        var workflows = BenchDefinitions.Write(settings, TimersBench.Workflow, TimersBench.WorkflowYaml, TimersBench.Template);
        var definitions = DefinitionLoader.LoadOrThrow(workflows, settings.RulesDirectory);
        var database = Path.Join(settings.Root, "b3-quartz-each", "careflow.db");
        Directory.CreateDirectory(Path.GetDirectoryName(database)!);
        var connection = PersistenceSetup.SqliteConnectionString(database);
        var fired = new Fired(settings.Count);
        await using var engine = await StoreEngine.OpenAsync(definitions, services => services
            .AddCareflowSqlite(connection)
            .AddSingleton(fired)
            .AddTransient<ReminderJob>()
            .AddQuartz(quartz =>
            {
                quartz.UsePersistentStore(store =>
                {
                    store.UseSqlite(connection);
                    store.ProvisionSchema();
                });
                // Quartz's own defaults otherwise: 10 threads, and on a persistent store every trigger already due
                // acquired in one round (its automatic batch size, Quartz issue 3824).
                quartz.UseDefaultThreadPool(pool => pool.MaxConcurrency = 10);
                // Real time for Quartz; the store's clock is the bench's own.
                quartz.UseTimeProvider(TimeProvider.System);
            }), cancellationToken);
        var scheduler = await engine.Services.GetRequiredService<ISchedulerFactory>().GetScheduler(cancellationToken);

        // Calibration (appointments and triggers due tomorrow, never fired in the run) tells how long scheduling takes.
        var tomorrow = TimeProvider.System.GetUtcNow().AddDays(1);
        var sample = Math.Min(settings.Count, Chunk);
        var calibration = Stopwatch.StartNew();
        await ScheduleAsync(engine, scheduler, "qc-", sample, tomorrow, tomorrow, cancellationToken);
        var perReminder = calibration.Elapsed.TotalSeconds / sample;

        var dueAt = TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(Math.Max(10, 5 + (1.5 * settings.Count * perReminder)));
        fired.DueAt = dueAt;
        settings.Progress.WriteLine($"B3: one Quartz trigger each: scheduling {settings.Count:N0} reminders due at {dueAt:HH:mm:ss} UTC...");
        var scheduling = Stopwatch.StartNew();
        await ScheduleAsync(engine, scheduler, Prefix, settings.Count, dueAt.AddMinutes(1), dueAt, cancellationToken);
        var scheduleSeconds = scheduling.Elapsed.TotalSeconds;
        var scheduledBeforeDue = TimeProvider.System.GetUtcNow() < dueAt;

        await scheduler.Start(cancellationToken);
        var giveUp = TimeSpan.FromSeconds(Math.Max(60, settings.Count / 100.0));
        settings.Progress.WriteLine($"B3: waiting for Quartz to fire them (at most {giveUp.TotalSeconds:N0} s after they fall due)...");
        var wait = dueAt + giveUp - TimeProvider.System.GetUtcNow();
        await Task.WhenAny(fired.All, Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, cancellationToken));
        await scheduler.Shutdown(waitForJobsToComplete: true, cancellationToken);

        var lateness = fired.Lateness();
        var count = lateness.Count;
        var all = count == settings.Count;
        report.Add("quartz_each_schedule_seconds", "one Quartz trigger each: seconds to schedule (appointments applied, then triggers)", scheduleSeconds);
        report.Add("quartz_each_scheduled_before_due", "one Quartz trigger each: all scheduled before they fell due", scheduledBeforeDue);
        report.Add("quartz_each_fired", $"one Quartz trigger each: reminders sent within {giveUp.TotalSeconds:N0} s of due", count);
        report.Add("quartz_each_p50_lateness_ms", "one Quartz trigger each: p50 ms late, reminder committed", Percentile.Of(lateness, 50));
        report.Add("quartz_each_p99_lateness_ms", "one Quartz trigger each: p99 ms late, reminder committed", all ? Percentile.Of(lateness, 99) : double.NaN);
        var firing = count > 1 ? (lateness[^1] - lateness[0]) / 1000 : double.NaN;
        report.Add("quartz_each_fired_per_second", "one Quartz trigger each: reminders fired per second", count / firing);
        report.Add("quartz_each_duplicates", "one Quartz trigger each: duplicate fires", fired.Duplicates, "0", fired.Duplicates == 0);
        report.Note($"'One Quartz trigger each': a Quartz AdoJobStore in the engine's SQLite file, 10 threads, Quartz's automatic trigger batch, misfires fired now; each job applies its reminder through the engine's store (one commit each).");
        if (!all)
        {
            report.Note($"'One Quartz trigger each': {count:N0} of {settings.Count:N0} fired before the bench stopped waiting; its p99 is not known (shown empty).");
        }

        if (report.Figures.FirstOrDefault(f => f.Key == "fired_per_second")?.Value is double ours)
        {
            report.Add("ratio_to_quartz_each", "reminders fired per second: ours / one Quartz trigger each", ours / (count / firing));
        }

        if (fired.Duplicates > 0)
        {
            report.Problem($"one Quartz trigger each: {fired.Duplicates:N0} reminders fired more than once.");
        }

        return report;
    }

    /// <summary>Applies an appointment per patient (each makes a reminder timer), then schedules a Quartz trigger per timer at <paramref name="fireAt"/>.</summary>
    private static async Task ScheduleAsync(StoreEngine engine, IScheduler scheduler, string prefix, int count, DateTimeOffset appointment, DateTimeOffset fireAt, CancellationToken cancellationToken)
    {
        var now = TimeProvider.System.GetUtcNow();
        var events = BenchEvents.Appointments(prefix, count, appointment).Select(e => new WorkflowEvent
        {
            EventId = e.Id,
            PracticeId = BenchHost.Practice,
            PatientId = e.Patient,
            Type = e.Type,
            At = now,
            Data = e.Data.ToDictionary(StringComparer.Ordinal),
        }).ToList();
        foreach (var chunk in events.Chunk(Chunk))
        {
            await engine.Store.SubmitAsync(chunk, cancellationToken);
        }

        List<(string Id, string PatientId)> timers;
        await using (var db = await engine.Contexts.CreateDbContextAsync(cancellationToken))
        {
            timers = [.. (await db.Timers.AsNoTracking().Where(t => t.PatientId.StartsWith(prefix)).Select(t => new { t.Id, t.PatientId }).ToListAsync(cancellationToken))
                .Select(t => (t.Id, t.PatientId))];
        }

        foreach (var chunk in timers.Chunk(Chunk))
        {
            var jobs = new Dictionary<IJobDetail, IReadOnlyCollection<ITrigger>>();
            foreach (var (id, patient) in chunk)
            {
                var job = JobBuilder.Create<ReminderJob>().WithIdentity(id, Group).UsingJobData("timer", id).UsingJobData("patient", patient).Build();
                jobs[job] = [TriggerBuilder.Create().WithIdentity(id, Group).StartAt(fireAt).WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow)).Build()];
            }

            await scheduler.ScheduleJobs(jobs, cancellationToken: cancellationToken);
        }
    }

    /// <summary>What the triggers did: each timer's fires and when its reminder committed.</summary>
    internal sealed class Fired(int expected)
    {
        private readonly ConcurrentDictionary<string, int> _fires = new(StringComparer.Ordinal);
        private readonly ConcurrentBag<double> _lateness = [];
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _duplicates;

        public DateTimeOffset DueAt { get; set; }

        public Task All => _all.Task;

        public int Duplicates => Volatile.Read(ref _duplicates);

        public void Committed(string timer, bool duplicate)
        {
            if (_fires.AddOrUpdate(timer, 1, (_, n) => n + 1) > 1 || duplicate)
            {
                Interlocked.Increment(ref _duplicates);
                return;
            }

            _lateness.Add((TimeProvider.System.GetUtcNow() - DueAt).TotalMilliseconds);

            if (_lateness.Count >= expected)
            {
                _all.TrySetResult();
            }
        }

        public List<double> Lateness() => [.. _lateness.Order()];
    }

    /// <summary>One reminder's trigger: applies its timer.fired event, as the sweeper would for a batch.</summary>
    internal sealed class ReminderJob(RuntimeStore store, Fired fired) : IJob
    {
        public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
        {
            var data = context.MergedJobDataMap;
            var timer = data.GetString("timer")!;
            var results = await store.SubmitAsync([WorkflowEvent.TimerFiredFor(BenchHost.Practice, data.GetString("patient")!, timer, fired.DueAt)], cancellationToken);
            fired.Committed(timer, results[0].Status == SubmissionStatus.Duplicate);
        }
    }
}
