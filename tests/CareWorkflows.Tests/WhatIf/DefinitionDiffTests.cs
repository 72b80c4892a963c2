using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Diff;
using CareWorkflows.Engine.WhatIf;

namespace CareWorkflows.Tests.WhatIf;

public sealed class DefinitionDiffTests
{
    [Fact]
    public void Compare_TcmContactDueShortenedAndPharmacistStepAdded_SaysSoInPlainWords()
    {
        var yaml = File.ReadAllText(Path.Join(RepositoryPaths.Workflows, "transition-of-care.yaml"));
        var contact = yaml.IndexOf("  - id: contact\n", StringComparison.Ordinal);
        var due = yaml.IndexOf("due: 2 business days", contact, StringComparison.Ordinal);
        var edited = (yaml[..due] + "due: 1 business day" + yaml[(due + "due: 2 business days".Length)..])
            .Replace("version: 1", "version: 2", StringComparison.Ordinal)
            .Replace("next: { reached: med-rec, not-reached: contact-retry, overdue: escalate-contact }", "next: { reached: pharmacist-review, not-reached: contact-retry, overdue: escalate-contact }", StringComparison.Ordinal)
            + """

              - id: pharmacist-review
                kind: task
                title: Pharmacist reviews the discharge medicines with the patient
                role: pharmacist
                due: 1 business day
                form: forms/medication-reconciliation.yaml
                next: med-rec

            """;

        var lines = Diff(new() { ["workflows/transition-of-care.yaml"] = edited }).Select(l => l.ToString()).ToList();

        Assert.Equal(
        [
            "transition-of-care: workflow 'transition-of-care' version changed from 1 to 2",
            "transition-of-care: step 'pharmacist-review' added: a task for pharmacist, due 1 business day (Pharmacist reviews the discharge medicines with the patient)",
            "transition-of-care: step 'contact' due changed from 2 business days to 1 business day",
            "transition-of-care: step 'contact' after reached goes to 'pharmacist-review' instead of 'med-rec'",
        ], lines);
    }

    [Fact]
    public void Compare_HbA1cThresholdAndCadenceChanged_NamesTheRuleAndBothValues()
    {
        var enrollment = File.ReadAllText(Path.Join(RepositoryPaths.Rules, "enrollment.yaml"))
            .Replace("patient.Hba1c != null && patient.Hba1c >= 9'", "patient.Hba1c != null && patient.Hba1c >= 8'", StringComparison.Ordinal);
        var cadence = File.ReadAllText(Path.Join(RepositoryPaths.Rules, "cadence.yaml"))
            .Replace("SuccessEvent: \"14\"\n    Expression: 'patient.Tier == \"rising\"'", "SuccessEvent: \"7\"\n    Expression: 'patient.Tier == \"rising\"'", StringComparison.Ordinal);

        var lines = Diff(new() { ["rules/enrollment.yaml"] = enrollment, ["rules/cadence.yaml"] = cadence }).Select(l => l.ToString()).ToList();

        Assert.Equal(
        [
            "rules/cadence: rule 'cadence-rising-risk' days between contacts changed from 14 to 7",
            "rules/enrollment: rule 'diabetes-poor-control' threshold changed from patient.Hba1c >= 9 to patient.Hba1c >= 8",
        ], lines);
    }

    [Fact]
    public void FromFile_InvalidWorkflow_NamesTheGivenFileLineAndColumn()
    {
        var folder = Directory.CreateTempSubdirectory("careflow-diff-").FullName;
        try
        {
            var file = Path.Join(folder, "toc-draft.yaml");
            File.WriteAllText(file, File.ReadAllText(Path.Join(RepositoryPaths.Workflows, "transition-of-care.yaml")).Replace("due: 2 business days", "due: 2 buisness days", StringComparison.Ordinal));
            using var change = ChangeSet.FromFile(file, RepositoryPaths.Workflows, RepositoryPaths.Rules);

            var problem = change.Load().Errors.First(e => e.Code == ErrorCodes.BadDuration);

            Assert.StartsWith($"{file.Replace('\\', '/')}:", problem.ToString(), StringComparison.Ordinal);
            Assert.Contains("error CW0008", problem.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static IReadOnlyList<DiffLine> Diff(Dictionary<string, string> files)
    {
        var current = DefinitionLoader.LoadOrThrow(RepositoryPaths.Workflows, RepositoryPaths.Rules);
        using var change = ChangeSet.FromFiles(files, RepositoryPaths.Workflows, RepositoryPaths.Rules);
        var changed = change.Load();
        Assert.True(changed.Succeeded, string.Join('\n', changed.Errors));
        return DefinitionDiff.Compare(current, changed.Definitions!);
    }
}
