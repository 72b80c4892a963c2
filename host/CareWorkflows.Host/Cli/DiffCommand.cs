using System.CommandLine;
using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Diff;
using CareWorkflows.Engine.WhatIf;

namespace CareWorkflows.Host.Cli;

/// <summary>
/// <c>careflow diff OLD NEW</c>: what changes between two versions of a workflow or rule set file, or two definition
/// folders, one sentence a line ("step 'contact' due changed from 2 business days to 1 business day").
/// </summary>
internal static class DiffCommand
{
    public static Command Create()
    {
        var before = new Argument<string>("OLD") { Description = "The old version: a workflow or rule set file, or a folder (a workflows folder with catalog.yaml, or one holding workflows/ and rules/)." };
        var after = new Argument<string>("NEW") { Description = "The new version, of the same kind as OLD." };
        var workflows = DefinitionFolders.WorkflowsOption();
        var rules = DefinitionFolders.RulesOption();
        var command = new Command("diff", "Say in plain words what changes between two versions of a definition: steps added, removed or changed (due, cadence, role, escalation, conditions, routes) and rule thresholds, results and order.")
        {
            before, after, workflows, rules,
        };
        command.SetAction(parse =>
        {
            var workflowsDirectory = DefinitionFolders.Display(parse.GetValue(workflows)!, parse, workflows);
            var rulesDirectory = DefinitionFolders.Display(parse.GetValue(rules)!, parse, rules);
            var (oldPath, newPath) = (parse.GetValue(before)!, parse.GetValue(after)!);
            if (Directory.Exists(oldPath) != Directory.Exists(newPath))
            {
                Console.Error.WriteLine($"{oldPath} and {newPath}: compare a file with a file, or a folder with a folder.");
                return 2;
            }

            var (a, b) = Directory.Exists(oldPath)
                ? (LoadFolder(oldPath, rulesDirectory), LoadFolder(newPath, rulesDirectory))
                : (LoadFile(oldPath, workflowsDirectory, rulesDirectory), LoadFile(newPath, workflowsDirectory, rulesDirectory));
            var problems = a.Errors.Concat(b.Errors).ToList();
            if (problems.Count > 0)
            {
                problems.ForEach(e => Console.Error.WriteLine(e));
                Console.Error.WriteLine("Only definitions that validate can be compared; fix the problems above first.");
                return 1;
            }

            var lines = DefinitionDiff.Compare(a.Definitions!, b.Definitions!);
            foreach (var line in lines)
            {
                Console.Out.WriteLine(line);
            }

            if (lines.Count == 0)
            {
                Console.Out.WriteLine("No difference in steps or rules.");
            }

            return 0;
        });
        return command;
    }

    private static LoadResult LoadFile(string path, string workflowsDirectory, string rulesDirectory)
    {
        using var change = ChangeSet.FromFile(path, workflowsDirectory, rulesDirectory);
        return change.Load();
    }

    private static LoadResult LoadFolder(string folder, string defaultRules)
    {
        var display = folder.TrimEnd('/').Replace('\\', '/');
        if (File.Exists(Path.Join(folder, DefinitionLoader.CatalogFile)))
        {
            return DefinitionLoader.Load(display, defaultRules);
        }

        var rules = Directory.Exists(Path.Join(folder, ChangeSet.RulesFolder)) ? $"{display}/{ChangeSet.RulesFolder}" : defaultRules;
        return DefinitionLoader.Load($"{display}/{ChangeSet.WorkflowsFolder}", rules);
    }
}
