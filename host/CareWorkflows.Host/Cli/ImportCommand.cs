using System.CommandLine;
using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Interop;
using CareWorkflows.Engine.Interop.Codes;
using CareWorkflows.Engine.Interop.Csv;
using CareWorkflows.Engine.Interop.Fhir;
using CareWorkflows.Engine.Persistence;
using CareWorkflows.Engine.Runtime;
using Serilog;
using Serilog.Formatting.Compact;
using Spectre.Console;

namespace CareWorkflows.Host.Cli;

/// <summary>
/// <c>careflow import</c>: FHIR R4 Bundles or NDJSON files (--fhir FILE|DIR), or a payer member list (--csv FILE),
/// into the store of a data folder: facts and events are derived and applied as <c>careflow serve</c> would
/// (docs/import.md). Problems name the file, the entry or row, and the element or column. Exit code 1 when any
/// entry or row was refused or any event failed; 2 for bad options.
/// </summary>
internal static class ImportCommand
{
    private const int ProblemsShown = 200;

    public static Command Create()
    {
        var fhir = new Option<FileSystemInfo?>("--fhir") { Description = "A FHIR R4 Bundle (.json) or NDJSON file (.ndjson), or a folder of them (Synthea's output/fhir, a bulk-data export)." };
        var csv = new Option<FileInfo?>("--csv") { Description = "A payer member list (CSV; columns in docs/import.md)." };
        var practice = new Option<string>("--practice") { Description = "The practice the patients belong to (a CSV row may name another in practice_id).", Required = true };
        var data = new Option<DirectoryInfo>("--data") { Description = "The data folder of the store (careflow.db), as for careflow serve.", DefaultValueFactory = _ => new DirectoryInfo("careflow-data") };
        var recentDays = new Option<int>("--recent-days") { Description = "Encounters that ended within this many days produce events (discharges, ED visits, visits); older ones only count in facts.", DefaultValueFactory = _ => 30 };
        var workflows = DefinitionFolders.WorkflowsOption();
        var rules = DefinitionFolders.RulesOption();
        var command = new Command("import", "Import patients: FHIR R4 (Patient, Condition, Observation, Encounter, Appointment, Coverage) or a CSV member list. Facts and events are applied through the store; importing the same data again changes nothing.")
        {
            fhir, csv, practice, data, recentDays, workflows, rules,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(new ImportSettings(
            parse.GetValue(fhir),
            parse.GetValue(csv),
            parse.GetValue(practice)!,
            parse.GetValue(data)!,
            parse.GetValue(recentDays),
            DefinitionFolders.Display(parse.GetValue(workflows)!, parse, workflows),
            DefinitionFolders.Display(parse.GetValue(rules)!, parse, rules)), cancellationToken));
        return command;
    }

    internal static async Task<int> RunAsync(ImportSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Fhir is null && settings.Csv is null)
        {
            Console.Error.WriteLine("Give --fhir FILE|DIR or --csv FILE (or both).");
            return 2;
        }

        if (settings.Fhir is { Exists: false } || settings.Csv is { Exists: false })
        {
            Console.Error.WriteLine($"{(settings.Fhir is { Exists: false } ? settings.Fhir.FullName : settings.Csv!.FullName)} does not exist.");
            return 2;
        }

        if (string.IsNullOrWhiteSpace(settings.Practice) || settings.RecentDays is < 0 or > 3650)
        {
            Console.Error.WriteLine(string.IsNullOrWhiteSpace(settings.Practice) ? "--practice must name the practice." : "--recent-days must be between 0 and 3650.");
            return 2;
        }

        var loaded = DefinitionLoader.Load(settings.WorkflowsDirectory, settings.RulesDirectory);
        if (!loaded.Succeeded)
        {
            loaded.Errors.ToList().ForEach(e => Console.Error.WriteLine(e));
            Console.Error.WriteLine("The definitions do not validate; fix the problems above first (careflow validate).");
            return 1;
        }

