using CareWorkflows.Engine.Care;
using CareWorkflows.Engine.Records.CareTeam;

namespace CareWorkflows.Engine.Reports;

/// <summary>The monthly member list (seed 003, 4.27): enrollments open at the end of the month or changed during it.</summary>
internal sealed class MembersReport : IReport
{
    public string Name => "members";

    public string Title => "Monthly member list";

    public IReadOnlyList<ReportColumn> Columns { get; } =
    [
        new("patient", "The practice's patient id."),
        new("program", "The program (catalog.yaml program id); one row per patient and program."),
        new("status", "The enrollment status at the end of the month: candidate, offered, enrolled, declined, graduated or disenrolled."),
        new("tier", "The patient's current risk tier (high, rising, low)."),
        new("enrolled_on", "The practice-local date the patient was first enrolled in the program; empty if never."),
        new("consent", "The documented consent for consent programs: type and date (verbal 2026-11-02); empty if none."),
        new("care_manager", "The staff id of the patient's care manager; empty when none is assigned."),
        new("changes_this_month", "Every status change in the month: date, new status, by whom and why, separated by '; '."),
    ];

    public async Task<(IReadOnlyList<object?[]> Rows, IReadOnlyList<ReportFigure> Summary)> BuildAsync(ReportContext context, CancellationToken cancellationToken)
    {
        var patients = await context.PatientsAsync(cancellationToken);
        var managers = await CareTeamStore.CareManagersAsync(context.Db, context.PracticeId, cancellationToken);
        var rows = new List<object?[]>();
        var enrolledPatients = new HashSet<string>(StringComparer.Ordinal);
        var (entered, left) = (0, 0);
        foreach (var patient in patients.OrderBy(p => p.PatientId, StringComparer.Ordinal))
        {
            foreach (var enrollment in patient.Enrollments.OrderBy(e => e.Program, StringComparer.Ordinal))
            {
                var history = enrollment.History.OrderBy(h => h.At).ToList();
                var atEnd = history.LastOrDefault(h => h.At < context.End)?.Status ?? (history.Count == 0 ? enrollment.Status : null);
                var changes = history.Where(h => h.At >= context.Start && h.At < context.End).ToList();
                if (atEnd is null || (changes.Count == 0 && atEnd is not (EnrollmentStatus.Candidate or EnrollmentStatus.Offered or EnrollmentStatus.Enrolled)))
                {
                    continue;
                }

                if (atEnd == EnrollmentStatus.Enrolled)
                {
                    enrolledPatients.Add(patient.PatientId);
                }

                entered += changes.Count(c => c.Status == EnrollmentStatus.Enrolled);
                left += changes.Count(c => c.Status is EnrollmentStatus.Graduated or EnrollmentStatus.Disenrolled);
                var firstEnrolled = history.FirstOrDefault(h => h.Status == EnrollmentStatus.Enrolled)?.At;
                rows.Add(
                [
                    patient.PatientId,
                    enrollment.Program,
                    Word(atEnd.Value),
                    patient.Facts.Tier,
                    firstEnrolled is { } first ? ReportContext.Date(context.Calendar.LocalDate(first)) : "",
                    enrollment.Consent is { } consent ? $"{consent.Type} {ReportContext.Date(consent.Date)}" : "",
                    managers.GetValueOrDefault(patient.PatientId) ?? "",
                    string.Join("; ", changes.Select(c => $"{ReportContext.Date(context.Calendar.LocalDate(c.At))} {Word(c.Status)}{(c.By is null ? "" : $" by {c.By}")}{(c.Reason is null ? "" : $" ({c.Reason})")}")),
                ]);
            }
        }

        return (rows,
        [
            new("enrolled_patients", enrolledPatients.Count, "Patients enrolled in at least one program at the end of the month."),
            new("enrollments_started", entered, "Moves to enrolled during the month."),
            new("enrollments_ended", left, "Moves to graduated or disenrolled during the month."),
        ]);
    }

    private static string Word(EnrollmentStatus status) => status.ToString().ToLowerInvariant();
}
