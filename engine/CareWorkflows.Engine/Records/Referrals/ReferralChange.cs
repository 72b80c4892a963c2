namespace CareWorkflows.Engine.Records.Referrals;

/// <summary>Where a referral stands: sent, then scheduled, then completed; or lost (cancelled, declined, no-show) on the way.</summary>
public enum ReferralStatus
{
    /// <summary>Sent to the specialist or community organization.</summary>
    Sent,
    /// <summary>The receiving provider booked the patient.</summary>
    Scheduled,
    /// <summary>The visit took place and the report came back: the loop is closed.</summary>
    Completed,
    /// <summary>Cancelled, declined or missed: the loop closed without the visit.</summary>
    Lost,
}

/// <summary>
/// A referral event turned into a change of the referral's record (<c>referral.sent</c>, <c>referral.scheduled</c>,
/// <c>referral.completed</c>, <c>referral.cancelled</c>). The record is written as an upsert: a sent referral is
/// created, later events move its status forward (never back from completed or lost) and fill in their times.
/// </summary>
public sealed record ReferralChange
{
    /// <summary>The practice.</summary>
    public required string PracticeId { get; init; }

    /// <summary>The patient.</summary>
    public required string PatientId { get; init; }

    /// <summary>The referral's id within the patient (data <c>referral</c>; a sent referral without one takes its event id).</summary>
    public required string ReferralId { get; init; }

    /// <summary>The status the event moves the referral to.</summary>
    public required ReferralStatus Status { get; init; }

    /// <summary>When the event happened.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>specialty, community or behavioral-health (sent only).</summary>
    public string? Kind { get; init; }

    /// <summary>The specialty or the organization referred to (sent only).</summary>
    public string? To { get; init; }

    /// <summary>Why: the reason for the referral (sent) or for losing it (cancelled).</summary>
    public string? Reason { get; init; }

    /// <summary>When the referral appointment is (scheduled only), if given.</summary>
    public DateTimeOffset? AppointmentAt { get; init; }

    /// <summary>The staff member who recorded it.</summary>
    public string? By { get; init; }

    /// <summary>The event; for a sent referral it names the referral-tracking instance the event started.</summary>
    public required string EventId { get; init; }
}
