using CareWorkflows.Engine.Rules;

namespace CareWorkflows.Engine.Definitions;

/// <summary>Everything loaded from the workflows and rules folders, checked and compiled.</summary>
public sealed record DefinitionSet
{
    /// <summary>Roles, programs, lists, events, anchors, forms, scripts and templates.</summary>
    public required Catalog Catalog { get; init; }

    /// <summary>The standard workflows (Practice null) and the practice overlays, each merged onto its standard.</summary>
    public required IReadOnlyList<WorkflowDefinition> Workflows { get; init; }

    /// <summary>Forms by id.</summary>
    public required IReadOnlyDictionary<string, FormDefinition> Forms { get; init; }

    /// <summary>Practice settings by id (practices/&lt;id&gt;/practice.yaml).</summary>
    public IReadOnlyDictionary<string, PracticeSettings> Practices { get; init; } = new Dictionary<string, PracticeSettings>();

    /// <summary>A practice's settings, or UTC defaults for a practice without practice.yaml.</summary>
    public PracticeSettings Practice(string id) => Practices.GetValueOrDefault(id) ?? PracticeSettings.Default(id);

    /// <summary>The reminder templates, parsed and checked.</summary>
    public Reminders.TemplateSet Templates { get; init; } = Reminders.TemplateSet.Empty;

    /// <summary>The compiled rule sets.</summary>
    public required RuleSetEvaluator Rules { get; init; }

    /// <summary>The standard workflows.</summary>
    public IEnumerable<WorkflowDefinition> Standards => Workflows.Where(w => w.Practice is null);

    /// <summary>The workflow a practice runs: its overlay if it has one, else the standard; null if no such workflow.</summary>
    public WorkflowDefinition? WorkflowFor(string id, string? practice) =>
        Workflows.FirstOrDefault(w => w.Id == id && w.Practice == practice && practice is not null)
        ?? Workflows.FirstOrDefault(w => w.Id == id && w.Practice is null);

    /// <summary>The workflows a practice runs, one per id.</summary>
    public IEnumerable<WorkflowDefinition> WorkflowsFor(string? practice) =>
        Standards.Select(s => WorkflowFor(s.Id, practice)!);
}
