using CareWorkflows.Tests.Integration;

namespace CareWorkflows.Tests.WhatIf;

/// <summary>careflow whatif and careflow diff through the real process.</summary>
public sealed class WhatIfCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("careflow-whatif-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Whatif_LoweredHbA1cThreshold_PrintsTheTableAndWritesTheCsv()
    {
        var patients = SyntheticPanel.Generate(300, seed: 7);
        var panel = Path.Join(_folder, "panel.csv");
        await File.WriteAllTextAsync(panel, SyntheticPanel.Csv(patients));
        var change = ChangeFolder("rules/enrollment.yaml", File.ReadAllText(Path.Join(RepositoryPaths.Rules, "enrollment.yaml"))
            .Replace("patient.Hba1c != null && patient.Hba1c >= 9'", "patient.Hba1c != null && patient.Hba1c >= 8'", StringComparison.Ordinal));
        var csv = Path.Join(_folder, "impact.csv");

        var (exit, output, errors) = await CareflowCli.RunAsync(RepositoryPaths.Root, "whatif", "--panel", panel, "--change", change, "--weeks", "4", "--start", "2026-11-30", "--out", csv);

        Assert.True(exit == 0, errors);
        var between = patients.Count(p => p.Facts.Conditions.Contains("diabetes") && p.Facts.Hba1c is >= 8m and < 9m
            && !(p.Facts.EdVisits6m >= 2 || p.Facts.Admissions12m >= 1 || p.Facts.Homeless || (p.Facts.BehavioralHealthNeed && p.Facts.EdVisits12m >= 1)));
        Assert.Contains("Patients whose tier or programs change", output, StringComparison.Ordinal);
        Assert.Contains("tasks-by-role: per week over 4 weeks", output, StringComparison.Ordinal);
        Assert.Contains("A simulated care team does each task one hour before its due", output, StringComparison.Ordinal);
        Assert.Contains("300 patients x 4 weeks x 2 sides", errors, StringComparison.Ordinal);
        var rows = await File.ReadAllLinesAsync(csv);
        Assert.Equal("section,group,period,current,changed,difference,detail", rows[0]);
        Assert.Contains($"patients,rising -> high,start,,{between},{between},rule diabetes-hba1c-8-to-9 -> diabetes-poor-control; programs +diabetes-high-risk", rows);
        Assert.Equal(between, rows.Count(r => r.StartsWith("patient,", StringComparison.Ordinal)));
        Assert.Contains(rows, r => r.StartsWith("tasks-by-role,care-manager,week 1 (2026-11-30),", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.StartsWith("tasks-by-care-manager,cm-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Whatif_ChangeThatDoesNotValidate_NamesTheChangedFileAndRunsNothing()
    {
        var panel = Path.Join(_folder, "panel.csv");
        await File.WriteAllTextAsync(panel, SyntheticPanel.Csv(SyntheticPanel.Generate(20, seed: 1)));
        var change = ChangeFolder("workflows/transition-of-care.yaml", File.ReadAllText(Path.Join(RepositoryPaths.Workflows, "transition-of-care.yaml"))
            .Replace("role: care-manager", "role: care-manger", StringComparison.Ordinal));

        var (exit, output, errors) = await CareflowCli.RunAsync(RepositoryPaths.Root, "whatif", "--panel", panel, "--change", change);

        Assert.Equal(1, exit);
        Assert.Matches($@"{System.Text.RegularExpressions.Regex.Escape(change)}/workflows/transition-of-care\.yaml:\d+:\d+: error CW0009: unknown role 'care-manger'\. Did you mean 'care-manager'\?", errors);
        Assert.Contains("Nothing was run.", errors, StringComparison.Ordinal);
        Assert.Equal("", output);
    }

    [Fact]
    public async Task Diff_TwoRuleFiles_PrintsTheThresholdChange()
    {
        var old = Path.Join(RepositoryPaths.Rules, "enrollment.yaml");
        var edited = Path.Join(_folder, "enrollment.yaml");
        await File.WriteAllTextAsync(edited, (await File.ReadAllTextAsync(old)).Replace("patient.Hba1c != null && patient.Hba1c >= 9'", "patient.Hba1c != null && patient.Hba1c >= 8'", StringComparison.Ordinal));

        var (exit, output, errors) = await CareflowCli.RunAsync(RepositoryPaths.Root, "diff", old, edited);

        Assert.True(exit == 0, errors);
        Assert.Equal("rules/enrollment: rule 'diabetes-poor-control' threshold changed from patient.Hba1c >= 9 to patient.Hba1c >= 8", output.Trim());
    }

    private string ChangeFolder(string relative, string text)
    {
        var change = Path.Join(_folder, "change");
        var file = Path.Join(change, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, text);
        return change;
    }
}
