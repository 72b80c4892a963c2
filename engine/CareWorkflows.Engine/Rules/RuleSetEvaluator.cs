using CareWorkflows.Engine.Definitions;
using RulesEngine.Models;

namespace CareWorkflows.Engine.Rules;

/// <summary>
/// The one place that talks to Microsoft RulesEngine. Every rule set, every named rule and every inline
/// <c>when</c> expression is compiled when the definitions load, so a broken rule is a validation error, never
/// a surprise in production.
/// </summary>
public sealed class RuleSetEvaluator
{
    private const string RulePrefix = "rule:";
    private const string ExpressionPrefix = "expr:";

    private readonly RulesEngine.RulesEngine _engine;
    private readonly Dictionary<string, RuleSetDefinition> _sets;
    private readonly Dictionary<string, RuleDefinition> _rules;
    private readonly Dictionary<string, RuleMatch> _matches;
    private readonly HashSet<string> _compiled = new(StringComparer.Ordinal);
    private readonly HashSet<string> _late = new(StringComparer.Ordinal);

    private RuleSetEvaluator(RulesEngine.RulesEngine engine, Dictionary<string, RuleSetDefinition> sets, Dictionary<string, RuleDefinition> rules)
    {
        _engine = engine;
        _sets = sets;
        _rules = rules;
        _matches = rules.Values.ToDictionary(r => r.Name, r => new RuleMatch(r.Name, r.SuccessEvent, r.Properties), StringComparer.Ordinal);
    }

    /// <summary>The rule sets by name.</summary>
    public IReadOnlyDictionary<string, RuleSetDefinition> RuleSets => _sets;

    /// <summary>Every rule by name, across the rule sets.</summary>
    public IReadOnlyDictionary<string, RuleDefinition> Rules => _rules;

    internal static RuleSetEvaluator Compile(IReadOnlyList<RuleSetDefinition> sets, IReadOnlyList<Condition> conditions, Diagnostics diagnostics)
    {
        var workflows = new Dictionary<string, IReadOnlyList<RuleDefinition>>(StringComparer.Ordinal);
        var usable = new Dictionary<string, RuleSetDefinition>(StringComparer.Ordinal);
        var rules = new Dictionary<string, RuleDefinition>(StringComparer.Ordinal);
        foreach (var set in sets)
        {
            var compiled = set.Rules.Where(r => ExpressionSandbox.Check(r.Expression, r.ExpressionAt, diagnostics)).ToList();
            usable[set.Name] = set with { Rules = compiled };
            workflows[set.Name] = compiled;
            foreach (var rule in compiled)
            {
                rules[rule.Name] = rule;
                workflows[RulePrefix + rule.Name] = [rule];
            }
        }

        var named = sets.SelectMany(s => s.Rules).Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var condition in conditions.Where(c => !named.Contains(c.Text)))
        {
            if (!workflows.ContainsKey(ExpressionPrefix + condition.Text) && ExpressionSandbox.Check(condition.Text, condition.At, diagnostics))
            {
                workflows[ExpressionPrefix + condition.Text] = [new RuleDefinition("expression", condition.Text, null, new Dictionary<string, string>(), condition.At)];
            }
        }

