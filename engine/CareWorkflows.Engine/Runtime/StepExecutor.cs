using System.Globalization;
using CareWorkflows.Engine.Care;
using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Rules;
using CareWorkflows.Engine.Time;

namespace CareWorkflows.Engine.Runtime;

/// <summary>
/// Moves an instance through its steps: enters a step, does what its kind does, and goes on until a step
/// waits for a person, an event or time, or the instance ends.
/// </summary>
internal sealed class StepExecutor(RunContext run)
{
    /// <summary>A guard against loops; the validator already refuses loops that never wait.</summary>
    public const int MaxStepsPerEvent = 200;

    private const string CadenceRuleSet = "cadence";

    public async ValueTask EnterAsync(InstanceState instance, WorkflowDefinition workflow, string stepId, CancellationToken cancellationToken)
    {
        for (var moves = 0; moves < MaxStepsPerEvent; moves++)
        {
            if (stepId == StepRef.End)
            {
                End(instance, workflow, "completed");
                return;
            }

            var step = workflow.Step(stepId) ?? throw new InvalidOperationException($"Workflow '{workflow.Id}' v{workflow.Version} has no step '{stepId}'.");
            instance = instance with { StepId = stepId, Visit = instance.Visit + 1, StepEnteredAt = run.At, Attempt = 1, FailedAttempts = 0, LastOutcome = "" };
            string? next;
            switch (step)
            {
                case TaskStep task:
                    CreateTask(instance, workflow, task, TaskKind.Task, task.Role, task.Title!, task.Due, task.Priority, task.Outcomes, task.Script, task.Form, reason: null);
                    run.Work.Put(instance);
                    return;
                case OutreachStep outreach:
                    await CreateAttemptAsync(instance, workflow, outreach, cancellationToken);
                    return;
                case WaitStep wait:
                    var seen = wait.For.FirstOrDefault(instance.SeenEvents.ContainsKey);
                    if (seen is not null)
                    {
                        // The event came while the instance was busy elsewhere: take it now, once.
                        instance = instance with { SeenEvents = instance.SeenEvents.Where(e => e.Key != seen).ToDictionary(StringComparer.Ordinal) };
                        next = workflow.NextAfter(wait, seen);
                        break;
                    }

                    if (wait.Timeout is { } timeout)
                    {
                        run.Work.Add(Timer(instance, TimerPurpose.Timeout, run.Calendar.DueAfter(run.At, timeout)));
                    }

                    run.Work.Put(instance);
                    return;
                case ReminderStep reminder:
                    var sendAt = SendTime(instance, reminder);
                    if (sendAt > run.At)
                    {
                        run.Work.Add(Timer(instance, TimerPurpose.Send, sendAt));
                        run.Work.Put(instance);
                        return;
                    }

                    Send(instance, workflow, reminder);
                    next = workflow.NextAfter(step, null);
                    break;
                case DecideStep decide:
                    next = await DecideAsync(instance, decide, cancellationToken);
                    break;
                case RecordStep record:
                    Record(instance, workflow, record);
                    next = workflow.NextAfter(step, null);
                    break;
                case EscalateStep escalate:
                    CreateTask(instance, workflow, escalate, TaskKind.Escalation, escalate.Role, escalate.Title ?? escalate.Reason, escalate.Due, escalate.Priority, [], null, null, escalate.Reason);
                    next = workflow.NextAfter(step, null);
                    break;
                case EndStep end:
                    End(instance, workflow, end.Reason ?? "completed");
                    return;
                default:
                    throw new InvalidOperationException($"No executor for step kind '{step.Kind}'.");
            }

            stepId = next;
        }

        throw new InvalidOperationException($"Workflow '{workflow.Id}' moved through {MaxStepsPerEvent} steps on one event without waiting; it is probably looping.");
    }

    /// <summary>A contact attempt did not reach the patient: the next attempt after the cadence, or exhausted.</summary>
    public async ValueTask AttemptFailedAsync(InstanceState instance, WorkflowDefinition workflow, OutreachStep outreach, string outcome, CancellationToken cancellationToken)
    {
        instance = instance with { FailedAttempts = instance.FailedAttempts + 1, LastOutcome = outcome };
        if (instance.Attempt >= outreach.Attempts)
        {
            await EnterAsync(instance, workflow, workflow.NextAfter(outreach, OutreachStep.Exhausted), cancellationToken);
            return;
        }

        await CreateAttemptAsync(instance with { Attempt = instance.Attempt + 1 }, workflow, outreach, cancellationToken);
    }

