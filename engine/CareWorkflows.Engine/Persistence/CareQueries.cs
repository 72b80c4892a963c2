using CareWorkflows.Engine.Runtime;
using Microsoft.EntityFrameworkCore;

namespace CareWorkflows.Engine.Persistence;

/// <summary>Filters for the worklist.</summary>
public sealed record TaskFilter
{
    /// <summary>Only tasks for this role.</summary>
    public string? Role { get; init; }

    /// <summary>Only tasks claimed by this staff member.</summary>
    public string? Assignee { get; init; }

    /// <summary>Only this patient's tasks.</summary>
    public string? Patient { get; init; }

    /// <summary>Open (default), completed, cancelled, or all.</summary>
    public string Status { get; init; } = "open";

    /// <summary>Only tasks past their due (true) or not (false).</summary>
    public bool? Overdue { get; init; }

    /// <summary>Only tasks due before this instant.</summary>
    public DateTimeOffset? DueBefore { get; init; }

    /// <summary>Task, outreach or escalation.</summary>
    public string? Kind { get; init; }

    /// <summary>At most this many, soonest due first.</summary>
    public int Limit { get; init; } = 200;
}

/// <summary>A patient's stored facts and running workflows.</summary>
public sealed record PatientSummary(PatientRecord Patient, IReadOnlyList<InstanceState> Instances);

/// <summary>A stored event that failed to apply, for review.</summary>
public sealed record FailedEvent(string EventId, string PatientId, string Type, DateTimeOffset At, string Error);

/// <summary>The read side for the API: worklist, timelines, patients. Every query is scoped to one practice.</summary>
internal sealed class CareQueries(IDbContextFactory<CareflowDbContext> contexts)
{
    public async Task<IReadOnlyList<CareTask>> TasksAsync(string practiceId, TaskFilter filter, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Tasks.AsNoTracking().Where(t => t.PracticeId == practiceId);
        if (filter.Status != "all")
        {
            query = query.Where(t => t.Status == filter.Status);
        }

        if (filter.Role is { } role)
        {
            query = query.Where(t => t.Role == role);
        }

        if (filter.Assignee is { } assignee)
        {
            query = query.Where(t => t.Assignee == assignee);
        }

        if (filter.Patient is { } patient)
        {
            query = query.Where(t => t.PatientId == patient);
        }

        if (filter.Overdue is { } overdue)
        {
            query = query.Where(t => t.Overdue == overdue);
        }

        if (filter.DueBefore is { } before)
        {
            query = query.Where(t => t.DueAt != null && t.DueAt < before);
        }

        if (filter.Kind is { } kind)
        {
            query = query.Where(t => t.Kind == kind);
        }

        var rows = await query.OrderBy(t => t.DueAt == null).ThenBy(t => t.DueAt).ThenBy(t => t.CreatedAt).Take(filter.Limit).ToListAsync(cancellationToken);
        return [.. rows.Select(RowMapping.ToRecord)];
    }

    public async Task<CareTask?> TaskAsync(string practiceId, string taskId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.Tasks.AsNoTracking().FirstOrDefaultAsync(t => t.Id == taskId && t.PracticeId == practiceId, cancellationToken);
        return row is null ? null : RowMapping.ToRecord(row);
    }

    public async Task<IReadOnlyList<TimelineEntry>> TimelineAsync(string practiceId, string patientId, int limit, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.Timeline.AsNoTracking().Where(t => t.PracticeId == practiceId && t.PatientId == patientId)
            .OrderBy(t => t.Id).Take(limit).ToListAsync(cancellationToken);
        return [.. rows.Select(RowMapping.ToRecord)];
    }

    public async Task<PatientSummary?> PatientAsync(string practiceId, string patientId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.Patients.AsNoTracking().FirstOrDefaultAsync(p => p.PracticeId == practiceId && p.PatientId == patientId, cancellationToken);
        if (row is null)
        {
            return null;
        }

        var instances = await db.Instances.AsNoTracking().Where(i => i.PracticeId == practiceId && i.PatientId == patientId)
            .OrderBy(i => i.StartedAt).ToListAsync(cancellationToken);
        return new PatientSummary(RowMapping.ToRecord(row), [.. instances.Select(RowMapping.ToRecord)]);
    }

    public async Task<IReadOnlyList<FailedEvent>> FailedEventsAsync(string practiceId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.Inbox.AsNoTracking().Where(r => r.PracticeId == practiceId && r.Status == InboxStatus.Failed)
            .OrderBy(r => r.Sequence).Take(500).ToListAsync(cancellationToken);
        return [.. rows.Select(r => new FailedEvent(r.EventId, r.PatientId, r.Type, r.At, r.Error ?? ""))];
    }

    /// <summary>Counts for the health page and start-up banner.</summary>
    public async Task<(int OpenTasks, int PendingTimers, int RunningInstances)> CountsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return (await db.Tasks.CountAsync(t => t.Status == "open", cancellationToken),
            await db.Timers.CountAsync(t => t.Status == TimerStatus.Pending, cancellationToken),
            await db.Instances.CountAsync(i => i.Status == "running", cancellationToken));
    }
}
