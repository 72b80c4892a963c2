using System.Globalization;

namespace CareWorkflows.Engine.Records.Interactions;

/// <summary>
/// One contact attempt or piece of staff work for a patient: the channel, the outcome, the obstacles to the patient's
/// goals noted, the minutes spent, the staff member and role, and whether it was face to face. Completing a task
/// records one; so does an <c>interaction.recorded</c> event. Minutes add up to the patient's time log of the
/// practice-local calendar month (<see cref="Month"/>).
/// </summary>
public sealed record Interaction
{
    /// <summary>The event type of an interaction recorded on its own (not by completing a task).</summary>
    public const string RecordedEvent = "interaction.recorded";

    /// <summary>The channel stored when none was named (a task completed without one).</summary>
    public const string UnspecifiedChannel = "unspecified";

    /// <summary>Unique id, made from the event that recorded it, so the same event never records it twice.</summary>
    public required string Id { get; init; }

    /// <summary>The practice.</summary>
    public required string PracticeId { get; init; }

    /// <summary>The patient.</summary>
    public required string PatientId { get; init; }

    /// <summary>When it happened.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>The practice-local calendar month it counts in, as YYYY-MM.</summary>
    public required string Month { get; init; }

    /// <summary>phone, video, in-person, portal, sms, letter, email ... or unspecified.</summary>
    public required string Channel { get; init; }

    /// <summary>reached, not-reached, left-message ..., or the completed task's outcome.</summary>
    public string? Outcome { get; init; }

    /// <summary>Obstacles to the patient's goals noted during the contact (transport, cost ...).</summary>
    public IReadOnlyList<string> Obstacles { get; init; } = [];

    /// <summary>Minutes of staff time.</summary>
    public int Minutes { get; init; }

    /// <summary>The staff member (staff id), when known.</summary>
    public string? StaffId { get; init; }

    /// <summary>The staff member's role (catalog role id), when known; decides whether the minutes are clinical-staff time.</summary>
    public string? Role { get; init; }

    /// <summary>True for a face-to-face contact.</summary>
    public bool FaceToFace { get; init; }

    /// <summary>The completed task, for interactions recorded by completing one.</summary>
    public string? TaskId { get; init; }

    /// <summary>The completed task's workflow.</summary>
    public string? WorkflowId { get; init; }

    /// <summary>The completed task's step.</summary>
    public string? StepId { get; init; }

    /// <summary>The completed task's form, if it had one.</summary>
    public string? Form { get; init; }

    /// <summary>A note (never logged).</summary>
    public string? Note { get; init; }

    /// <summary>The event that recorded it.</summary>
    public required string EventId { get; init; }

    /// <summary>The id of the interaction an event records: one per event.</summary>
    public static string IdFor(string practiceId, string eventId)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{practiceId}/{eventId}"));
        return "i-" + Convert.ToHexStringLower(hash.AsSpan(0, 10));
    }

    /// <summary>The practice-local month of an instant as YYYY-MM.</summary>
    public static string MonthOf(DateOnly localDate) => localDate.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>Obstacles as sent in event data: comma-separated, trimmed, lower case, without repeats.</summary>
    public static IReadOnlyList<string> ParseObstacles(string? text) =>
        [.. (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(o => o.ToLowerInvariant()).Distinct(StringComparer.Ordinal)];
}
