using CareWorkflows.Engine.Definitions;

namespace CareWorkflows.Engine.Diff;

/// <summary>Compares two versions of a workflow step by step and says what changed in plain words.</summary>
internal static class WorkflowDiff
{
    public static IEnumerable<DiffLine> Compare(WorkflowDefinition? before, WorkflowDefinition? after)
    {
        var subject = Subject(before ?? after ?? throw new ArgumentException("Give at least one workflow."));
        if (before is null)
        {
            yield return new(subject, null, DiffKind.Added, $"workflow '{after!.Id}' added: {after.Title}; starts on {after.StartsOn}; {after.Steps.Count} steps");
            yield break;
        }

        if (after is null)
        {
            yield return new(subject, null, DiffKind.Removed, $"workflow '{before.Id}' removed");
            yield break;
        }

        foreach (var (name, a, b) in WorkflowFields(before, after))
        {
            if (a != b)
            {
                yield return new(subject, null, DiffKind.Changed, Changed($"workflow '{after.Id}' {name}", a, b));
            }
        }

        foreach (var step in after.Steps.Where(s => before.Step(s.Id) is null))
        {
            yield return new(subject, step.Id, DiffKind.Added, $"step '{step.Id}' added: {Describe(step)}");
        }

        foreach (var step in before.Steps.Where(s => after.Step(s.Id) is null))
        {
            yield return new(subject, step.Id, DiffKind.Removed, $"step '{step.Id}' removed (was {Describe(step)})");
        }

        foreach (var b in after.Steps)
        {
            if (before.Step(b.Id) is not { } a)
            {
                continue;
            }

            if (a.Kind != b.Kind)
            {
                yield return new(subject, b.Id, DiffKind.Changed, $"step '{b.Id}' changed from {Article(a.Kind)} to {Article(b.Kind)}: now {Describe(b)}");
                continue;
            }

            foreach (var (field, x, y) in Fields(a).Zip(Fields(b), (x, y) => (x.Name, x.Value, y.Value)))
            {
                if (x != y)
                {
                    yield return new(subject, b.Id, DiffKind.Changed, Changed($"step '{b.Id}' {field}", x, y));
                }
            }

            foreach (var line in Routes(subject, a, b, before, after))
            {
                yield return line;
            }
        }
    }

