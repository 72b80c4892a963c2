using CareWorkflows.Engine.Definitions;

namespace CareWorkflows.Engine.Diff;

/// <summary>
/// The difference between two definition sets (or two versions of one workflow or rule set), structurally and in
/// plain words: workflows and steps added, removed or changed (due, cadence, role, escalation, conditions, routes) and
/// rule changes (thresholds, results, programs, order). <c>careflow diff</c>, the what-if report and the page's diagram
/// diff read the same lines.
/// </summary>
internal static class DefinitionDiff
{
    public static IReadOnlyList<DiffLine> Compare(DefinitionSet before, DefinitionSet after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var lines = new List<DiffLine>();
        var keys = before.Workflows.Concat(after.Workflows).Select(w => (w.Id, w.Practice)).Distinct().OrderBy(k => k.Id, StringComparer.Ordinal).ThenBy(k => k.Practice, StringComparer.Ordinal);
        foreach (var (id, practice) in keys)
        {
            lines.AddRange(WorkflowDiff.Compare(Find(before, id, practice), Find(after, id, practice)));
        }

        foreach (var name in before.Rules.RuleSets.Keys.Concat(after.Rules.RuleSets.Keys).Distinct().Order(StringComparer.Ordinal))
        {
            lines.AddRange(RuleSetDiff.Compare(before.Rules.RuleSets.GetValueOrDefault(name), after.Rules.RuleSets.GetValueOrDefault(name)));
        }

        return lines;
    }

    private static WorkflowDefinition? Find(DefinitionSet set, string id, string? practice) =>
        set.Workflows.FirstOrDefault(w => w.Id == id && w.Practice == practice);
}
