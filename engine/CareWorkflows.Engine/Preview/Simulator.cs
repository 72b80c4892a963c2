using CareWorkflows.Engine.Rules;
using CareWorkflows.Engine.Runtime;

namespace CareWorkflows.Engine.Preview;

/// <summary>
/// The preview: runs a scenario through the production step function on a virtual clock, with timers and
/// patient state held in memory. Scenario events and due timers are applied in time order; at the same
/// instant, scenario events come first.
/// </summary>
public sealed class Simulator(WorkflowRuntime runtime)
{
    /// <summary>Runs the scenario and returns every timeline entry, in time order.</summary>
    public async Task<IReadOnlyList<TimelineEntry>> RunAsync(Scenario scenario, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var clock = new VirtualClock(scenario.Start);
        var calendar = scenario.Practice.Calendar;
        var states = scenario.Patients.ToDictionary(p => p.Id, p => PatientState.New(scenario.Practice.Id, p.Id), StringComparer.Ordinal);
        var timers = new PriorityQueue<TimerRequest, (DateTimeOffset, long)>();
        var timeline = new List<TimelineEntry>();
        long order = 0;

        async Task ApplyAsync(WorkflowEvent e)
        {
            clock.AdvanceTo(e.At);
            var result = await runtime.ApplyAsync(states[e.PatientId], e, calendar, clock.GetUtcNow(), cancellationToken);
            states[e.PatientId] = result.State;
            timeline.AddRange(result.Timeline);
            foreach (var timer in result.Timers)
            {
                timers.Enqueue(timer, (timer.DueAt, order++));
            }
        }

        foreach (var patient in scenario.Patients)
        {
            await ApplyAsync(new WorkflowEvent
            {
                EventId = $"register:{patient.Id}",
                PracticeId = scenario.Practice.Id,
                PatientId = patient.Id,
                Type = "patient.updated",
                At = scenario.Start,
                Data = patient.Facts,
            });
        }

        var events = new Queue<WorkflowEvent>(scenario.Events.Where(e => e.At <= scenario.End).OrderBy(e => e.At));
        while (true)
        {
            var hasTimer = timers.TryPeek(out var timer, out _) && timer!.DueAt <= scenario.End;
            var hasEvent = events.TryPeek(out var next);
            if (!hasTimer && !hasEvent)
            {
                break;
            }

            if (hasEvent && (!hasTimer || next!.At <= timer!.DueAt))
            {
                await ApplyAsync(events.Dequeue());
                continue;
            }

            timers.Dequeue();
            await ApplyAsync(WorkflowEvent.TimerFiredFor(timer!.PracticeId, timer.PatientId, timer.Id, timer.DueAt));
        }

        return timeline;
    }

    /// <summary>The facts a scenario patient starts with.</summary>
    public static PatientFacts FactsOf(ScenarioPatient patient)
    {
        ArgumentNullException.ThrowIfNull(patient);
        return FactNames.Apply(new PatientFacts(), patient.Facts);
    }
}
