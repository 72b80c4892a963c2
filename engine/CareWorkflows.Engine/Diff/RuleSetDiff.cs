using System.Text.RegularExpressions;
using CareWorkflows.Engine.Rules;

namespace CareWorkflows.Engine.Diff;

/// <summary>Compares two versions of a rule set rule by rule: thresholds, results, programs, order.</summary>
internal static partial class RuleSetDiff
{
    public static IEnumerable<DiffLine> Compare(RuleSetDefinition? before, RuleSetDefinition? after)
    {
        var name = (before ?? after ?? throw new ArgumentException("Give at least one rule set.")).Name;
        var subject = $"rules/{name}";
        if (before is null || after is null)
        {
            yield return new(subject, null, before is null ? DiffKind.Added : DiffKind.Removed, $"rule set '{name}' {(before is null ? "added" : "removed")}");
            yield break;
        }

        var old = before.Rules.Select((r, i) => (Rule: r, Position: i + 1)).ToDictionary(x => x.Rule.Name, StringComparer.Ordinal);
        var @new = after.Rules.Select((r, i) => (Rule: r, Position: i + 1)).ToDictionary(x => x.Rule.Name, StringComparer.Ordinal);
        foreach (var (rule, position) in @new.Values.Where(r => !old.ContainsKey(r.Rule.Name)))
        {
            yield return new(subject, rule.Name, DiffKind.Added, $"rule '{rule.Name}' added at position {position}: when {rule.Expression} then {Result(name)} {rule.SuccessEvent}");
        }

        foreach (var (rule, _) in old.Values.Where(r => !@new.ContainsKey(r.Rule.Name)))
        {
            yield return new(subject, rule.Name, DiffKind.Removed, $"rule '{rule.Name}' removed (was: when {rule.Expression} then {Result(name)} {rule.SuccessEvent})");
        }

        foreach (var (b, position) in @new.Values)
        {
            if (!old.TryGetValue(b.Name, out var was))
            {
                continue;
            }

            var a = was.Rule;
            if (a.Expression != b.Expression)
            {
                yield return new(subject, b.Name, DiffKind.Changed, Expression(b.Name, a.Expression, b.Expression));
            }

            if (a.SuccessEvent != b.SuccessEvent)
            {
                yield return new(subject, b.Name, DiffKind.Changed, WorkflowDiff.Changed($"rule '{b.Name}' {Result(name)}", a.SuccessEvent, b.SuccessEvent));
            }

            foreach (var key in a.Properties.Keys.Concat(b.Properties.Keys).Distinct().Order(StringComparer.Ordinal))
            {
                var (x, y) = (a.Properties.GetValueOrDefault(key), b.Properties.GetValueOrDefault(key));
                if (x != y)
                {
                    yield return new(subject, b.Name, DiffKind.Changed, WorkflowDiff.Changed($"rule '{b.Name}' {key}", x, y));
                }
            }

            if (was.Position != position)
            {
                yield return new(subject, b.Name, DiffKind.Changed, $"rule '{b.Name}' moved from position {was.Position} to {position} (the first rule that holds decides)");
            }
        }
    }

    /// <summary>What a rule set's result means, by the fixed meaning of the set.</summary>
    private static string Result(string ruleSet) => ruleSet switch
    {
        "enrollment" => "tier",
        "cadence" => "days between contacts",
        "escalation" => "escalates to",
        _ => "result",
    };

    // When only numbers differ, name the comparison around each ("patient.Hba1c >= 9" to "patient.Hba1c >= 8").
    private static string Expression(string rule, string before, string after)
    {
        var (a, b) = (Number().Split(before), Number().Split(after));
        if (a.Length == b.Length && a.Where((part, i) => i % 2 == 0 && part != b[i]).Any() is false)
        {
            var changes = new List<string>();
            for (var i = 1; i < a.Length; i += 2)
            {
                if (a[i] != b[i])
                {
                    var left = Comparison().Match(a[i - 1]).Value.Trim();
                    changes.Add($"{left} {a[i]} to {left} {b[i]}".Trim());
                }
            }

            return $"rule '{rule}' threshold changed from {string.Join(", ", changes)}";
        }

        return $"rule '{rule}' condition changed from '{before}' to '{after}'";
    }

    [GeneratedRegex(@"(?<![\w.])(\d+(?:\.\d+)?)(?!\w)", RegexOptions.CultureInvariant)]
    private static partial Regex Number();

    [GeneratedRegex(@"[\w.]+\s*(?:>=|<=|==|!=|>|<)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex Comparison();
}