        CodeSets codes;
        try
        {
            codes = CodeSets.LoadFromRules(settings.RulesDirectory);
        }
        catch (InvalidDataException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 1;
        }

        var time = TimeProvider.System;
        var now = time.GetUtcNow();
        var interactive = !Console.IsOutputRedirected;
        var events = new List<WorkflowEvent>();
        var problems = new List<ImportProblem>();
        FhirImporter? importer = null;
        FhirImportResult? fhirResult = null;
        MemberListResult? csvResult = null;
        var files = settings.Fhir is null ? [] : FhirFiles(settings.Fhir);
        if (settings.Fhir is not null && files.Count == 0)
        {
            Console.Error.WriteLine($"{settings.Fhir.FullName} holds no .json or .ndjson file.");
            return 2;
        }

        await WithProgressAsync(interactive, "reading", files.Count + (settings.Csv is null ? 0 : 1), async advance =>
        {
            if (files.Count > 0)
            {
                importer = new FhirImporter(codes);
                foreach (var file in files)
                {
                    await ReadFhirFileAsync(importer, file, cancellationToken);
                    advance();
                }

                fhirResult = FhirDerivation.Derive(importer, settings.Practice, now, new FhirImportOptions { RecentDays = settings.RecentDays });
                events.AddRange(fhirResult.Events);
                problems.AddRange(importer.Problems);
            }

            if (settings.Csv is not null)
            {
                csvResult = new MemberListReader(codes).Read(settings.Csv.FullName, settings.Practice, now);
                events.AddRange(csvResult.Events);
                problems.AddRange(csvResult.Problems);
                advance();
            }
        });

        foreach (var problem in problems.Take(ProblemsShown))
        {
            Console.Error.WriteLine(problem);
        }

        if (problems.Count > ProblemsShown)
        {
            Console.Error.WriteLine($"... and {problems.Count - ProblemsShown} more problems.");
        }

        var applied = ApplySummary.Empty;
        if (events.Count > 0)
        {
            Directory.CreateDirectory(settings.Data.FullName);
            await using var services = BuildServices(settings, loaded.Definitions!, time);
            var store = services.GetRequiredService<RuntimeStore>();
            await store.MigrateAsync(cancellationToken);
            var conflicts = await services.GetRequiredService<DefinitionVersionStore>()
                .SyncAsync(services.GetRequiredService<DefinitionHistory>(), loaded.Definitions!, cancellationToken);
            if (conflicts.Count > 0)
            {
                conflicts.ToList().ForEach(e => Console.Error.WriteLine(e));
                return 1;
            }

            var identifiers = services.GetRequiredService<PatientIdentifierStore>();
            await identifiers.SetAsync(settings.Practice, fhirResult?.Identifiers ?? [], cancellationToken);
            foreach (var practice in (csvResult?.Identifiers ?? []).GroupBy(i => i.PracticeId))
            {
                await identifiers.SetAsync(practice.Key, [.. practice.Select(i => i.Identifier)], cancellationToken);
            }

            await WithProgressAsync(interactive, "applying events", events.Count, async advance =>
            {
                var done = 0;
                applied = await ImportApplier.ApplyAsync(store, events, new SyncProgress(count =>
                {
                    for (; done < count; done++)
                    {
                        advance();
                    }
                }), cancellationToken);
            });
        }

        foreach (var (eventId, error) in applied.Errors.Take(ProblemsShown))
        {
            Console.Error.WriteLine($"event {eventId} failed and waits in the inbox for review: {error}");
        }

