using System.Globalization;
using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Rules;
using CareWorkflows.Engine.Time;

namespace CareWorkflows.Engine.Runtime;

/// <summary>What one application of one event works with: the patient's working copy, the definitions, the clock.</summary>
internal sealed class RunContext(DefinitionHistory history, PatientWork work, WorkflowEvent @event, PracticeCalendar calendar, DateTimeOffset at)
{
    public DefinitionHistory History { get; } = history;

    public DefinitionSet Current { get; } = history.Current;

    public PatientWork Work { get; } = work;

    public WorkflowEvent Event { get; } = @event;

    public PracticeCalendar Calendar { get; } = calendar;

    /// <summary>The logical time of the event: when it happened, or now if it claims a time in the future.</summary>
    public DateTimeOffset At { get; } = at;

    public RuleSetEvaluator Rules => Current.Rules;

    public WorkflowDefinition DefinitionOf(InstanceState instance) =>
        History.Find(instance.WorkflowId, instance.Version, instance.Overlay)
        ?? throw new InvalidOperationException(
            $"Instance {instance.Id} runs workflow '{instance.WorkflowId}' version {instance.Version}, which is not loaded. Restore that version's file or end the instance.");

    /// <summary>The anchor rule inputs read (business days since discharge), whatever the workflow's steps name.</summary>
    public const string DischargeAnchor = "discharge.date";

    public RuleInputs Inputs(InstanceState? instance, string program = "") => new(
        Work.Patient.Facts,
        EventFacts(instance),
        new ContextFacts
        {
            Now = At,
            Program = program,
            Attempts = instance?.Attempt ?? 0,
            FailedAttempts = instance?.FailedAttempts ?? 0,
            LastOutcome = instance?.LastOutcome ?? "",
            DaysSinceEnrollment = Work.Patient.EnrolledAt is { } enrolled ? (int)(At - enrolled).TotalDays : -1,
            EdVisitsSinceEnrollment = Work.Patient.EdVisitsSinceEnrollment,
            BusinessDaysSinceDischarge = instance?.Anchors.TryGetValue(DischargeAnchor, out var discharged) == true
                ? Calendar.BusinessDaysBetween(discharged, At) : -1,
        });

    /// <summary>The program of a workflow the patient is in, for cadence and escalation rules.</summary>
    public string ProgramFor(WorkflowDefinition workflow) =>
        workflow.Programs.FirstOrDefault(p => Work.Patient.Facts.Programs.Contains(p)) ?? "";

    /// <summary>Reads a time from event data: with an offset, or practice-local without one.</summary>
    public DateTimeOffset? ParseTime(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var local)
            && !text.Contains('Z', StringComparison.OrdinalIgnoreCase) && !HasOffset(text))
        {
            return Calendar.AtLocalTime(DateOnly.FromDateTime(local), TimeOnly.FromDateTime(local));
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant) ? instant : null;
    }

    public static decimal? ParseDecimal(string? text) =>
        decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static bool HasOffset(string text) => text.Length > 10 && (text.LastIndexOf('+') > 10 || text.LastIndexOf('-') > 10);

    private EventFacts EventFacts(InstanceState? instance)
    {
        // A decision taken later in an instance still sees the fields of the event that started it.
        var data = instance is null || instance.StartData.Count == 0 ? Event.Data : Merge(instance.StartData, Event.Data);
        return new EventFacts
        {
            Type = Event.Type,
            Setting = data.GetValueOrDefault("setting", ""),
            Disposition = data.GetValueOrDefault("disposition", ""),
            Outcome = Event.Outcome ?? "",
            Step = Event.Step ?? "",
            Minutes = Event.Minutes ?? 0,
            Data = data,
        };
    }

    private static Dictionary<string, string> Merge(IReadOnlyDictionary<string, string> first, IReadOnlyDictionary<string, string> then)
    {
        var merged = new Dictionary<string, string>(first, StringComparer.Ordinal);
        foreach (var (key, value) in then)
        {
            merged[key] = value;
        }

        return merged;
    }
}