        var settings = new ReSettings
        {
            CustomTypes = [typeof(PatientFacts), typeof(EventFacts), typeof(ContextFacts), typeof(Math)],
            EnableExceptionAsErrorMessage = false,
            IgnoreException = false,
            IsExpressionCaseSensitive = false,
            UseFastExpressionCompiler = true,
        };
        // RulesEngine refuses a workflow without rules; a set whose every rule was refused above has none left.
        var engine = new RulesEngine.RulesEngine([.. workflows.Where(w => w.Value.Count > 0).Select(w => ToWorkflow(w.Key, w.Value))], settings);
        var evaluator = new RuleSetEvaluator(engine, usable, rules);
        evaluator._compiled.UnionWith(workflows.Keys.Where(k => k.StartsWith(ExpressionPrefix, StringComparison.Ordinal)).Select(k => k[ExpressionPrefix.Length..]));
        evaluator.WarmUp(workflows, diagnostics);
        return evaluator;
    }

    /// <summary>Every rule of <paramref name="ruleSet"/> that holds, in the order written.</summary>
    /// <exception cref="RuleFaultException">A rule failed while running.</exception>
    public async ValueTask<IReadOnlyList<RuleMatch>> EvaluateAsync(string ruleSet, RuleInputs inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (!_sets.ContainsKey(ruleSet))
        {
            throw new ArgumentException($"There is no rule set '{ruleSet}'. Known: {string.Join(", ", _sets.Keys)}.", nameof(ruleSet));
        }

        var results = await RunAsync(ruleSet, inputs, cancellationToken);
        var held = 0;
        foreach (var result in results)
        {
            ThrowOnFault(ruleSet, result);
            held += result.IsSuccess ? 1 : 0;
        }

        // A panel keeps one answer per patient: an exact array of shared, immutable matches keeps that small.
        var matches = new RuleMatch[held];
        var next = 0;
        foreach (var result in results)
        {
            if (result.IsSuccess)
            {
                matches[next++] = _matches[result.Rule.RuleName];
            }
        }

        return matches;
    }

    /// <summary>Every rule of a rule set with whether it holds, in the order written: the rule-by-rule explanation.</summary>
    public async ValueTask<IReadOnlyList<(RuleDefinition Rule, bool Holds)>> ExplainAsync(string ruleSet, RuleInputs inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var results = await RunAsync(ruleSet, inputs, cancellationToken);
        return [.. results.Select(r =>
        {
            ThrowOnFault(ruleSet, r);
            return (_rules[r.Rule.RuleName], r.IsSuccess);
        })];
    }

    /// <summary>
    /// The baseline for benchmarks: the same rules in a plain RulesEngine with its default settings and none of
    /// our checks, returning what a plain loop would keep per patient: the first rule that held (the tier's rule).
    /// </summary>
    public Func<RuleInputs, ValueTask<string?>> PlainRulesEngine(string ruleSet)
    {
        var engine = new RulesEngine.RulesEngine([ToWorkflow(ruleSet, _sets[ruleSet].Rules)], new ReSettings { CustomTypes = [typeof(PatientFacts), typeof(EventFacts), typeof(ContextFacts)] });
        return async inputs =>
        {
            var results = await engine.ExecuteAllRulesAsync(ruleSet,
                new RuleParameter("patient", inputs.Patient), new RuleParameter("event", inputs.Event), new RuleParameter("context", inputs.Context));
            return results.FirstOrDefault(r => r.IsSuccess)?.Rule.RuleName;
        };
    }

    /// <summary>Whether a guard holds: a named rule, or an inline expression compiled at load.</summary>
    /// <exception cref="RuleFaultException">The rule failed while running.</exception>
    public async ValueTask<bool> HoldsAsync(Condition condition, RuleInputs inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var workflow = _rules.ContainsKey(condition.Text) ? RulePrefix + condition.Text : ExpressionPrefix + condition.Text;
        if (!_rules.ContainsKey(condition.Text))
        {
            CompileLate(condition);
        }

        var results = await RunAsync(workflow, inputs, cancellationToken);
        ThrowOnFault(workflow, results[0]);
        return results[0].IsSuccess;
    }

    // An instance running on an older workflow version may name an inline condition the current files no longer
    // have: it is checked against the same allow-list and compiled on first use.
    private void CompileLate(Condition condition)
    {
        lock (_late)
        {
            if (!_late.Add(condition.Text) || _compiled.Contains(condition.Text))
            {
                return;
            }

            var diagnostics = new Diagnostics();
            if (!ExpressionSandbox.Check(condition.Text, condition.At, diagnostics))
            {
                throw new RuleFaultException("when", condition.Text, string.Join(" ", diagnostics.Errors.Select(e => e.Message)));
            }

            _engine.AddOrUpdateWorkflow(ToWorkflow(ExpressionPrefix + condition.Text, [new RuleDefinition("expression", condition.Text, null, new Dictionary<string, string>(), condition.At)]));
        }
    }

    private async ValueTask<List<RuleResultTree>> RunAsync(string workflow, RuleInputs inputs, CancellationToken cancellationToken)
    {
        try
        {
            // The overload without a token: the one with a token ran 4x slower here (RulesEngine 6.0.1).
            cancellationToken.ThrowIfCancellationRequested();
#pragma warning disable CA2016
            return await _engine.ExecuteAllRulesAsync(workflow,
                new RuleParameter("patient", inputs.Patient), new RuleParameter("event", inputs.Event), new RuleParameter("context", inputs.Context));
#pragma warning restore CA2016
        }
        catch (RulesEngine.Exceptions.RuleException ex)
        {
            // RulesEngine's own exception has an empty message; the cause is inside it.
            throw new RuleFaultException(workflow, workflow, ex.InnerException?.Message ?? ex.GetType().Name);
        }
    }

    private static void ThrowOnFault(string ruleSet, RuleResultTree result)
    {
        if (!string.IsNullOrEmpty(result.ExceptionMessage))
        {
            throw new RuleFaultException(ruleSet, result.Rule.RuleName, result.ExceptionMessage);
        }
    }

    private static Workflow ToWorkflow(string name, IReadOnlyList<RuleDefinition> rules) => new()
    {
        WorkflowName = name,
        Rules = [.. rules.Select(r => new Rule
        {
            RuleName = r.Name,
            Expression = r.Expression,
            SuccessEvent = r.SuccessEvent,
            RuleExpressionType = RuleExpressionType.LambdaExpression,
        })],
    };

    // RulesEngine compiles lazily; running each rule once on empty facts compiles and caches it now.
    // A parse failure here (one our own parse let through) is reported against the rule's line; a fault
    // that only empty facts cause (a missing data key, say) is not a compile problem and is left to run time.
    private void WarmUp(Dictionary<string, IReadOnlyList<RuleDefinition>> workflows, Diagnostics diagnostics)
    {
        foreach (var (name, rules) in workflows.Where(w => w.Value.Count > 0))
        {
            List<RuleResultTree> results;
            try
            {
                results = RunAsync(name, RuleInputs.Empty, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                continue;
            }

            foreach (var result in results.Where(r => r.ExceptionMessage?.Contains("parsing expression", StringComparison.OrdinalIgnoreCase) == true))
            {
                var at = rules.First(r => r.Name == result.Rule.RuleName).ExpressionAt;
                diagnostics.Add(ErrorCodes.ExpressionDoesNotCompile, at, $"the expression does not compile: {result.ExceptionMessage}. Facts are listed in docs/facts.md.");
            }
        }
    }
}
