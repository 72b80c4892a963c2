using CareWorkflows.Engine.Rules;

namespace CareWorkflows.Engine.Care;

/// <summary>A risk tier and programs, with the rule that decided them and every rule that held.</summary>
public sealed record Stratification(string Tier, IReadOnlyList<string> Programs, string? Rule, string? Reason)
{
    /// <summary>Every enrollment rule that held, in order (the first decides).</summary>
    public IReadOnlyList<RuleMatch> Fired { get; init; } = [];
}

/// <summary>Runs the enrollment rule set: the first rule that holds gives the tier (its SuccessEvent) and programs.</summary>
public sealed class Stratifier(RuleSetEvaluator rules)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string[]> _programs = new(StringComparer.Ordinal);

    /// <summary>The rule set with the fixed meaning "enrollment".</summary>
    public const string RuleSet = "enrollment";

    /// <summary>Tier and programs for the facts; an empty tier when no rule holds.</summary>
    public async ValueTask<Stratification> StratifyAsync(PatientFacts facts, CancellationToken cancellationToken)
    {
        var matches = await rules.EvaluateAsync(RuleSet, RuleInputs.Empty with { Patient = facts }, cancellationToken);
        if (matches.Count == 0)
        {
            return new Stratification("", [], null, null);
        }

        var first = matches[0];
        // A panel of 100,000 patients hits a handful of rules: split each rule's program list once.
        var programs = first.Properties.TryGetValue("programs", out var list)
            ? _programs.GetOrAdd(list, text => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            : [];
        return new Stratification(first.SuccessEvent ?? "", programs, first.RuleName, first.Properties.GetValueOrDefault("reason")) { Fired = matches };
    }
}
