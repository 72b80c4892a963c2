using CareWorkflows.Engine.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CareWorkflows.Engine.Records.CareTeam;

/// <summary>The care manager a patient is assigned to, since when and by whom.</summary>
internal sealed record CareManagerAssignment(string PatientId, string StaffId, DateTimeOffset Since, string? By);

/// <summary>Care-manager assignments of one practice's patients.</summary>
internal sealed class CareTeamStore(IDbContextFactory<CareflowDbContext> contexts, TimeProvider time)
{
    public async Task<CareManagerAssignment?> CareManagerAsync(string practiceId, string patientId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.CareManagers.AsNoTracking().FirstOrDefaultAsync(c => c.PracticeId == practiceId && c.PatientId == patientId, cancellationToken);
        return row is null ? null : new CareManagerAssignment(row.PatientId, row.StaffId, row.Since, row.By);
    }

    /// <summary>Assigns the patient's care manager; the same staff member again keeps the first date.</summary>
    public async Task<CareManagerAssignment> AssignAsync(string practiceId, string patientId, string staffId, string? by, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.CareManagers.FirstOrDefaultAsync(c => c.PracticeId == practiceId && c.PatientId == patientId, cancellationToken);
        if (row is null)
        {
            row = new CareManagerRow { PracticeId = practiceId, PatientId = patientId, StaffId = staffId, Since = time.GetUtcNow(), By = by };
            db.CareManagers.Add(row);
        }
        else if (row.StaffId != staffId)
        {
            (row.StaffId, row.Since, row.By) = (staffId, time.GetUtcNow(), by);
        }

        await db.SaveChangesAsync(cancellationToken);
        return new CareManagerAssignment(row.PatientId, row.StaffId, row.Since, row.By);
    }

    /// <summary>Every patient's care manager in the practice, by patient.</summary>
    public static async Task<Dictionary<string, string>> CareManagersAsync(CareflowDbContext db, string practiceId, CancellationToken cancellationToken) =>
        await db.CareManagers.AsNoTracking().Where(c => c.PracticeId == practiceId).ToDictionaryAsync(c => c.PatientId, c => c.StaffId, StringComparer.Ordinal, cancellationToken);
}
