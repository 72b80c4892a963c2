namespace CareWorkflows.Engine.Definitions;

/// <summary>The phase of care a workflow belongs to.</summary>
public enum WorkflowPhase
{
    /// <summary>Before a scheduled visit.</summary>
    PreVisit,
    /// <summary>During the visit.</summary>
    Visit,
    /// <summary>Between visits.</summary>
    BetweenVisits,
    /// <summary>After a discharge or ED visit.</summary>
    TransitionOfCare,
}

/// <summary>What a start event does when the patient already runs the workflow.</summary>
public enum IfRunning
{
    /// <summary>The running instance goes on; no new one starts (program workflows).</summary>
    Keep,
    /// <summary>The running instance ends, its open tasks are cancelled, and a new one starts (a new discharge).</summary>
    Replace,
    /// <summary>A new instance starts beside it (one per appointment or referral).</summary>
    Parallel,
}

/// <summary>A loaded, checked workflow definition (one version of it).</summary>
public sealed record WorkflowDefinition
{
    /// <summary>The kebab-case id.</summary>
    public required string Id { get; init; }

    /// <summary>The version; instances keep the version they started on.</summary>
    public required int Version { get; init; }

    /// <summary>A title for people.</summary>
    public required string Title { get; init; }

    /// <summary>Optional free text.</summary>
    public string? Description { get; init; }

    /// <summary>The phase of care.</summary>
    public required WorkflowPhase Phase { get; init; }

    /// <summary>Programs served; empty means every patient of the practice.</summary>
    public IReadOnlyList<string> Programs { get; init; } = [];

    /// <summary>The event type that starts an instance.</summary>
    public required string StartsOn { get; init; }

    /// <summary>What a start event does when the patient already runs this workflow.</summary>
    public IfRunning IfRunning { get; init; } = IfRunning.Keep;

    /// <summary>Optional guard evaluated against the starting event.</summary>
    public Condition? When { get; init; }

    /// <summary>Fields practices may not change in overlays, as <c>steps.&lt;id&gt;.&lt;field&gt;</c> or a top-level key.</summary>
    public IReadOnlyList<string> Locked { get; init; } = [];

    /// <summary>The steps, in the order written; the first is where an instance starts.</summary>
    public required IReadOnlyList<StepDefinition> Steps { get; init; }

    /// <summary>The practice this version belongs to, for a practice overlay; null for the standard.</summary>
    public string? Practice { get; init; }

    /// <summary>For a practice overlay: the fields it changes from the standard, in the order written.</summary>
    public IReadOnlyList<OverlayChange> OverlayChanges { get; init; } = [];

    /// <summary>Where the workflow was defined.</summary>
    public required SourceLocation At { get; init; }

    /// <summary>The step with this id, or null.</summary>
    public StepDefinition? Step(string id) => Steps.FirstOrDefault(s => s.Id == id);

    /// <summary>
    /// The id of the step that follows <paramref name="step"/> after <paramref name="outcome"/>, or
    /// <see cref="StepRef.End"/>: the outcome's route, else (for a task) the route of 'completed', else the step's plain next, else the step listed after it.
    /// </summary>
    public string NextAfter(StepDefinition step, string? outcome)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (outcome is not null && step.Next.ByOutcome.TryGetValue(outcome, out var routed))
        {
            return routed.Id;
        }

        if (step is TaskStep && outcome is not (null or "overdue") && step.Next.ByOutcome.TryGetValue("completed", out var completed))
        {
            return completed.Id;
        }

        if (step.Next.Always is { } always)
        {
            return always.Id;
        }

        var index = Steps.ToList().IndexOf(step);
        return index >= 0 && index + 1 < Steps.Count ? Steps[index + 1].Id : StepRef.End;
    }
}

/// <summary>A guard: the name of a rule in rules/, or a one-line expression.</summary>
/// <param name="Text">As written.</param>
/// <param name="At">Where it was written.</param>
public sealed record Condition(string Text, SourceLocation At);

/// <summary>A reference to a step, as written in next, branches or otherwise.</summary>
/// <param name="Id">The step id, or <see cref="End"/>.</param>
/// <param name="At">Where the reference was written.</param>
public sealed record StepRef(string Id, SourceLocation At)
{
    /// <summary>The reserved target that ends the instance.</summary>
    public const string End = "end";
}

/// <summary>Where a step goes next: one step whatever happens, and/or one step per outcome.</summary>
public sealed record Routing(StepRef? Always, IReadOnlyDictionary<string, StepRef> ByOutcome)
{
    /// <summary>No next written: the step goes on to the step listed after it.</summary>
    public static Routing Following { get; } = new(null, new Dictionary<string, StepRef>());

    /// <summary>Every step reference written.</summary>
    public IEnumerable<StepRef> Targets => Always is null ? ByOutcome.Values : ByOutcome.Values.Append(Always);
}

/// <summary>One field a practice overlay changes: its path (<c>title</c>, <c>steps.contact.due</c>) and both values as written.</summary>
public sealed record OverlayChange(string Field, string? Standard, string Overlay)
{
    /// <inheritdoc />
    public override string ToString() => $"{Field}: {Standard ?? "(not set)"} -> {Overlay}";
}
