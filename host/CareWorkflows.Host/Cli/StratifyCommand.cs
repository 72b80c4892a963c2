using System.CommandLine;
using CareWorkflows.Engine.Care;
using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Interop.Codes;
using CareWorkflows.Engine.Rules;
using Spectre.Console;

namespace CareWorkflows.Host.Cli;

/// <summary>
/// <c>careflow stratify</c>: runs the enrollment rules over a whole panel and writes one row per patient:
/// tier, programs, the rule that decided and every rule that held. <c>--explain</c> shows one patient rule by rule.
/// </summary>
internal static class StratifyCommand
{
    public static Command Create()
    {
        var panel = new Option<FileInfo>("--panel") { Description = "The panel: a member-list CSV (columns in docs/import.md), or FHIR R4 as NDJSON (.ndjson) or a Bundle (.json).", Required = true };
        var practice = new Option<string>("--practice") { Description = "Practice id for rows without practice_id.", DefaultValueFactory = _ => "demo" };
        var output = new Option<FileInfo?>("--out") { Description = "Write the rows to this CSV file instead of the terminal." };
        var explain = new Option<string?>("--explain") { Description = "Print the rule-by-rule evaluation for this patient (member_id) instead of the panel." };
        var workflows = DefinitionFolders.WorkflowsOption();
        var rules = DefinitionFolders.RulesOption();
        var command = new Command("stratify", "Run the enrollment rules over a whole panel with a progress bar; writes patient, tier, programs, deciding rule and every rule that held.")
        {
            panel, practice, output, explain, workflows, rules,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var rulesDirectory = DefinitionFolders.Display(parse.GetValue(rules)!, parse, rules);
            var loaded = DefinitionLoader.Load(DefinitionFolders.Display(parse.GetValue(workflows)!, parse, workflows), rulesDirectory);
            if (!loaded.Succeeded)
            {
                loaded.Errors.ToList().ForEach(e => Console.Error.WriteLine(e));
                Console.Error.WriteLine("The definitions do not validate; fix the problems above first (careflow validate).");
                return 1;
            }

            var file = parse.GetValue(panel)!;
            if (!file.Exists)
            {
                Console.Error.WriteLine($"{file.FullName}: the panel file does not exist.");
                return 1;
            }

            var (patients, refused) = await PanelFile.ReadAsync(file, parse.GetValue(practice)!, CodeSets.LoadFromRules(rulesDirectory), cancellationToken);
            var stratifier = new Stratifier(loaded.Definitions!.Rules);
            if (parse.GetValue(explain) is { } patientId)
            {
                return await ExplainAsync(loaded.Definitions, patients, patientId, cancellationToken);
            }

            var results = await StratifyAllAsync(stratifier, patients, cancellationToken);
            await WriteAsync(patients, results, parse.GetValue(output), cancellationToken);
            Console.Error.WriteLine($"{patients.Count:N0} patients stratified: " +
                string.Join(", ", results.GroupBy(r => r.Tier.Length == 0 ? "no tier" : r.Tier).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count():N0} {g.Key}")) +
                (refused > 0 ? $"; {refused} rows or entries refused (see above)" : ""));
            return refused > 0 ? 1 : 0;
        });
        return command;
    }

    /// <summary>Stratifies every patient on all cores; results in panel order.</summary>
    internal static async Task<Stratification[]> StratifyAllAsync(Stratifier stratifier, List<(string PatientId, PatientFacts Facts)> patients, CancellationToken cancellationToken)
    {
        var results = new Stratification[patients.Count];
        async Task RunAsync(Action<int>? advance)
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, patients.Count), cancellationToken, async (i, ct) =>
            {
                results[i] = await stratifier.StratifyAsync(patients[i].Facts, ct);
                advance?.Invoke(1);
            });
        }

        if (Console.IsErrorRedirected || patients.Count < 1000)
        {
            await RunAsync(null);
            return results;
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        await console.Progress().StartAsync(async context =>
        {
            var task = context.AddTask("stratifying", maxValue: patients.Count);
            await RunAsync(n => task.Increment(n));
        });
        return results;
    }

    private static async Task WriteAsync(List<(string PatientId, PatientFacts Facts)> patients, Stratification[] results, FileInfo? output, CancellationToken cancellationToken)
    {
        await using var writer = output is null ? Console.Out : new StreamWriter(output.FullName);
        await writer.WriteLineAsync("patient,tier,programs,rule,reason,rules_fired".AsMemory(), cancellationToken);
        for (var i = 0; i < patients.Count; i++)
        {
            var r = results[i];
            await writer.WriteLineAsync(string.Join(',',
                Csv(patients[i].PatientId), Csv(r.Tier), Csv(string.Join(';', r.Programs)), Csv(r.Rule ?? ""), Csv(r.Reason ?? ""),
                Csv(string.Join(';', r.Fired.Select(f => f.RuleName)))).AsMemory(), cancellationToken);
        }
    }

    private static async Task<int> ExplainAsync(DefinitionSet definitions, List<(string PatientId, PatientFacts Facts)> patients, string patientId, CancellationToken cancellationToken)
    {
        var match = patients.FindIndex(p => p.PatientId == patientId);
        if (match < 0)
        {
            Console.Error.WriteLine($"No patient '{patientId}' in the panel (member_id column).");
            return 1;
        }

        var facts = patients[match].Facts;
        Console.Out.WriteLine($"Patient {patientId}: " + string.Join(", ", FactNames.ToValues(facts).Where(f => f.Value.Length > 0 && f.Key is not ("tier" or "programs")).Select(f => $"{f.Key}={f.Value}")));
        var rows = await definitions.Rules.ExplainAsync(Stratifier.RuleSet, RuleInputs.Empty with { Patient = facts }, cancellationToken);
        var decided = false;
        for (var i = 0; i < rows.Count; i++)
        {
            var (rule, holds) = rows[i];
            var verdict = holds && !decided ? "HOLDS - decides" : holds ? "holds" : "does not hold";
            decided |= holds;
            Console.Out.WriteLine($"{i + 1,3}. {rule.Name}: {verdict}");
            Console.Out.WriteLine($"     tier {rule.SuccessEvent}; programs {rule.Properties.GetValueOrDefault("programs") ?? "-"}; {rule.Properties.GetValueOrDefault("reason") ?? ""}");
            Console.Out.WriteLine($"     {rule.Expression}");
        }

        if (!decided)
        {
            Console.Out.WriteLine("No rule holds: the patient gets no tier and no program.");
        }

        return 0;
    }

    private static string Csv(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
}
