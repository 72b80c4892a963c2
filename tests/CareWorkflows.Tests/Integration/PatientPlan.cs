namespace CareWorkflows.Tests.Integration;

// The crash tests' patients: ten events each over the test workflows, and what they must leave behind
// (SigkillRecoveryTests on SQLite, Postgres/TwoNodeFailoverTests on two nodes).

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
