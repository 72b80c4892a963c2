using CareWorkflows.Engine.Definitions;

namespace CareWorkflows.Engine.Rules;

/// <summary>One rule of a rule set, as written in rules/*.yaml.</summary>
/// <param name="Name">Kebab-case name, unique across all rule sets; workflows may name it in a when.</param>
/// <param name="Expression">The condition over patient, event and context.</param>
/// <param name="SuccessEvent">What the rule yields when it holds: a tier, a number of days, a role.</param>
/// <param name="Properties">Further values the rule yields (programs, reason ...).</param>
/// <param name="ExpressionAt">Where the expression was written.</param>
public sealed record RuleDefinition(string Name, string Expression, string? SuccessEvent, IReadOnlyDictionary<string, string> Properties, SourceLocation ExpressionAt)
{
    /// <summary>Where the rule's name was written.</summary>
    public SourceLocation? NameAt { get; init; }

    /// <summary>Optional explanation for people.</summary>
    public string? Description { get; init; }
}

/// <summary>A rule set (a RulesEngine "workflow"): enrollment, cadence, escalation, guards.</summary>
public sealed record RuleSetDefinition(string Name, IReadOnlyList<RuleDefinition> Rules, SourceLocation At);
