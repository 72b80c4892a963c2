using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Persistence;
using CareWorkflows.Engine.Publishing;
using Spectre.Console;

namespace CareWorkflows.Host.Cli;

/// <summary>
/// <c>careflow definitions history|publish|rollback</c>: the published versions of a workflow with their change
/// notes, publishing a change, and rolling back to an earlier version, on the store of a data folder.
/// </summary>
internal static class DefinitionsCommand
{
    public static Command Create()
    {
        var command = new Command("definitions", "Publish workflow definitions with a version and a change note, list a workflow's versions, roll back. A running 'careflow serve' on the same folders picks a published file up; its instances keep the version they started on.");
        command.Subcommands.Add(History());
        command.Subcommands.Add(Publish());
        command.Subcommands.Add(Rollback());
        return command;
    }

    private static Command History()
    {
        var workflow = new Argument<string>("workflow") { Description = "The workflow id, e.g. transition-of-care." };
        var practice = PracticeOption("The practice whose overlay to show (default: the standard).");
        var format = new Option<string>("--format") { Description = "table: for people; json: one object per version.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var (workflows, rules, data) = (DefinitionFolders.WorkflowsOption(), DefinitionFolders.RulesOption(), DataOption());
        var command = new Command("history", "List a workflow's versions: when each was first run or published, by whom, its change note, and how many instances run on it.")
        {
            workflow, practice, format, workflows, rules, data,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = await CliStore.OpenAsync(parse.GetValue(data)!, cancellationToken);
            var id = parse.GetValue(workflow)!;
            var loaded = DefinitionLoader.Load(parse.GetValue(workflows)!.FullName, parse.GetValue(rules)!.FullName);
            var current = loaded.Definitions?.Workflows.FirstOrDefault(w => w.Id == id && w.Practice == parse.GetValue(practice))?.Version;
            var history = await services.GetRequiredService<DefinitionPublisher>().HistoryAsync(id, parse.GetValue(practice), current, cancellationToken);
            if (history.Count == 0)
            {
                Console.Error.WriteLine($"No version of '{id}' has been run or published with the store in {parse.GetValue(data)!.FullName}. Check the id (careflow validate lists the workflows) and --data.");
                return 1;
            }

            if (parse.GetValue(format) == "json")
            {
                foreach (var entry in history)
                {
                    Console.Out.WriteLine(JsonSerializer.Serialize(entry, StoreJson.Options));
                }

                return 0;
            }

            var table = new Table().Border(TableBorder.Rounded)
                .AddColumns("version", "first stored (UTC)", "published (UTC)", "by", "change note", "running", "instances");
            foreach (var entry in history)
            {
                table.AddRow(
                    Markup.Escape(entry.Version.ToString(CultureInfo.InvariantCulture) + (entry.Current ? " (current)" : "")),
                    Time(entry.FirstStored),
                    entry.PublishedAt is { } at ? Time(at) : "",
                    Markup.Escape(entry.PublishedBy ?? ""),
                    Markup.Escape(entry.Note ?? ""),
                    entry.Running.ToString(CultureInfo.InvariantCulture),
                    entry.Instances.ToString(CultureInfo.InvariantCulture));
            }

            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    private static Command Publish()
    {
        var file = new Argument<FileInfo>("file") { Description = "The edited YAML: a standard workflow (workflow: <id>, with a raised version) or a practice overlay (extends: <id>)." };
        var note = NoteOption();
        var by = ByOption();
        var practice = PracticeOption("For an overlay without a 'practice:' key: the practice it belongs to.");
        var (workflows, rules, data) = (DefinitionFolders.WorkflowsOption(), DefinitionFolders.RulesOption(), DataOption());
        var command = new Command("publish", "Check a definition with everything it refers to, then write it into the workflows folder and record its version and change note. Nothing is written when a check fails.")
        {
            file, note, by, practice, workflows, rules, data,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                Console.Error.WriteLine($"{path.FullName}: no such file. Give the path of the edited definition.");
                return 1;
            }

            await using var services = await CliStore.OpenAsync(parse.GetValue(data)!, cancellationToken);
            var request = new PublishRequest(await File.ReadAllTextAsync(path.FullName, cancellationToken), parse.GetValue(note) ?? "", parse.GetValue(by)!) { Practice = parse.GetValue(practice) };
            var outcome = await services.GetRequiredService<DefinitionPublisher>().PublishAsync(
                DefinitionFolders.Display(parse.GetValue(workflows)!, parse, workflows), parse.GetValue(rules)!.FullName, request, cancellationToken);
            return Report(outcome, path.Name);
        });
        return command;
    }

    private static Command Rollback()
    {
        var workflow = new Argument<string>("workflow") { Description = "The workflow id." };
        var to = new Option<int>("--to") { Description = "The version whose steps to restore (careflow definitions history lists them).", Required = true };
        var note = NoteOption();
        var by = ByOption();
        var practice = PracticeOption("Roll back this practice's overlay instead of the standard.");
        var (workflows, rules, data) = (DefinitionFolders.WorkflowsOption(), DefinitionFolders.RulesOption(), DataOption());
        var command = new Command("rollback", "Publish an earlier version's text again, as a new version above every known one (instances keep the version they started on).")
        {
            workflow, to, note, by, practice, workflows, rules, data,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = await CliStore.OpenAsync(parse.GetValue(data)!, cancellationToken);
            var outcome = await services.GetRequiredService<DefinitionPublisher>().RollbackAsync(
                DefinitionFolders.Display(parse.GetValue(workflows)!, parse, workflows), parse.GetValue(rules)!.FullName,
                parse.GetValue(workflow)!, parse.GetValue(practice), parse.GetValue(to), parse.GetValue(note) ?? "", parse.GetValue(by)!, cancellationToken);
            return Report(outcome, parse.GetValue(workflow)!);
        });
        return command;
    }

    private static int Report(PublishOutcome outcome, string what)
    {
        if (!outcome.Published)
        {
            foreach (var error in outcome.Errors)
            {
                Console.Out.WriteLine(error);
            }

            Console.Error.WriteLine($"{what} was not published: {outcome.Errors.Count} problem(s). Nothing was written.");
            return 1;
        }

        var workflow = outcome.Workflow!;
        Console.Out.WriteLine($"published {workflow.Id} version {workflow.Version}{(workflow.Practice is null ? "" : $" for practice {workflow.Practice}")} to {outcome.File}");
        return 0;
    }

    private static Option<DirectoryInfo> DataOption() => new("--data")
    {
        Description = "The data folder of the store (careflow.db), as for careflow serve.",
        DefaultValueFactory = _ => new DirectoryInfo("careflow-data"),
    };

    private static Option<string?> PracticeOption(string description) => new("--practice") { Description = description };

    private static Option<string?> NoteOption() => new("--note") { Description = "The change note: what changes for patients and staff, in a sentence. Required." };

    private static Option<string> ByOption() => new("--by")
    {
        Description = "Who publishes (recorded with the version; default: the login name).",
        DefaultValueFactory = _ => Environment.UserName,
    };

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
