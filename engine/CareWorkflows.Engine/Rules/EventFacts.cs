namespace CareWorkflows.Engine.Rules;

/// <summary>What the rules may know about the event being handled. Rule expressions read it as <c>event</c>.</summary>
public sealed record EventFacts
{
    /// <summary>The event type, e.g. patient.discharged.</summary>
    public string Type { get; init; } = "";

    /// <summary>Care setting of an encounter: inpatient, emergency, observation, ambulatory.</summary>
    public string Setting { get; init; } = "";

    /// <summary>Discharge disposition: home, snf, home-health, expired ...</summary>
    public string Disposition { get; init; } = "";

    /// <summary>Outcome recorded on a completed task (reached, not-reached ...).</summary>
    public string Outcome { get; init; } = "";

    /// <summary>The workflow step an event refers to, for task.completed and timer.fired.</summary>
    public string Step { get; init; } = "";

    /// <summary>Minutes of staff time recorded with the event.</summary>
    public int Minutes { get; init; }

    /// <summary>Further event fields by name, as text.</summary>
    public IReadOnlyDictionary<string, string> Data { get; init; } = new Dictionary<string, string>();
}
