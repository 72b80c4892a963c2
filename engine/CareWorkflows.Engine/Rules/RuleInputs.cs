namespace CareWorkflows.Engine.Rules;

/// <summary>The typed facts a rule is evaluated against.</summary>
public sealed record RuleInputs(PatientFacts Patient, EventFacts Event, ContextFacts Context)
{
    /// <summary>Facts with every value at its default, for compiling rules at load.</summary>
    public static RuleInputs Empty { get; } = new(new PatientFacts(), new EventFacts(), new ContextFacts());
}

/// <summary>A rule that held: its name, what it yields, and its properties.</summary>
public sealed record RuleMatch(string RuleName, string? SuccessEvent, IReadOnlyDictionary<string, string> Properties);

/// <summary>A rule failed while running. A fault is never read as "the rule does not hold".</summary>
public sealed class RuleFaultException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RuleFaultException(string ruleSet, string rule, string message)
        : base($"rule '{rule}' of rule set '{ruleSet}' failed: {message}") => (RuleSet, Rule) = (ruleSet, rule);

    /// <summary>The rule set.</summary>
    public string RuleSet { get; }

    /// <summary>The rule.</summary>
    public string Rule { get; }
}
