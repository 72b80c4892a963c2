namespace CareWorkflows.Engine.Runtime;

/// <summary>What a timer does when it fires.</summary>
public enum TimerPurpose
{
    /// <summary>A task's due passes.</summary>
    Due,
    /// <summary>A wait step's timeout passes.</summary>
    Timeout,
    /// <summary>A reminder's send time comes.</summary>
    Send,
}

/// <summary>
/// A durable timer, written in the same transaction as the state that asked for it. Its id is
/// (instance, step, attempt, purpose), so asking twice stores it once and firing twice has one effect.
/// </summary>
public sealed record TimerRequest(string PracticeId, string PatientId, string InstanceId, string StepId, int Attempt, TimerPurpose Purpose, DateTimeOffset DueAt)
{
    /// <summary>The timer's id.</summary>
    public string Id => KeyFor(InstanceId, StepId, Attempt, Purpose);

    /// <summary>The id of the timer for an instance, step, attempt and purpose.</summary>
    public static string KeyFor(string instanceId, string stepId, int attempt, TimerPurpose purpose) =>
        $"{instanceId}/{stepId}/{attempt}/{purpose.ToString().ToLowerInvariant()}";
}
