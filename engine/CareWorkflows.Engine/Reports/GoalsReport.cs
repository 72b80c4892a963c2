using CareWorkflows.Engine.Records.CarePlans;
using CareWorkflows.Engine.Records.CareTeam;

namespace CareWorkflows.Engine.Reports;

/// <summary>Care-plan goals per care manager: goals set and attained in the month, median days to attainment, success stories.</summary>
internal sealed class GoalsReport : IReport
{
    private const string Unassigned = "(unassigned)";

    public string Name => "goals";

    public string Title => "Care-plan goals and attainment";

    public IReadOnlyList<ReportColumn> Columns { get; } =
    [
        new("care_manager", "The patients' care manager (staff id); (unassigned) for patients without one."),
        new("patients_with_goals", "Patients with at least one goal set on or before the end of the month."),
        new("goals_set", "Goals set in the month."),
        new("goals_attained", "Goals attained in the month."),
        new("median_days_to_attainment", "The median of days from set to attained, over goals attained in the month; empty if none."),
        new("goals_active", "Goals set by the end of the month and still active now."),
        new("success_stories", "Goals attained in the month with a success story."),
        new("average_confidence", "The average confidence (1-10) of the goals set in the month; empty if none."),
    ];

    public async Task<(IReadOnlyList<object?[]> Rows, IReadOnlyList<ReportFigure> Summary)> BuildAsync(ReportContext context, CancellationToken cancellationToken)
    {
        var goals = await CarePlanStore.AllAsync(context.Db, context.PracticeId, cancellationToken);
        var managers = await CareTeamStore.CareManagersAsync(context.Db, context.PracticeId, cancellationToken);
        var (first, last) = (context.Month.FirstDay, context.Month.LastDay);
        bool InMonth(DateOnly? day) => day >= first && day <= last;
        object?[] Row(string group, List<CareGoal> mine)
        {
            var set = mine.Where(g => InMonth(g.SetOn)).ToList();
            var attained = mine.Where(g => g.Status == CareGoal.Attained && InMonth(g.AttainedOn)).ToList();
            return
            [
                group,
                mine.Where(g => g.SetOn <= last).Select(g => g.PatientId).Distinct().Count(),
                set.Count,
                attained.Count,
                Median([.. attained.Select(g => g.AttainedOn!.Value.DayNumber - g.SetOn.DayNumber)]),
                mine.Count(g => g.Status == CareGoal.Active && g.SetOn <= last),
                attained.Count(g => !string.IsNullOrWhiteSpace(g.SuccessStory)),
                set.Count == 0 ? null : Math.Round((decimal)set.Average(g => g.Confidence), 1),
            ];
        }

        var rows = goals.GroupBy(g => managers.GetValueOrDefault(g.PatientId) ?? Unassigned, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Row(g.Key, [.. g])).ToList();
        var all = Row("all", goals);
        return (rows,
        [
            new("goals_set", all[2], "Goals set in the month, every care manager."),
            new("goals_attained", all[3], "Goals attained in the month."),
            new("median_days_to_attainment", all[4], "Median days from set to attained, goals attained in the month."),
        ]);
    }

    /// <summary>The middle value; the mean of the two middle values for an even count; null for none.</summary>
    public static decimal? Median(IReadOnlyList<int> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2m;
    }
}
