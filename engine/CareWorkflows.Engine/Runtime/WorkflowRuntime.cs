using CareWorkflows.Engine.Time;

namespace CareWorkflows.Engine.Runtime;

/// <summary>
/// The engine's step function: (patient state, event, now, definitions, rules) to (new state, effects).
/// Deterministic and free of side effects: the host writes the result in one transaction, and the preview
/// drives this same function on a virtual clock.
/// </summary>
public sealed class WorkflowRuntime(DefinitionHistory definitions)
{
    /// <summary>The definitions the runtime runs.</summary>
    public DefinitionHistory Definitions { get; } = definitions;

    /// <summary>Applies one event to one patient.</summary>
    /// <param name="state">The patient before the event.</param>
    /// <param name="event">The event; its patient and practice must be the state's.</param>
    /// <param name="calendar">The practice's calendar.</param>
    /// <param name="now">The engine's clock; an event claiming a later time is taken as happening now.</param>
    /// <param name="cancellationToken">Cancels rule evaluation.</param>
    public ValueTask<StepResult> ApplyAsync(PatientState state, WorkflowEvent @event, PracticeCalendar calendar, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(@event);
        if (state.Patient.PatientId != @event.PatientId || state.Patient.PracticeId != @event.PracticeId)
        {
            throw new ArgumentException($"Event {@event.EventId} is for patient {@event.PracticeId}/{@event.PatientId}, not {state.Patient.PracticeId}/{state.Patient.PatientId}.", nameof(@event));
        }

        var at = @event.At <= now ? @event.At : now;
        var run = new RunContext(Definitions, new PatientWork(state), @event, calendar, at);
        return new EventApplication(run).ApplyAsync(cancellationToken);
    }
}
