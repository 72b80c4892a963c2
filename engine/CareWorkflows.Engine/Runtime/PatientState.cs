using CareWorkflows.Engine.Care;
using CareWorkflows.Engine.Records.Interactions;
using CareWorkflows.Engine.Records.Referrals;
using CareWorkflows.Engine.Rules;

namespace CareWorkflows.Engine.Runtime;

/// <summary>A patient as the engine knows them: facts, enrollment, and recorded values.</summary>
public sealed record PatientRecord(string PracticeId, string PatientId)
{
    /// <summary>The facts rules read (tier and programs included).</summary>
    public PatientFacts Facts { get; init; } = new();

    /// <summary>When the patient was first enrolled in a program; null if never.</summary>
    public DateTimeOffset? EnrolledAt { get; init; }

    /// <summary>ED visits since enrollment.</summary>
    public int EdVisitsSinceEnrollment { get; init; }

    /// <summary>The patient's enrollments, one per program, with their history.</summary>
    public IReadOnlyList<Enrollment> Enrollments { get; init; } = [];

    /// <summary>Facts set by record steps (name to value).</summary>
    public IReadOnlyDictionary<string, string> Recorded { get; init; } = new Dictionary<string, string>();
}

/// <summary>Everything the step function needs about one patient: the record, running instances, open tasks.</summary>
public sealed record PatientState(PatientRecord Patient, IReadOnlyList<InstanceState> Instances, IReadOnlyList<CareTask> OpenTasks)
{
    /// <summary>A patient the engine has not seen before.</summary>
    public static PatientState New(string practiceId, string patientId) => new(new PatientRecord(practiceId, patientId), [], []);
}

/// <summary>
/// What applying one event changed: the new state, and the rows to write in the same transaction
/// (instances, tasks, timers, reminders, list entries, timeline, interactions, referrals).
/// </summary>
public sealed record StepResult
{
    /// <summary>The patient after the event.</summary>
    public required PatientState State { get; init; }

    /// <summary>True when the patient record changed.</summary>
    public bool PatientChanged { get; init; }

    /// <summary>Instances created or changed.</summary>
    public IReadOnlyList<InstanceState> Instances { get; init; } = [];

    /// <summary>Tasks created or changed.</summary>
    public IReadOnlyList<CareTask> Tasks { get; init; } = [];

    /// <summary>Timers to store.</summary>
    public IReadOnlyList<TimerRequest> Timers { get; init; } = [];

    /// <summary>Reminders to deliver.</summary>
    public IReadOnlyList<ReminderMessage> Reminders { get; init; } = [];

    /// <summary>Registry list entries.</summary>
    public IReadOnlyList<ListEntry> ListEntries { get; init; } = [];

    /// <summary>Timeline entries, in order.</summary>
    public IReadOnlyList<TimelineEntry> Timeline { get; init; } = [];

    /// <summary>Interactions recorded (completed tasks, interaction.recorded).</summary>
    public IReadOnlyList<Interaction> Interactions { get; init; } = [];

    /// <summary>Referral record changes (referral.* events).</summary>
    public IReadOnlyList<ReferralChange> Referrals { get; init; } = [];
}
