using Xunit.Abstractions;

namespace CareWorkflows.Tests.Integration;

/// <summary>
/// Issue 3 (b): real Quartz timers in the real careflow process. The test workflow tcm-fast makes the contact due
/// one minute after the discharge; a discharge posted with <c>at</c> 56 s in the past is due 4 s after posting.
/// </summary>
[Trait("Category", "Integration")]
public sealed class TimerTests(ITestOutputHelper output) : CareflowProcessTest(output)
{
    private const string Practice = "timers";
    private static readonly TimeSpan DueAfterPost = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan FireTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task DueDate_Passes_TaskOverdueAndEscalationCreatedOnce()
    {
        var careflow = await StartAsync();
        await careflow.Client.WarmUpAsync(Practice);
        var dueAt = CareflowApi.Now + DueAfterPost;

        var answer = await careflow.Client.SubmitAsync(Practice, Discharge("due-1", "pt-due", dueAt));
        var contactId = Assert.Single(Assert.Single(answer.Results).TasksCreated);
        var contact = Assert.Single(await careflow.Client.TasksAsync(Practice, "patient=pt-due"));
        Assert.Equal(contactId, contact.Id);
        Assert.False(contact.Overdue, "the contact is overdue before its due");
        Assert.NotNull(contact.DueAt);
        Assert.InRange(contact.DueAt.Value, dueAt.AddSeconds(-1), dueAt.AddSeconds(1));

        var tasks = await CareflowApi.PollAsync(
            () => careflow.Client.TasksAsync(Practice, "status=all&patient=pt-due"),
            all => all.Any(t => t.Id == contactId && t.Overdue) && all.Any(t => t.Kind == "escalation"),
            FireTimeout,
            "the contact overdue and an escalation created",
            all => string.Join("; ", all.Select(t => $"{t.StepId} {t.Kind} overdue={t.Overdue}")));
        Assert.True(CareflowApi.Now >= contact.DueAt.Value, "the overdue path ran before the due");
        var escalation = Assert.Single(tasks, t => t.Kind == "escalation");
        Assert.Equal("clinician", escalation.Role);
        Assert.Equal("escalate", escalation.StepId);
        Assert.Equal("open", Assert.Single(tasks, t => t.Id == contactId).Status);
        Assert.Equal("open", escalation.Status);
        var instance = Assert.Single((await careflow.Client.PatientAsync(Practice, "pt-due")).Instances);
        Assert.Equal(("running", "wait-visit"), (instance.Status, instance.Step));

        // The sweeper keeps running every 0.2 s: nothing fires a second time.
        await CareflowApi.HoldsForAsync(() => AssertFiredOnceAsync(careflow, "pt-due"), TimeSpan.FromSeconds(3));
        await AssertFiredNotBeforeDueAsync(new CareflowDatabase(Workspace.Database));
    }

