using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Rules;
using CareWorkflows.Engine.Runtime;

namespace CareWorkflows.Engine.Persistence;

/// <summary>Between the runtime's records and the storage rows.</summary>
internal static class RowMapping
{
    public static PatientRecord ToRecord(PatientRow row) => new(row.PracticeId, row.PatientId)
    {
        Facts = StoreJson.Read<PatientFacts>(row.Facts),
        EnrolledAt = row.EnrolledAt,
        EdVisitsSinceEnrollment = row.EdVisitsSinceEnrollment,
        Recorded = StoreJson.Read<Dictionary<string, string>>(row.Recorded),
        Enrollments = string.IsNullOrEmpty(row.Enrollments) ? [] : StoreJson.Read<List<Care.Enrollment>>(row.Enrollments),
    };

    public static void Copy(PatientRecord record, PatientRow row, DateTimeOffset now)
    {
        row.Facts = StoreJson.Write(record.Facts);
        row.Tier = record.Facts.Tier;
        row.Programs = string.Join(',', record.Facts.Programs);
        row.EnrolledAt = record.EnrolledAt;
        row.EdVisitsSinceEnrollment = record.EdVisitsSinceEnrollment;
        row.Recorded = StoreJson.Write(record.Recorded);
        row.Enrollments = StoreJson.Write(record.Enrollments);
        row.UpdatedAt = now;
    }

    public static InstanceState ToRecord(InstanceRow row) => StoreJson.Read<InstanceState>(row.State);

    public static void Copy(InstanceState instance, InstanceRow row)
    {
        row.Status = instance.Status.ToString().ToLowerInvariant();
        row.StepId = instance.StepId;
        row.EndedAt = instance.EndedAt;
        row.State = StoreJson.Write(instance);
    }

    public static InstanceRow NewRow(InstanceState instance)
    {
        var row = new InstanceRow
        {
            Id = instance.Id,
            PracticeId = instance.PracticeId,
            PatientId = instance.PatientId,
            WorkflowId = instance.WorkflowId,
            Version = instance.Version,
            Overlay = instance.Overlay,
            Status = "",
            StepId = "",
            StartedAt = instance.StartedAt,
            State = "",
        };
        Copy(instance, row);
        return row;
    }

    public static CareTask ToRecord(TaskRow row) => new()
    {
        Id = row.Id,
        PracticeId = row.PracticeId,
        PatientId = row.PatientId,
        InstanceId = row.InstanceId,
        WorkflowId = row.WorkflowId,
        StepId = row.StepId,
        Attempt = row.Attempt,
        Kind = Enum.Parse<TaskKind>(row.Kind, ignoreCase: true),
        Role = row.Role,
        Title = row.Title,
        Priority = Enum.Parse<TaskPriority>(row.Priority, ignoreCase: true),
        CreatedAt = row.CreatedAt,
        DueAt = row.DueAt,
        Status = Enum.Parse<CareTaskStatus>(row.Status, ignoreCase: true),
        Overdue = row.Overdue,
        Outcomes = row.Outcomes.Split(',', StringSplitOptions.RemoveEmptyEntries),
        Outcome = row.Outcome,
        Minutes = row.Minutes,
        Note = row.Note,
        CompletedAt = row.CompletedAt,
        CompletedBy = row.CompletedBy,
        Assignee = row.Assignee,
        Reason = row.Reason,
        Script = row.Script,
        Form = row.Form,
    };

    public static void Copy(CareTask task, TaskRow row)
    {
        row.Status = task.Status.ToString().ToLowerInvariant();
        row.Overdue = task.Overdue;
        row.Outcome = task.Outcome;
        row.Minutes = task.Minutes;
        row.Note = task.Note;
        row.CompletedAt = task.CompletedAt;
        row.CompletedBy = task.CompletedBy;
        row.Assignee = task.Assignee;
    }

    public static TaskRow NewRow(CareTask task)
    {
        var row = new TaskRow
        {
            Id = task.Id,
            PracticeId = task.PracticeId,
            PatientId = task.PatientId,
            InstanceId = task.InstanceId,
            WorkflowId = task.WorkflowId,
            StepId = task.StepId,
            Attempt = task.Attempt,
            Kind = task.Kind.ToString().ToLowerInvariant(),
            Role = task.Role,
            Title = task.Title,
            Priority = task.Priority.ToString().ToLowerInvariant(),
            CreatedAt = task.CreatedAt,
            DueAt = task.DueAt,
            Status = "",
            Outcomes = string.Join(',', task.Outcomes),
            Reason = task.Reason,
            Script = task.Script,
            Form = task.Form,
        };
        Copy(task, row);
        return row;
    }

    public static TimelineRow NewRow(TimelineEntry entry, string eventId) => new()
    {
        PracticeId = entry.PracticeId,
        PatientId = entry.PatientId,
        At = entry.At,
        Type = entry.Type,
        Workflow = entry.Workflow,
        Version = entry.Version,
        Step = entry.Step,
        Role = entry.Role,
        Due = entry.Due,
        Outcome = entry.Outcome,
        Reason = entry.Reason,
        Detail = entry.Detail,
        InstanceId = entry.InstanceId,
        TaskId = entry.TaskId,
        EventId = eventId,
        Channel = entry.Channel,
        Language = entry.Language,
    };

    public static TimelineEntry ToRecord(TimelineRow row) => new()
    {
        At = row.At,
        Type = row.Type,
        PracticeId = row.PracticeId,
        PatientId = row.PatientId,
        Workflow = row.Workflow,
        Version = row.Version,
        Step = row.Step,
        Role = row.Role,
        Due = row.Due,
        Outcome = row.Outcome,
        Reason = row.Reason,
        Detail = row.Detail,
        InstanceId = row.InstanceId,
        TaskId = row.TaskId,
        Channel = row.Channel,
        Language = row.Language,
    };
}
