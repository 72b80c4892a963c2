using CareWorkflows.Engine.Persistence;
using CareWorkflows.Engine.Runtime;
using Microsoft.EntityFrameworkCore;

namespace CareWorkflows.Engine.Records.Referrals;

/// <summary>
/// A referral as the care team sees it: where it stands, when each step happened, and the follow-up tasks the
/// referral-tracking workflow made for it (open ones first; an overdue one means the loop is stalling).
/// </summary>
internal sealed record Referral(
    string Id, string PatientId, string Status, string? Kind, string? To, string? Reason, DateTimeOffset? SentAt, DateTimeOffset? ScheduledAt,
    DateTimeOffset? AppointmentAt, DateTimeOffset? CompletedAt, DateTimeOffset? LostAt, string? LostReason, string? By, bool Overdue, IReadOnlyList<CareTask> FollowUpTasks);

/// <summary>The referrals of one practice's patients.</summary>
internal sealed class ReferralQueries(IDbContextFactory<CareflowDbContext> contexts)
{
    public async Task<IReadOnlyList<Referral>> ForPatientAsync(string practiceId, string patientId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.Referrals.AsNoTracking().Where(r => r.PracticeId == practiceId && r.PatientId == patientId).ToListAsync(cancellationToken);
        var tasks = await db.Tasks.AsNoTracking().Where(t => t.PracticeId == practiceId && t.PatientId == patientId).ToListAsync(cancellationToken);
        return [.. rows.OrderByDescending(r => r.SentAt ?? r.UpdatedAt).Select(r => ToReferral(r, tasks))];
    }

    public async Task<Referral?> OneAsync(string practiceId, string patientId, string referralId, CancellationToken cancellationToken) =>
        (await ForPatientAsync(practiceId, patientId, cancellationToken)).FirstOrDefault(r => r.Id == referralId);

    private static Referral ToReferral(ReferralRow row, List<TaskRow> tasks)
    {
        // The workflows a referral.sent starts (referral-tracking) have the instance ids "{practice}:{event id}:{workflow}".
        var instances = row.SentEventId is null ? null : $"{row.PracticeId}:{row.SentEventId}:";
        var followUps = tasks.Where(t => instances is not null && t.InstanceId.StartsWith(instances, StringComparison.Ordinal)).Select(RowMapping.ToRecord)
            .OrderBy(t => t.Status != CareTaskStatus.Open).ThenByDescending(t => t.CreatedAt).ToList();
        return new Referral(row.ReferralId, row.PatientId, row.Status, row.Kind, row.ReferredTo, row.Reason, row.SentAt, row.ScheduledAt, row.AppointmentAt,
            row.CompletedAt, row.LostAt, row.LostReason, row.By, followUps.Any(t => t.Status == CareTaskStatus.Open && t.Overdue), followUps);
    }
}
