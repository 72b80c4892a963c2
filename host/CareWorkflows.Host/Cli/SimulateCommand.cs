using System.CommandLine;
using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Preview;
using CareWorkflows.Engine.Runtime;
using Spectre.Console;

namespace CareWorkflows.Host.Cli;

/// <summary><c>careflow simulate</c>: the preview of a scenario on a virtual clock, through the production engine.</summary>
internal static class SimulateCommand
{
    public static Command Create()
    {
        var scenario = new Option<FileInfo>("--scenario") { Description = "Scenario file: practice, patients with facts, timed events, end (see workflows/scenarios/).", Required = true };
        var format = new Option<string>("--format") { Description = "jsonl: one JSON object a line; table: for people.", DefaultValueFactory = _ => "jsonl" };
        format.AcceptOnlyFromAmong("jsonl", "table");
        var workflows = DefinitionFolders.WorkflowsOption();
        var rules = DefinitionFolders.RulesOption();
        var command = new Command("simulate", "Preview a scenario: run made-up patients through the workflows on a virtual clock and print every task, reminder, escalation and enrollment change that would happen.")
        {
            scenario, format, workflows, rules,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var loaded = DefinitionLoader.Load(
                DefinitionFolders.Display(parse.GetValue(workflows)!, parse, workflows),
                DefinitionFolders.Display(parse.GetValue(rules)!, parse, rules));
            if (!loaded.Succeeded)
            {
                loaded.Errors.ToList().ForEach(e => Console.Error.WriteLine(e));
                Console.Error.WriteLine("The definitions do not validate; fix the problems above first (careflow validate).");
                return 1;
            }

            var file = parse.GetValue(scenario)!;
            Scenario read;
            try
            {
                read = ScenarioReader.Read(file.FullName, parse.GetResult(scenario)?.Tokens[0].Value ?? file.Name);
            }
            catch (DefinitionException ex)
            {
                ex.Errors.ToList().ForEach(e => Console.Error.WriteLine(e));
                return 1;
            }

            var simulator = new Simulator(new WorkflowRuntime(new DefinitionHistory(loaded.Definitions!)));
            var timeline = await simulator.RunAsync(read, cancellationToken);
            if (parse.GetValue(format) == "table")
            {
                WriteTable(timeline, read.Practice.TimeZone);
            }
            else
            {
                foreach (var entry in timeline)
                {
                    Console.Out.WriteLine(TimelineJson.Line(entry, read.Practice.TimeZone));
                }
            }

            return 0;
        });
        return command;
    }

    private static void WriteTable(IReadOnlyList<TimelineEntry> timeline, TimeZoneInfo zone)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in new[] { "at", "patient", "event", "workflow", "step", "role", "due", "outcome / reason" })
        {
            table.AddColumn(column);
        }

        foreach (var entry in timeline)
        {
            table.AddRow(
                Markup.Escape(TimelineJson.Format(entry.At, zone)),
                Markup.Escape(entry.PatientId),
                Markup.Escape(entry.Type),
                Markup.Escape(entry.Workflow is null ? "" : $"{entry.Workflow} v{entry.Version}"),
                Markup.Escape(entry.Step ?? ""),
                Markup.Escape(entry.Role ?? ""),
                Markup.Escape(entry.Due is { } due ? TimelineJson.Format(due, zone) : ""),
                Markup.Escape(entry.Outcome ?? entry.Reason ?? (entry.Channel is null ? entry.Detail : $"{entry.Detail} by {entry.Channel} in {entry.Language}") ?? ""));
        }

        AnsiConsole.Write(table);
    }
}
