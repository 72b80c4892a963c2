using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Records.Billing;
using CareWorkflows.Engine.Runtime;

namespace CareWorkflows.Engine.WhatIf;

/// <summary>One side of a what-if: a loaded definition set with its runtime, and what the report reads from it.</summary>
internal sealed class WhatIfSide
{
    public const string CcmProgram = "ccm";

    private readonly HashSet<(string Workflow, string Step)> _tcmContacts;

    /// <param name="name">current or changed.</param>
    /// <param name="definitions">The loaded set.</param>
    /// <param name="rulesDirectory">Its rules folder, for rules/codes/billing.yaml.</param>
    public WhatIfSide(string name, DefinitionSet definitions, string rulesDirectory)
    {
        Name = name;
        Definitions = definitions;
        Runtime = new WorkflowRuntime(new DefinitionHistory(definitions));
        var billing = BillingRules.ForRules(rulesDirectory);
        CcmMinutes = billing.TimePrograms.FirstOrDefault(p => p.Program == CcmProgram)?.Base.Minutes ?? 20;
        // The TCM deadline is the first piece of human work of a workflow that starts on a discharge in the transition-of-care phase.
        _tcmContacts = [.. definitions.Workflows
            .Where(w => w.Phase == WorkflowPhase.TransitionOfCare && w.StartsOn == "patient.discharged")
            .Select(w => (Workflow: w.Id, Step: w.Steps.FirstOrDefault(s => s is TaskStep or OutreachStep)?.Id))
            .Where(p => p.Step is not null)
            .Select(p => (p.Workflow, p.Step!))];
    }

    public string Name { get; }

    public DefinitionSet Definitions { get; }

    public WorkflowRuntime Runtime { get; }

    /// <summary>Clinical-staff minutes a month that make a CCM patient billable (99490).</summary>
    public int CcmMinutes { get; }

    public bool IsTcmDeadline(CareTask task) => _tcmContacts.Contains((task.WorkflowId, task.StepId));

    public bool IsClinical(string? role) => role is not null && Definitions.Catalog.Roles.TryGetValue(role, out var r) && r.Clinical;
}