        WriteSummary(settings, importer, fhirResult, csvResult, applied, interactive);
        // Every error refused something: an entry, a row, a file or a whole member list.
        return problems.Any(p => p.Severity == ProblemSeverity.Error) || applied.Failed > 0 ? 1 : 0;
    }

    private static List<FileInfo> FhirFiles(FileSystemInfo fhir) => fhir switch
    {
        DirectoryInfo directory => [.. directory.EnumerateFiles().Where(IsFhirFile).OrderBy(f => f.Name, StringComparer.Ordinal)],
        FileInfo file => [file],
        _ => [],
    };

    private static bool IsFhirFile(FileInfo file) =>
        file.Extension.Equals(".json", StringComparison.OrdinalIgnoreCase) || file.Extension.Equals(".ndjson", StringComparison.OrdinalIgnoreCase);

    private static async Task ReadFhirFileAsync(FhirImporter importer, FileInfo file, CancellationToken cancellationToken)
    {
        if (file.Extension.Equals(".ndjson", StringComparison.OrdinalIgnoreCase))
        {
            await using var stream = file.OpenRead();
            await importer.ReadNdjsonAsync(stream, file.Name, cancellationToken);
        }
        else
        {
            importer.ReadBundle(await File.ReadAllBytesAsync(file.FullName, cancellationToken), file.Name);
        }
    }

    /// <summary>The store as careflow serve builds it, without the web host: SQLite, runtime, definitions, a log file.</summary>
    private static ServiceProvider BuildServices(ImportSettings settings, DefinitionSet definitions, TimeProvider time)
    {
        var services = new ServiceCollection();
        services.AddSingleton(time);
        services.AddSingleton(new DefinitionHistory(definitions));
        services.AddCareflowSqlite(PersistenceSetup.SqliteConnectionString(Path.Join(settings.Data.FullName, "careflow.db")));
        services.AddLogging(logging => logging.AddSerilog(new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", Serilog.Events.LogEventLevel.Warning)
            .WriteTo.File(new CompactJsonFormatter(), Path.Join(settings.Data.FullName, "logs", "careflow-import-.json"), rollingInterval: RollingInterval.Day, retainedFileCountLimit: 14)
            .CreateLogger(), dispose: true));
        return services.BuildServiceProvider();
    }

    private static async Task WithProgressAsync(bool interactive, string label, int total, Func<Action, Task> work)
    {
        if (!interactive || total == 0)
        {
            await work(() => { });
            return;
        }

        await AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(label, maxValue: total);
                await work(() => task.Increment(1));
                task.Value = total;
            });
    }

    private static void WriteSummary(ImportSettings settings, FhirImporter? importer, FhirImportResult? fhir, MemberListResult? csv, ApplySummary applied, bool interactive)
    {
        var lines = new List<(string What, string Count)>();
        if (importer is not null)
        {
            lines.Add(("FHIR entries", $"{importer.Entries} read: {importer.Taken} taken, {importer.Refused} refused, {importer.Ignored} not used (other resource types)"));
            if (importer.Unreadable > 0)
            {
                lines.Add(("FHIR files not read", importer.Unreadable.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }

            lines.Add(("FHIR patients", (fhir?.Patients ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        if (csv is not null)
        {
            lines.Add(("CSV rows", $"{csv.Rows} read: {csv.Taken} taken, {csv.Refused} refused"));
        }

        lines.Add(("events", $"{applied.Total}: {applied.Applied} applied, {applied.Duplicates} duplicate, {applied.Failed} failed"));
        lines.Add(("practice", settings.Practice));
        lines.Add(("database", Path.Join(settings.Data.FullName, "careflow.db")));
        if (interactive)
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumn("import").AddColumn("");
            lines.ForEach(l => table.AddRow(Markup.Escape(l.What), Markup.Escape(l.Count)));
            AnsiConsole.Write(table);
        }
        else
        {
            lines.ForEach(l => Console.Out.WriteLine($"{l.What}: {l.Count}"));
        }
    }

    /// <summary>Reports progress on the calling thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}

/// <summary>The options of one <c>careflow import</c>.</summary>
internal sealed record ImportSettings(FileSystemInfo? Fhir, FileInfo? Csv, string Practice, DirectoryInfo Data, int RecentDays, string WorkflowsDirectory, string RulesDirectory);
