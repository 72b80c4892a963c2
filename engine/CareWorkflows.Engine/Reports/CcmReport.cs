using CareWorkflows.Engine.Records.CareTeam;
using CareWorkflows.Engine.Records.Interactions;
using CareWorkflows.Engine.Records.TimeLog;

namespace CareWorkflows.Engine.Reports;

/// <summary>
/// Care-management minutes per patient in the month, against the time programs of rules/codes/billing.yaml: codes
/// reached, the next code and how close it is, with the days left in the month.
/// </summary>
internal sealed class CcmReport : IReport
{
    public string Name => "ccm";

    public string Title => "CCM / PCM minutes and codes";

    public IReadOnlyList<ReportColumn> Columns { get; } =
    [
        new("patient", "The practice's patient id."),
        new("program", "The time program the minutes count for (complex-ccm, ccm or pcm: the first in billing.yaml the patient was enrolled in during the month); empty when none."),
        new("care_manager", "The staff id of the patient's care manager; empty when none is assigned."),
        new("interactions", "Interactions recorded in the month (completed tasks and recorded contacts)."),
        new("total_minutes", "Every minute recorded in the month, whoever spent it."),
        new("counted_minutes", "The minutes that count for the program: clinical staff only for CCM and PCM (roles with clinical: true)."),
        new("codes_reached", "The codes the counted minutes reach, e.g. '99490 + 99439 x1'; empty below the first threshold or without a program."),
        new("next_code", "The next code within reach this month; empty when the monthly limit is reached or there is no program."),
        new("minutes_to_next", "Counted minutes still needed for next_code."),
        new("days_left_in_month", "Days left in the month, today included (0 for a past month)."),
        new("close_to_threshold", "yes when minutes_to_next is at most near-threshold-minutes (billing.yaml) and days are left."),
    ];

    public async Task<(IReadOnlyList<object?[]> Rows, IReadOnlyList<ReportFigure> Summary)> BuildAsync(ReportContext context, CancellationToken cancellationToken)
    {
        var interactions = (await InteractionQueries.BetweenAsync(context.Db, context.PracticeId, context.Start, context.End, cancellationToken))
            .ToLookup(i => i.PatientId, StringComparer.Ordinal);
        var patients = (await context.PatientsAsync(cancellationToken)).ToDictionary(p => p.PatientId, StringComparer.Ordinal);
        var managers = await CareTeamStore.CareManagersAsync(context.Db, context.PracticeId, cancellationToken);
        var today = context.Calendar.LocalDate(context.Now);
        var daysLeft = today > context.Month.LastDay ? 0
            : today < context.Month.FirstDay ? context.Month.LastDay.Day
            : context.Month.LastDay.DayNumber - today.DayNumber + 1;
        var timePrograms = context.Rules.TimePrograms.Select(p => p.Program).ToHashSet(StringComparer.Ordinal);
        var rows = new List<object?[]>();
        var codes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var close = 0;
        var ids = patients.Values
            .Where(p => MonthlyTime.EnrolledDuring(p.Enrollments, context.Start, context.End).Any(timePrograms.Contains))
            .Select(p => p.PatientId).Concat(interactions.Select(g => g.Key)).Distinct().Order(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            var enrolled = patients.TryGetValue(id, out var patient) ? MonthlyTime.EnrolledDuring(patient.Enrollments, context.Start, context.End) : [];
            var time = MonthlyTime.Tally(context.Month.Text, [.. interactions[id]], enrolled, context.Catalog, context.Rules);
            var isClose = time.MinutesToNext is { } toNext && toNext <= context.Rules.NearThresholdMinutes && daysLeft > 0;
            close += isClose ? 1 : 0;
            foreach (var (code, units) in time.Units)
            {
                codes[code] = codes.GetValueOrDefault(code) + units;
            }

            rows.Add([id, time.Program ?? "", managers.GetValueOrDefault(id) ?? "", time.Interactions, time.TotalMinutes, time.CountedMinutes, time.Codes,
                time.NextCode ?? "", time.MinutesToNext, daysLeft, isClose]);
        }

        List<ReportFigure> summary =
        [
            new("patients", rows.Count, "Patients enrolled in a time program during the month, or with minutes recorded."),
            new("close_to_threshold", close, "Patients close to their next code with days left."),
            new("days_left_in_month", daysLeft, "Days left in the month, today included."),
        ];
        summary.AddRange(codes.Select(c => new ReportFigure($"units_{c.Key}", c.Value, $"Units of {c.Key} reached by all patients.")));
        return (rows, summary);
    }
}