    [Fact]
    public async Task MisfiredTimers_DueWhileProcessDown_FireOnceAfterRestart()
    {
        var careflow = await StartAsync();
        await careflow.Client.WarmUpAsync(Practice);
        var dueAt = CareflowApi.Now + DueAfterPost;

        // A contact due in 4 s, and a reminder to send 4 s from now (one minute before an appointment 64 s away).
        await careflow.Client.SubmitAsync(Practice, Discharge("misfire-1", "pt-misfire", dueAt));
        await careflow.Client.SubmitAsync(Practice, new EventPost
        {
            Id = "misfire-2",
            Type = "appointment.scheduled",
            Patient = "pt-misfire",
            Data = new Dictionary<string, string> { ["start"] = CareflowApi.Iso(dueAt.AddMinutes(1)) },
        });
        careflow.Kill();
        var killedAt = CareflowApi.Now;

        var database = new CareflowDatabase(Workspace.Database);
        var timers = await database.RowsAsync("SELECT Id, Status FROM timers ORDER BY Id");
        Assert.True(killedAt < dueAt, $"the process was killed only {killedAt - dueAt} after the due; the test machine is too slow for this test");
        Assert.Equal(2, timers.Count);
        Assert.All(timers, t => Assert.Equal("pending", t[1]));
        Assert.Equal(0, await database.CountAsync("SELECT COUNT(*) FROM reminders"));

        // Stay down until both timers are past due (waiting for the wall clock, not for a result).
        var down = dueAt - CareflowApi.Now + TimeSpan.FromSeconds(1);
        if (down > TimeSpan.Zero)
        {
            await Task.Delay(down);
        }

        careflow = await StartAsync();
        Output.WriteLine($"restarted {(CareflowApi.Now - dueAt).TotalSeconds:0.0} s after the due");
        await CareflowApi.PollAsync(
            () => careflow.Client.TasksAsync(Practice, "status=all&patient=pt-misfire"),
            all => all.Any(t => t.StepId == "contact" && t.Overdue) && all.Any(t => t.Kind == "escalation") && all.Any(t => t.StepId == "confirm"),
            FireTimeout,
            "the misfired due and reminder timers fired after the restart",
            all => string.Join("; ", all.Select(t => $"{t.StepId} {t.Kind} overdue={t.Overdue}")));

        await CareflowApi.HoldsForAsync(
            async () =>
            {
                await AssertFiredOnceAsync(careflow, "pt-misfire");
                var timeline = await careflow.Client.TimelineAsync(Practice, "pt-misfire");
                Assert.Single(timeline, e => e.Type == "reminder.sent");
                var tasks = await careflow.Client.TasksAsync(Practice, "status=all&patient=pt-misfire");
                Assert.Single(tasks, t => t.StepId == "confirm");
            },
            TimeSpan.FromSeconds(2));

        // The two timers fired (once each); the escalation's wait added a timer of its own, still pending.
        var after = (await database.RowsAsync("SELECT Id, Status FROM timers")).ToDictionary(t => t[0]!, t => t[1], StringComparer.Ordinal);
        Assert.All(timers, t => Assert.Equal("fired", after[t[0]!]));
        Assert.Equal(["pending"], after.Where(t => timers.All(before => before[0] != t.Key)).Select(t => t.Value));
        Assert.Equal(2, await database.CountAsync("SELECT COUNT(*) FROM inbox WHERE Type = 'timer.fired'"));
        Assert.Equal(1, await database.CountAsync("SELECT COUNT(*) FROM reminders"));
        await AssertFiredNotBeforeDueAsync(database);
    }

    /// <summary>Every fired timer fired at or after its due (instants are stored as Unix milliseconds).</summary>
    private static async Task AssertFiredNotBeforeDueAsync(CareflowDatabase database)
    {
        var early = await database.RowsAsync("SELECT Id, DueAt, FiredAt FROM timers WHERE Status = 'fired' AND FiredAt < DueAt");
        Assert.True(early.Count == 0, $"timers fired before their due: {string.Join("; ", early.Select(t => $"{t[0]} due {t[1]} fired {t[2]}"))}");
        Assert.NotEqual(0, await database.CountAsync("SELECT COUNT(*) FROM timers WHERE Status = 'fired'"));
    }

    private static EventPost Discharge(string id, string patient, DateTimeOffset dueAt) => new()
    {
        Id = id,
        Type = "patient.discharged",
        Patient = patient,
        // tcm-fast's contact is due 1 minute after the discharge time.
        At = CareflowApi.Iso(dueAt.AddMinutes(-1)),
        Data = new Dictionary<string, string> { ["setting"] = "inpatient", ["disposition"] = "home" },
    };

    private static async Task AssertFiredOnceAsync(CareflowProcess careflow, string patient)
    {
        var tasks = await careflow.Client.TasksAsync(Practice, $"status=all&patient={patient}");
        Assert.Single(tasks, t => t.Kind == "escalation");
        Assert.Single(tasks, t => t.StepId == "contact");
        var timeline = await careflow.Client.TimelineAsync(Practice, patient);
        Assert.Single(timeline, e => e.Type == "task.overdue");
        Assert.Single(timeline, e => e.Type == "escalation.created");
    }

}
