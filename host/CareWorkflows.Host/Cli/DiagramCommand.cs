using System.CommandLine;
using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Diagrams;

namespace CareWorkflows.Host.Cli;

/// <summary><c>careflow diagram</c>: draws one workflow.</summary>
internal static class DiagramCommand
{
    public static Command Create()
    {
        var workflowId = new Option<string>("--workflow") { Description = "Id of the workflow to draw, e.g. transition-of-care.", Required = true };
        var practice = new Option<string?>("--practice") { Description = "Draw the practice's overlay of the workflow instead of the standard." };
        var format = new Option<string>("--format") { Description = "mermaid: a Mermaid flowchart; svg: an SVG drawing (what the Workflows page shows).", DefaultValueFactory = _ => "mermaid" };
        format.AcceptOnlyFromAmong("mermaid", "svg");
        var workflows = DefinitionFolders.WorkflowsOption();
        var rules = DefinitionFolders.RulesOption();
        var command = new Command("diagram", "Print a workflow as a Mermaid flowchart (paste it into any Mermaid viewer, or a Markdown file inside ```mermaid), or as SVG.")
        {
            workflowId, practice, format, workflows, rules,
        };
        command.SetAction(parse =>
        {
            var result = DefinitionLoader.Load(
                DefinitionFolders.Display(parse.GetValue(workflows)!, parse, workflows),
                DefinitionFolders.Display(parse.GetValue(rules)!, parse, rules));
            if (!result.Succeeded)
            {
                result.Errors.ToList().ForEach(e => Console.Error.WriteLine(e));
                Console.Error.WriteLine("The definitions do not validate; fix the problems above first (careflow validate).");
                return 1;
            }

            var id = parse.GetValue(workflowId)!;
            var workflow = result.Definitions!.WorkflowFor(id, parse.GetValue(practice));
            if (workflow is null)
            {
                Console.Error.WriteLine($"There is no workflow '{id}'. Known workflows: {string.Join(", ", result.Definitions.Standards.Select(w => w.Id))}.");
                return 1;
            }

            Console.Out.Write(parse.GetValue(format) == "svg" ? SvgDiagram.Render(workflow) : MermaidDiagram.Render(workflow));
            return 0;
        });
        return command;
    }
}
