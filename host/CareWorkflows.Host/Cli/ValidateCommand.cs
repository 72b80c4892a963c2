using System.CommandLine;
using CareWorkflows.Engine.Definitions;

namespace CareWorkflows.Host.Cli;

/// <summary><c>careflow validate</c>: checks the definitions and rule sets, one line per problem.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var workflows = DefinitionFolders.WorkflowsOption();
        var rules = DefinitionFolders.RulesOption();
        var command = new Command("validate", "Check workflow definitions and rule sets. Exit 0 when all is well; otherwise print one line per problem, 'path:line:col: error CW####: message', and exit 1.")
        {
            workflows,
            rules,
        };
        command.SetAction(parse =>
        {
            var result = DefinitionLoader.Load(
                DefinitionFolders.Display(parse.GetValue(workflows)!, parse, workflows),
                DefinitionFolders.Display(parse.GetValue(rules)!, parse, rules));
            foreach (var error in result.Errors)
            {
                Console.Out.WriteLine(error);
            }

            if (result.Succeeded)
            {
                var set = result.Definitions!;
                Console.Error.WriteLine($"ok: {set.Standards.Count()} workflows, {set.Workflows.Count - set.Standards.Count()} practice overlays, {set.Rules.RuleSets.Count} rule sets ({set.Rules.Rules.Count} rules), {set.Forms.Count} forms.");
                return 0;
            }

            Console.Error.WriteLine($"{result.Errors.Count} problem(s) found.");
            return 1;
        });
        return command;
    }
}
