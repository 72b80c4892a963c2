using System.Diagnostics;
using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Runtime;
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

    [Fact]
    public async Task Run_CheckInCadenceHalved_DoublesTheWeeklyOutreachTasksOfExactlyThosePatients()
    {
        using var baseline = new TemporaryFolder();
        CopyFolder(RepositoryPaths.Workflows, baseline.Path);
        await File.WriteAllTextAsync(Path.Join(baseline.Path, "high-risk-check-in.yaml"), CheckIn("14 days"));

        var result = await RunAsync(new Dictionary<string, string> { ["workflows/high-risk-check-in.yaml"] = CheckIn("7 days") }, weeks: 12, baseline.Path);

        var inProgram = Enumerable.Range(0, Panel.Count).Where(i => result.Current[i].Programs.Contains("diabetes-high-risk")).ToHashSet();
        Assert.True(inProgram.Count > 100, $"only {inProgram.Count} patients in diabetes-high-risk");
        for (var i = 0; i < Panel.Count; i++)
        {
            var (before, after) = (result.Current[i], result.Changed[i]);
            var (checkInsBefore, checkInsAfter) = (CheckIns(before), CheckIns(after));
            Assert.Equal(Outreach(before).Where(t => t.Workflow != CheckInWorkflow), Outreach(after).Where(t => t.Workflow != CheckInWorkflow));
            if (inProgram.Contains(i))
            {
                // Every 14 days from the first day: weeks 1, 3, 5 ... of 12; every 7 days: each week.
                Assert.Equal(6, checkInsBefore.Count);
                Assert.Equal(2 * checkInsBefore.Count, checkInsAfter.Count);
            }
            else
            {
                Assert.Empty(checkInsBefore);
                Assert.Empty(checkInsAfter);
            }
        }

        var table = ImpactReport.Build(result, withPatients: false);
        var weekly = table.Rows.Where(r => (string)r[0]! == "outreach").ToList();
        Assert.Equal(12, weekly.Count);
        var n = inProgram.Count;
        var weeks = Enumerable.Range(0, 12).ToList();
        Assert.Equal(weeks.Select(w => w % 2 == 0 ? n : 0), weeks.Select(w => inProgram.Sum(i => CheckIns(result.Current[i]).Count(t => t.Week == w))));
        Assert.Equal(weeks.Select(_ => n), weeks.Select(w => inProgram.Sum(i => CheckIns(result.Changed[i]).Count(t => t.Week == w))));
        Assert.Equal(weeks.Select(w => w % 2 == 0 ? 0 : n), weekly.Select(r => (int)r[5]!));
    }

    private const string CheckInWorkflow = "high-risk-check-in";

    private static string CheckIn(string cadence) => $$"""
        workflow: {{CheckInWorkflow}}
        version: 1
        title: Regular check-in call for high-risk diabetes patients
        phase: between-visits
        programs: [diabetes-high-risk]
        starts-on: enrollment.changed
        steps:
          - id: call
            kind: outreach
            title: Check-in call
            role: care-manager
            attempts: 1
            cadence: {{cadence}}
            channel: phone
            next: { reached: call, exhausted: call }
        """;

    private static List<TaskSeen> Outreach(PatientOutcome outcome) => [.. outcome.Tasks.Where(t => t.Kind == TaskKind.Outreach)];

    private static List<TaskSeen> CheckIns(PatientOutcome outcome) => [.. outcome.Tasks.Where(t => t.Workflow == CheckInWorkflow)];

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Join(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private sealed class TemporaryFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("careflow-whatif-test-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
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
