using System.Diagnostics;
using System.Globalization;
using System.Text;
using CareWorkflows.Engine.Care;
using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Interop.Codes;
using CareWorkflows.Engine.Interop.Csv;
using CareWorkflows.Engine.Rules;
using CareWorkflows.Host.Cli;

namespace CareWorkflows.Host.Bench;

/// <summary>
/// <c>careflow bench b1</c> (also <c>stratify</c>): a synthetic member list of N patients through the enrollment rules,
/// our path (reading the CSV, Stratifier on all cores) against a plain RulesEngine loop over the same rules and facts,
/// and against the same rules hand-written as C# lambdas (<see cref="EnrollmentCeiling"/>, the ceiling).
/// </summary>
internal static class StratifyBench
{
    public static async Task<BenchReport> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        var definitions = DefinitionLoader.LoadOrThrow(settings.WorkflowsDirectory, settings.RulesDirectory);
        settings.Progress.WriteLine($"B1: {settings.Count:N0} patients through the enrollment rules: ours, a plain RulesEngine loop and hand-written lambdas, {Rounds} rounds each...");
        var panel = Path.Join(settings.Root, "panel.csv");
        await WritePanelAsync(panel, settings.Count, cancellationToken);

        // Our path, whole and cold, as a user runs `careflow stratify`: read and check the file, derive facts,
        // stratify every patient.
        var whole = Stopwatch.StartNew();
        var read = new MemberListReader(CodeSets.LoadFromRules(settings.RulesDirectory)).Read(panel, "bench", TimeProvider.System.GetUtcNow());
        var patients = read.Events.Select(e => (e.PatientId, Facts: FactNames.Apply(new PatientFacts(), e.Data.Where(d => FactNames.All.Contains(d.Key))))).ToList();
        var readSeconds = whole.Elapsed.TotalSeconds;
        var stratifier = new Stratifier(definitions.Rules);
        var results = await StratifyCommand.StratifyAllAsync(stratifier, patients, cancellationToken);
        var wholeSeconds = whole.Elapsed.TotalSeconds;

        // Then, both warm, the rate of our path against the same rules in a plain RulesEngine (same facts, same parallelism).
        var plain = definitions.Rules.PlainRulesEngine(Stratifier.RuleSet);
        await WarmUpAsync(stratifier, plain, patients, cancellationToken);
        var oursRates = new List<double>();
        var plainRates = new List<double>();
        var ceilingRates = new List<double>();
        for (var round = 0; round < Rounds; round++)
        {
            // Alternate the two so that neither always runs on the other's garbage.
            var ours = Stopwatch.StartNew();
            await StratifyCommand.StratifyAllAsync(stratifier, patients, cancellationToken);
            oursRates.Add(patients.Count / ours.Elapsed.TotalSeconds);
            // The plain loop keeps its per-patient answer (the deciding rule) too, as any real use (and ours) does.
            var kept = new string?[patients.Count];
            var baseline = Stopwatch.StartNew();
            await Parallel.ForEachAsync(Enumerable.Range(0, patients.Count), cancellationToken, async (i, _) => kept[i] = await plain(RuleInputs.Empty with { Patient = patients[i].Facts }));
            plainRates.Add(patients.Count / baseline.Elapsed.TotalSeconds);
            var ceiling = Stopwatch.StartNew();
            Parallel.For(0, patients.Count, i => kept[i] = EnrollmentCeiling.Decide(patients[i].Facts));
            ceilingRates.Add(patients.Count / ceiling.Elapsed.TotalSeconds);
        }

        var report = new BenchReport("b1", "stratification");
        var oursRate = Percentile.Median(oursRates);
        var plainRate = Percentile.Median(plainRates);
        var ceilingRate = Percentile.Median(ceilingRates);
        report.Add("patients", "patients in the panel", patients.Count);
        report.Add("read_seconds", "reading and checking the CSV (s)", Math.Round(readSeconds, 2));
        report.Add("patients_per_second", $"our path: patients/s (Stratifier), median of {Rounds}", Math.Round(oursRate));
        report.Add("rulesengine_patients_per_second", $"plain RulesEngine loop: patients/s, median of {Rounds}", Math.Round(plainRate));
        report.Add("ceiling_patients_per_second", $"hand-written C# lambdas (the ceiling): patients/s, median of {Rounds}", Math.Round(ceilingRate));
        report.Add("ratio", "ours / plain RulesEngine", Math.Round(oursRate / plainRate, 2), ">= 0.9", oursRate / plainRate >= 0.9);
        report.Add("ratio_to_ceiling", "ours / hand-written lambdas", Math.Round(oursRate / ceilingRate, 3));
        report.Add("whole_panel_seconds", "whole panel, reading the file included (s)", Math.Round(wholeSeconds, 2), "< 5", wholeSeconds < 5);
        report.Add("high", "patients in tier high", results.Count(r => r.Tier == "high"));
        var disagree = Enumerable.Range(0, patients.Count).Count(i => results[i].Rule != EnrollmentCeiling.Decide(patients[i].Facts));
        if (disagree > 0)
        {
            report.Problem($"the hand-written rules decide {disagree:N0} patients differently from rules/enrollment.yaml; carry the YAML's change over to Bench/EnrollmentCeiling.cs.");
        }

        if (read.Refused > 0)
        {
            report.Problem($"{read.Refused} rows of the synthetic panel were refused.");
        }

        return report;
    }

    private const int Rounds = 5;

    // Both paths compile their rules and JIT (then re-JIT, tiered) their code on a first pass over the panel;
    // neither is timed doing that.
    private static async Task WarmUpAsync(Stratifier stratifier, Func<RuleInputs, ValueTask<string?>> plain, List<(string PatientId, PatientFacts Facts)> patients, CancellationToken cancellationToken)
    {
        await Parallel.ForEachAsync(patients, cancellationToken, async (p, ct) =>
        {
            await stratifier.StratifyAsync(p.Facts, ct);
            await plain(RuleInputs.Empty with { Patient = p.Facts });
        });
    }

    private static async Task WritePanelAsync(string path, int count, CancellationToken cancellationToken)
    {
        var random = new Random(42);
        string[] codes = ["E11.9", "I50.9", "J44.9", "I10", "N18.3", "F32.9", "E10.9", "J45.909"];
        var text = new StringBuilder("member_id,age,conditions,hba1c,ed_visits_6m,ed_visits_12m,admissions_12m,homeless\n");
        for (var i = 0; i < count; i++)
        {
            var conditions = string.Join(';', codes.OrderBy(_ => random.Next()).Take(random.Next(0, 4)));
            var hba1c = random.NextDouble() < 0.3 ? "" : (5 + (random.NextDouble() * 7)).ToString("0.0", CultureInfo.InvariantCulture);
            var ed6 = random.Next(0, 4);
            text.Append(CultureInfo.InvariantCulture, $"m{i},{random.Next(18, 91)},{conditions},{hba1c},{ed6},{ed6 + random.Next(0, 2)},{random.Next(0, 2)},{(random.Next(0, 25) == 0 ? "true" : "false")}\n");
        }

        await File.WriteAllTextAsync(path, text.ToString(), cancellationToken);
    }
}
