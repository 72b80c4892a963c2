namespace CareWorkflows.Engine.Runtime;

/// <summary>Whether an instance still runs.</summary>
public enum InstanceStatus
{
    /// <summary>At a step, waiting for a person, an event or time.</summary>
    Running,
    /// <summary>Finished.</summary>
    Ended,
}

/// <summary>One patient's run through one version of one workflow.</summary>
public sealed record InstanceState
{
    /// <summary>Unique id.</summary>
    public required string Id { get; init; }

    /// <summary>The practice.</summary>
    public required string PracticeId { get; init; }

    /// <summary>The patient.</summary>
    public required string PatientId { get; init; }

    /// <summary>The workflow id.</summary>
    public required string WorkflowId { get; init; }

    /// <summary>The version it started on, kept to the end.</summary>
    public required int Version { get; init; }

    /// <summary>The practice whose overlay it runs, or null for the standard.</summary>
    public string? Overlay { get; init; }

    /// <summary>Running or ended.</summary>
    public InstanceStatus Status { get; init; } = InstanceStatus.Running;

    /// <summary>The current step; empty once ended.</summary>
    public string StepId { get; init; } = "";

    /// <summary>When the current step was entered.</summary>
    public DateTimeOffset StepEnteredAt { get; init; }

    /// <summary>How many steps the instance has entered; a step entered again (a loop) gets new task and timer ids.</summary>
    public int Visit { get; init; }

    /// <summary>The current step and visit, as task and timer ids name them.</summary>
    public string StepKey => $"{StepId}#{Visit}";

    /// <summary>Attempt number at the current step (outreach attempts, 1-based).</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>Failed contact attempts in a row at the current outreach step.</summary>
    public int FailedAttempts { get; init; }

    /// <summary>Outcome of the last contact attempt.</summary>
    public string LastOutcome { get; init; } = "";

    /// <summary>When it started.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>Why it ended.</summary>
    public string? EndReason { get; init; }

    /// <summary>Times reminders can be anchored to (appointment.start ...), from the events it received.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> Anchors { get; init; } = new Dictionary<string, DateTimeOffset>();

    /// <summary>Last time each event type was received since it started, so a wait entered late still sees it.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> SeenEvents { get; init; } = new Dictionary<string, DateTimeOffset>();

    /// <summary>The fields of the event that started it, for guards and decisions.</summary>
    public IReadOnlyDictionary<string, string> StartData { get; init; } = new Dictionary<string, string>();

    /// <summary>The type of the event that started it.</summary>
    public string StartEventType { get; init; } = "";
}
