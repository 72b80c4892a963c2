using CareWorkflows.Engine.Care;
using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Records;
using CareWorkflows.Engine.Rules;

namespace CareWorkflows.Engine.Runtime;

/// <summary>Applies one event: delivers it to the instances waiting for it, starts the workflows it starts, updates facts.</summary>
internal sealed class EventApplication(RunContext run)
{
    private const string EscalationRuleSet = "escalation";
    private const string EnrollmentUpdated = "enrollment.updated";
    private const string EnteredKey = "entered-programs";
    private const string TierChangedKey = "tier-changed";
    private static readonly string[] EscalationTriggers = ["ed.visit", "lab.result", "patient.admitted"];

    private readonly StepExecutor _steps = new(run);

    public async ValueTask<StepResult> ApplyAsync(CancellationToken cancellationToken)
    {
        CareRecordEvents.Apply(run);
        switch (run.Event.Type)
        {
            case WorkflowEvent.TimerFired:
                await OnTimerAsync(cancellationToken);
                break;
            case WorkflowEvent.TaskCompleted:
                await OnTaskCompletedAsync(cancellationToken);
                break;
            case EnrollmentUpdated:
                await OnEnrollmentUpdatedAsync(cancellationToken);
                break;
            case CallList.ReminderUndeliverable:
                CallList.Apply(run);
                break;
            default:
                var tierBefore = run.Work.Patient.Facts.Tier;
                var factsChanged = UpdateFacts(out var explicitEnrollment);
                await DeliverAsync(run.Event, cancellationToken);
                await StartWorkflowsAsync(run.Event, cancellationToken);
                if (factsChanged)
                {
                    await ReviewEnrollmentAsync(explicitEnrollment, tierBefore, cancellationToken);
                }

                if (EscalationTriggers.Contains(run.Event.Type))
                {
                    await CheckEscalationRulesAsync(null, null, cancellationToken);
                }

                break;
        }

        return run.Work.ToResult();
    }

    private async ValueTask OnTimerAsync(CancellationToken cancellationToken)
    {
        var parts = (run.Event.TimerId ?? "").Split('/');
        if (parts.Length != 4 || run.Work.Instance(parts[0]) is not { Status: InstanceStatus.Running } instance
            || !Enum.TryParse<TimerPurpose>(parts[3], ignoreCase: true, out var purpose) || !int.TryParse(parts[2], out var attempt))
        {
            return;
        }

        var workflow = run.DefinitionOf(instance);
        var stepId = parts[1].Split('#')[0];
        var atStep = instance.StepKey == parts[1] && instance.Attempt == attempt;
        switch (purpose)
        {
            case TimerPurpose.Due:
                if (run.Work.OpenTask(CareTask.IdFor(instance.Id, parts[1], attempt)) is { Overdue: false } task)
                {
                    run.Work.Put(task with { Overdue = true });
                    run.Work.Add(_steps.Entry("task.overdue", instance, workflow) with { Step = task.StepId, Role = task.Role, Due = task.DueAt, TaskId = task.Id });
                    if (atStep && workflow.Step(task.StepId)?.Next.ByOutcome.TryGetValue("overdue", out var overdue) == true)
                    {
                        await _steps.EnterAsync(instance, workflow, overdue.Id, cancellationToken);
                    }
                }

                break;
            case TimerPurpose.Timeout when atStep && workflow.Step(stepId) is WaitStep wait:
                await _steps.EnterAsync(instance, workflow, workflow.NextAfter(wait, WaitStep.TimeoutOutcome), cancellationToken);
                break;
            case TimerPurpose.Send when atStep && workflow.Step(stepId) is ReminderStep reminder:
                _steps.Send(instance, workflow, reminder);
                await _steps.EnterAsync(instance, workflow, workflow.NextAfter(reminder, null), cancellationToken);
                break;
        }
    }

    private async ValueTask OnTaskCompletedAsync(CancellationToken cancellationToken)
    {
        var e = run.Event;
        var task = e.TaskId is not null
            ? run.Work.OpenTask(e.TaskId)
            : run.Work.OpenTasks.Where(t => t.StepId == e.Step).OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Attempt).FirstOrDefault();
        if (task is null)
        {
            return;
        }

