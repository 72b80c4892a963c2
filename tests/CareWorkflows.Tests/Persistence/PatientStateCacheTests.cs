using CareWorkflows.Engine.Runtime;
using CareWorkflows.Tests.Interop;

namespace CareWorkflows.Tests.Persistence;

/// <summary>
/// The store keeps recently applied patients in memory. These tests check it never answers from a stale copy:
/// not after another process (careflow import on the same data folder) wrote the patient, and not after a claim.
/// </summary>
public sealed class PatientStateCacheTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 15, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_patient_written_by_another_process_is_read_again_not_taken_from_memory()
    {
        await using var serve = await InteropStore.CreateAsync(Now);
        await using var import = await InteropStore.CreateAsync(Now, serve.Folder);

        await serve.Store.SubmitAsync([Updated("e1", ("hba1c", "7.0"))], CancellationToken.None);
        await import.Store.SubmitAsync([Updated("e2", ("hba1c", "9.6"))], CancellationToken.None);
        await serve.Store.SubmitAsync([Updated("e3", ("ed-visits-6m", "1"))], CancellationToken.None);

        var patient = await serve.Queries.PatientAsync("demo", "pt-1", CancellationToken.None);
        Assert.NotNull(patient);
        Assert.Equal(9.6m, patient.Patient.Facts.Hba1c);
        Assert.Equal(1, patient.Patient.Facts.EdVisits6m);
    }

    [Fact]
    public async Task The_same_process_keeps_applying_on_what_it_committed()
    {
        await using var serve = await InteropStore.CreateAsync(Now);

        await serve.Store.SubmitAsync([Updated("e1", ("hba1c", "9.6"))], CancellationToken.None);
        await serve.Store.SubmitAsync([Updated("e2", ("ed-visits-6m", "2"))], CancellationToken.None);
        await serve.Store.SubmitAsync([Updated("e3", ("hba1c", "8.1"))], CancellationToken.None);

        var patient = await serve.Queries.PatientAsync("demo", "pt-1", CancellationToken.None);
        Assert.NotNull(patient);
        Assert.Equal(8.1m, patient.Patient.Facts.Hba1c);
        Assert.Equal(2, patient.Patient.Facts.EdVisits6m);
    }

    [Fact]
    public async Task A_claimed_task_keeps_its_assignee_when_a_later_event_rewrites_it()
    {
        await using var serve = await InteropStore.CreateAsync(Now);
        await serve.Store.SubmitAsync([Updated("e1", ("conditions", "diabetes,hypertension"), ("hba1c", "9.6"), ("age", "64"))], CancellationToken.None);
        var discharge = new WorkflowEvent
        {
            EventId = "e2",
            PracticeId = "demo",
            PatientId = "pt-1",
            Type = "patient.discharged",
            At = Now.AddHours(-2),
            Data = new Dictionary<string, string> { ["setting"] = "inpatient" },
        };
        var created = await serve.Store.SubmitAsync([discharge], CancellationToken.None);
        var taskId = Assert.Single(created).TasksCreated[0];
        Assert.True(await serve.Store.ClaimAsync("demo", taskId, "cm-ana", CancellationToken.None));

        // A second discharge replaces the transition-of-care instance and rewrites its open tasks.
        await serve.Store.SubmitAsync([discharge with { EventId = "e3", At = Now.AddHours(-1) }], CancellationToken.None);

        var task = await serve.Queries.TaskAsync("demo", taskId, CancellationToken.None);
        Assert.NotNull(task);
        Assert.Equal("cm-ana", task.Assignee);
    }

    private static WorkflowEvent Updated(string id, params (string Name, string Value)[] facts) => new()
    {
        EventId = id,
        PracticeId = "demo",
        PatientId = "pt-1",
        Type = "patient.updated",
        At = Now.AddHours(-3),
        Data = facts.ToDictionary(f => f.Name, f => f.Value),
    };
}