    public static string Subject(WorkflowDefinition workflow)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        return workflow.Practice is null ? workflow.Id : $"{workflow.Id} (practice {workflow.Practice})";
    }

    internal static string Changed(string what, string? from, string? to) =>
        from is null ? $"{what} set to {to}" : to is null ? $"{what} removed (was {from})" : $"{what} changed from {from} to {to}";

    private static IEnumerable<(string Name, string? Before, string? After)> WorkflowFields(WorkflowDefinition a, WorkflowDefinition b) =>
    [
        ("version", Text(a.Version), Text(b.Version)),
        ("title", a.Title, b.Title),
        ("phase", a.Phase.ToString(), b.Phase.ToString()),
        ("programs", List(a.Programs) ?? "every patient", List(b.Programs) ?? "every patient"),
        ("starts on", a.StartsOn, b.StartsOn),
        ("condition (when)", a.When?.Text, b.When?.Text),
        ("if running", a.IfRunning.ToString().ToLowerInvariant(), b.IfRunning.ToString().ToLowerInvariant()),
        ("locked fields", List(a.Locked), List(b.Locked)),
    ];

    private static IEnumerable<(string Name, string? Value)> Fields(StepDefinition step) => step switch
    {
        TaskStep t => [("title", t.Title), ("role", t.Role), ("due", t.Due?.ToString()), ("outcomes", List(t.Outcomes)), ("priority", Lower(t.Priority)), ("script", t.Script), ("form", t.Form)],
        OutreachStep o => [("title", o.Title), ("role", o.Role), ("attempts", Text(o.Attempts)), ("cadence", o.CadenceFromRules ? "the cadence rules" : o.Cadence?.ToString()), ("due of the first attempt", o.Due?.ToString()), ("channel", o.Channel), ("script", o.Script), ("form", o.Form)],
        ReminderStep r => [("title", r.Title), ("template", r.Template), ("time", r.Time.ToString()), ("channel", r.Channel)],
        WaitStep w => [("title", w.Title), ("waits for", List(w.For)), ("timeout", w.Timeout?.ToString() ?? "none (waits for ever)")],
        DecideStep d => [("title", d.Title), ("branches", string.Join("; ", d.Branches.Select(x => $"when {x.When.Text} go to '{x.Next.Id}'"))), ("otherwise", $"'{d.Otherwise.Id}'")],
        RecordStep r => [("title", r.Title), ("list", r.List), ("fact", r.Fact is null ? null : $"{r.Fact} = {r.Value}")],
        EscalateStep e => [("title", e.Title), ("role", e.Role), ("reason", e.Reason), ("due", e.Due?.ToString()), ("priority", Lower(e.Priority))],
        EndStep e => [("title", e.Title), ("reason", e.Reason)],
        _ => [],
    };

    private static IEnumerable<DiffLine> Routes(string subject, StepDefinition a, StepDefinition b, WorkflowDefinition before, WorkflowDefinition after)
    {
        var outcomes = a.Next.ByOutcome.Keys.Concat(b.Next.ByOutcome.Keys).Distinct().Order(StringComparer.Ordinal);
        foreach (var outcome in outcomes)
        {
            var x = a.Next.ByOutcome.GetValueOrDefault(outcome)?.Id;
            var y = b.Next.ByOutcome.GetValueOrDefault(outcome)?.Id;
            if (x != y)
            {
                yield return new(subject, b.Id, DiffKind.Changed, x is null ? $"step '{b.Id}' now goes to '{y}' when {outcome}"
                    : y is null ? $"step '{b.Id}' no longer goes to '{x}' when {outcome}"
                    : $"step '{b.Id}' after {outcome} goes to '{y}' instead of '{x}'");
            }
        }

        // The plain next: written, or the step listed after it (an inserted step changes where a step goes).
        var plainBefore = a.Next.ByOutcome.Count == 0 || a.Next.Always is not null ? before.NextAfter(a, null) : null;
        var plainAfter = b.Next.ByOutcome.Count == 0 || b.Next.Always is not null ? after.NextAfter(b, null) : null;
        if (plainBefore != plainAfter && plainBefore is not null && plainAfter is not null && !b.Waits)
        {
            yield return new(subject, b.Id, DiffKind.Changed, $"step '{b.Id}' next goes to '{plainAfter}' instead of '{plainBefore}'");
        }
    }

    private static string Describe(StepDefinition step) => step switch
    {
        TaskStep t => $"a task for {t.Role}{(t.Due is null ? "" : $", due {t.Due}")} ({t.Title})",
        OutreachStep o => $"an outreach by {o.Role}, {o.Attempts} attempts, cadence {(o.CadenceFromRules ? "from the cadence rules" : o.Cadence?.ToString())} ({o.Title})",
        ReminderStep r => $"a reminder '{r.Template}' {r.Time}",
        WaitStep w => $"a wait for {List(w.For)}{(w.Timeout is null ? "" : $", timeout {w.Timeout}")}",
        DecideStep d => $"a decision with {d.Branches.Count} branches",
        RecordStep r => r.List is not null ? $"a record on the list '{r.List}'" : $"a record setting {r.Fact} = {r.Value}",
        EscalateStep e => $"an escalation to {e.Role}: {e.Reason}",
        EndStep => "the end",
        _ => Article(step.Kind),
    };

    private static string Article(string kind) => (kind.StartsWith('e') || kind.StartsWith('o') ? "an " : "a ") + kind;

    private static string? List(IReadOnlyList<string> values) => values.Count == 0 ? null : string.Join(", ", values);

    private static string Text(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Lower(TaskPriority priority) => priority.ToString().ToLowerInvariant();
}
