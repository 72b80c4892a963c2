using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Runtime;
using CareWorkflows.Engine.Time;

namespace CareWorkflows.Engine.WhatIf;

/// <summary>
/// The simulated care team and patients of a what-if: deterministic, so both sides meet the same team and the same
/// patients, and the difference is the definitions'. Every choice is a stable hash of ids, never a random number.
/// <list type="bullet">
/// <item>A task with a due is done one hour before it; <see cref="WhatIfSettings.LatePercent"/> of tasks one hour after (overdue).</item>
/// <item>A task without a due, and an escalation, is done one business day after it was created.</item>
/// <item>Outreach attempts, and tasks whose outcomes are reached/not-reached, reach the patient in <see cref="WhatIfSettings.ReachPercent"/> of cases; other tasks take their first outcome.</item>
/// <item>Minutes: 15 for a contact that reached the patient, 5 for one that did not, 10 for any other task.</item>
/// <item>Each patient has one visit in the window (booked a week before it, when that falls in the window); patients with an admission in the last 12 months are discharged once.</item>
/// </list>
/// </summary>
internal sealed class CareTeamModel(WhatIfSettings settings, PracticeCalendar calendar)
{
    public const string NotReached = "not-reached";

    /// <summary>The lines the report header shows, in words.</summary>
    public IReadOnlyList<string> Assumptions =>
    [
        $"A simulated care team does each task one hour before its due; {settings.LatePercent}% of tasks one hour after it (they go overdue). Tasks without a due and escalations are done one business day after they appear.",
        $"Outreach attempts (and tasks with outcomes reached/not-reached) reach the patient in {settings.ReachPercent}% of cases, chosen by a fixed hash of the task, so both sides meet the same patients; other tasks take their first outcome.",
        "Minutes recorded: 15 for a contact that reached the patient, 5 for one that did not, 10 for any other task; CCM-billable means enrolled in ccm and the billing threshold of clinical minutes reached in the month.",
        "Every patient has one visit (visit.completed) on a business day of the window, booked a week before (appointment.scheduled); patients with an admission in the last 12 months are discharged home once (patient.discharged).",
    ];

    /// <summary>When the team does the task.</summary>
    public DateTimeOffset WorkAt(CareTask task)
    {
        if (task.Kind == TaskKind.Escalation || task.DueAt is not { } due)
        {
            return calendar.DueAfter(task.CreatedAt, new Duration(1, DurationUnit.BusinessDays)).AddHours(-1);
        }

        if (Percent(task.Id, "late") < settings.LatePercent)
        {
            return due.AddHours(1);
        }

        var before = due.AddHours(-1);
        return before > task.CreatedAt ? before : task.CreatedAt + (due - task.CreatedAt) / 2;
    }

    /// <summary>The outcome the team records, and the minutes.</summary>
    public (string? Outcome, int Minutes) Result(CareTask task)
    {
        var contact = task.Kind == TaskKind.Outreach || (task.Outcomes.Contains(OutreachStep.Reached) && task.Outcomes.Contains(NotReached));
        if (contact)
        {
            return Percent(task.Id, "reach") < settings.ReachPercent ? (OutreachStep.Reached, 15) : (NotReached, 5);
        }

        return (task.Outcomes.Count > 0 ? task.Outcomes[0] : null, 10);
    }

    /// <summary>The synthetic events of one patient in the window, in time order.</summary>
    public IReadOnlyList<WorkflowEvent> EventsFor(PanelPatient patient)
    {
        var events = new List<WorkflowEvent>();
        var visit = BusinessDayAt(patient.Id, "visit", new TimeOnly(10, 0));
        if (visit.AddDays(-7) >= settings.Start)
        {
            events.Add(Event(patient, "appointment.scheduled", visit.AddDays(-7), new() { ["start"] = Local(visit), ["place"] = "clinic" }));
        }

        events.Add(Event(patient, "visit.completed", visit, new() { ["date"] = Local(visit) }));
        if (patient.Facts.Admissions12m > 0)
        {
            var discharged = BusinessDayAt(patient.Id, "discharge", new TimeOnly(11, 0));
            events.Add(Event(patient, "patient.discharged", discharged, new() { ["setting"] = "inpatient", ["disposition"] = "home", ["discharged-at"] = Local(discharged) }));
        }

        return [.. events.OrderBy(e => e.At)];
    }

    /// <summary>A care manager for a patient without one: cm-1 .. cm-N by a fixed hash of the patient id.</summary>
    public static string CareManagerFor(string patientId, int careManagers) => $"cm-{(Hash(patientId, "care-manager") % (uint)Math.Max(1, careManagers)) + 1}";

    private DateTimeOffset BusinessDayAt(string patientId, string what, TimeOnly time)
    {
        var first = calendar.LocalDate(settings.Start);
        var day = first.AddDays((int)(Hash(patientId, what) % (uint)(settings.Weeks * 7)));
        while (!calendar.IsBusinessDay(day) && day > first)
        {
            day = day.AddDays(-1);
        }

        while (!calendar.IsBusinessDay(day))
        {
            day = day.AddDays(1);
        }

        var at = calendar.AtLocalTime(day, time);
        return at < settings.Start ? settings.Start : at;
    }

    private string Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, calendar.TimeZone).ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);

    private WorkflowEvent Event(PanelPatient patient, string type, DateTimeOffset at, Dictionary<string, string> data) => new()
    {
        EventId = $"whatif:{type}:{patient.Id}",
        PracticeId = settings.Practice,
        PatientId = patient.Id,
        Type = type,
        At = at,
        Data = data,
    };

    private static uint Percent(string id, string what) => Hash(id, what) % 100;

    // FNV-1a: stable across processes and runs, unlike string.GetHashCode.
    private static uint Hash(string id, string what)
    {
        var hash = 2166136261u;
        foreach (var c in what + "|" + id)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}
