namespace CareWorkflows.Engine.Runtime;

/// <summary>A reminder to deliver to a patient: one per (instance, step, attempt), whatever happens.</summary>
public sealed record ReminderMessage(string Id, string PracticeId, string PatientId, string InstanceId, string StepId, string Template, string? Channel, DateTimeOffset SendAt);

/// <summary>A patient put on a registry list (group-visit-flier, needs-follow-up ...).</summary>
public sealed record ListEntry(string PracticeId, string ListId, string PatientId, DateTimeOffset At, string? By, string InstanceId);
