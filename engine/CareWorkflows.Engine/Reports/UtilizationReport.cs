using CareWorkflows.Engine.Care;

namespace CareWorkflows.Engine.Reports;

/// <summary>
/// ED visits and admissions per 1,000 enrolled patients per year, before and after enrollment (seed 002:
/// "track your successes with reduction in ER and IHU"). Before: the months-before months (billing.yaml) before
/// each patient's enrollment; after: from the enrollment to the end of the report month. Rates are per patient-year
/// of each window, so patients enrolled recently weigh in by their short time after.
/// </summary>
internal sealed class UtilizationReport : IReport
{
    private const string AllPrograms = "all-programs";

    public string Name => "utilization";

    public string Title => "Utilization before and after enrollment";

    public IReadOnlyList<ReportColumn> Columns { get; } =
    [
        new("group", "all-programs (a patient's first enrollment in any program), or a program id (the enrollment in that program)."),
        new("patients", "Patients enrolled before the end of the month."),
        new("patient_years_before", "Patient-years counted before enrollment (months-before months each)."),
        new("patient_years_after", "Patient-years from enrollment to the end of the month."),
        new("ed_visits_before", "ED visits (ed.visit events) in the window before enrollment."),
        new("ed_visits_after", "ED visits after enrollment, up to the end of the month."),
        new("admissions_before", "Admissions (patient.admitted events) before enrollment."),
        new("admissions_after", "Admissions after enrollment."),
        new("ed_per_1000_before", "ED visits per 1,000 patients per year, before."),
        new("ed_per_1000_after", "ED visits per 1,000 patients per year, after."),
        new("admissions_per_1000_before", "Admissions per 1,000 patients per year, before."),
        new("admissions_per_1000_after", "Admissions per 1,000 patients per year, after."),
    ];

    public async Task<(IReadOnlyList<object?[]> Rows, IReadOnlyList<ReportFigure> Summary)> BuildAsync(ReportContext context, CancellationToken cancellationToken)
    {
        var rules = context.Rules.Utilization;
        var patients = await context.PatientsAsync(cancellationToken);
        var events = (await context.EventsAsync([.. rules.EdEvents, .. rules.AdmissionEvents], DateTimeOffset.MinValue.AddYears(1), context.End, cancellationToken))
            .ToLookup(e => e.PatientId, StringComparer.Ordinal);
        var groups = new SortedDictionary<string, List<(string Patient, DateTimeOffset Enrolled)>>(StringComparer.Ordinal) { [AllPrograms] = [] };
        foreach (var patient in patients)
        {
            var starts = patient.Enrollments
                .Select(e => (e.Program, At: e.History.Where(h => h.Status == EnrollmentStatus.Enrolled).Select(h => (DateTimeOffset?)h.At).Min()))
                .Where(x => x.At < context.End).ToList();
            foreach (var (program, at) in starts)
            {
                Add(groups, program, (patient.PatientId, at!.Value));
            }

            if (starts.Count > 0)
            {
                groups[AllPrograms].Add((patient.PatientId, starts.Min(s => s.At!.Value)));
            }
        }

        var rows = new List<object?[]>();
        foreach (var (group, members) in groups.OrderBy(g => g.Key != AllPrograms))
        {
            if (members.Count == 0 && group != AllPrograms)
            {
                continue;
            }

            var (yearsBefore, yearsAfter, edBefore, edAfter, admBefore, admAfter) = (0m, 0m, 0, 0, 0, 0);
            foreach (var (patient, enrolled) in members)
            {
                var from = enrolled.AddMonths(-rules.MonthsBefore);
                yearsBefore += Years(enrolled - from);
                yearsAfter += Years(context.End - enrolled);
                foreach (var e in events[patient])
                {
                    var before = e.At >= from && e.At < enrolled;
                    var after = e.At >= enrolled && e.At < context.End;
                    var ed = rules.EdEvents.Contains(e.Type);
                    (edBefore, edAfter) = (edBefore + (ed && before ? 1 : 0), edAfter + (ed && after ? 1 : 0));
                    (admBefore, admAfter) = (admBefore + (!ed && before ? 1 : 0), admAfter + (!ed && after ? 1 : 0));
                }
            }

            rows.Add([group, members.Count, Math.Round(yearsBefore, 2), Math.Round(yearsAfter, 2), edBefore, edAfter, admBefore, admAfter,
                Rate(edBefore, yearsBefore), Rate(edAfter, yearsAfter), Rate(admBefore, yearsBefore), Rate(admAfter, yearsAfter)]);
        }

        return (rows, [new("months_before", rules.MonthsBefore, "Months before each enrollment that count as before (billing.yaml utilization.months-before).")]);
    }

    private static decimal Years(TimeSpan span) => (decimal)span.TotalDays / 365.25m;

    private static decimal? Rate(int events, decimal years) => years <= 0 ? null : Math.Round(events * 1000m / years, 1);

    private static void Add(SortedDictionary<string, List<(string, DateTimeOffset)>> groups, string key, (string, DateTimeOffset) member)
    {
        if (!groups.TryGetValue(key, out var list))
        {
            groups[key] = list = [];
        }

        list.Add(member);
    }
}
