using System.CommandLine;
using CareWorkflows.Engine.Conformance;
using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Persistence;
using CareWorkflows.Host.Reports;
using Microsoft.EntityFrameworkCore;
using Spectre.Console;

namespace CareWorkflows.Host.Cli;

/// <summary><c>careflow report conformance</c>: how each practice follows the standard workflows.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("report") { Description = "conformance: per practice, which standard workflows it runs, at which version, the fields its overlays change, and the instances still on older versions." };
        name.AcceptOnlyFromAmong("conformance");
        var practice = new Option<string?>("--practice") { Description = "One practice (default: every practice with a practice.yaml, an overlay, or patients in the store)." };
        var format = new Option<string>("--format") { Description = "table: for people; csv and json: for spreadsheets and scripts (columns in docs/reports.md).", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "csv", "json");
        var workflows = DefinitionFolders.WorkflowsOption();
        var rules = DefinitionFolders.RulesOption();
        var data = new Option<DirectoryInfo>("--data") { Description = "The data folder of the store (careflow.db), as for careflow serve.", DefaultValueFactory = _ => new DirectoryInfo("careflow-data") };
        var command = new Command("report", "Reports for the physician organization.") { name, practice, format, workflows, rules, data };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var loaded = DefinitionLoader.Load(DefinitionFolders.Display(parse.GetValue(workflows)!, parse, workflows), DefinitionFolders.Display(parse.GetValue(rules)!, parse, rules));
            if (!loaded.Succeeded)
            {
                foreach (var error in loaded.Errors)
                {
                    Console.Out.WriteLine(error);
                }

                Console.Error.WriteLine("The definitions do not load, so conformance cannot be reported. Fix the problems above (careflow validate).");
                return 1;
            }

            var folder = parse.GetValue(data)!;
            folder.Create();
            await using var services = new ServiceCollection()
                .AddSingleton(TimeProvider.System)
                .AddLogging()
                .AddCareflowSqlite(PersistenceSetup.SqliteConnectionString(Path.Join(folder.FullName, "careflow.db")))
                .BuildServiceProvider();
            await using (var db = await services.GetRequiredService<IDbContextFactory<CareflowDbContext>>().CreateDbContextAsync(cancellationToken))
            {
                await db.Database.MigrateAsync(cancellationToken);
            }

            var rows = await services.GetRequiredService<ConformanceReport>().BuildAsync(loaded.Definitions!, parse.GetValue(practice), cancellationToken);
            switch (parse.GetValue(format))
            {
                case "csv":
                    Console.Out.Write(ConformanceOutput.Csv(rows));
                    break;
                case "json":
                    Console.Out.WriteLine(ConformanceOutput.Json(rows));
                    break;
                default:
                    ConformanceOutput.Table(rows, AnsiConsole.Console);
                    break;
            }

            return 0;
        });
        return command;
    }
}
