using System.Diagnostics;
using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.WhatIf;

namespace CareWorkflows.Tests.WhatIf;

public sealed class WhatIfRunnerTests
{
    private static readonly IReadOnlyList<PanelPatient> Panel = SyntheticPanel.Generate(2_000, seed: 20261130);

    [Fact]
    public async Task Run_HbA1cThresholdLoweredFrom9To8_EnrollsExactlyThePatientsBetweenTheThresholds()
    {
        var enrollment = await File.ReadAllTextAsync(Path.Join(RepositoryPaths.Rules, "enrollment.yaml"));
        const string PoorControl = "patient.Hba1c != null && patient.Hba1c >= 9'";
        Assert.Contains(PoorControl, enrollment, StringComparison.Ordinal);
        var lowered = enrollment.Replace(PoorControl, "patient.Hba1c != null && patient.Hba1c >= 8'", StringComparison.Ordinal);

        var result = await RunAsync(new Dictionary<string, string> { ["rules/enrollment.yaml"] = lowered }, weeks: 2);

        // From the panel itself: diabetes, HbA1c from 8 to under 9, and not already high risk by utilization
        // (the diabetes-high-utilization rule: 2+ ED visits in 6 months, an admission, LACE 10+, homeless, or a
        // behavioral health need with an ED visit), which puts a patient in the program whatever the HbA1c.
        var expected = Panel.Where(p => p.Facts.Conditions.Contains("diabetes") && p.Facts.Hba1c is >= 8m and < 9m
                && !(p.Facts.EdVisits6m >= 2 || p.Facts.Admissions12m >= 1 || p.Facts.Homeless || (p.Facts.BehavioralHealthNeed && p.Facts.EdVisits12m >= 1)))
            .Select(p => p.Id).Order(StringComparer.Ordinal).ToList();
        var enrolled = Enumerable.Range(0, Panel.Count)
            .Where(i => result.Changed[i].Programs.Contains("diabetes-high-risk") && !result.Current[i].Programs.Contains("diabetes-high-risk"))
            .Select(i => Panel[i].Id).Order(StringComparer.Ordinal).ToList();
        var changes = ImpactReport.Changes(result).ToList();

        Assert.True(expected.Count > 50, $"the panel has only {expected.Count} patients between the thresholds");
        Assert.Equal(expected, enrolled);
        Assert.Equal(expected, changes.Select(c => c.PatientId).Order(StringComparer.Ordinal));
        Assert.All(changes, c => Assert.Equal("rising -> high", c.Group));
        Assert.All(changes, c => Assert.Contains("rule diabetes-hba1c-8-to-9 -> diabetes-poor-control", c.Rules, StringComparison.Ordinal));
    }

    private static async Task<WhatIfResult> RunAsync(Dictionary<string, string> change, int weeks, string? baseWorkflows = null)
    {
        var workflows = baseWorkflows ?? RepositoryPaths.Workflows;
        var current = DefinitionLoader.LoadOrThrow(workflows, RepositoryPaths.Rules);
        using var changed = ChangeSet.FromFiles(change, workflows, RepositoryPaths.Rules);
        var loaded = changed.Load();
        Assert.True(loaded.Succeeded, string.Join('\n', loaded.Errors));
        var calendar = current.Practice("demo").Calendar;
        var settings = new WhatIfSettings("demo", calendar.AtLocalTime(new DateOnly(2026, 11, 30), TimeOnly.MinValue), weeks);
        var clock = Stopwatch.StartNew();
        var result = await WhatIfRunner.RunAsync(new WhatIfSide("current", current, RepositoryPaths.Rules), new WhatIfSide("changed", loaded.Definitions!, changed.Rules), Panel, settings, null, CancellationToken.None);
        Console.WriteLine($"what-if of {Panel.Count} patients x {weeks} weeks x 2 sides: {clock.Elapsed.TotalSeconds:0.0} s");
        return result;
    }
}
