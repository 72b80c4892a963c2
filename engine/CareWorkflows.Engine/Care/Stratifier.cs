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
    // A panel of 100,000 patients falls into a few dozen combinations of rules that held: each combination's
    // answer is built once and shared (it is immutable), so a panel's results hold no per-patient objects.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Stratification> _answers = new(StringComparer.Ordinal);

    private static readonly Stratification NoRule = new("", [], null, null);

    /// <summary>The rule set with the fixed meaning "enrollment".</summary>
    public const string RuleSet = "enrollment";

    /// <summary>Tier and programs for the facts; an empty tier when no rule holds.</summary>
    public async ValueTask<Stratification> StratifyAsync(PatientFacts facts, CancellationToken cancellationToken)
    {
        var matches = await rules.EvaluateAsync(RuleSet, RuleInputs.Empty with { Patient = facts }, cancellationToken);
        if (matches.Count == 0)
        {
            return NoRule;
        }

        var key = matches.Count == 1 ? matches[0].RuleName : string.Join('|', matches.Select(m => m.RuleName));
        return _answers.GetOrAdd(key, _ => Answer(matches));
    }

    private static Stratification Answer(IReadOnlyList<RuleMatch> matches)
    {
        var first = matches[0];
        var programs = first.Properties.TryGetValue("programs", out var list)
            ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];
        return new Stratification(first.SuccessEvent ?? "", programs, first.RuleName, first.Properties.GetValueOrDefault("reason")) { Fired = [.. matches] };
    }
}
