using CareWorkflows.Engine.Persistence;
using CareWorkflows.Engine.Records.CareTeam;
using CareWorkflows.Engine.Rules;
using Microsoft.EntityFrameworkCore;

namespace CareWorkflows.Engine.WhatIf;

/// <summary>The panel of a practice, read (never written) from the store: each patient's facts and care manager.</summary>
internal static class PracticePanel
{
    /// <summary>
    /// The practice's patients in id order, with the facts the rules read (tier and programs left for the rules to decide
    /// again) and their care manager, or one of cm-1 .. cm-N by a fixed hash for those without one.
    /// </summary>
    public static async Task<IReadOnlyList<PanelPatient>> ReadAsync(IDbContextFactory<CareflowDbContext> contexts, string practiceId, int careManagers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(contexts);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var assigned = await CareTeamStore.CareManagersAsync(db, practiceId, cancellationToken);
        var rows = await db.Patients.AsNoTracking().Where(p => p.PracticeId == practiceId).OrderBy(p => p.PatientId).Select(p => new { p.PatientId, p.Facts }).ToListAsync(cancellationToken);
        return [.. rows.Select(r => new PanelPatient(
            r.PatientId,
            StoreJson.Read<PatientFacts>(r.Facts) with { Tier = "", Programs = [] },
            assigned.GetValueOrDefault(r.PatientId) ?? CareTeamModel.CareManagerFor(r.PatientId, careManagers)))];
    }
}
