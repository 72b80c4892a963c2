using System.CommandLine;
using System.Globalization;
using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Interop.Codes;
using CareWorkflows.Engine.Persistence;
using CareWorkflows.Engine.Reports;
using CareWorkflows.Engine.WhatIf;
using Microsoft.EntityFrameworkCore;
using Spectre.Console;

namespace CareWorkflows.Host.Cli;

/// <summary>
/// <c>careflow whatif</c>: runs the current definitions and a change over the same panel on the virtual clock and
/// reports the difference for patients and for the care team's weeks.
/// </summary>
internal static class WhatIfCommand
{
    public static Command Create()
    {
        var change = new Option<DirectoryInfo>("--change") { Description = "Folder holding only the changed files, laid out as the repository: workflows/<file>.yaml, rules/<file>.yaml.", Required = true };
        var panel = new Option<FileInfo?>("--panel") { Description = "The panel: a member-list CSV or FHIR R4 (NDJSON or a Bundle), as careflow stratify reads it." };
        var practice = new Option<string?>("--practice") { Description = "The practice: its calendar, and without --panel its patients from the store (read only)." };
        var weeks = new Option<int>("--weeks") { Description = "Weeks to simulate (1-52).", DefaultValueFactory = _ => 12 };
        var start = new Option<string?>("--start") { Description = "First day, YYYY-MM-DD (default: the next Monday in the practice's time zone)." };
        var format = new Option<string>("--format") { Description = "table (default), csv or json.", DefaultValueFactory = _ => "table" };
        var output = new Option<FileInfo?>("--out") { Description = "Also write the report as CSV to this file." };
        var careManagers = new Option<int>("--care-managers") { Description = "Patients without a care manager are spread over cm-1 .. cm-N by a fixed hash.", DefaultValueFactory = _ => 5 };
        var reach = new Option<int>("--reach-percent") { Description = "Percent of contact attempts the simulated team reaches (0-100).", DefaultValueFactory = _ => 60 };
        var late = new Option<int>("--late-percent") { Description = "Percent of tasks the simulated team does after their due (0-100).", DefaultValueFactory = _ => 10 };
        var data = new Option<DirectoryInfo>("--data") { Description = "The data folder of careflow serve, for --practice without --panel.", DefaultValueFactory = _ => new DirectoryInfo("careflow-data") };
        var workflows = DefinitionFolders.WorkflowsOption();
        var rules = DefinitionFolders.RulesOption();
        var command = new Command("whatif", "Before publishing: run the current definitions and a change over the same panel on the virtual clock, and show what changes for patients (tier, programs) and the care team (tasks per week by role and care manager, outreach, escalations, CCM-billable patients, TCM deadlines).")
        {
            change, panel, practice, weeks, start, format, output, careManagers, reach, late, data, workflows, rules,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var usage = Usage(parse.GetValue(panel), parse.GetValue(practice), parse.GetValue(weeks), parse.GetValue(format)!, parse.GetValue(reach), parse.GetValue(late), parse.GetValue(careManagers));
            if (usage is not null)
            {
                Console.Error.WriteLine(usage);
                return 2;
            }

            var workflowsDirectory = DefinitionFolders.Display(parse.GetValue(workflows)!, parse, workflows);
            var rulesDirectory = DefinitionFolders.Display(parse.GetValue(rules)!, parse, rules);
            var current = DefinitionLoader.Load(workflowsDirectory, rulesDirectory);
            if (!current.Succeeded)
            {
                current.Errors.ToList().ForEach(e => Console.Error.WriteLine(e));
                Console.Error.WriteLine("The current definitions do not validate; fix the problems above first (careflow validate). Nothing was run.");
                return 1;
            }

            var practiceId = parse.GetValue(practice) ?? "demo";
            var calendar = current.Definitions!.Practice(practiceId).Calendar;
            DateTimeOffset first;
            if (parse.GetValue(start) is { } startText)
            {
                if (!DateOnly.TryParseExact(startText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                {
                    Console.Error.WriteLine($"--start {startText}: not a date. Write it as YYYY-MM-DD, e.g. 2026-11-30.");
                    return 2;
                }

                first = calendar.AtLocalTime(day, TimeOnly.MinValue);
            }
            else
            {
                first = WhatIfRunner.NextMonday(TimeProvider.System.GetUtcNow(), calendar);
            }

            using var changeSet = ChangeSet.FromFolder(DefinitionFolders.Display(parse.GetValue(change)!, parse, change), workflowsDirectory, rulesDirectory);
            var checkedChange = changeSet.Load();
            if (!checkedChange.Succeeded)
            {
                checkedChange.Errors.ToList().ForEach(e => Console.Error.WriteLine(e));
                Console.Error.WriteLine("The change does not validate with the current definitions; fix the problems above. Nothing was run.");
                return 1;
            }

            IReadOnlyList<PanelPatient> patients;
            if (parse.GetValue(panel) is { } file)
            {
                if (!file.Exists)
                {
                    Console.Error.WriteLine($"{file.FullName}: the panel file does not exist. Give a member-list CSV or FHIR NDJSON with --panel, or a practice's store with --practice.");
                    return 1;
                }

                var (read, refused) = await PanelFile.ReadAsync(file, practiceId, CodeSets.LoadFromRules(rulesDirectory), cancellationToken);
                if (refused > 0)
                {
                    Console.Error.WriteLine($"{refused} rows or entries of the panel were refused (see above); the what-if runs on the {read.Count:N0} patients read.");
                }

                patients = [.. read.Select(p => new PanelPatient(p.PatientId, p.Facts with { Tier = "", Programs = [] }, CareTeamModel.CareManagerFor(p.PatientId, parse.GetValue(careManagers))))];
            }
            else
            {
                var database = Path.Join(parse.GetValue(data)!.FullName, "careflow.db");
                if (!File.Exists(database))
                {
                    Console.Error.WriteLine($"{database}: no store here. Point --data at the folder careflow serve uses, or give the patients with --panel FILE.");
                    return 1;
                }

                await using var store = await CliStore.OpenAsync(parse.GetValue(data)!, cancellationToken);
                patients = await PracticePanel.ReadAsync(store.GetRequiredService<IDbContextFactory<CareflowDbContext>>(), practiceId, parse.GetValue(careManagers), cancellationToken);
            }

            if (patients.Count == 0)
            {
                Console.Error.WriteLine($"The panel has no patients{(parse.GetValue(panel) is null ? $" in practice '{practiceId}'" : "")}; nothing to compare.");
                return 1;
            }

            var settings = new WhatIfSettings(practiceId, first, parse.GetValue(weeks)) { ReachPercent = parse.GetValue(reach), LatePercent = parse.GetValue(late) };
            var result = await RunAsync(new WhatIfSide("current", current.Definitions, rulesDirectory), new WhatIfSide("changed", checkedChange.Definitions!, changeSet.Rules), patients, settings, cancellationToken);
            var table = ImpactReport.Build(result, withPatients: true);
            Console.Error.WriteLine($"{patients.Count:N0} patients x {settings.Weeks} weeks x 2 sides in {result.Elapsed.TotalSeconds:0.0} s");
            if (parse.GetValue(output) is { } csvFile)
            {
                await using var writer = new StreamWriter(csvFile.FullName);
                ReportFormats.WriteCsv(table, writer);
            }

            if (parse.GetValue(format) == "table")
            {
                WhatIfTable.Write(table, result);
            }
            else
            {
                await ReportCommand.WriteAsync(table, parse.GetValue(format)!);
            }

            return 0;
        });
        return command;
    }

    private static string? Usage(FileInfo? panel, string? practice, int weeks, string format, int reach, int late, int careManagers) =>
        panel is null && practice is null ? "Give the patients: --panel FILE (member-list CSV or FHIR NDJSON), or --practice P to take them from the practice's store."
        : weeks is < 1 or > 52 ? $"--weeks {weeks}: give 1 to 52 weeks."
        : !ReportFormats.Names.Contains(format) ? $"--format {format}: use table, csv or json."
        : reach is < 0 or > 100 ? $"--reach-percent {reach}: give a percent from 0 to 100."
        : late is < 0 or > 100 ? $"--late-percent {late}: give a percent from 0 to 100."
        : careManagers < 1 ? $"--care-managers {careManagers}: give at least 1."
        : null;

    private static async Task<WhatIfResult> RunAsync(WhatIfSide current, WhatIfSide changed, IReadOnlyList<PanelPatient> patients, WhatIfSettings settings, CancellationToken cancellationToken)
    {
        if (Console.IsErrorRedirected)
        {
            return await WhatIfRunner.RunAsync(current, changed, patients, settings, null, cancellationToken);
        }

        WhatIfResult? result = null;
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        await console.Progress().StartAsync(async context =>
        {
            var task = context.AddTask($"what-if, {settings.Weeks} weeks, both sides", maxValue: patients.Count);
            result = await WhatIfRunner.RunAsync(current, changed, patients, settings, n => task.Increment(n), cancellationToken);
        });
        return result!;
    }
}
