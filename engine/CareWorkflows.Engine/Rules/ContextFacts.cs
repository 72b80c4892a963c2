namespace CareWorkflows.Engine.Rules;

/// <summary>
/// What the rules may know about the running workflow. Rule expressions read it as <c>context</c>.
/// The clock is passed in here so that no expression needs the wall clock.
/// </summary>
public sealed record ContextFacts
{
    /// <summary>The engine's current time (from its TimeProvider).</summary>
    public DateTimeOffset Now { get; init; }

    /// <summary>The program the decision is made for (ccm, diabetes-high-risk ...), if any.</summary>
    public string Program { get; init; } = "";

    /// <summary>Contact attempts made so far in the current outreach.</summary>
    public int Attempts { get; init; }

    /// <summary>Consecutive failed contact attempts.</summary>
    public int FailedAttempts { get; init; }

    /// <summary>Outcome of the last contact attempt (reached, not-reached, declined ...), empty when none.</summary>
    public string LastOutcome { get; init; } = "";

    /// <summary>Days since the patient was enrolled in the program; -1 when not enrolled.</summary>
    public int DaysSinceEnrollment { get; init; } = -1;

    /// <summary>ED visits since enrollment.</summary>
    public int EdVisitsSinceEnrollment { get; init; }

    /// <summary>Business days since discharge, for transitions of care; -1 when there is no discharge.</summary>
    public int BusinessDaysSinceDischarge { get; init; } = -1;

    /// <summary>True when the post-discharge interactive contact was made.</summary>
    public bool TcmContactMade { get; init; }
}
