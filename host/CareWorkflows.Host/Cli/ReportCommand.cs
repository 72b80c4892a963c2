using System.CommandLine;
using CareWorkflows.Engine.Conformance;
using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Persistence;
using CareWorkflows.Engine.Records;
using CareWorkflows.Engine.Reports;
using CareWorkflows.Engine.Runtime;
using Spectre.Console;

namespace CareWorkflows.Host.Cli;

/// <summary>
/// <c>careflow report NAME --practice P --month YYYY-MM [--format csv|json|table]</c>: a monthly report read from the
/// store of a data folder (the one careflow serve writes), or <c>careflow report conformance [--practice P]</c>.
/// Columns: docs/reports.md. Exit code 2 for a bad name, month or format; 1 when the store, the definitions or the
/// billing rules cannot be read.
/// </summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("report") { Description = $"The report: {string.Join(", ", ReportRunner.Reports.Keys)}, or {Conformance} (how each practice runs the standard workflows)." };
        var practice = new Option<string?>("--practice") { Description = "The practice the report is for (required, except for conformance: default every practice)." };
        var month = new Option<string?>("--month") { Description = "The practice-local calendar month, YYYY-MM (required, except for conformance)." };
        var format = new Option<string>("--format") { Description = "csv (header row, then one line per row), json (rows, column meanings and summary) or table.", DefaultValueFactory = _ => "table" };
        var data = new Option<DirectoryInfo>("--data") { Description = "The data folder of the store (careflow.db), as for careflow serve.", DefaultValueFactory = _ => new DirectoryInfo("careflow-data") };
        var workflows = DefinitionFolders.WorkflowsOption();
        var rules = DefinitionFolders.RulesOption();
        var command = new Command("report", "A monthly care-management report for one practice: members, ccm, tcm, caseload, outreach, utilization, goals; or conformance for the physician organization (columns in docs/reports.md).")
        {
            name, practice, month, format, data, workflows, rules,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(name)!, parse.GetValue(practice), parse.GetValue(month), parse.GetValue(format)!, parse.GetValue(data)!,
            DefinitionFolders.Display(parse.GetValue(workflows)!, parse, workflows), DefinitionFolders.Display(parse.GetValue(rules)!, parse, rules), cancellationToken));
        return command;
    }

    private const string Conformance = "conformance";

    private static async Task<int> RunAsync(string report, string? practice, string? month, string format, DirectoryInfo data, string workflowsDirectory, string rulesDirectory, CancellationToken cancellationToken)
    {
        if (!ReportFormats.Names.Contains(format))
        {
            Console.Error.WriteLine($"--format {format}: use {string.Join(", ", ReportFormats.Names)}.");
            return 2;
        }

        if (report == Conformance)
        {
            return await ConformanceAsync(practice, format, data, workflowsDirectory, rulesDirectory, cancellationToken);
        }

        if (practice is null || month is null)
        {
            Console.Error.WriteLine($"report {report}: give {(practice is null ? "--practice P" : "")}{(practice is null && month is null ? " and " : "")}{(month is null ? "--month YYYY-MM" : "")}, e.g. careflow report {report} --practice demo --month 2026-11.");
            return 2;
        }

        try
        {
            ReportRunner.Find(report);
        }
        catch (ReportRequestException ex)
        {
            Console.Error.WriteLine($"report {report}: {ex.Message}");
            return 2;
        }

        var database = Path.Join(data.FullName, "careflow.db");
        if (!File.Exists(database))
        {
            Console.Error.WriteLine($"--data {data.FullName}: no store there (careflow.db). Point --data at the folder careflow serve or careflow import uses.");
            return 1;
        }

        var loaded = DefinitionLoader.Load(workflowsDirectory, rulesDirectory);
        if (!loaded.Succeeded)
        {
            loaded.Errors.ToList().ForEach(e => Console.Error.WriteLine(e));
            Console.Error.WriteLine("The definitions do not validate; fix the problems above first (careflow validate).");
            return 1;
        }

        var services = new ServiceCollection()
            .AddSingleton(TimeProvider.System)
            .AddSingleton(new DefinitionHistory(loaded.Definitions!))
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .AddCareflowSqlite(PersistenceSetup.SqliteConnectionString(database))
            .AddCareRecords(rulesDirectory);
        await using var provider = services.BuildServiceProvider();
        ReportTable table;
        try
        {
            // A store written by an older careflow gets the record tables first, as careflow serve would add them.
            await provider.GetRequiredService<RuntimeStore>().MigrateAsync(cancellationToken);
            table = await provider.GetRequiredService<ReportRunner>().RunAsync(report, practice, month, cancellationToken);
        }
        catch (ReportRequestException ex)
        {
            Console.Error.WriteLine($"--{ex.Field} {month}: {ex.Message}");
            return 2;
        }
        catch (InvalidDataException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 1;
        }

        await WriteAsync(table, format);
        return 0;
    }

    private static async Task<int> ConformanceAsync(string? practice, string format, DirectoryInfo data, string workflowsDirectory, string rulesDirectory, CancellationToken cancellationToken)
    {
        var loaded = DefinitionLoader.Load(workflowsDirectory, rulesDirectory);
        if (!loaded.Succeeded)
        {
            loaded.Errors.ToList().ForEach(e => Console.Error.WriteLine(e));
            Console.Error.WriteLine("The definitions do not validate, so conformance cannot be reported; fix the problems above first (careflow validate).");
            return 1;
        }

        await using var store = await CliStore.OpenAsync(data, cancellationToken);
        await WriteAsync(await store.GetRequiredService<ConformanceReport>().BuildAsync(loaded.Definitions!, practice, cancellationToken), format);
        return 0;
    }

    /// <summary>A report table to stdout as CSV, JSON or (any other format) the terminal table.</summary>
    internal static async Task WriteAsync(ReportTable table, string format)
    {
        switch (format)
        {
            case "csv":
                ReportFormats.WriteCsv(table, Console.Out);
                break;
            case "json":
                await using (var stdout = Console.OpenStandardOutput())
                {
                    ReportFormats.WriteJson(table, stdout);
                }

                Console.Out.WriteLine();
                break;
            default:
                WriteTable(table);
                break;
        }
    }

    private static void WriteTable(ReportTable table)
    {
        var grid = new Table().Border(TableBorder.Rounded).Title(Markup.Escape($"{table.Title} — {(table.Month.Length == 0 ? table.Practice : $"practice {table.Practice}, {table.Month}")}"));
        foreach (var column in table.Columns)
        {
            grid.AddColumn(Markup.Escape(column.Name));
        }

        foreach (var row in table.Rows)
        {
            grid.AddRow([.. row.Select(cell => Markup.Escape(ReportTable.Text(cell)))]);
        }

        AnsiConsole.Write(grid);
        if (table.Rows.Count == 0)
        {
            AnsiConsole.WriteLine("No rows for this month.");
        }

        foreach (var figure in table.Summary)
        {
            AnsiConsole.WriteLine($"{figure.Name}: {ReportTable.Text(figure.Value)}");
        }
    }
}
