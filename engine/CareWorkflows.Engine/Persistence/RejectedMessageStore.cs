using Microsoft.EntityFrameworkCore;

namespace CareWorkflows.Engine.Persistence;

/// <summary>An HL7 v2 message answered AE or AR, for review.</summary>
/// <param name="Id">Its number in the store.</param>
/// <param name="ReceivedAt">When it came.</param>
/// <param name="Source">Connection or drop file it came from.</param>
/// <param name="ControlId">MSH-10, when readable.</param>
/// <param name="MessageType">MSH-9, when readable.</param>
/// <param name="Ack">AE or AR.</param>
/// <param name="Condition">HL7 table 0357 code.</param>
/// <param name="Location">The segment and field at fault (PID-3).</param>
/// <param name="Error">What is wrong and how to fix it.</param>
/// <param name="Message">The message as received; null where the practice could not be told (it is not shown outside a practice).</param>
public sealed record RejectedMessage(long Id, DateTimeOffset ReceivedAt, string Source, string? ControlId, string? MessageType, string Ack, int Condition, string Location, string Error, string? Message);

/// <summary>Keeps HL7 v2 messages that were answered AE or AR; lists them per practice.</summary>
internal sealed class RejectedMessageStore(IDbContextFactory<CareflowDbContext> contexts)
{
    /// <summary>Keeps one message.</summary>
    public async Task AddAsync(RejectedMessageRow row, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.RejectedMessages.Add(row);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// The latest rejected messages of a practice, newest first, with their text; or, for the empty practice id,
    /// those whose practice could not be told, without their text (it may hold any practice's patient data).
    /// </summary>
    public async Task<IReadOnlyList<RejectedMessage>> ListAsync(string practiceId, int limit, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.RejectedMessages.AsNoTracking().Where(r => r.PracticeId == practiceId).OrderByDescending(r => r.Id).Take(limit).ToListAsync(cancellationToken);
        return [.. rows.Select(r => new RejectedMessage(r.Id, r.ReceivedAt, r.Source, r.ControlId, r.MessageType, r.Ack, r.Condition, r.Location, r.Error,
            practiceId.Length > 0 ? r.Message : null))];
    }
}
