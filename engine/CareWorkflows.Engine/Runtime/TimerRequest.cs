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
/// (instance, step visit, attempt, purpose), so asking twice stores it once and firing twice has one effect.
/// </summary>
/// <param name="PracticeId">The practice.</param>
/// <param name="PatientId">The patient.</param>
/// <param name="InstanceId">The instance that asked for it.</param>
/// <param name="StepKey">The step and the visit of it (<see cref="InstanceState.StepKey"/>).</param>
/// <param name="Attempt">The attempt at the step.</param>
/// <param name="Purpose">What it does when it fires.</param>
/// <param name="DueAt">When it fires.</param>
public sealed record TimerRequest(string PracticeId, string PatientId, string InstanceId, string StepKey, int Attempt, TimerPurpose Purpose, DateTimeOffset DueAt)
{
    /// <summary>The timer's id.</summary>
    public string Id => $"{InstanceId}/{StepKey}/{Attempt}/{Purpose.ToString().ToLowerInvariant()}";
}
