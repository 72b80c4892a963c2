namespace CareWorkflows.Engine.Runtime;

/// <summary>
/// Something that happened to a patient: an appointment, a discharge, a completed task, a fired timer.
/// Events are idempotent by <see cref="EventId"/>: the same id applied twice has one effect.
/// </summary>
public sealed record WorkflowEvent
{
    /// <summary>The event type of a task done by staff.</summary>
    public const string TaskCompleted = "task.completed";

    /// <summary>The event type of a due timer.</summary>
    public const string TimerFired = "timer.fired";

    /// <summary>The event type of a change of tier or programs.</summary>
    public const string EnrollmentChanged = "enrollment.changed";

    /// <summary>Unique id given by the sender; a repeat of the same id is ignored.</summary>
    public required string EventId { get; init; }

    /// <summary>The practice the patient belongs to.</summary>
    public required string PracticeId { get; init; }

    /// <summary>The patient's id within the practice (never a name or MRN in logs).</summary>
    public required string PatientId { get; init; }

    /// <summary>The event type, e.g. patient.discharged.</summary>
    public required string Type { get; init; }

    /// <summary>When it happened.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>Further fields (setting, disposition, start ...), as text.</summary>
    public IReadOnlyDictionary<string, string> Data { get; init; } = new Dictionary<string, string>();

    /// <summary>For task.completed: the task, if the sender knows its id.</summary>
    public string? TaskId { get; init; }

    /// <summary>For task.completed: the step, when the task id is not known.</summary>
    public string? Step { get; init; }

    /// <summary>For task.completed: the outcome recorded.</summary>
    public string? Outcome { get; init; }

    /// <summary>For task.completed: minutes of staff time.</summary>
    public int? Minutes { get; init; }

    /// <summary>For task.completed: a note.</summary>
    public string? Note { get; init; }

    /// <summary>Who sent or did it (a staff id), if known.</summary>
    public string? By { get; init; }

    /// <summary>For timer.fired: the timer's id.</summary>
    public string? TimerId { get; init; }

    /// <summary>The timer.fired event of a due timer; its id is the timer's, so firing twice applies once.</summary>
    public static WorkflowEvent TimerFiredFor(string practiceId, string patientId, string timerId, DateTimeOffset dueAt) => new()
    {
        EventId = $"timer:{timerId}",
        PracticeId = practiceId,
        PatientId = patientId,
        Type = TimerFired,
        At = dueAt,
        TimerId = timerId,
    };
}
