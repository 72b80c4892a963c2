using System.Globalization;
using System.Text;
using CareWorkflows.Engine.Definitions;

namespace CareWorkflows.Engine.Diagrams;

/// <summary>Draws a workflow as a Mermaid flowchart: one node per step, one edge per route, shaped by kind.</summary>
public static class MermaidDiagram
{
    /// <summary>The Mermaid node id of a step ("end" and hyphens are not safe as Mermaid ids).</summary>
    public static string NodeId(string stepId)
    {
        ArgumentNullException.ThrowIfNull(stepId);
        return "s_" + stepId.Replace('-', '_');
    }

    /// <summary>The flowchart text.</summary>
    public static string Render(WorkflowDefinition workflow)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        var text = new StringBuilder();
        text.AppendLine("flowchart TD");
        text.AppendLine(CultureInfo.InvariantCulture, $"  start([\"{Escape($"{workflow.Title} (v{workflow.Version})")}<br/>starts on {Escape(workflow.StartsOn)}{(workflow.When is null ? "" : $"<br/>when {Escape(workflow.When.Text)}")}\"])");
        text.AppendLine(CultureInfo.InvariantCulture, $"  start --> {NodeId(workflow.Steps[0].Id)}");
        foreach (var step in workflow.Steps)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {Node(step)}");
        }

        var usesEnd = false;
        foreach (var step in workflow.Steps)
        {
            foreach (var (label, target) in Edges(workflow, step))
            {
                usesEnd |= target == StepRef.End;
                var to = target == StepRef.End ? "finish" : NodeId(target);
                var arrow = label is null ? "-->" : $"-->|{Escape(label)}|";
                text.AppendLine(CultureInfo.InvariantCulture, $"  {NodeId(step.Id)} {arrow} {to}");
            }
        }

        if (usesEnd)
        {
            text.AppendLine("  finish([end])");
        }

        text.AppendLine("  classDef escalate fill:#fde2e1,stroke:#b42318,color:#7a271a");
        text.AppendLine("  classDef wait fill:#eef4ff,stroke:#3538cd");
        foreach (var step in workflow.Steps.Where(s => s is EscalateStep or WaitStep))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  class {NodeId(step.Id)} {(step is EscalateStep ? "escalate" : "wait")}");
        }

        return text.ToString();
    }

    /// <summary>The labelled edges leaving a step: (outcome or null, target step id or "end").</summary>
    public static IEnumerable<(string? Label, string Target)> Edges(WorkflowDefinition workflow, StepDefinition step)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        ArgumentNullException.ThrowIfNull(step);
        var edges = new List<(string?, string)>();
        switch (step)
        {
            case EndStep:
                break;
            case DecideStep decide:
                edges.AddRange(decide.Branches.Select(b => ((string?)b.When.Text, b.Next.Id)));
                edges.Add(("otherwise", decide.Otherwise.Id));
                break;
            default:
                edges.AddRange(step.Next.ByOutcome.Select(r => ((string?)r.Key, r.Value.Id)));
                if (step.Next.Always is { } always)
                {
                    edges.Add((null, always.Id));
                }
                else if (WorkflowGraph.FallsThrough(step))
                {
                    edges.Add((step.Next.ByOutcome.Count == 0 ? null : "otherwise", workflow.NextAfter(step, null)));
                }

                break;
        }

        return edges.Distinct();
    }

    private static string Node(StepDefinition step)
    {
        var label = Escape($"{step.Id}: {step.Title ?? step.Kind}") + "<br/>" + Escape(Detail(step));
        var id = NodeId(step.Id);
        return step switch
        {
            TaskStep => $"{id}[\"{label}\"]",
            OutreachStep => $"{id}[[\"{label}\"]]",
            ReminderStep => $"{id}>\"{label}\"]",
            WaitStep => $"{id}{{{{\"{label}\"}}}}",
            DecideStep => $"{id}{{\"{label}\"}}",
            RecordStep => $"{id}[/\"{label}\"/]",
            EscalateStep => $"{id}[\\\"{label}\"\\]",
            _ => $"{id}([\"{label}\"])",
        };
    }

    private static string Detail(StepDefinition step) => step switch
    {
        TaskStep t => Join("task", t.Role, t.Due is null ? null : $"due {t.Due}"),
        OutreachStep o => Join("outreach", o.Role, $"{o.Attempts} attempts", o.CadenceFromRules ? "cadence by rules" : o.Cadence is null ? null : $"every {o.Cadence}"),
        ReminderStep r => Join("reminder", r.Template, r.Time.ToString()),
        WaitStep w => Join($"wait for {string.Join(" or ", w.For)}", w.Timeout is null ? null : $"timeout {w.Timeout}"),
        DecideStep => "decide",
        RecordStep r => r.List is not null ? $"record on list {r.List}" : $"set {r.Fact} = {r.Value}",
        EscalateStep e => Join("escalate", e.Role, e.Reason),
        EndStep e => Join("end", e.Reason),
        _ => step.Kind,
    };

    private static string Join(params string?[] parts) => string.Join(" · ", parts.Where(p => !string.IsNullOrEmpty(p)));

    // Mermaid labels in quotes: entity codes stand in for the characters that would end the label.
    private static string Escape(string text) =>
        text.Replace("\"", "#quot;", StringComparison.Ordinal).Replace("|", "#124;", StringComparison.Ordinal)
            .Replace("<", "#lt;", StringComparison.Ordinal).Replace(">", "#gt;", StringComparison.Ordinal);
}
