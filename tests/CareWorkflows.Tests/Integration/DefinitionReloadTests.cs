using Xunit.Abstractions;

namespace CareWorkflows.Tests.Integration;

/// <summary>
/// Editing the definition files under a running careflow: a bad edit is refused and the last good version keeps
/// running; a new version serves new instances while running instances keep the version they started on.
/// </summary>
[Trait("Category", "Integration")]
public sealed class DefinitionReloadTests(ITestOutputHelper output) : CareflowProcessTest(output)
{
    private const string Practice = "reload";
    private static readonly TimeSpan ReloadTimeout = TimeSpan.FromSeconds(20);

    // A workflow with an inline decision, written by the decision test.
    private const string GateVersion1 = """
        workflow: gate
        version: 1
        title: Care plan review with a decision (reload test)
        phase: between-visits
        starts-on: care-plan.updated
        steps:
          - id: review
            kind: task
            title: Review the care plan
            role: care-manager
            outcomes: [done]
            next: route

          - id: route
            kind: decide
            branches:
              - { when: 'event.Outcome == "done"', next: follow }
            otherwise: end

          - id: follow
            kind: task
            title: Follow up on the care plan
            role: care-manager
            outcomes: [done]
            next: end

        """;

    [Fact]
    public async Task EditWorkflow_InvalidThenVersion2_RefusedThenNewInstancesOnVersion2AndRunningKeepVersion1()
    {
        var careflow = await StartAsync();
        var file = Workspace.WorkflowFile("tcm-fast.yaml");
        var original = await File.ReadAllTextAsync(file);

        // An instance started on version 1.
        var before = await careflow.Client.SubmitAsync(Practice, Discharge("rl-1", "pt-before"));
        var beforeContact = Assert.Single(before.Results[0].TasksCreated);

        // 1. A bad edit: an unknown duration unit. Refused; version 1 keeps running.
        await File.WriteAllTextAsync(file, original.Replace("due: 1 minute", "due: 1 fortnight", StringComparison.Ordinal));
        var refused = await CareflowApi.PollAsync(
            () => careflow.Client.DefinitionsAsync(),
            d => d.Validation == "last edit refused",
            ReloadTimeout,
            "GET /api/definitions reports the bad edit",
            d => d.Validation);
        Output.WriteLine(string.Join('\n', refused.LastEditProblems));
        Assert.Contains(refused.LastEditProblems, p => p.Contains("tcm-fast.yaml", StringComparison.Ordinal) && p.Contains("fortnight", StringComparison.Ordinal));
        Assert.Equal(1, Assert.Single(refused.Workflows, w => w.Id == "tcm-fast").Version);

        // 2. A valid edit that keeps version 1 while patients run on it: refused, they must finish on their steps.
        await File.WriteAllTextAsync(file, original.Replace("role: care-manager", "role: social-worker", StringComparison.Ordinal));
        var sameVersion = await CareflowApi.PollAsync(
            () => careflow.Client.DefinitionsAsync(),
            d => d.LastEditProblems.Any(p => p.Contains("Raise 'version' to 2", StringComparison.Ordinal)),
            ReloadTimeout,
            "GET /api/definitions refuses an edit of version 1 under running patients",
            d => $"{d.Validation}: {string.Join(" ", d.LastEditProblems)}");
        Assert.Equal("last edit refused", sameVersion.Validation);

        var during = await careflow.Client.SubmitAsync(Practice, Discharge("rl-2", "pt-during"));
        Assert.Single(during.Results[0].TasksCreated);
        var duringTask = Assert.Single(await careflow.Client.TasksAsync(Practice, "patient=pt-during"));
        Assert.Equal(("contact", "care-manager"), (duringTask.StepId, duringTask.Role));
        Assert.Equal(1, Assert.Single((await careflow.Client.PatientAsync(Practice, "pt-during")).Instances).Version);

        // 3. The fix, as version 2: the contact goes to the community health worker and is followed by a new step.
        var version2 = original
            .Replace("version: 1", "version: 2", StringComparison.Ordinal)
            .Replace("role: care-manager", "role: community-health-worker", StringComparison.Ordinal)
            .Replace("reached: med-check", "reached: home-visit", StringComparison.Ordinal)
            .Replace("  - id: med-check\n", "  - id: home-visit\n    kind: task\n    title: Visit the patient at home\n    role: community-health-worker\n    next: med-check\n\n  - id: med-check\n", StringComparison.Ordinal);
        await File.WriteAllTextAsync(file, version2);
        var reloaded = await PollForVersionAsync(careflow, "tcm-fast", 2);
        Assert.Contains("tcm-fast@1", reloaded.KnownVersions);
        Assert.Contains("tcm-fast@2", reloaded.KnownVersions);
        Assert.Equal(Assert.Single(refused.Workflows, w => w.Id == "tcm-fast").Steps + 1, Assert.Single(reloaded.Workflows, w => w.Id == "tcm-fast").Steps);

        // New instances start on version 2.
        var after = await careflow.Client.SubmitAsync(Practice, Discharge("rl-3", "pt-after"));
        Assert.Single(after.Results[0].TasksCreated);
        Assert.Equal(2, Assert.Single((await careflow.Client.PatientAsync(Practice, "pt-after")).Instances).Version);
        Assert.Equal("community-health-worker", Assert.Single(await careflow.Client.TasksAsync(Practice, "patient=pt-after")).Role);

        // The instances started before keep version 1: completing their contact goes on to version 1's med-check.
        foreach (var (patient, contact) in new[] { ("pt-before", beforeContact), ("pt-during", duringTask.Id) })
        {
            var completed = await careflow.Client.SubmitAsync(Practice, new EventPost
            {
                Id = $"complete-{patient}",
                Type = "task.completed",
                Patient = patient,
                TaskId = contact,
                Outcome = "reached",
                Minutes = 4,
            });
            Assert.Equal(1, completed.Applied);
            var instance = Assert.Single((await careflow.Client.PatientAsync(Practice, patient)).Instances);
            Assert.Equal((1, "med-check"), (instance.Version, instance.Step));
            Assert.Contains(await careflow.Client.TasksAsync(Practice, $"patient={patient}"), t => t.StepId == "med-check" && t.Role == "pharmacist");
        }

        // And version 2's instance goes on to version 2's new step.
        var afterContact = Assert.Single(await careflow.Client.TasksAsync(Practice, "patient=pt-after"));
        await careflow.Client.SubmitAsync(Practice, new EventPost { Id = "complete-pt-after", Type = "task.completed", Patient = "pt-after", TaskId = afterContact.Id, Outcome = "reached" });
        var afterInstance = Assert.Single((await careflow.Client.PatientAsync(Practice, "pt-after")).Instances);
        Assert.Equal((2, "home-visit"), (afterInstance.Version, afterInstance.Step));
    }

