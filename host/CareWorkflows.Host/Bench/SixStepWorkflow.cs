using CareWorkflows.Engine.Runtime;

namespace CareWorkflows.Host.Bench;

/// <summary>
/// Bench B2's workflow: six steps with one wait (for visit.completed) and one timer (a reminder a minute after the
/// visit). Every instance takes the same path: record, decide, wait, remind (timer), record, end. The WorkflowCore
/// peer (<see cref="WorkflowCorePeer"/>) writes the same six steps in its own builder.
/// </summary>
internal static class SixStepWorkflow
{
    public const string Id = "bench-six-steps";
    public const string Template = "appointment-reminder";
    public const int Steps = 6;
    public const string StartEvent = "medication.reconciled";
    public const string WaitEvent = "visit.completed";

    /// <summary>How far after the visit the timer falls due.</summary>
    public static readonly TimeSpan TimerDelay = TimeSpan.FromMinutes(1);

    public const string Yaml = """
        # Written by `careflow bench b2` into its own workflows folder; not a care workflow.
        workflow: bench-six-steps
        version: 1
        title: Bench six steps
        description: Six steps with one wait and one timer, to count step transitions a second.
        phase: between-visits
        starts-on: medication.reconciled
        if-running: parallel
        steps:
          - id: note-start
            kind: record
            title: Put the patient on the follow-up list
            list: needs-follow-up
          - id: route
            kind: decide
            title: Adults wait for their visit
            branches:
              - { when: patient.Age >= 18, next: wait-visit }
            otherwise: wait-visit
          - id: wait-visit
            kind: wait
            title: Wait for the visit
            for: visit.completed
            timeout: 30 days
            next: { visit.completed: remind, timeout: end }
          - id: remind
            kind: reminder
            title: A reminder a minute after the visit
            template: appointment-reminder
            at: 1 minute after visit.date
          - id: note-done
            kind: record
            title: Put the patient on the team review agenda
            list: team-review-agenda
          - id: done
            kind: end
            reason: bench instance finished

        """;

    public static string Patient(string prefix, int i) => $"{prefix}p{i:D7}";

    /// <summary>The event that starts patient i's instance.</summary>
    public static WorkflowEvent Start(string prefix, int i, DateTimeOffset at) => For($"{prefix}s{i:D7}", Patient(prefix, i), StartEvent, at, new Dictionary<string, string>());

    /// <summary>The event patient i's instance waits for.</summary>
    public static WorkflowEvent Visit(string prefix, int i, DateTimeOffset at) =>
        For($"{prefix}v{i:D7}", Patient(prefix, i), WaitEvent, at, new Dictionary<string, string>(StringComparer.Ordinal) { ["date"] = BenchEvents.Time(at) });

    private static WorkflowEvent For(string id, string patient, string type, DateTimeOffset at, IReadOnlyDictionary<string, string> data) => new()
    {
        EventId = id,
        PracticeId = BenchHost.Practice,
        PatientId = patient,
        Type = type,
        At = at,
        Data = data,
    };
}
