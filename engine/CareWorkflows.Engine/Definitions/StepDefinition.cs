using System.Text.Json.Serialization;
using CareWorkflows.Engine.Time;

namespace CareWorkflows.Engine.Definitions;

/// <summary>How urgent a task is on the worklist.</summary>
public enum TaskPriority
{
    /// <summary>Ordinary work.</summary>
    Routine,
    /// <summary>Ahead of routine work.</summary>
    High,
    /// <summary>Today.</summary>
    Urgent,
}

/// <summary>One step of a workflow. The kind is the subtype.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$kind")]
[JsonDerivedType(typeof(TaskStep), "task")]
[JsonDerivedType(typeof(OutreachStep), "outreach")]
[JsonDerivedType(typeof(ReminderStep), "reminder")]
[JsonDerivedType(typeof(WaitStep), "wait")]
[JsonDerivedType(typeof(DecideStep), "decide")]
[JsonDerivedType(typeof(RecordStep), "record")]
[JsonDerivedType(typeof(EscalateStep), "escalate")]
[JsonDerivedType(typeof(EndStep), "end")]
public abstract record StepDefinition(string Id, string? Title, SourceLocation At)
{
    /// <summary>Where the step goes next.</summary>
    public Routing Next { get; init; } = Routing.Following;

    /// <summary>The kind as written in YAML (task, outreach ...).</summary>
    [JsonIgnore]
    public abstract string Kind { get; }

    /// <summary>True when the step suspends the instance until a person, an event or time moves it on.</summary>
    [JsonIgnore]
    public virtual bool Waits => false;
}

/// <summary>Human work for a role, with a due, a form or script, and outcomes.</summary>
public sealed record TaskStep(string Id, string? Title, SourceLocation At, string Role) : StepDefinition(Id, Title, At)
{
    /// <summary>Time allowed; past it the task emits task.overdue once.</summary>
    public Duration? Due { get; init; }

    /// <summary>Form file, relative to the workflows folder.</summary>
    public string? Form { get; init; }

    /// <summary>Script file, relative to the workflows folder.</summary>
    public string? Script { get; init; }

    /// <summary>The outcomes staff may record.</summary>
    public IReadOnlyList<string> Outcomes { get; init; } = [];

    /// <summary>Worklist priority.</summary>
    public TaskPriority Priority { get; init; } = TaskPriority.Routine;

    /// <inheritdoc />
    public override string Kind => "task";

    /// <inheritdoc />
    public override bool Waits => true;
}

/// <summary>Repeated contact attempts at a cadence until the patient is reached or the attempts run out.</summary>
public sealed record OutreachStep(string Id, string? Title, SourceLocation At, string Role, int Attempts) : StepDefinition(Id, Title, At)
{
    /// <summary>The outcome when an attempt reaches the patient.</summary>
    public const string Reached = "reached";

    /// <summary>The outcome after the last failed attempt.</summary>
    public const string Exhausted = "exhausted";

    /// <summary>Time between attempts; null when <see cref="CadenceFromRules"/>.</summary>
    public Duration? Cadence { get; init; }

    /// <summary>True when the cadence rule set gives the days between attempts.</summary>
    public bool CadenceFromRules { get; init; }

    /// <summary>Time allowed for each attempt task.</summary>
    public Duration? Due { get; init; }

    /// <summary>Script file, relative to the workflows folder.</summary>
    public string? Script { get; init; }

    /// <summary>Form file, relative to the workflows folder.</summary>
    public string? Form { get; init; }

    /// <summary>Contact channel (phone, sms, email, letter, portal, in-person).</summary>
    public string? Channel { get; init; }

    /// <summary>A group-visit session every contact reinforces (e.g. next-group-visit).</summary>
    public string? Session { get; init; }

    /// <inheritdoc />
    public override string Kind => "outreach";

    /// <inheritdoc />
    public override bool Waits => true;
}

/// <summary>When a reminder goes out: <c>now</c>, or a duration before or after an anchor.</summary>
/// <param name="Offset">The duration; null for now.</param>
/// <param name="Before">True for before the anchor.</param>
/// <param name="Anchor">The anchor (catalog.yaml), e.g. appointment.start; null for now.</param>
public sealed record ReminderTime(Duration? Offset, bool Before, string? Anchor)
{
    /// <summary>Send as soon as the step is reached.</summary>
    public static ReminderTime Now { get; } = new(null, false, null);

    /// <inheritdoc />
    public override string ToString() => Anchor is null ? "now" : $"{Offset} {(Before ? "before" : "after")} {Anchor}";
}

/// <summary>An automated message to the patient.</summary>
public sealed record ReminderStep(string Id, string? Title, SourceLocation At, string Template, ReminderTime Time) : StepDefinition(Id, Title, At)
{
    /// <summary>Channel to use; null for the patient's preferred channel.</summary>
    public string? Channel { get; init; }

    /// <summary>Where the template is named, for the validator's language checks; not part of the stored definition.</summary>
    [JsonIgnore]
    public SourceLocation? TemplateAt { get; init; }

    /// <inheritdoc />
    public override string Kind => "reminder";
}

/// <summary>Waits for one of some event types, with an optional timeout.</summary>
public sealed record WaitStep(string Id, string? Title, SourceLocation At, IReadOnlyList<string> For) : StepDefinition(Id, Title, At)
{
    /// <summary>The outcome name when the timeout passes.</summary>
    public const string TimeoutOutcome = "timeout";

    /// <summary>How long to wait; null waits for ever.</summary>
    public Duration? Timeout { get; init; }

    /// <inheritdoc />
    public override string Kind => "wait";

    /// <inheritdoc />
    public override bool Waits => true;
}

/// <summary>One branch of a decide step.</summary>
public sealed record Branch(Condition When, StepRef Next);

/// <summary>Branches by rules or expressions, taking the first that holds.</summary>
public sealed record DecideStep(string Id, string? Title, SourceLocation At, IReadOnlyList<Branch> Branches, StepRef Otherwise) : StepDefinition(Id, Title, At)
{
    /// <inheritdoc />
    public override string Kind => "decide";
}

/// <summary>Puts the patient on a registry list, or sets a fact.</summary>
public sealed record RecordStep(string Id, string? Title, SourceLocation At) : StepDefinition(Id, Title, At)
{
    /// <summary>The registry list (catalog.yaml), if this step records on a list.</summary>
    public string? List { get; init; }

    /// <summary>The fact to set, if this step sets a fact.</summary>
    public string? Fact { get; init; }

    /// <summary>The value to set the fact to.</summary>
    public string? Value { get; init; }

    /// <inheritdoc />
    public override string Kind => "record";
}

/// <summary>A priority task for a role, with the reason.</summary>
public sealed record EscalateStep(string Id, string? Title, SourceLocation At, string Role, string Reason) : StepDefinition(Id, Title, At)
{
    /// <summary>Time allowed to act on the escalation.</summary>
    public Duration? Due { get; init; }

    /// <summary>Worklist priority; high unless written.</summary>
    public TaskPriority Priority { get; init; } = TaskPriority.High;

    /// <inheritdoc />
    public override string Kind => "escalate";
}

/// <summary>Ends the instance.</summary>
public sealed record EndStep(string Id, string? Title, SourceLocation At) : StepDefinition(Id, Title, At)
{
    /// <summary>Why the instance ends, for the timeline.</summary>
    public string? Reason { get; init; }

    /// <inheritdoc />
    public override string Kind => "end";
}
