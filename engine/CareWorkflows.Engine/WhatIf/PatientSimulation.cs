using CareWorkflows.Engine.Care;
using CareWorkflows.Engine.Rules;
using CareWorkflows.Engine.Runtime;
using CareWorkflows.Engine.Time;

namespace CareWorkflows.Engine.WhatIf;

/// <summary>A task that appeared in the window: its week, role, kind, workflow and step.</summary>
internal readonly record struct TaskSeen(int Week, string Role, TaskKind Kind, string Workflow, string Step);

/// <summary>What one side of a what-if did to one patient.</summary>
internal sealed record PatientOutcome(string PatientId, string CareManager)
{
    /// <summary>The tier the enrollment rules gave at the start.</summary>
    public string Tier { get; init; } = "";

    /// <summary>The programs the patient entered at the start (open enrollments).</summary>
    public IReadOnlyList<string> Programs { get; init; } = [];

    /// <summary>The enrollment rule that decided tier and programs.</summary>
    public string? Rule { get; init; }

    /// <summary>Every task that appeared in the window, in order.</summary>
    public IReadOnlyList<TaskSeen> Tasks { get; init; } = [];

    /// <summary>Practice-local months (YYYY-MM) in which the patient was CCM-billable.</summary>
    public IReadOnlyList<string> CcmBillableMonths { get; init; } = [];

    /// <summary>TCM contact deadlines that fell to the team.</summary>
    public int TcmDeadlines { get; init; }

    /// <summary>TCM contacts not done by their deadline.</summary>
    public int TcmMissed { get; init; }

    /// <summary>Events the engine could not apply (a rule fault, a loop), with the first message.</summary>
    public int Failures { get; init; }

    /// <summary>The first failure's message (no patient data: ids and definitions only).</summary>
    public string? FirstFailure { get; init; }
}

/// <summary>
/// One side of a what-if for one patient: the production step function (<see cref="WorkflowRuntime"/>) on a virtual
/// clock, with timers, synthetic events and the simulated care team's task completions applied in time order, as the
/// preview does (<see cref="Preview.Simulator"/>). Patients are independent, so many run in parallel.
/// </summary>
internal sealed class PatientSimulation(WhatIfSide side, CareTeamModel team, WhatIfSettings settings, PracticeCalendar calendar)
{
    private readonly record struct Pending(WorkflowEvent? Event, CareTask? Task);

    public async Task<PatientOutcome> RunAsync(PanelPatient patient, CancellationToken cancellationToken)
    {
        var state = PatientState.New(settings.Practice, patient.Id);
        var queue = new PriorityQueue<Pending, (DateTimeOffset At, long Order)>();
        long order = 0;
        var facts = FactNames.ToValues(patient.Facts).Where(f => f.Key is not ("tier" or "programs") && f.Value.Length > 0).ToDictionary(StringComparer.Ordinal);
        queue.Enqueue(new(new WorkflowEvent { EventId = $"whatif:register:{patient.Id}", PracticeId = settings.Practice, PatientId = patient.Id, Type = "patient.updated", At = settings.Start, Data = facts }, null), (settings.Start, order++));
        foreach (var e in team.EventsFor(patient))
        {
            queue.Enqueue(new(e, null), (e.At, order++));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var tasks = new List<TaskSeen>();
        var tcm = new HashSet<string>(StringComparer.Ordinal);
        var tcmMissed = new HashSet<string>(StringComparer.Ordinal);
        var minutes = new Dictionary<string, int>(StringComparer.Ordinal);
        var ccmMonths = new HashSet<string>(StringComparer.Ordinal);
        var outcome = new PatientOutcome(patient.Id, patient.CareManager);
        var registered = false;
        var (failures, firstFailure) = (0, (string?)null);
        while (queue.TryDequeue(out var pending, out var at) && at.At < settings.End)
        {
            var e = pending.Event ?? Completion(pending.Task!, state, at.At, patient);
            if (e is null)
            {
                continue;
            }

            StepResult result;
            try
            {
                result = await side.Runtime.ApplyAsync(state, e, calendar, at.At, cancellationToken);
            }
            catch (Exception ex) when (ex is InvalidOperationException or RuleFaultException or FormatException)
            {
                // As in production, an event that cannot be applied is failed and the patient goes on.
                failures++;
                firstFailure ??= $"{e.Type}: {ex.Message}";
                continue;
            }

            state = result.State;
            foreach (var task in result.Tasks)
            {
                if (task.Status == CareTaskStatus.Open && seen.Add(task.Id))
                {
                    tasks.Add(new TaskSeen(settings.WeekOf(task.CreatedAt), task.Role, task.Kind, task.WorkflowId, task.StepId));
                    queue.Enqueue(new(null, task), (team.WorkAt(task), order++));
                    if (side.IsTcmDeadline(task))
                    {
                        tcm.Add(task.Id);
                    }
                }

                if (task.Overdue && tcm.Contains(task.Id))
                {
                    tcmMissed.Add(task.Id);
                }
            }

            foreach (var timer in result.Timers)
            {
                queue.Enqueue(new(WorkflowEvent.TimerFiredFor(timer.PracticeId, timer.PatientId, timer.Id, timer.DueAt), null), (timer.DueAt, order++));
            }

            foreach (var interaction in result.Interactions.Where(i => side.IsClinical(i.Role)))
            {
                minutes[interaction.Month] = minutes.GetValueOrDefault(interaction.Month) + interaction.Minutes;
            }

            if (state.Patient.Enrollments.Any(x => x.Program == WhatIfSide.CcmProgram && x.Status == EnrollmentStatus.Enrolled))
            {
                ccmMonths.Add(calendar.LocalDate(at.At).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture));
            }

            if (!registered)
            {
                registered = true;
                var decided = result.Timeline.FirstOrDefault(t => t.Type == WorkflowEvent.EnrollmentChanged)?.Reason;
                outcome = outcome with { Tier = state.Patient.Facts.Tier, Programs = state.Patient.Facts.Programs, Rule = decided };
            }
        }

        return outcome with
        {
            Tasks = tasks,
            CcmBillableMonths = [.. ccmMonths.Where(m => minutes.GetValueOrDefault(m) >= side.CcmMinutes).Order(StringComparer.Ordinal)],
            TcmDeadlines = tcm.Count,
            TcmMissed = tcmMissed.Count,
            Failures = failures,
            FirstFailure = firstFailure,
        };
    }

    private WorkflowEvent? Completion(CareTask pending, PatientState state, DateTimeOffset at, PanelPatient patient)
    {
        var task = state.OpenTasks.FirstOrDefault(t => t.Id == pending.Id);
        if (task is null)
        {
            return null;
        }

        var (outcome, minutes) = team.Result(task);
        return new WorkflowEvent
        {
            EventId = $"whatif:done:{task.Id}",
            PracticeId = settings.Practice,
            PatientId = patient.Id,
            Type = WorkflowEvent.TaskCompleted,
            At = at,
            TaskId = task.Id,
            Outcome = outcome,
            Minutes = minutes,
            By = task.Role == "care-manager" ? patient.CareManager : task.Role,
        };
    }
}
