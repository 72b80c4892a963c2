using CareWorkflows.Engine.Records.Interactions;
using CareWorkflows.Engine.Records.Referrals;

namespace CareWorkflows.Engine.Persistence;

// Storage shapes of the care records (interactions, referrals, care-plan goals, contact details, care managers).
// Like every row, each carries its practice.

internal sealed class InteractionRow
{
    public required string Id { get; set; }
    public required string PracticeId { get; set; }
    public required string PatientId { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Month { get; set; }
    public required string Channel { get; set; }
    public string? Outcome { get; set; }
    public string Obstacles { get; set; } = "";
    public int Minutes { get; set; }
    public string? StaffId { get; set; }
    public string? Role { get; set; }
    public bool FaceToFace { get; set; }
    public string? TaskId { get; set; }
    public string? WorkflowId { get; set; }
    public string? StepId { get; set; }
    public string? Form { get; set; }
    public string? Note { get; set; }
    public required string EventId { get; set; }
}

internal sealed class ReferralRow
{
    public required string PracticeId { get; set; }
    public required string PatientId { get; set; }
    public required string ReferralId { get; set; }
    public required string Status { get; set; }
    public string? Kind { get; set; }
    public string? ReferredTo { get; set; }
    public string? Reason { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public DateTimeOffset? ScheduledAt { get; set; }
    public DateTimeOffset? AppointmentAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public DateTimeOffset? LostAt { get; set; }
    public string? LostReason { get; set; }
    public string? SentEventId { get; set; }
    public string? By { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class CareGoalRow
{
    public required string PracticeId { get; set; }
    public required string PatientId { get; set; }
    public required string GoalId { get; set; }
    public required string Goal { get; set; }
    public string Barriers { get; set; } = "[]";
    public int Confidence { get; set; }
    public string? FollowUpPlan { get; set; }
    public required string Status { get; set; }
    public DateOnly SetOn { get; set; }
    public string? SetBy { get; set; }
    public DateOnly? AttainedOn { get; set; }
    public string? SuccessStory { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string? UpdatedBy { get; set; }
}

internal sealed class CareManagerRow
{
    public required string PracticeId { get; set; }
    public required string PatientId { get; set; }
    public required string StaffId { get; set; }
    public DateTimeOffset Since { get; set; }
    public string? By { get; set; }
}

/// <summary>Between the care records the runtime makes and their rows.</summary>
internal static class RecordRows
{
    public static InteractionRow NewRow(Interaction interaction) => new()
    {
        Id = interaction.Id,
        PracticeId = interaction.PracticeId,
        PatientId = interaction.PatientId,
        At = interaction.At,
        Month = interaction.Month,
        Channel = interaction.Channel,
        Outcome = interaction.Outcome,
        Obstacles = string.Join(',', interaction.Obstacles),
        Minutes = interaction.Minutes,
        StaffId = interaction.StaffId,
        Role = interaction.Role,
        FaceToFace = interaction.FaceToFace,
        TaskId = interaction.TaskId,
        WorkflowId = interaction.WorkflowId,
        StepId = interaction.StepId,
        Form = interaction.Form,
        Note = interaction.Note,
        EventId = interaction.EventId,
    };

    public static Interaction ToRecord(InteractionRow row) => new()
    {
        Id = row.Id,
        PracticeId = row.PracticeId,
        PatientId = row.PatientId,
        At = row.At,
        Month = row.Month,
        Channel = row.Channel,
        Outcome = row.Outcome,
        Obstacles = Interaction.ParseObstacles(row.Obstacles),
        Minutes = row.Minutes,
        StaffId = row.StaffId,
        Role = row.Role,
        FaceToFace = row.FaceToFace,
        TaskId = row.TaskId,
        WorkflowId = row.WorkflowId,
        StepId = row.StepId,
        Form = row.Form,
        Note = row.Note,
        EventId = row.EventId,
    };

    /// <summary>The row a referral change upserts; only the time of its own status is set.</summary>
    public static ReferralRow NewRow(ReferralChange change) => new()
    {
        PracticeId = change.PracticeId,
        PatientId = change.PatientId,
        ReferralId = change.ReferralId,
        Status = StatusText(change.Status),
        Kind = change.Kind,
        ReferredTo = change.To,
        Reason = change.Status == ReferralStatus.Lost ? null : change.Reason,
        SentAt = change.Status == ReferralStatus.Sent ? change.At : null,
        ScheduledAt = change.Status == ReferralStatus.Scheduled ? change.At : null,
        AppointmentAt = change.AppointmentAt,
        CompletedAt = change.Status == ReferralStatus.Completed ? change.At : null,
        LostAt = change.Status == ReferralStatus.Lost ? change.At : null,
        LostReason = change.Status == ReferralStatus.Lost ? change.Reason : null,
        SentEventId = change.Status == ReferralStatus.Sent ? change.EventId : null,
        By = change.By,
        UpdatedAt = change.At,
    };

    public static string StatusText(ReferralStatus status) => status.ToString().ToLowerInvariant();
}