        var outcome = string.IsNullOrEmpty(e.Outcome) ? null : e.Outcome;
        run.Work.Put(task with { Status = CareTaskStatus.Completed, Outcome = outcome, Minutes = e.Minutes, Note = e.Note, CompletedAt = run.At, CompletedBy = e.By });
        CareRecordEvents.TaskCompleted(run, task);
        if (run.Work.Instance(task.InstanceId) is null)
        {
            // A patient-level task, or one whose instance has ended: still on the timeline.
            run.Work.Add(PatientEntry("task.completed") with { Workflow = task.WorkflowId, Step = task.StepId, Role = task.Role, Outcome = outcome, TaskId = task.Id });
        }
        if (task.WorkflowId == "enrollment" && outcome is "keep" or "graduate" or "disenroll")
        {
            var program = task.StepId["review:".Length..];
            var review = run.Event with { Data = new Dictionary<string, string>(StringComparer.Ordinal) { ["program"] = program, ["action"] = outcome, ["reason"] = "enrollment review" } };
            await new EventApplication(new RunContext(run.History, run.Work, review, run.Calendar, run.At)).OnEnrollmentUpdatedAsync(cancellationToken);
            return;
        }

        if (run.Work.Instance(task.InstanceId) is not { } instance)
        {
            return;
        }

        var workflow = run.DefinitionOf(instance);
        run.Work.Add(_steps.Entry("task.completed", instance, workflow) with { Step = task.StepId, Role = task.Role, Outcome = outcome, TaskId = task.Id });
        if (instance.Status != InstanceStatus.Running || instance.StepId != task.StepId || instance.Attempt != task.Attempt || task.Kind == TaskKind.Escalation)
        {
            return;
        }

