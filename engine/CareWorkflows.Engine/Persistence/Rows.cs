namespace CareWorkflows.Engine.Persistence;

// Storage shapes. Every row carries its practice from the start: the data model is tenant-scoped.
// Nested values (facts, anchors, outcomes) are JSON text; they are read and written whole.

internal sealed class InboxRow
{
    public long Sequence { get; set; }
    public required string EventId { get; set; }
    public required string PracticeId { get; set; }
    public required string PatientId { get; set; }
    public required string Type { get; set; }
    public DateTimeOffset At { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public required string Payload { get; set; }
    public string Status { get; set; } = InboxStatus.Pending;
    public string? Error { get; set; }
    public DateTimeOffset? ProcessedAt { get; set; }
}

internal static class InboxStatus
{
    public const string Pending = "pending";
    public const string Done = "done";
    public const string Failed = "failed";
}

internal sealed class PatientRow
{
    public required string PracticeId { get; set; }
    public required string PatientId { get; set; }
    public string Tier { get; set; } = "";
    public string Programs { get; set; } = "";
    public required string Facts { get; set; }
    public DateTimeOffset? EnrolledAt { get; set; }
    public int EdVisitsSinceEnrollment { get; set; }
    public string Recorded { get; set; } = "{}";
    public string Enrollments { get; set; } = "[]";
    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class InstanceRow
{
    public required string Id { get; set; }
    public required string PracticeId { get; set; }
    public required string PatientId { get; set; }
    public required string WorkflowId { get; set; }
    public int Version { get; set; }
    public string? Overlay { get; set; }
    public required string Status { get; set; }
    public required string StepId { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public required string State { get; set; }
}

internal sealed class TaskRow
{
    public required string Id { get; set; }
    public required string PracticeId { get; set; }
    public required string PatientId { get; set; }
    public required string InstanceId { get; set; }
    public required string WorkflowId { get; set; }
    public required string StepId { get; set; }
    public int Attempt { get; set; }
    public required string Kind { get; set; }
    public required string Role { get; set; }
    public required string Title { get; set; }
    public required string Priority { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DueAt { get; set; }
    public required string Status { get; set; }
    public bool Overdue { get; set; }
    public string Outcomes { get; set; } = "";
    public string? Outcome { get; set; }
    public int? Minutes { get; set; }
    public string? Note { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public string? CompletedBy { get; set; }
    public string? Assignee { get; set; }
    public string? Reason { get; set; }
    public string? Script { get; set; }
    public string? Form { get; set; }
}

internal sealed class TimerRow
{
    public required string Id { get; set; }
    public required string PracticeId { get; set; }
    public required string PatientId { get; set; }
    public required string InstanceId { get; set; }
    public DateTimeOffset DueAt { get; set; }
    public string Status { get; set; } = TimerStatus.Pending;
    public DateTimeOffset? FiredAt { get; set; }
}

internal static class TimerStatus
{
    public const string Pending = "pending";
    public const string Fired = "fired";
}

internal sealed class TimelineRow
{
    public long Id { get; set; }
    public required string PracticeId { get; set; }
    public required string PatientId { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Type { get; set; }
    public string? Workflow { get; set; }
    public int? Version { get; set; }
    public string? Step { get; set; }
    public string? Role { get; set; }
    public DateTimeOffset? Due { get; set; }
    public string? Outcome { get; set; }
    public string? Reason { get; set; }
    public string? Detail { get; set; }
    public string? InstanceId { get; set; }
    public string? TaskId { get; set; }
    public required string EventId { get; set; }
    public string? Channel { get; set; }
    public string? Language { get; set; }
}

internal sealed class ReminderRow
{
    public required string Id { get; set; }
    public required string PracticeId { get; set; }
    public required string PatientId { get; set; }
    public required string InstanceId { get; set; }
    public required string StepId { get; set; }
    public required string Template { get; set; }
    public string? Channel { get; set; }
    public DateTimeOffset SendAt { get; set; }
    public string Status { get; set; } = ReminderStatus.Queued;
    public string Language { get; set; } = "en";
    public string Data { get; set; } = "{}";

    // The delivery ledger: when it may go out (quiet hours move it), how many deliveries were started, the lease of
    // the one under way, and what came of it.
    public DateTimeOffset NotBefore { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset? LeaseUntil { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public string? SentBy { get; set; }
    public string? Outcome { get; set; }
    public string? TaskId { get; set; }
}

internal static class ReminderStatus
{
    public const string Queued = "queued";
    public const string Sending = "sending";
    public const string Sent = "sent";
    public const string CallList = "call-list";
}

/// <summary>How to reach a patient, and what they agreed to. PHI: never logged.</summary>
internal sealed class ContactRow
{
    public required string PracticeId { get; set; }
    public required string PatientId { get; set; }
    public string? FirstName { get; set; }
    public string? Phone { get; set; }
    public string? PhoneE164 { get; set; }
    public string? Email { get; set; }
    public string? PortalId { get; set; }
    public string? TimeZone { get; set; }
    public string? BestTime { get; set; }
    public string? UpdatedBy { get; set; }

    // Channels the patient consented to, comma-separated; and the opt-outs with when, how and by whom (JSON).
    public string Channels { get; set; } = "";
    public string OptOuts { get; set; } = "[]";
    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class GroupSessionRow
{
    public required string Id { get; set; }
    public required string PracticeId { get; set; }
    public required string Topic { get; set; }
    public string? Program { get; set; }
    public DateTimeOffset StartsAt { get; set; }
    public int Minutes { get; set; }
    public required string Place { get; set; }
    public int Capacity { get; set; }
    public string? Facilitator { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class GroupInvitationRow
{
    public required string PracticeId { get; set; }
    public required string SessionId { get; set; }
    public required string PatientId { get; set; }
    public DateTimeOffset InvitedAt { get; set; }
    public string? InvitedBy { get; set; }
    public required string Via { get; set; }
    public string? Rsvp { get; set; }
    public DateTimeOffset? RsvpAt { get; set; }
    public bool? Attended { get; set; }
    public DateTimeOffset? AttendanceAt { get; set; }
    public string? AttendanceBy { get; set; }
}

internal sealed class ListEntryRow
{
    public required string PracticeId { get; set; }
    public required string ListId { get; set; }
    public required string PatientId { get; set; }
    public DateTimeOffset At { get; set; }
    public string? By { get; set; }
    public required string InstanceId { get; set; }
}

/// <summary>
/// One row counting committed batches. Every batch raises it in its transaction, so a process that finds a value
/// other than the one it wrote last knows another process wrote patients in between (see <see cref="PatientStateCache"/>).
/// </summary>
internal sealed class StoreGenerationRow
{
    public int Id { get; set; }
    public long Value { get; set; }
}
