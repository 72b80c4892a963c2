namespace CareWorkflows.Engine.Runtime;

/// <summary>
/// One line of a patient's timeline, and of the preview's output: instance.started, instance.ended,
/// task.created, task.completed, task.overdue, reminder.sent, escalation.created, enrollment.changed,
/// list.recorded, fact.recorded.
/// </summary>
public sealed record TimelineEntry
{
    /// <summary>When.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>What happened.</summary>
    public required string Type { get; init; }

    /// <summary>The practice.</summary>
    public required string PracticeId { get; init; }

    /// <summary>The patient.</summary>
    public required string PatientId { get; init; }

    /// <summary>The workflow, where it applies.</summary>
    public string? Workflow { get; init; }

    /// <summary>The workflow version, where it applies.</summary>
    public int? Version { get; init; }

    /// <summary>The step, where it applies.</summary>
    public string? Step { get; init; }

    /// <summary>The role, for tasks and escalations.</summary>
    public string? Role { get; init; }

    /// <summary>The due, for tasks.</summary>
    public DateTimeOffset? Due { get; init; }

    /// <summary>The outcome, for completed tasks and ended instances.</summary>
    public string? Outcome { get; init; }

    /// <summary>Why: escalation reason, end reason, rule that fired.</summary>
    public string? Reason { get; init; }

    /// <summary>The instance.</summary>
    public string? InstanceId { get; init; }

    /// <summary>The task, for task entries.</summary>
    public string? TaskId { get; init; }

    /// <summary>Extra detail: list id, template, tier and programs.</summary>
    public string? Detail { get; init; }

    /// <summary>The channel, for reminders (sms, email, portal ...).</summary>
    public string? Channel { get; init; }

    /// <summary>The language, for reminders.</summary>
    public string? Language { get; init; }
}
