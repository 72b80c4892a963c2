using System.Globalization;

namespace CareWorkflows.Tests.Integration;

// The crash tests' patients: ten events each over the test workflows, and what they must leave behind
// (SigkillRecoveryTests on SQLite, Postgres/TwoNodeFailoverTests on two nodes on PostgreSQL).

/// <summary>Careflow's tables read as text rows, on SQLite or PostgreSQL (identifiers double-quoted, valid in both).</summary>
public interface ICareflowRows
{
    /// <summary>Every row of a query, each value as text (null as null).</summary>
    public Task<IReadOnlyList<string?[]>> RowsAsync(string sql);

    /// <summary>The single number a COUNT(*) query gives.</summary>
    public Task<long> CountAsync(string sql);

    /// <summary>Runs a query and reads every row as text, for either provider's command.</summary>
    public static async Task<IReadOnlyList<string?[]>> ReadAsync(System.Data.Common.DbCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string?[]>();
        while (await reader.ReadAsync())
        {
            var row = new string?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture);
            }

            rows.Add(row);
        }

        return rows;
    }
}

/// <summary>One patient's ten events and the instances, tasks and reminders they must leave behind.</summary>
internal sealed class PatientPlan
{
    public const int EventCount = 10;
    public const int TasksPerPatient = 6;
    public const int RemindersPerPatient = 2;

    public PatientPlan(string patient, DateTimeOffset t0)
    {
        string Id(int n) => $"{patient}-e{n:00}";
        EventPost Event(int n, string type, string? at = null, Dictionary<string, string>? data = null, string? step = null, string? outcome = null) => new()
        {
            Id = Id(n),
            Type = type,
            Patient = patient,
            At = at,
            Data = data,
            Step = step,
            Outcome = outcome,
            Minutes = step is null ? null : 5,
            By = step is null ? null : "staff-1",
        };

        Events =
        [
            Event(1, "patient.updated", data: new() { ["age"] = "67", ["preferred-channel"] = "sms" }),
            // Starts within the minute: its reminder goes out at once, then the confirm task is created.
            Event(2, "appointment.scheduled", data: new() { ["start"] = CareflowApi.Iso(t0.AddSeconds(30)) }),
            Event(3, "task.completed", step: "confirm", outcome: "confirmed"),
            // Reminded one minute before a start 75 s after t0: a timer due ~15 s into the test, around the kill.
            Event(4, "appointment.scheduled", data: new() { ["start"] = CareflowApi.Iso(t0.AddSeconds(75)) }),
            Event(5, "referral.sent", data: new() { ["specialty"] = "cardiology" }),
            Event(6, "task.completed", step: "follow", outcome: "scheduled"),
            Event(7, "referral.completed"),
            Event(8, "task.completed", step: "review", outcome: "reviewed"),
            // Discharged yesterday: the one-minute contact due has long passed, so the sweeper escalates it.
            Event(9, "patient.discharged", at: CareflowApi.Iso(t0.AddDays(-1)), data: new() { ["setting"] = "inpatient", ["disposition"] = "home" }),
            // A month away: its reminder stays a pending timer.
            Event(10, "appointment.scheduled", data: new() { ["start"] = CareflowApi.Iso(t0.AddDays(30)) }),
        ];

        Instances =
        [
            new(Id(2), "visit-reminder", "ended", "confirm", [new("confirm", "task", "completed", false, "confirmed")]) { Reminded = true },
            new(Id(4), "visit-reminder", "running", "confirm", [new("confirm", "task", "open", false, null)]) { Reminded = true },
            new(Id(10), "visit-reminder", "running", "remind", []) { WaitsToRemind = true },
            new(Id(5), "referral-loop", "ended", "review", [new("follow", "task", "completed", false, "scheduled"), new("review", "task", "completed", false, "reviewed")]),
            new(Id(9), "tcm-fast", "running", "wait-visit", [new("contact", "task", "open", true, null), new("escalate", "escalation", "open", false, null)]),
        ];
    }

    public IReadOnlyList<EventPost> Events { get; }

    public IReadOnlyList<ExpectedInstance> Instances { get; }
}

/// <summary>An instance, by the event that started it, and the state it must end the test in.</summary>
internal sealed record ExpectedInstance(string StartEvent, string Workflow, string Status, string Step, IReadOnlyList<ExpectedTask> Tasks)
{
    /// <summary>Its reminder was sent (once).</summary>
    public bool Reminded { get; init; }

    /// <summary>Its reminder waits on a pending timer.</summary>
    public bool WaitsToRemind { get; init; }
}

