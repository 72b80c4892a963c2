using CareWorkflows.Engine.Rules;

namespace CareWorkflows.Engine.WhatIf;

/// <summary>A patient of the panel a what-if runs: the facts the rules read and the care manager attributed.</summary>
internal sealed record PanelPatient(string Id, PatientFacts Facts, string CareManager);

/// <summary>
/// How a what-if runs: the practice whose calendar it uses, the first instant, the weeks, and the simulated care team
/// (<see cref="CareTeamModel"/>). The same settings drive both sides, so only the definitions differ.
/// </summary>
internal sealed record WhatIfSettings(string Practice, DateTimeOffset Start, int Weeks)
{
    /// <summary>Percent of outreach attempts (and reached/not-reached tasks) the simulated team reaches.</summary>
    public int ReachPercent { get; init; } = 60;

    /// <summary>Percent of tasks the simulated team does one hour after their due instead of one hour before.</summary>
    public int LatePercent { get; init; } = 10;

    /// <summary>The end of the window: start plus the weeks.</summary>
    public DateTimeOffset End => Start.AddDays(7 * Weeks);

    /// <summary>The 0-based week an instant falls in.</summary>
    public int WeekOf(DateTimeOffset at) => (int)((at - Start).TotalDays / 7);
}
