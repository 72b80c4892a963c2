namespace CareWorkflows.Engine.Persistence;

/// <summary>What happened to one submitted event.</summary>
public enum SubmissionStatus
{
    /// <summary>Stored and applied; its effects are committed.</summary>
    Applied,
    /// <summary>An event with this id was stored before; nothing was done again.</summary>
    Duplicate,
    /// <summary>Stored, but applying it failed; it is kept in the inbox for review with the error.</summary>
    Failed,
}

/// <summary>The answer for one submitted event.</summary>
/// <param name="EventId">The event.</param>
/// <param name="Status">Applied, duplicate or failed.</param>
/// <param name="Error">Why applying failed.</param>
/// <param name="TasksCreated">Ids of the tasks it created.</param>
public sealed record SubmissionResult(string EventId, SubmissionStatus Status, string? Error, IReadOnlyList<string> TasksCreated);
