namespace CareWorkflows.Engine.Runtime;

/// <summary>A reminder to deliver to a patient: one per (instance, step, attempt), whatever happens.</summary>
public sealed record ReminderMessage(string Id, string PracticeId, string PatientId, string InstanceId, string StepId, string Template, string? Channel, DateTimeOffset SendAt)
{
    /// <summary>The channel a reminder goes by when neither the step nor the patient names one.</summary>
    public const string DefaultChannel = "sms";

    /// <summary>The language it is written in: the patient's, if the practice serves it.</summary>
    public string Language { get; init; } = "en";

    /// <summary>What the message shows from the instance: the appointment's start and place, as text.</summary>
    public IReadOnlyDictionary<string, string> Data { get; init; } = new Dictionary<string, string>();
}

/// <summary>A patient put on a registry list (group-visit-flier, needs-follow-up ...).</summary>
public sealed record ListEntry(string PracticeId, string ListId, string PatientId, DateTimeOffset At, string? By, string InstanceId);
