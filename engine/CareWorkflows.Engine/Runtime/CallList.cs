using CareWorkflows.Engine.Definitions;

namespace CareWorkflows.Engine.Runtime;

/// <summary>
/// A reminder no message may or could deliver becomes a task on the practice's call list. The delivery worker sends
/// a <c>reminder.undeliverable</c> event, so the task is made here, by the step function, like every other task.
/// </summary>
internal static class CallList
{
    /// <summary>The event type the delivery worker sends.</summary>
    public const string ReminderUndeliverable = "reminder.undeliverable";

    /// <summary>The workflow id call-list tasks carry.</summary>
    public const string WorkflowId = "reminders";

    /// <summary>The call-list task of a reminder: one per reminder, however often the event comes.</summary>
    public static string TaskId(string reminderId) => CareTask.IdFor(reminderId, "call-list", 1);

    public static void Apply(RunContext run)
    {
        var data = run.Event.Data;
        var reminderId = data.GetValueOrDefault("reminder") ?? throw new InvalidOperationException($"{ReminderUndeliverable} needs data 'reminder'.");
        var template = data.GetValueOrDefault("template") ?? "";
        var reason = data.GetValueOrDefault("reason") ?? "no message could reach the patient";
        var role = run.Current.Practice(run.Event.PracticeId).CallListRole;
        var task = new CareTask
        {
            Id = TaskId(reminderId),
            PracticeId = run.Event.PracticeId,
            PatientId = run.Event.PatientId,
            // Not tied to the instance: the call is still owed when the workflow moves on or ends.
            InstanceId = "",
            WorkflowId = WorkflowId,
            StepId = $"call-list:{data.GetValueOrDefault("step")}",
            Role = role,
            Title = $"Call the patient: the '{template}' reminder could not be sent",
            Priority = TaskPriority.Routine,
            CreatedAt = run.At,
            Outcomes = ["reached", "not-reached"],
            Reason = reason,
        };
        if (run.Work.OpenTask(task.Id) is not null)
        {
            return;
        }

        var entry = new TimelineEntry { At = run.At, Type = ReminderUndeliverable, PracticeId = task.PracticeId, PatientId = task.PatientId };
        run.Work.Put(task);
        run.Work.Add(entry with
        {
            Step = data.GetValueOrDefault("step"),
            InstanceId = data.GetValueOrDefault("instance"),
            Reason = reason,
            Detail = template,
            Channel = data.GetValueOrDefault("channel"),
            Language = data.GetValueOrDefault("language"),
        });
        run.Work.Add(entry with { Type = "task.created", Workflow = WorkflowId, Step = task.StepId, Role = role, Reason = reason, TaskId = task.Id });
    }
}
