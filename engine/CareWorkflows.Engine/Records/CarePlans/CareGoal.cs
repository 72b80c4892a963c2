namespace CareWorkflows.Engine.Records.CarePlans;

/// <summary>
/// One goal of a patient's care plan, a working document (seed 002): the goal in the patient's words, the barriers,
/// how confident the patient is (1 to 10), the follow-up plan, and where the goal stands. An attained goal has its
/// attainment date and may carry a short success story to share at the care-team meeting.
/// </summary>
internal sealed record CareGoal
{
    /// <summary>The goal statuses.</summary>
    public static readonly IReadOnlyList<string> Statuses = [Active, Attained, NotAttained, Discontinued];

    /// <summary>Being worked on.</summary>
    public const string Active = "active";

    /// <summary>Reached (has an attainment date).</summary>
    public const string Attained = "attained";

    /// <summary>Not reached; the plan is revised with a new goal.</summary>
    public const string NotAttained = "not-attained";

    /// <summary>No longer pursued.</summary>
    public const string Discontinued = "discontinued";

    public required string Id { get; init; }

    public required string PatientId { get; init; }

    public required string Goal { get; init; }

    public IReadOnlyList<string> Barriers { get; init; } = [];

    /// <summary>The patient's confidence that they can reach the goal, 1 (not at all) to 10 (fully).</summary>
    public int Confidence { get; init; }

    public string? FollowUpPlan { get; init; }

    public required string Status { get; init; }

    public DateOnly SetOn { get; init; }

    public string? SetBy { get; init; }

    public DateOnly? AttainedOn { get; init; }

    public string? SuccessStory { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public string? UpdatedBy { get; init; }
}

/// <summary>What staff send to set or revise a goal; every field optional on a revision.</summary>
internal sealed record CareGoalRequest
{
    public string? Goal { get; init; }

    public IReadOnlyList<string>? Barriers { get; init; }

    public int? Confidence { get; init; }

    public string? FollowUpPlan { get; init; }

    public string? Status { get; init; }

    public string? SetOn { get; init; }

    public string? AttainedOn { get; init; }

    public string? SuccessStory { get; init; }

    public string? By { get; init; }
}
