using CareWorkflows.Engine.Definitions;
using YamlDotNet.RepresentationModel;

namespace CareWorkflows.Engine.Rules;

/// <summary>
/// Reads a rule set file. The keys are RulesEngine's own (WorkflowName, Rules, RuleName, Expression,
/// SuccessEvent, Properties), read through the node model so that every expression keeps its line and column.
/// </summary>
internal static class RuleSetReader
{
    private static readonly string[] TopKeys = ["WorkflowName", "Description", "Rules"];
    private static readonly string[] RuleKeys = ["RuleName", "Description", "Expression", "SuccessEvent", "ErrorMessage", "Properties", "Enabled"];

    public static RuleSetDefinition? Read(YamlNode root, SourceFile file)
    {
        if (root is not YamlMappingNode mapping)
        {
            file.Add(ErrorCodes.WrongShape, root, "a rule set must be a mapping with 'WorkflowName' and 'Rules'.");
            return null;
        }

        var errorsBefore = file.Diagnostics.Errors.Count;
        var map = new MappingReader(mapping, file, "the rule set", TopKeys);
        var name = map.Id("WorkflowName", example: "enrollment");
        var rules = new List<RuleDefinition>();
        if (map.Sequence("Rules", required: true) is { Children.Count: 0 } empty)
        {
            file.Add(ErrorCodes.MissingField, empty, "the rule set has no rules. Add at least one rule under 'Rules:', or delete the file.");
        }

        foreach (var node in map.Sequence("Rules", required: false)?.Children ?? [])
        {
            if (node is not YamlMappingNode ruleNode)
            {
                file.Add(ErrorCodes.WrongShape, node, "each rule must be a mapping with 'RuleName' and 'Expression'.");
                continue;
            }

            if (ReadRule(ruleNode, file) is { } rule)
            {
                rules.Add(rule);
            }
        }

        return name is null || file.Diagnostics.Errors.Count > errorsBefore ? null : new RuleSetDefinition(name, rules, map.At);
    }

    private static RuleDefinition? ReadRule(YamlMappingNode node, SourceFile file)
    {
        var probe = node.Children.FirstOrDefault(c => c.Key is YamlScalarNode { Value: "RuleName" }).Value as YamlScalarNode;
        var rule = new MappingReader(node, file, probe?.Value is { } n ? $"rule '{n}'" : "a rule", RuleKeys);
        var name = rule.Id("RuleName", example: "diabetes-poor-control");
        var expression = rule.Text("Expression", required: true, example: "patient.Hba1c >= 9");
        if (rule.Boolean("Enabled") == false || name is null || expression is null)
        {
            return null;
        }

        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        if (rule.Mapping("Properties") is { } props)
        {
            foreach (var (key, value) in props.Children)
            {
                if (key is YamlScalarNode { Value: { } k } && value is YamlScalarNode { Value: { } v })
                {
                    properties[k] = v;
                }
                else
                {
                    file.Add(ErrorCodes.WrongShape, value, $"each property of rule '{name}' must be 'name: value'.");
                }
            }
        }

        return new RuleDefinition(name, expression, rule.Text("SuccessEvent"), properties, rule.TextAt("Expression"))
        {
            Description = rule.Text("Description"),
            NameAt = rule.ValueAt("RuleName"),
        };
    }
}
