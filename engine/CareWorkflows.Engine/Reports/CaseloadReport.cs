using CareWorkflows.Engine.Care;
using CareWorkflows.Engine.Persistence;
using CareWorkflows.Engine.Records.CareTeam;
using CareWorkflows.Engine.Records.Interactions;
using Microsoft.EntityFrameworkCore;

namespace CareWorkflows.Engine.Reports;

/// <summary>
/// Caseload per care manager (seed 002: spot the care manager who is sinking). A task belongs to whoever claimed it,
/// else to the patient's care manager; tasks nobody owns are on the "(unassigned)" row.
/// </summary>
internal sealed class CaseloadReport : IReport
{
    private const string Unassigned = "(unassigned)";

    public string Name => "caseload";

    public string Title => "Caseload per care manager";

    public IReadOnlyList<ReportColumn> Columns { get; } =
    [
        new("staff", "The staff id; (unassigned) for open tasks that nobody claimed and whose patient has no care manager."),
        new("enrolled_patients", "Patients assigned to the staff member as care manager with a program enrollment (status enrolled) now."),
        new("open_tasks", "Open tasks the staff member owns now (claimed, or of their patients when unclaimed)."),
        new("overdue_tasks", "Of those, tasks past their due."),
        new("open_escalations", "Of those, escalations."),
        new("completed_in_month", "Tasks the staff member completed in the month."),
        new("minutes_in_month", "Minutes the staff member recorded in the month."),
    ];

    public async Task<(IReadOnlyList<object?[]> Rows, IReadOnlyList<ReportFigure> Summary)> BuildAsync(ReportContext context, CancellationToken cancellationToken)
    {
        var managers = await CareTeamStore.CareManagersAsync(context.Db, context.PracticeId, cancellationToken);
        var patients = await context.PatientsAsync(cancellationToken);
        var open = await context.Db.Tasks.AsNoTracking().Where(t => t.PracticeId == context.PracticeId && t.Status == "open").ToListAsync(cancellationToken);
        var completed = await context.Db.Tasks.AsNoTracking()
            .Where(t => t.PracticeId == context.PracticeId && t.Status == "completed" && t.CompletedAt >= context.Start && t.CompletedAt < context.End).ToListAsync(cancellationToken);
        var interactions = await InteractionQueries.BetweenAsync(context.Db, context.PracticeId, context.Start, context.End, cancellationToken);

        string Owner(TaskRow t) => t.Assignee ?? managers.GetValueOrDefault(t.PatientId) ?? Unassigned;
        var enrolled = patients.Where(p => p.Enrollments.Any(e => e.Status == EnrollmentStatus.Enrolled)).Select(p => p.PatientId).ToHashSet(StringComparer.Ordinal);
        var staff = managers.Values.Concat(open.Select(Owner)).Concat(completed.Select(t => t.CompletedBy).OfType<string>())
            .Concat(interactions.Select(i => i.StaffId).OfType<string>()).Distinct().Order(StringComparer.Ordinal);
        var rows = staff.Select(s => new object?[]
        {
            s,
            managers.Count(m => m.Value == s && enrolled.Contains(m.Key)),
            open.Count(t => Owner(t) == s),
            open.Count(t => Owner(t) == s && t.Overdue),
            open.Count(t => Owner(t) == s && t.Kind == "escalation"),
            completed.Count(t => t.CompletedBy == s),
            interactions.Where(i => i.StaffId == s).Sum(i => i.Minutes),
        }).ToList();
        return (rows,
        [
            new("open_tasks", open.Count, "Open tasks of the practice now."),
            new("overdue_tasks", open.Count(t => t.Overdue), "Open tasks past their due now."),
            new("enrolled_patients", enrolled.Count, "Patients with an enrollment (status enrolled) now."),
            new("enrolled_without_care_manager", enrolled.Count(p => !managers.ContainsKey(p)), "Enrolled patients with no care manager assigned."),
        ]);
    }
}
