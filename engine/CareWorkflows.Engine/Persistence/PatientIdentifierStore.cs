using Microsoft.EntityFrameworkCore;

namespace CareWorkflows.Engine.Persistence;

/// <summary>An identifier issued outside careflow for a patient of a practice.</summary>
/// <param name="PatientId">The practice's patient id.</param>
/// <param name="System">Who issued it (FHIR Identifier.system, or an HL7 v2 assigning authority).</param>
/// <param name="Value">The identifier (patient data: never logged).</param>
internal sealed record PatientIdentifier(string PatientId, string System, string Value);

/// <summary>
/// Medical record numbers and other outside identifiers, per practice: (practice, system, value) → patient id.
/// An identifier given again for another patient moves to that patient (the newest import wins).
/// </summary>
internal sealed class PatientIdentifierStore(IDbContextFactory<CareflowDbContext> contexts, TimeProvider time)
{
    /// <summary>Stores identifiers of a practice's patients.</summary>
    public async Task SetAsync(string practiceId, IReadOnlyCollection<PatientIdentifier> identifiers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identifiers);
        if (identifiers.Count == 0)
        {
            return;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        foreach (var chunk in identifiers.DistinctBy(i => (i.System, i.Value)).Chunk(500))
        {
            var values = chunk.Select(i => i.Value).ToList();
            var stored = await db.PatientIdentifiers.Where(r => r.PracticeId == practiceId && values.Contains(r.Value)).ToListAsync(cancellationToken);
            foreach (var identifier in chunk)
            {
                var row = stored.FirstOrDefault(r => r.System == identifier.System && r.Value == identifier.Value);
                if (row is null)
                {
                    db.PatientIdentifiers.Add(new PatientIdentifierRow { PracticeId = practiceId, System = identifier.System, Value = identifier.Value, PatientId = identifier.PatientId, UpdatedAt = now });
                }
                else if (row.PatientId != identifier.PatientId)
                {
                    row.PatientId = identifier.PatientId;
                    row.UpdatedAt = now;
                }
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The patients that any of the (system, value) pairs names in the practice, distinct.</summary>
    public async Task<IReadOnlyList<string>> FindAsync(string practiceId, IReadOnlyCollection<(string System, string Value)> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var values = keys.Select(k => k.Value).Distinct().ToList();
        var rows = await db.PatientIdentifiers.AsNoTracking().Where(r => r.PracticeId == practiceId && values.Contains(r.Value)).ToListAsync(cancellationToken);
        return [.. rows.Where(r => keys.Contains((r.System, r.Value))).Select(r => r.PatientId).Distinct().Order(StringComparer.Ordinal)];
    }

    /// <summary>A patient's identifiers.</summary>
    public async Task<IReadOnlyList<PatientIdentifier>> OfPatientAsync(string practiceId, string patientId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.PatientIdentifiers.AsNoTracking().Where(r => r.PracticeId == practiceId && r.PatientId == patientId).ToListAsync(cancellationToken);
        return [.. rows.OrderBy(r => r.System, StringComparer.Ordinal).Select(r => new PatientIdentifier(r.PatientId, r.System, r.Value))];
    }
}
