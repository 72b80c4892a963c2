using CareWorkflows.Engine.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CareWorkflows.Engine.Records.Interactions;

/// <summary>The interactions of one practice's patients.</summary>
internal sealed class InteractionQueries(IDbContextFactory<CareflowDbContext> contexts)
{
    /// <summary>A patient's interactions, newest first; only one month's (YYYY-MM) when given.</summary>
    public async Task<IReadOnlyList<Interaction>> ForPatientAsync(string practiceId, string patientId, string? month, int limit, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Interactions.AsNoTracking().Where(i => i.PracticeId == practiceId && i.PatientId == patientId);
        if (month is not null)
        {
            query = query.Where(i => i.Month == month);
        }

        var rows = await query.OrderByDescending(i => i.At).Take(limit).ToListAsync(cancellationToken);
        return [.. rows.Select(RecordRows.ToRecord)];
    }

    /// <summary>Every interaction of the practice between two instants.</summary>
    public static async Task<List<Interaction>> BetweenAsync(CareflowDbContext db, string practiceId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        [.. (await db.Interactions.AsNoTracking().Where(i => i.PracticeId == practiceId && i.At >= from && i.At < to).ToListAsync(cancellationToken)).Select(RecordRows.ToRecord)];
}