    [Fact]
    public async Task Restart_AfterVersion2_Version1InstanceFinishesOnVersion1()
    {
        var careflow = await StartAsync();
        var file = Workspace.WorkflowFile("tcm-fast.yaml");
        var original = await File.ReadAllTextAsync(file);
        var contact = Assert.Single((await careflow.Client.SubmitAsync(Practice, Discharge("rs-1", "pt-tcm"))).Results[0].TasksCreated);

        // Version 2 gives the medicines check to the clinician; then the process dies and restarts on version 2's file.
        await File.WriteAllTextAsync(file, original
            .Replace("version: 1", "version: 2", StringComparison.Ordinal)
            .Replace("role: pharmacist", "role: clinician", StringComparison.Ordinal));
        await PollForVersionAsync(careflow, "tcm-fast", 2);
        careflow.Kill();
        careflow = await StartAsync();

        Assert.Contains("tcm-fast@1", (await careflow.Client.DefinitionsAsync()).KnownVersions);
        var completed = await careflow.Client.SubmitAsync(Practice, new EventPost { Id = "rs-2", Type = "task.completed", Patient = "pt-tcm", TaskId = contact, Outcome = "reached" });
        Assert.Equal(1, completed.Applied);
        var instance = Assert.Single((await careflow.Client.PatientAsync(Practice, "pt-tcm")).Instances);
        Assert.Equal((1, "running", "med-check"), (instance.Version, instance.Status, instance.Step));
        Assert.Equal("pharmacist", Assert.Single(await careflow.Client.TasksAsync(Practice, "patient=pt-tcm")).Role);
    }

    [Fact]
    public async Task Reload_Version2ChangesDecision_Version1InstanceDecidesWithItsOwnExpression()
    {
        var file = Workspace.WorkflowFile("gate.yaml");
        await File.WriteAllTextAsync(file, GateVersion1);
        var careflow = await StartAsync();
        var review = Assert.Single((await careflow.Client.SubmitAsync(Practice, new EventPost { Id = "dc-1", Type = "care-plan.updated", Patient = "pt-gate" })).Results[0].TasksCreated);

        // Version 2 decides on another expression; the running instance keeps version 1's decision.
        await File.WriteAllTextAsync(file, GateVersion1
            .Replace("version: 1", "version: 2", StringComparison.Ordinal)
            .Replace("event.Outcome == \"done\"", "event.Minutes > 30", StringComparison.Ordinal));
        await PollForVersionAsync(careflow, "gate", 2);

        var decided = await careflow.Client.SubmitAsync(Practice, new EventPost { Id = "dc-2", Type = "task.completed", Patient = "pt-gate", TaskId = review, Outcome = "done", Minutes = 5 });
        Assert.Equal(1, decided.Applied);
        var instance = Assert.Single((await careflow.Client.PatientAsync(Practice, "pt-gate")).Instances);
        Assert.Equal((1, "running", "follow"), (instance.Version, instance.Status, instance.Step));
    }

    private static Task<DefinitionsView> PollForVersionAsync(CareflowProcess careflow, string workflow, int version) =>
        CareflowApi.PollAsync(
            () => careflow.Client.DefinitionsAsync(),
            d => d.Validation == "valid" && d.Workflows.Any(w => w.Id == workflow && w.Version == version),
            ReloadTimeout,
            $"GET /api/definitions shows {workflow} version {version}",
            d => $"{d.Validation}: {string.Join(", ", d.Workflows.Select(w => $"{w.Id}@{w.Version}"))}; {string.Join(" ", d.LastEditProblems)}");

    private static EventPost Discharge(string id, string patient) => new()
    {
        Id = id,
        Type = "patient.discharged",
        Patient = patient,
        Data = new Dictionary<string, string> { ["setting"] = "inpatient", ["disposition"] = "home" },
    };

}
