using System.Text.RegularExpressions;
using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Diagrams;

namespace CareWorkflows.Tests.Diagrams;

public partial class MermaidDiagramTests
{
    private static readonly Lazy<DefinitionSet> Definitions = new(() => DefinitionLoader.LoadOrThrow(RepositoryPaths.Workflows, RepositoryPaths.Rules));

    public static TheoryData<string> StandardWorkflows() => [.. Definitions.Value.Standards.Select(w => w.Id)];

    [Theory]
    [MemberData(nameof(StandardWorkflows))]
    public void Render_StandardWorkflow_IsAFlowchartWithEveryStepAndEdge(string id)
    {
        var workflow = Definitions.Value.WorkflowFor(id, null)!;
        var lines = MermaidDiagram.Render(workflow).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        Assert.Equal("flowchart TD", lines[0]);
        var nodes = new Dictionary<string, string>(StringComparer.Ordinal);
        var edges = new List<(string From, string? Label, string To)>();
        foreach (var line in lines.Skip(1))
        {
            if (EdgeLine().Match(line) is { Success: true } edge)
            {
                edges.Add((edge.Groups["from"].Value, edge.Groups["label"].Success ? edge.Groups["label"].Value : null, edge.Groups["to"].Value));
            }
            else if (NodeLine().Match(line) is { Success: true } node)
            {
                Assert.True(Balanced(node.Groups["shape"].Value), $"unbalanced node shape: {line}");
                nodes[node.Groups["id"].Value] = node.Groups["shape"].Value;
            }
            else
            {
                Assert.Matches(@"^(classDef|class) ", line);
            }
        }

        foreach (var step in workflow.Steps)
        {
            Assert.Contains(MermaidDiagram.NodeId(step.Id), nodes.Keys);
            Assert.Contains($"{step.Id}: ", nodes[MermaidDiagram.NodeId(step.Id)], StringComparison.Ordinal);
            foreach (var (label, target) in MermaidDiagram.Edges(workflow, step))
            {
                var to = target == StepRef.End ? "finish" : MermaidDiagram.NodeId(target);
                Assert.Contains(edges, e => e.From == MermaidDiagram.NodeId(step.Id) && e.To == to && e.Label == label?.Replace("\"", "#quot;", StringComparison.Ordinal).Replace("|", "#124;", StringComparison.Ordinal).Replace("<", "#lt;", StringComparison.Ordinal).Replace(">", "#gt;", StringComparison.Ordinal));
            }
        }

        Assert.All(edges, e => Assert.True(nodes.ContainsKey(e.From) && nodes.ContainsKey(e.To), $"edge to an undeclared node: {e}"));
    }

    [Fact]
    public void Render_TransitionOfCare_DrawsOverdueEscalationAndWaitTimeout()
    {
        var text = MermaidDiagram.Render(Definitions.Value.WorkflowFor("transition-of-care", null)!);

        Assert.Contains("s_contact -->|overdue| s_escalate_contact", text, StringComparison.Ordinal);
        Assert.Contains("-->|timeout|", text, StringComparison.Ordinal);
        Assert.Contains("{{\"", text, StringComparison.Ordinal);
    }

    private static bool Balanced(string shape)
    {
        var inQuotes = false;
        var depth = 0;
        foreach (var c in shape)
        {
            if (c == '"')
            {
                inQuotes = !inQuotes;
            }
            else if (!inQuotes && c is '[' or '(' or '{')
            {
                depth++;
            }
            else if (!inQuotes && c is ']' or ')' or '}')
            {
                depth--;
            }
        }

        return !inQuotes && (depth == 0 || shape.StartsWith('>'));
    }

    [GeneratedRegex(@"^(?<from>[A-Za-z_][A-Za-z0-9_]*) -->(\|(?<label>[^|]+)\|)? (?<to>[A-Za-z_][A-Za-z0-9_]*)$")]
    private static partial Regex EdgeLine();

    [GeneratedRegex(@"^(?<id>[A-Za-z_][A-Za-z0-9_]*)(?<shape>[\[\(\{>].*)$")]
    private static partial Regex NodeLine();
}