        switch (workflow.Step(task.StepId))
        {
            case OutreachStep outreach when outcome == OutreachStep.Reached:
                await _steps.EnterAsync(instance with { LastOutcome = outcome }, workflow, workflow.NextAfter(outreach, OutreachStep.Reached), cancellationToken);
                break;
            case OutreachStep outreach:
                // The workflow's own 'exhausted' route handles failed contacts; the escalation rule set is for clinical events.
                await _steps.AttemptFailedAsync(instance, workflow, outreach, outcome ?? "not-reached", cancellationToken);
                break;
            case { } step:
                await _steps.EnterAsync(instance, workflow, workflow.NextAfter(step, outcome), cancellationToken);
                break;
        }
    }

    /// <summary>Gives the event to every running instance: remembered for later waits, and taken by a wait waiting for it.</summary>
    private async ValueTask DeliverAsync(WorkflowEvent e, CancellationToken cancellationToken)
    {
        foreach (var instance in run.Work.Running.OrderBy(i => i.StartedAt).ThenBy(i => i.Id, StringComparer.Ordinal))
        {
            var workflow = run.DefinitionOf(instance);
            if (!Cares(workflow, e.Type))
            {
                // Most events mean nothing to most running instances; those are not touched (nor rewritten).
                continue;
            }

            var updated = Remember(instance, e);
            if (workflow.Step(instance.StepId) is WaitStep wait && wait.For.Contains(e.Type))
            {
                updated = updated with { SeenEvents = updated.SeenEvents.Where(s => s.Key != e.Type).ToDictionary(StringComparer.Ordinal) };
                await _steps.EnterAsync(updated, workflow, workflow.NextAfter(wait, e.Type), cancellationToken);
            }
            else
            {
                run.Work.Put(updated);
            }
        }
    }

    private async ValueTask StartWorkflowsAsync(WorkflowEvent e, CancellationToken cancellationToken)
    {
        var patient = run.Work.Patient;
        foreach (var workflow in run.Current.WorkflowsFor(patient.PracticeId).Where(w => w.StartsOn == e.Type))
        {
            if (workflow.Programs.Count > 0 && !workflow.Programs.Any(patient.Facts.Programs.Contains))
            {
                continue;
            }

            // An enrollment change starts a program's workflows when the patient enters the program, and
            // program-less ones when the tier changes; recording a consent or a review restarts nothing.
            if (e.Type == WorkflowEvent.EnrollmentChanged && e.Data.TryGetValue(EnteredKey, out var enteredText))
            {
                var entered = enteredText.Split(',', StringSplitOptions.RemoveEmptyEntries);
                var starts = workflow.Programs.Count > 0 ? workflow.Programs.Any(entered.Contains) : e.Data.GetValueOrDefault(TierChangedKey) == "true";
                if (!starts)
                {
                    continue;
                }
            }

            if (workflow.When is { } guard && !await run.Rules.HoldsAsync(guard, run.Inputs(null, run.ProgramFor(workflow)), cancellationToken))
            {
                continue;
            }

            var running = run.Work.Running.Where(i => i.WorkflowId == workflow.Id).ToList();
            if (running.Count > 0 && workflow.IfRunning == IfRunning.Keep)
            {
                continue;
            }

            if (workflow.IfRunning == IfRunning.Replace)
            {
                foreach (var old in running)
                {
                    _steps.End(old, run.DefinitionOf(old), $"replaced by a new {e.Type}", replaced: true);
                }
            }

            var instance = new InstanceState
            {
                Id = $"{patient.PracticeId}:{e.EventId}:{workflow.Id}",
                PracticeId = patient.PracticeId,
                PatientId = patient.PatientId,
                WorkflowId = workflow.Id,
                Version = workflow.Version,
                Overlay = workflow.Practice,
                StartedAt = run.At,
                StartData = e.Data,
                StartEventType = e.Type,
                Anchors = Anchors(e, new Dictionary<string, DateTimeOffset>()),
            };
            if (run.Work.Instance(instance.Id) is not null)
            {
                continue;
            }

            run.Work.Add(_steps.Entry("instance.started", instance, workflow) with { Step = workflow.Steps[0].Id, Reason = e.Type });
            await _steps.EnterAsync(instance, workflow, workflow.Steps[0].Id, cancellationToken);
        }
    }

    /// <summary>
    /// An instance remembers an event its waits wait for, or one that moves an anchor it reads: the discharge date
    /// (rule inputs) or one its reminders are timed from. Rewriting every running instance for every appointment
    /// was most of the write cost of a batch.
    /// </summary>
    private bool Cares(WorkflowDefinition workflow, string eventType) =>
        workflow.Steps.Any(step => step is WaitStep wait && wait.For.Contains(eventType))
        || run.Current.Catalog.Anchors.Values.Any(anchor => anchor.Event == eventType
            && (anchor.Id == RunContext.DischargeAnchor || workflow.Steps.Any(step => step is ReminderStep { Time.Anchor: var used } && used == anchor.Id)));

    private InstanceState Remember(InstanceState instance, WorkflowEvent e)
    {
        var seen = new Dictionary<string, DateTimeOffset>(instance.SeenEvents, StringComparer.Ordinal) { [e.Type] = run.At };
        return instance with { SeenEvents = seen, Anchors = Anchors(e, instance.Anchors) };
    }

    private Dictionary<string, DateTimeOffset> Anchors(WorkflowEvent e, IReadOnlyDictionary<string, DateTimeOffset> known)
    {
        var anchors = new Dictionary<string, DateTimeOffset>(known, StringComparer.Ordinal);
        foreach (var anchor in run.Current.Catalog.Anchors.Values.Where(a => a.Event == e.Type))
        {
            anchors[anchor.Id] = (anchor.Field is null ? null : run.ParseTime(e.Data.GetValueOrDefault(anchor.Field))) ?? e.At;
        }

        return anchors;
    }

    /// <summary>Keeps patient facts current from clinical events; true when they changed.</summary>
    private bool UpdateFacts(out bool explicitEnrollment)
    {
        var e = run.Event;
        var patient = run.Work.Patient;
        var facts = patient.Facts;
        explicitEnrollment = false;
        switch (e.Type)
        {
            case "patient.updated":
                facts = FactNames.Apply(facts, e.Data.Where(d => FactNames.All.Contains(d.Key)));
                explicitEnrollment = e.Data.ContainsKey("tier") || e.Data.ContainsKey("programs");
                break;
            case "lab.result" when RunContext.ParseDecimal(e.Data.GetValueOrDefault("hba1c")) is { } hba1c:
                facts = facts with { PreviousHba1c = facts.Hba1c, Hba1c = hba1c };
                break;
            case "ed.visit":
                facts = facts with { EdVisits6m = facts.EdVisits6m + 1, EdVisits12m = facts.EdVisits12m + 1 };
                patient = patient with { EdVisitsSinceEnrollment = patient.EdVisitsSinceEnrollment + (patient.EnrolledAt is null ? 0 : 1) };
                break;
            case "patient.admitted":
                facts = facts with { Admissions6m = facts.Admissions6m + 1, Admissions12m = facts.Admissions12m + 1 };
                break;
            default:
                return false;
        }

        run.Work.Update(patient with { Facts = facts });
        return true;
    }

    /// <summary>
    /// Re-runs the enrollment rules (or takes the tier and programs staff gave) and brings the enrollments in line;
    /// a new tier or program is an enrollment.changed that starts the program's workflows.
    /// </summary>
    private async ValueTask ReviewEnrollmentAsync(bool explicitEnrollment, string tierBefore, CancellationToken cancellationToken)
    {
        var patient = run.Work.Patient;
        var (tier, eligible, why) = (patient.Facts.Tier, patient.Facts.Programs, "set by staff");
        if (!explicitEnrollment)
        {
            var result = await new Stratifier(run.Rules).StratifyAsync(patient.Facts, cancellationToken);
            (tier, eligible, why) = (result.Tier, result.Programs, result.Rule ?? "no enrollment rule holds");
        }

        var consentOnFile = patient.Facts.CcmConsent ? new HashSet<string>(StringComparer.Ordinal) { "ccm" } : [];
        var (enrollments, changes, flagged, entered) = EnrollmentReview.Apply(patient.Enrollments, eligible, run.Current.Catalog, run.At, "enrollment rules", why, consentOnFile);
        foreach (var enrollment in flagged)
        {
            var task = EnrollmentReview.ReviewTask(patient, enrollment, run.At);
            run.Work.Put(task);
            run.Work.Add(PatientEntry("task.created") with { Workflow = task.WorkflowId, Step = task.StepId, Role = task.Role, Reason = enrollment.ReviewReason, TaskId = task.Id });
        }

        await ChangeEnrollmentAsync(patient with { Facts = patient.Facts with { Tier = tier } }, enrollments, changes, entered, why, tierBefore != tier, cancellationToken);
    }

    /// <summary>Staff moved an enrollment (offer, enroll, consent, decline, graduate, disenroll, keep).</summary>
    private async ValueTask OnEnrollmentUpdatedAsync(CancellationToken cancellationToken)
    {
        var e = run.Event;
        var program = e.Data.GetValueOrDefault("program") ?? throw new InvalidOperationException("enrollment.updated needs data 'program'.");
        var action = e.Data.GetValueOrDefault("action") ?? throw new InvalidOperationException("enrollment.updated needs data 'action'.");
        var patient = run.Work.Patient;
        var current = patient.Enrollments.FirstOrDefault(x => x.Program == program);
        List<Enrollment> enrollments = [.. patient.Enrollments.Where(x => x.Program != program)];
        if (action == "keep")
        {
            var kept = current ?? throw new InvalidOperationException($"the patient has no enrollment in '{program}' to keep.");
            enrollments.Add(kept with { ReviewReason = null });
            await ChangeEnrollmentAsync(patient, enrollments, [$"{program} kept after review"], [], e.Data.GetValueOrDefault("reason"), false, cancellationToken);
            return;
        }

        var to = EnrollmentReview.StatusFor(action) ?? throw new InvalidOperationException($"unknown enrollment action '{action}'; use offer, enroll, consent, decline, graduate, disenroll or keep.");
        var consent = ConsentFrom(e);
        var consentRequired = run.Current.Catalog.Programs.GetValueOrDefault(program)?.ConsentRequired ?? false;
        if (action == "consent" && consent is null)
        {
            throw new InvalidOperationException("a consent needs data 'consent-type' (verbal or written) and the staff member in 'by'.");
        }

        if (action == "consent" && current?.Status == EnrollmentStatus.Enrolled)
        {
            enrollments.Add(current with { Consent = consent });
        }
        else
        {
            var refusal = EnrollmentLifecycle.Refusal(current, program, to, consentRequired, consent);
            if (refusal is not null)
            {
                throw new InvalidOperationException(refusal);
            }

            enrollments.Add(EnrollmentLifecycle.Move(current, program, to, run.At, e.By, e.Data.GetValueOrDefault("reason"), consent));
        }

        var newlyOpen = current is { IsOpen: true } || !EnrollmentReview.OpenPrograms(enrollments).Contains(program) ? [] : new List<string> { program };
        await ChangeEnrollmentAsync(patient, enrollments, [$"{program} {EnrollmentLifecycle.Word(to)} ({action})"], newlyOpen, e.Data.GetValueOrDefault("reason") ?? action, false, cancellationToken);
    }

    private Consent? ConsentFrom(WorkflowEvent e)
    {
        if (e.Data.GetValueOrDefault("consent-type") is not { } type || e.By is null)
        {
            return null;
        }

        if (type is not ("verbal" or "written"))
        {
            throw new InvalidOperationException($"consent-type must be verbal or written, not '{type}'.");
        }

        var date = e.Data.GetValueOrDefault("consent-date") is { } text
            ? DateOnly.ParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)
            : run.Calendar.LocalDate(run.At);
        return new Consent(type, date, e.By);
    }

    /// <summary>Stores new enrollments; when tier or open programs changed, records enrollment.changed and starts program workflows.</summary>
    private async ValueTask ChangeEnrollmentAsync(PatientRecord patient, List<Enrollment> enrollments, List<string> changes, List<string> entered, string? why, bool tierChanged, CancellationToken cancellationToken)
    {
        var programs = EnrollmentReview.OpenPrograms(enrollments);
        var ccm = enrollments.FirstOrDefault(x => x.Program == "ccm");
        var updated = patient with
        {
            Enrollments = enrollments,
            Facts = patient.Facts with { Programs = programs, CcmConsent = patient.Facts.CcmConsent || ccm?.Consent is not null },
            EnrolledAt = patient.EnrolledAt ?? (programs.Count > 0 ? run.At : null),
        };
        run.Work.Update(updated);
        if (changes.Count == 0 && !tierChanged)
        {
            return;
        }

        run.Work.Add(PatientEntry(WorkflowEvent.EnrollmentChanged) with
        {
            Reason = why,
            Detail = $"tier {updated.Facts.Tier}; programs {string.Join(',', programs)}{(changes.Count > 0 ? $"; {string.Join(", ", changes)}" : "")}",
        });
        // The programs entered and whether the tier changed decide which program workflows start (see StartWorkflowsAsync).
        var changed = run.Event with
        {
            EventId = $"{run.Event.EventId}:enrollment",
            Type = WorkflowEvent.EnrollmentChanged,
            Data = new Dictionary<string, string>(StringComparer.Ordinal) { [EnteredKey] = string.Join(',', entered), [TierChangedKey] = tierChanged ? "true" : "false" },
        };
        await DeliverAsync(changed, cancellationToken);
        await StartWorkflowsAsync(changed, cancellationToken);
    }

    private TimelineEntry PatientEntry(string type) => new()
    {
        At = run.At,
        Type = type,
        PracticeId = run.Work.Patient.PracticeId,
        PatientId = run.Work.Patient.PatientId,
    };

    /// <summary>The escalation rule set: the first rule that holds names the role; one open escalation per reason.</summary>
    private async ValueTask CheckEscalationRulesAsync(InstanceState? instance, WorkflowDefinition? workflow, CancellationToken cancellationToken)
    {
        if (!run.Rules.RuleSets.ContainsKey(EscalationRuleSet) || run.Work.Patient.Facts.Programs.Count == 0)
        {
            return;
        }

        var matches = await run.Rules.EvaluateAsync(EscalationRuleSet, run.Inputs(instance, workflow is null ? "" : run.ProgramFor(workflow)), cancellationToken);
        if (matches.FirstOrDefault() is not { SuccessEvent: { } role } match)
        {
            return;
        }

        var reason = match.Properties.GetValueOrDefault("reason") ?? match.RuleName;
        if (run.Work.OpenTasks.Any(t => t.Kind == TaskKind.Escalation && t.Reason == reason))
        {
            return;
        }

        var patient = run.Work.Patient;
        var task = new CareTask
        {
            Id = CareTask.IdFor(instance?.Id ?? $"{patient.PracticeId}/{patient.PatientId}", $"rule:{match.RuleName}:{run.Event.EventId}", 1),
            PracticeId = patient.PracticeId,
            PatientId = patient.PatientId,
            InstanceId = instance?.Id ?? "",
            WorkflowId = workflow?.Id ?? EscalationRuleSet,
            StepId = $"rule:{match.RuleName}",
            Kind = TaskKind.Escalation,
            Role = role,
            Title = reason,
            Priority = TaskPriority.High,
            CreatedAt = run.At,
            Reason = reason,
        };
        run.Work.Put(task);
        run.Work.Add(new TimelineEntry
        {
            At = run.At,
            Type = "escalation.created",
            PracticeId = patient.PracticeId,
            PatientId = patient.PatientId,
            Workflow = workflow?.Id,
            Version = workflow?.Version,
            InstanceId = instance?.Id,
            Step = task.StepId,
            Role = role,
            Reason = reason,
            TaskId = task.Id,
        });
    }
}