/// <summary>A task of an instance's step; <see cref="Count"/> is how many rows the step has (always 1 when expected).</summary>
internal sealed record ExpectedTask(string Step, string Kind, string Status, bool Overdue, string? Outcome)
{
    public int Count { get; init; } = 1;
}

/// <summary>What the crash tests check once every event is acknowledged and the timers have fired: every expected task and reminder exactly once.</summary>
internal static class PatientPlanChecks
{
    public static async Task AllAsync(ICareflowRows database, string practice, IReadOnlyList<EventPost> events, Dictionary<string, ExpectedInstance> expected, int patientCount)
    {
        await AssertInboxAsync(database, practice, events);
        var instances = await AssertInstancesAsync(database, practice, expected);
        await AssertTasksAsync(database, practice, expected, instances);
        await AssertRemindersAndTimersAsync(database, practice, expected, instances);
        await AssertTimelineAsync(database, practice, patientCount);
    }

    public static async Task AssertInboxAsync(ICareflowRows database, string practice, IReadOnlyList<EventPost> events)
    {
        var rows = await database.RowsAsync($"""SELECT "EventId", "Status", "Error" FROM inbox WHERE "PracticeId" = '{practice}' AND "Type" NOT IN ('timer.fired', 'reminder.undeliverable') """);
        Assert.Equal(events.Count, rows.Count);
        Assert.Equal(events.Select(e => e.Id).Order(StringComparer.Ordinal), rows.Select(r => r[0]!).Order(StringComparer.Ordinal));
        var notDone = rows.Where(r => r[1] != "done").Select(r => $"{r[0]} {r[1]} {r[2]}").ToList();
        Assert.True(notDone.Count == 0, $"inbox events not applied: {string.Join("; ", notDone.Take(10))}");

        var timerRows = await database.RowsAsync($"""SELECT "EventId", "Status", "Error" FROM inbox WHERE "PracticeId" = '{practice}' AND "Type" = 'timer.fired' AND "Status" <> 'done' """);
        Assert.True(timerRows.Count == 0, $"timer events not applied: {string.Join("; ", timerRows.Take(10).Select(r => $"{r[0]} {r[1]} {r[2]}"))}");
    }