    public void End(InstanceState instance, WorkflowDefinition workflow, string reason, bool replaced = false)
    {
        // Work the instance no longer waits for leaves the worklist with it; an escalation stays until someone
        // acts on it, unless a new instance replaced this one.
        foreach (var task in run.Work.OpenTasks.Where(t => t.InstanceId == instance.Id && (replaced || t.Kind != TaskKind.Escalation)))
        {
            run.Work.Put(task with { Status = CareTaskStatus.Cancelled, CompletedAt = run.At });
        }

        var ended = instance with { Status = InstanceStatus.Ended, EndedAt = run.At, EndReason = reason };
        run.Work.Put(ended);
        run.Work.Add(Entry("instance.ended", ended, workflow) with { Step = instance.StepId, Outcome = reason });
    }

    public TimelineEntry Entry(string type, InstanceState instance, WorkflowDefinition workflow) => new()
    {
        At = run.At,
        Type = type,
        PracticeId = instance.PracticeId,
        PatientId = instance.PatientId,
        Workflow = workflow.Id,
        Version = workflow.Version,
        InstanceId = instance.Id,
    };

    private async ValueTask CreateAttemptAsync(InstanceState instance, WorkflowDefinition workflow, OutreachStep outreach, CancellationToken cancellationToken)
    {
        var cadence = await CadenceAsync(instance, workflow, outreach, cancellationToken);
        var due = instance.Attempt == 1 && outreach.Due is not null ? outreach.Due : cadence;
        var title = $"{outreach.Title} (attempt {instance.Attempt} of {outreach.Attempts})";
        CreateTask(instance, workflow, outreach, TaskKind.Outreach, outreach.Role, title, due, TaskPriority.Routine,
            [OutreachStep.Reached, "not-reached"], outreach.Script, outreach.Form, reason: null);
        run.Work.Put(instance);
    }

    private async ValueTask<Duration> CadenceAsync(InstanceState instance, WorkflowDefinition workflow, OutreachStep outreach, CancellationToken cancellationToken)
    {
        if (outreach.Cadence is { } fixedCadence)
        {
            return fixedCadence;
        }

        if (!outreach.CadenceFromRules)
        {
            throw new InvalidOperationException($"Outreach step '{outreach.Id}' of '{workflow.Id}' has no cadence; write 'cadence: 7 days' or 'cadence: rules'.");
        }

        var matches = await run.Rules.EvaluateAsync(CadenceRuleSet, run.Inputs(instance, run.ProgramFor(workflow)), cancellationToken);
        var first = matches.FirstOrDefault()
            ?? throw new InvalidOperationException($"No rule of the cadence rule set holds for step '{outreach.Id}' of '{workflow.Id}'; add a default rule (Expression: true) at the end of rules/cadence.yaml.");
        return int.TryParse(first.SuccessEvent, NumberStyles.None, CultureInfo.InvariantCulture, out var days)
            ? new Duration(days, DurationUnit.Days)
            : throw new InvalidOperationException($"Cadence rule '{first.RuleName}' gives '{first.SuccessEvent}' as SuccessEvent; it must be a number of days.");
    }

    private void CreateTask(InstanceState instance, WorkflowDefinition workflow, StepDefinition step, TaskKind kind, string role, string title,
        Duration? due, TaskPriority priority, IReadOnlyList<string> outcomes, string? script, string? form, string? reason)
    {
        var dueAt = due is null ? (DateTimeOffset?)null : run.Calendar.DueAfter(run.At, due);
        var task = new CareTask
        {
            Id = CareTask.IdFor(instance.Id, instance.StepKey, instance.Attempt),
            PracticeId = instance.PracticeId,
            PatientId = instance.PatientId,
            InstanceId = instance.Id,
            WorkflowId = workflow.Id,
            StepId = step.Id,
            Attempt = instance.Attempt,
            Kind = kind,
            Role = role,
            Title = title,
            Priority = priority,
            CreatedAt = run.At,
            DueAt = dueAt,
            Outcomes = outcomes,
            Script = script,
            Form = form,
            Reason = reason,
        };
        if (run.Work.OpenTask(task.Id) is not null)
        {
            return;
        }

        run.Work.Put(task);
        run.Work.Add(Entry(kind == TaskKind.Escalation ? "escalation.created" : "task.created", instance, workflow) with
        {
            Step = step.Id,
            Role = role,
            Due = dueAt,
            Reason = reason,
            TaskId = task.Id,
        });
        if (dueAt is { } at && kind != TaskKind.Escalation)
        {
            run.Work.Add(Timer(instance, TimerPurpose.Due, at));
        }
    }

