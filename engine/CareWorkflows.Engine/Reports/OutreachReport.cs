using CareWorkflows.Engine.Records.Interactions;

namespace CareWorkflows.Engine.Reports;

/// <summary>Outreach in the month by channel: attempts, how many reached the patient, and the obstacles staff noted.</summary>
internal sealed class OutreachReport : IReport
{
    private const int TopObstacles = 5;

    public string Name => "outreach";

    public string Title => "Outreach attempts, reach rate and obstacles";

    public IReadOnlyList<ReportColumn> Columns { get; } =
    [
        new("channel", "The contact channel (phone, video, in-person, portal, sms ...; unspecified for a task completed without one)."),
        new("attempts", "Contact attempts: interactions whose outcome is in reached-outcomes or not-reached-outcomes (billing.yaml)."),
        new("reached", "Attempts that reached the patient or caregiver."),
        new("reach_rate", "reached / attempts, in percent."),
        new("patients_attempted", "Distinct patients attempted."),
        new("patients_reached", "Distinct patients reached."),
        new("top_obstacles", "The obstacles to goals noted most often on this channel's interactions, with counts: 'transport (3); cost (2)'."),
    ];

    public async Task<(IReadOnlyList<object?[]> Rows, IReadOnlyList<ReportFigure> Summary)> BuildAsync(ReportContext context, CancellationToken cancellationToken)
    {
        var contacts = context.Rules.Contacts;
        var interactions = await InteractionQueries.BetweenAsync(context.Db, context.PracticeId, context.Start, context.End, cancellationToken);
        var rows = interactions.GroupBy(i => i.Channel, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Where(g => g.Any(i => contacts.IsAttempt(i.Outcome) || i.Obstacles.Count > 0))
            .Select(g =>
            {
                var attempts = g.Where(i => contacts.IsAttempt(i.Outcome)).ToList();
                var reached = attempts.Where(i => contacts.IsReached(i.Outcome)).ToList();
                return new object?[]
                {
                    g.Key, attempts.Count, reached.Count, ReportContext.Percent(reached.Count, attempts.Count),
                    attempts.Select(i => i.PatientId).Distinct().Count(), reached.Select(i => i.PatientId).Distinct().Count(), Obstacles(g),
                };
            }).ToList();
        var all = interactions.Where(i => contacts.IsAttempt(i.Outcome)).ToList();
        var allReached = all.Count(i => contacts.IsReached(i.Outcome));
        return (rows,
        [
            new("attempts", all.Count, "Contact attempts in the month, every channel."),
            new("reached", allReached, "Attempts that reached the patient."),
            new("reach_rate", ReportContext.Percent(allReached, all.Count), "reached / attempts, in percent."),
            new("top_obstacles", Obstacles(interactions), "The obstacles noted most often, every channel."),
        ]);
    }

    private static string Obstacles(IEnumerable<Interaction> interactions) => string.Join("; ", interactions.SelectMany(i => i.Obstacles)
        .GroupBy(o => o, StringComparer.Ordinal).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(TopObstacles)
        .Select(g => $"{g.Key} ({g.Count()})"));
}