    /// <summary>Each start event started exactly its one instance, now in the expected state; answers instance id to start event.</summary>
    public static async Task<Dictionary<string, string>> AssertInstancesAsync(ICareflowRows database, string practice, Dictionary<string, ExpectedInstance> expected)
    {
        var started = await database.RowsAsync($"""SELECT "EventId", "InstanceId", COUNT(*) FROM timeline WHERE "PracticeId" = '{practice}' AND "Type" = 'instance.started' GROUP BY "EventId", "InstanceId" """);
        var startedTwice = started.Where(r => r[2] != "1").Select(r => r[0]).ToList();
        Assert.True(startedTwice.Count == 0, $"instances started twice: {string.Join(", ", startedTwice.Take(10))}");
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), started.Select(r => r[0]!).Order(StringComparer.Ordinal));
        var startEventOf = started.ToDictionary(r => r[1]!, r => r[0]!, StringComparer.Ordinal);

        var rows = await database.RowsAsync($"""SELECT "Id", "WorkflowId", "Status", "StepId" FROM instances WHERE "PracticeId" = '{practice}' """);
        Assert.Equal(expected.Count, rows.Count);
        var wrong = rows
            .Select(r => (Event: startEventOf.GetValueOrDefault(r[0]!, $"(no instance.started for {r[0]})"), Actual: (r[1], r[2], r[3])))
            .Where(r => !expected.TryGetValue(r.Event, out var e) || r.Actual != (e.Workflow, e.Status, e.Step))
            .Select(r => $"{r.Event}: {r.Actual}")
            .ToList();
        Assert.True(wrong.Count == 0, $"{wrong.Count} instances in an unexpected state, e.g. {string.Join("; ", wrong.Take(10))}");
        return startEventOf;
    }

    public static async Task AssertTasksAsync(ICareflowRows database, string practice, Dictionary<string, ExpectedInstance> expected, Dictionary<string, string> startEventOf)
    {
        // The delivery worker's call-list tasks (these patients have no contact details) are the reminder tests' concern.
        var rows = await database.RowsAsync($"""SELECT "InstanceId", "StepId", COUNT(*), MIN("Kind"), MIN("Status"), MIN(CASE WHEN "Overdue" THEN 1 ELSE 0 END), MIN("Outcome") FROM tasks WHERE "PracticeId" = '{practice}' AND "WorkflowId" <> 'reminders' GROUP BY "InstanceId", "StepId" """);
        var actual = rows.ToDictionary(
            r => $"{startEventOf.GetValueOrDefault(r[0]!, r[0]!)} {r[1]}",
            r => new ExpectedTask(r[1]!, r[3]!, r[4]!, r[5] == "1", r[6]) { Count = int.Parse(r[2]!, CultureInfo.InvariantCulture) },
            StringComparer.Ordinal);
        var wanted = expected.Values.SelectMany(i => i.Tasks.Select(t => (Key: $"{i.StartEvent} {t.Step}", Task: t))).ToDictionary(t => t.Key, t => t.Task, StringComparer.Ordinal);

        var unexpected = actual.Keys.Except(wanted.Keys).ToList();
        Assert.True(unexpected.Count == 0, $"{unexpected.Count} unexpected tasks, e.g. {string.Join("; ", unexpected.Take(10))}");
        var missing = wanted.Keys.Except(actual.Keys).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} expected tasks missing, e.g. {string.Join("; ", missing.Take(10))}");
        var wrong = wanted.Where(w => actual[w.Key] != w.Value).Select(w => $"{w.Key}: {actual[w.Key]}, expected {w.Value}").ToList();
        Assert.True(wrong.Count == 0, $"{wrong.Count} tasks duplicated or in the wrong state, e.g. {string.Join("; ", wrong.Take(10))}");
    }

    public static async Task AssertRemindersAndTimersAsync(ICareflowRows database, string practice, Dictionary<string, ExpectedInstance> expected, Dictionary<string, string> startEventOf)
    {
        var reminders = await database.RowsAsync($"""SELECT "InstanceId", "StepId", COUNT(*) FROM reminders WHERE "PracticeId" = '{practice}' GROUP BY "InstanceId", "StepId" """);
        Assert.All(reminders, r => Assert.True(r[2] == "1", $"reminder {r[1]} of {startEventOf.GetValueOrDefault(r[0]!)} stored {r[2]} times"));
        Assert.Equal(
            expected.Values.Where(i => i.Reminded).Select(i => $"{i.StartEvent} remind").Order(StringComparer.Ordinal),
            reminders.Select(r => $"{startEventOf.GetValueOrDefault(r[0]!, r[0]!)} {r[1]}").Order(StringComparer.Ordinal));

        // The far-away appointment's reminder waits on exactly one pending timer.
        var pending = await database.RowsAsync($"""SELECT "InstanceId", COUNT(*) FROM timers WHERE "PracticeId" = '{practice}' AND "Status" = 'pending' AND "Id" LIKE '%/send' GROUP BY "InstanceId" """);
        Assert.All(pending, r => Assert.Equal("1", r[1]));
        Assert.Equal(
            expected.Values.Where(i => i.WaitsToRemind).Select(i => i.StartEvent).Order(StringComparer.Ordinal),
            pending.Select(r => startEventOf.GetValueOrDefault(r[0]!, r[0]!)).Order(StringComparer.Ordinal));
    }

    public static async Task AssertTimelineAsync(ICareflowRows database, string practice, int patientCount)
    {
        // The timeline is appended on every application, so an event or a timer applied twice would show here.
        var created = await database.RowsAsync($"""SELECT "TaskId", COUNT(*) FROM timeline WHERE "PracticeId" = '{practice}' AND "Type" IN ('task.created', 'escalation.created') AND COALESCE("Workflow", '') <> 'reminders' GROUP BY "TaskId" """);
        var createdTwice = created.Where(r => r[1] != "1").Select(r => r[0]).ToList();
        Assert.True(createdTwice.Count == 0, $"tasks created more than once: {string.Join(", ", createdTwice.Take(10))}");
        Assert.Equal(patientCount * PatientPlan.TasksPerPatient, created.Count);

        var sent = await database.RowsAsync($"""SELECT "InstanceId", "Step", COUNT(*) FROM timeline WHERE "PracticeId" = '{practice}' AND "Type" = 'reminder.sent' GROUP BY "InstanceId", "Step" """);
        Assert.True(sent.All(r => r[2] == "1"), $"reminders sent more than once: {string.Join(", ", sent.Where(r => r[2] != "1").Take(10).Select(r => r[0]))}");
        Assert.Equal(patientCount * PatientPlan.RemindersPerPatient, sent.Count);

        Assert.Equal(patientCount, await database.CountAsync($"""SELECT COUNT(*) FROM timeline WHERE "PracticeId" = '{practice}' AND "Type" = 'task.overdue' """));
        Assert.Equal(patientCount * 3, await database.CountAsync($"""SELECT COUNT(*) FROM timeline WHERE "PracticeId" = '{practice}' AND "Type" = 'task.completed' """));
    }
}