    private async ValueTask<string> DecideAsync(InstanceState instance, DecideStep decide, CancellationToken cancellationToken)
    {
        var workflow = run.DefinitionOf(instance);
        foreach (var branch in decide.Branches)
        {
            if (await run.Rules.HoldsAsync(branch.When, run.Inputs(instance, run.ProgramFor(workflow)), cancellationToken))
            {
                return branch.Next.Id;
            }
        }

        return decide.Otherwise.Id;
    }

    private DateTimeOffset SendTime(InstanceState instance, ReminderStep reminder)
    {
        var time = reminder.Time;
        if (time.Anchor is null || time.Offset is null || !instance.Anchors.TryGetValue(time.Anchor, out var anchor))
        {
            // "now", or an anchor this instance never received (e.g. no group visit scheduled yet): send at once.
            return run.At;
        }

        return time.Before ? run.Calendar.Before(anchor, time.Offset) : run.Calendar.DueAfter(anchor, time.Offset);
    }

    public void Send(InstanceState instance, WorkflowDefinition workflow, ReminderStep reminder)
    {
        var id = $"{instance.Id}/{instance.StepKey}/{instance.Attempt}";
        var facts = run.Work.Patient.Facts;
        var channel = reminder.Channel ?? (facts.PreferredChannel is { Length: > 0 } preferred ? preferred : ReminderMessage.DefaultChannel);
        var language = run.Current.Practice(instance.PracticeId).LanguageFor(facts.Language);
        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        if (instance.Anchors.TryGetValue("appointment.start", out var start))
        {
            data["appointment.start"] = start.ToString("O", CultureInfo.InvariantCulture);
        }

        if (instance.StartData.TryGetValue("place", out var place))
        {
            data["appointment.place"] = place;
        }

        run.Work.Add(new ReminderMessage(id, instance.PracticeId, instance.PatientId, instance.Id, reminder.Id, reminder.Template, channel, run.At) { Language = language, Data = data });
        run.Work.Add(Entry("reminder.sent", instance, workflow) with { Step = reminder.Id, Detail = reminder.Template, Channel = channel, Language = language });
    }

    private void Record(InstanceState instance, WorkflowDefinition workflow, RecordStep record)
    {
        if (record.List is { } list)
        {
            run.Work.Add(new ListEntry(instance.PracticeId, list, instance.PatientId, run.At, run.Event.By, instance.Id));
            run.Work.Add(Entry("list.recorded", instance, workflow) with { Step = record.Id, Detail = list });
            return;
        }

        var recorded = new Dictionary<string, string>(run.Work.Patient.Recorded, StringComparer.Ordinal) { [record.Fact!] = record.Value! };
        var patient = run.Work.Patient with { Recorded = recorded };
        if (FactNames.All.Contains(record.Fact!))
        {
            try
            {
                patient = patient with { Facts = FactNames.Apply(patient.Facts, [new(record.Fact!, record.Value!)]) };
            }
            catch (FormatException ex)
            {
                throw new InvalidOperationException($"Record step '{record.Id}' of '{workflow.Id}': {ex.Message}", ex);
            }

            patient = WithDocumentedConsent(patient);
        }

        run.Work.Update(patient);
        run.Work.Add(Entry("fact.recorded", instance, workflow) with { Step = record.Id, Detail = $"{record.Fact}={record.Value}" });
    }

    // A workflow step that documents CCM consent (a record step setting ccm-consent: true after the consent
    // task) puts that consent on the CCM enrollment, which becomes active.
    private PatientRecord WithDocumentedConsent(PatientRecord patient)
    {
        if (!patient.Facts.CcmConsent || patient.Enrollments.FirstOrDefault(e => e.Program == "ccm") is not { IsOpen: true, Consent: null } ccm)
        {
            return patient;
        }

        var consent = new Consent("documented", run.Calendar.LocalDate(run.At), run.Event.By ?? "care team");
        var enrolled = ccm.Status == EnrollmentStatus.Enrolled
            ? ccm with { Consent = consent }
            : EnrollmentLifecycle.Move(ccm, "ccm", EnrollmentStatus.Enrolled, run.At, run.Event.By, "consent documented in the CCM consent task", consent);
        return patient with { Enrollments = [.. patient.Enrollments.Select(e => e.Program == "ccm" ? enrolled : e)] };
    }

    private static TimerRequest Timer(InstanceState instance, TimerPurpose purpose, DateTimeOffset dueAt) =>
        new(instance.PracticeId, instance.PatientId, instance.Id, instance.StepKey, instance.Attempt, purpose, dueAt);
}
