using System.Diagnostics;
using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Time;

namespace CareWorkflows.Engine.WhatIf;

/// <summary>Both sides' outcomes for every patient of the panel, in panel order.</summary>
internal sealed record WhatIfResult(WhatIfSettings Settings, IReadOnlyList<string> Assumptions, IReadOnlyList<PatientOutcome> Current, IReadOnlyList<PatientOutcome> Changed, TimeSpan Elapsed);

/// <summary>
/// Runs the current and the changed definitions over the same panel on the virtual clock and keeps what each side
/// did to each patient. Patients are independent: they run in parallel on every core, both sides of a patient in turn.
/// </summary>
internal static class WhatIfRunner
{
    public static async Task<WhatIfResult> RunAsync(WhatIfSide current, WhatIfSide changed, IReadOnlyList<PanelPatient> panel, WhatIfSettings settings, Action<int>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(changed);
        ArgumentNullException.ThrowIfNull(panel);
        var clock = Stopwatch.StartNew();
        var calendar = current.Definitions.Practice(settings.Practice).Calendar;
        var team = new CareTeamModel(settings, calendar);
        var before = new PatientSimulation(current, team, settings, calendar);
        var after = new PatientSimulation(changed, team, settings, calendar);
        var currentOutcomes = new PatientOutcome[panel.Count];
        var changedOutcomes = new PatientOutcome[panel.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, panel.Count), cancellationToken, async (i, ct) =>
        {
            currentOutcomes[i] = await before.RunAsync(panel[i], ct);
            changedOutcomes[i] = await after.RunAsync(panel[i], ct);
            progress?.Invoke(1);
        });
        return new WhatIfResult(settings, team.Assumptions, currentOutcomes, changedOutcomes, clock.Elapsed);
    }

    /// <summary>
    /// Loads the current definitions and the change laid over them, and runs both; when either does not validate, the
    /// problems (validator lines) and nothing run.
    /// </summary>
    public static async Task<(WhatIfResult? Result, IReadOnlyList<DefinitionError> Problems)> RunAsync(
        string workflowsDirectory, string rulesDirectory, ChangeSet change, IReadOnlyList<PanelPatient> panel, WhatIfSettings settings, Action<int>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var current = DefinitionLoader.Load(workflowsDirectory, rulesDirectory);
        if (!current.Succeeded)
        {
            return (null, current.Errors);
        }

        var changed = change.Load();
        if (!changed.Succeeded)
        {
            return (null, changed.Errors);
        }

        var result = await RunAsync(new WhatIfSide("current", current.Definitions!, rulesDirectory), new WhatIfSide("changed", changed.Definitions!, change.Rules), panel, settings, progress, cancellationToken);
        return (result, []);
    }

    /// <summary>The default first day: the next Monday on the practice's calendar, at local midnight.</summary>
    public static DateTimeOffset NextMonday(DateTimeOffset now, PracticeCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        var today = calendar.LocalDate(now);
        var days = ((int)DayOfWeek.Monday - (int)today.DayOfWeek + 7) % 7;
        return calendar.AtLocalTime(today.AddDays(days == 0 ? 7 : days), TimeOnly.MinValue);
    }
}
