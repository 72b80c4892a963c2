using CareWorkflows.Engine.Definitions;

namespace CareWorkflows.Engine.Runtime;

/// <summary>What kind of worklist item a task is.</summary>
public enum TaskKind
{
    /// <summary>A task step.</summary>
    Task,
    /// <summary>One contact attempt of an outreach step.</summary>
    Outreach,
    /// <summary>An escalation: a priority task with a reason.</summary>
    Escalation,
}

/// <summary>Whether a task is still to do.</summary>
public enum CareTaskStatus
{
    /// <summary>On the worklist.</summary>
    Open,
    /// <summary>Done, with an outcome.</summary>
    Completed,
    /// <summary>No longer needed (its instance ended).</summary>
    Cancelled,
}

/// <summary>An item on the care team's worklist.</summary>
public sealed record CareTask
{
    /// <summary>
    /// The id of the task an instance's step makes at an attempt: derived from them, so the same step never
    /// makes it twice, and short and URL-safe whatever the sender's event ids look like.
    /// </summary>
    public static string IdFor(string instanceId, string stepId, int attempt)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{instanceId}/{stepId}/{attempt}"));
        return "t-" + Convert.ToHexStringLower(hash.AsSpan(0, 10));
    }

    /// <summary>Unique id: instance, step and attempt, so the same step never creates it twice.</summary>
    public required string Id { get; init; }

    /// <summary>The practice.</summary>
    public required string PracticeId { get; init; }

    /// <summary>The patient.</summary>
    public required string PatientId { get; init; }

    /// <summary>The instance that created it.</summary>
    public required string InstanceId { get; init; }

    /// <summary>The workflow.</summary>
    public required string WorkflowId { get; init; }

    /// <summary>The step.</summary>
    public required string StepId { get; init; }

    /// <summary>Attempt number (outreach).</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>Task, outreach attempt or escalation.</summary>
    public TaskKind Kind { get; init; }

    /// <summary>The role that works it.</summary>
    public required string Role { get; init; }

    /// <summary>What to do.</summary>
    public required string Title { get; init; }

    /// <summary>Worklist priority.</summary>
    public TaskPriority Priority { get; init; }

    /// <summary>When it was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it is due, if it has a due.</summary>
    public DateTimeOffset? DueAt { get; init; }

    /// <summary>Open, completed or cancelled.</summary>
    public CareTaskStatus Status { get; init; }

    /// <summary>True once its due passed while open (task.overdue was emitted).</summary>
    public bool Overdue { get; init; }

    /// <summary>The outcomes staff may record.</summary>
    public IReadOnlyList<string> Outcomes { get; init; } = [];

    /// <summary>The outcome recorded.</summary>
    public string? Outcome { get; init; }

    /// <summary>Minutes of staff time recorded.</summary>
    public int? Minutes { get; init; }

    /// <summary>Note recorded.</summary>
    public string? Note { get; init; }

    /// <summary>When it was completed.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Who completed it.</summary>
    public string? CompletedBy { get; init; }

    /// <summary>Staff member who claimed it.</summary>
    public string? Assignee { get; init; }

    /// <summary>Why: the escalation reason.</summary>
    public string? Reason { get; init; }

    /// <summary>Script file to follow.</summary>
    public string? Script { get; init; }

    /// <summary>Form file to fill in.</summary>
    public string? Form { get; init; }
}
