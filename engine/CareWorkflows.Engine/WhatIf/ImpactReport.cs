using System.Globalization;
using CareWorkflows.Engine.Reports;
using CareWorkflows.Engine.Runtime;

namespace CareWorkflows.Engine.WhatIf;

/// <summary>
/// The what-if's impact report: one row per section, group and period with both sides and the difference, in the
/// report table every format writes (CSV, JSON, the terminal). Sections: patients whose tier or programs change
/// (grouped by the rules that decided, then one row per patient), tasks per week by role and by care manager,
/// outreach attempts and escalations per week, CCM-billable patients per month, TCM contact deadlines.
/// </summary>
internal static class ImpactReport
{
    public const string Name = "whatif";
    public const string PatientSection = "patient";

    public static readonly IReadOnlyList<ReportColumn> Columns =
    [
        new("section", "patients (changes of tier or programs, grouped), patient (one changed patient), tasks-by-role, tasks-by-care-manager (tasks of the care-manager role for the manager's patients), outreach (attempts), escalations, ccm-billable, tcm."),
        new("group", "The role, care manager, tier change ('rising -> high') or patient id; 'all' for the whole panel."),
        new("period", "'week N (first day)' (practice-local weeks from the start), a month YYYY-MM, or 'window' for the whole run."),
        new("current", "The figure with the current definitions."),
        new("changed", "The figure with the change."),
        new("difference", "changed - current."),
        new("detail", "For patient rows: tier (deciding rule) and programs before -> after."),
    ];

    public static ReportTable Build(WhatIfResult result, bool withPatients)
    {
        ArgumentNullException.ThrowIfNull(result);
        var settings = result.Settings;
        var rows = new List<object?[]>();
        var changedPatients = Changes(result).ToList();
        foreach (var group in changedPatients.GroupBy(c => c.Group).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal))
        {
            rows.Add(["patients", group.Key, "start", null, group.Count(), group.Count(), group.First().Rules]);
        }

        if (withPatients)
        {
            rows.AddRange(changedPatients.Select(c => new object?[] { PatientSection, c.PatientId, "start", null, null, null, c.Detail }));
        }

        Weekly(rows, result, "tasks-by-role", t => t.Role, _ => true);
        Weekly(rows, result, "tasks-by-care-manager", null, t => t.Role == "care-manager");
        Weekly(rows, result, "outreach", _ => "all", t => t.Kind == TaskKind.Outreach);
        Weekly(rows, result, "escalations", _ => "all", t => t.Kind == TaskKind.Escalation);

        var months = result.Current.Concat(result.Changed).SelectMany(p => p.CcmBillableMonths).Distinct().Order(StringComparer.Ordinal);
        foreach (var month in months)
        {
            rows.Add(Row("ccm-billable", "all", month, result.Current.Count(p => p.CcmBillableMonths.Contains(month)), result.Changed.Count(p => p.CcmBillableMonths.Contains(month))));
        }

        rows.Add(Row("tcm", "contact deadlines", "window", result.Current.Sum(p => p.TcmDeadlines), result.Changed.Sum(p => p.TcmDeadlines)));
        rows.Add(Row("tcm", "deadlines missed", "window", result.Current.Sum(p => p.TcmMissed), result.Changed.Sum(p => p.TcmMissed)));

        List<ReportFigure> summary =
        [
            new("patients", result.Current.Count, "Patients in the panel."),
            new("start", settings.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "The first day (practice-local)."),
            new("weeks", settings.Weeks, "Weeks simulated."),
            new("patients_changed", changedPatients.Count, "Patients whose tier or programs change."),
            new("tasks_current", result.Current.Sum(p => p.Tasks.Count), "Tasks in the window, current definitions."),
            new("tasks_changed", result.Changed.Sum(p => p.Tasks.Count), "Tasks in the window, with the change."),
            new("failed_events_current", result.Current.Sum(p => p.Failures), "Events the engine could not apply, current definitions."),
            new("failed_events_changed", result.Changed.Sum(p => p.Failures), "Events the engine could not apply with the change (a rule fault, a loop): fix these before publishing."),
        ];
        if (result.Changed.FirstOrDefault(p => p.FirstFailure is not null)?.FirstFailure is { } failure)
        {
            summary.Add(new("first_failure_changed", failure, "The first failure with the change."));
        }

        return new ReportTable(Name, "What-if: the change against the current definitions", settings.Practice, "", Columns, rows, summary);
    }

    /// <summary>The week's label: its number and first day.</summary>
    public static string Week(WhatIfSettings settings, int week) =>
        $"week {week + 1} ({settings.Start.AddDays(7 * week).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)})";

    /// <summary>Patients whose tier or programs differ between the sides, with the rules that decided.</summary>
    public static IEnumerable<(string PatientId, string Group, string Rules, string Detail)> Changes(WhatIfResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        for (var i = 0; i < result.Current.Count; i++)
        {
            var (a, b) = (result.Current[i], result.Changed[i]);
            if (a.Tier == b.Tier && a.Programs.Order(StringComparer.Ordinal).SequenceEqual(b.Programs.Order(StringComparer.Ordinal)))
            {
                continue;
            }

            var added = b.Programs.Except(a.Programs).Order(StringComparer.Ordinal).Select(p => "+" + p);
            var removed = a.Programs.Except(b.Programs).Order(StringComparer.Ordinal).Select(p => "-" + p);
            var programs = string.Join(' ', added.Concat(removed));
            var rules = $"rule {a.Rule ?? "none"} -> {b.Rule ?? "none"}; programs {programs}";
            yield return (a.PatientId, $"{Tier(a.Tier)} -> {Tier(b.Tier)}", rules,
                $"{Tier(a.Tier)} ({a.Rule ?? "no rule"}) -> {Tier(b.Tier)} ({b.Rule ?? "no rule"}); programs {string.Join(',', a.Programs)} -> {string.Join(',', b.Programs)}");
        }
    }

    private static string Tier(string tier) => tier.Length == 0 ? "no tier" : tier;

    private static void Weekly(List<object?[]> rows, WhatIfResult result, string section, Func<TaskSeen, string>? groupOf, Func<TaskSeen, bool> include)
    {
        var current = Count(result.Current, groupOf, include);
        var changed = Count(result.Changed, groupOf, include);
        var groups = current.Keys.Concat(changed.Keys).Select(k => k.Group).Distinct().Order(StringComparer.Ordinal).ToList();
        if (groups.Count == 0 && groupOf is not null)
        {
            groups.Add("all");
        }

        foreach (var group in groups)
        {
            for (var week = 0; week < result.Settings.Weeks; week++)
            {
                rows.Add(Row(section, group, Week(result.Settings, week), current.GetValueOrDefault((group, week)), changed.GetValueOrDefault((group, week))));
            }
        }
    }

    private static Dictionary<(string Group, int Week), int> Count(IReadOnlyList<PatientOutcome> outcomes, Func<TaskSeen, string>? groupOf, Func<TaskSeen, bool> include)
    {
        var counts = new Dictionary<(string, int), int>();
        foreach (var patient in outcomes)
        {
            foreach (var task in patient.Tasks.Where(include))
            {
                var key = (groupOf?.Invoke(task) ?? patient.CareManager, task.Week);
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
        }

        return counts;
    }

    private static object?[] Row(string section, string group, string period, int current, int changed) =>
        [section, group, period, current, changed, changed - current, null];
}
