using CareWorkflows.Engine.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CareWorkflows.Engine.Reminders;

/// <summary>One reminder as the ledger knows it.</summary>
public sealed record ReminderDelivery
{
    /// <summary>The reminder: (instance, step visit, attempt).</summary>
    public required string Id { get; init; }

    /// <summary>The idempotency key receivers see (Idempotency-Key header, SMTP Message-ID).</summary>
    public string Key => KeyOf(Id);

    /// <summary>The practice.</summary>
    public required string PracticeId { get; init; }

    /// <summary>The patient.</summary>
    public required string PatientId { get; init; }

    /// <summary>The instance that asked for it.</summary>
    public required string InstanceId { get; init; }

    /// <summary>The reminder step.</summary>
    public required string StepId { get; init; }

    /// <summary>The template.</summary>
    public required string Template { get; init; }

    /// <summary>The channel the workflow or the patient's preference asked for.</summary>
    public string? Channel { get; init; }

    /// <summary>The language.</summary>
    public required string Language { get; init; }

    /// <summary>queued, sending, sent or call-list.</summary>
    public required string Status { get; init; }

    /// <summary>When the workflow asked for it.</summary>
    public DateTimeOffset SendAt { get; init; }

    /// <summary>When it may go out (quiet hours move it).</summary>
    public DateTimeOffset NotBefore { get; init; }

    /// <summary>Deliveries started.</summary>
    public int Attempts { get; init; }

    /// <summary>When it went out.</summary>
    public DateTimeOffset? SentAt { get; init; }

    /// <summary>The channel it went by.</summary>
    public string? SentBy { get; init; }

    /// <summary>The receiver's reference, the reason it was deferred, or why it went to the call list.</summary>
    public string? Outcome { get; init; }

    /// <summary>The call-list task, if it went there.</summary>
    public string? TaskId { get; init; }

    /// <summary>Appointment fields from the instance.</summary>
    public IReadOnlyDictionary<string, string> Data { get; init; } = new Dictionary<string, string>();

    /// <summary>The idempotency key of a reminder id: short, URL- and header-safe, and the same on every resend.</summary>
    public static string KeyOf(string id) =>
        "r-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id)).AsSpan(0, 16));
}

/// <summary>
/// The delivery ledger over the <c>reminders</c> table: one row per (instance, step, attempt), written by the step
/// function as the intent. A delivery claims rows (status sending, a lease, attempts + 1) BEFORE it sends and records
/// the outcome AFTER; a crash in between leaves the row 'sending', and the next pass sends it again with the same
/// idempotency key, which receivers use to drop the repeat.
/// </summary>
internal sealed class ReminderLedger(IDbContextFactory<CareflowDbContext> contexts)
{
    /// <summary>After a restart nothing is under way in this process: every 'sending' row may be taken again at once.</summary>
    public async Task ReleaseLeasesAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (db is Persistence.PostgresCareflowDbContext)
        {
            // Other nodes may be sending these right now: on PostgreSQL a lease is left to run out, never released at start.
            return;
        }

        await db.Reminders.Where(r => r.Status == ReminderStatus.Sending).ExecuteUpdateAsync(s => s.SetProperty(r => r.LeaseUntil, (DateTimeOffset?)null), cancellationToken);
    }

    /// <summary>Claims due reminders: queued ones whose time has come, and sending ones whose lease ran out.</summary>
    public async Task<IReadOnlyList<ReminderDelivery>> ClaimAsync(DateTimeOffset now, int batchSize, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var rows = db is Persistence.PostgresCareflowDbContext
            // Several nodes deliver on PostgreSQL: each locks the rows it claims and skips those another node holds.
            ? await db.Reminders.FromSql($"""
                SELECT * FROM "reminders" WHERE ("Status" = {ReminderStatus.Queued} AND "NotBefore" <= {now.ToUniversalTime()})
                  OR ("Status" = {ReminderStatus.Sending} AND ("LeaseUntil" IS NULL OR "LeaseUntil" <= {now.ToUniversalTime()}))
                ORDER BY "NotBefore" LIMIT {batchSize} FOR UPDATE SKIP LOCKED
                """).AsNoTracking().ToListAsync(cancellationToken)
            : await db.Reminders.AsNoTracking()
                .Where(r => (r.Status == ReminderStatus.Queued && r.NotBefore <= now) || (r.Status == ReminderStatus.Sending && (r.LeaseUntil == null || r.LeaseUntil <= now)))
                .OrderBy(r => r.NotBefore).Take(batchSize).ToListAsync(cancellationToken);
        if (rows.Count == 0)
        {
            return [];
        }

        var ids = rows.Select(r => r.Id).ToList();
        var until = now + lease;
        await db.Reminders.Where(r => ids.Contains(r.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, ReminderStatus.Sending).SetProperty(r => r.LeaseUntil, until).SetProperty(r => r.Attempts, r => r.Attempts + 1), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return [.. rows.Select(r => ToRecord(r) with { Status = ReminderStatus.Sending, Attempts = r.Attempts + 1 })];
    }

    /// <summary>Quiet hours: back to the queue until the next opening; the claim does not count as a delivery.</summary>
    public async Task DeferAsync(ReminderDelivery reminder, DateTimeOffset until, string why, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Reminders.Where(r => r.Id == reminder.Id && r.Status == ReminderStatus.Sending).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Status, ReminderStatus.Queued).SetProperty(r => r.NotBefore, until).SetProperty(r => r.LeaseUntil, (DateTimeOffset?)null)
            .SetProperty(r => r.Attempts, r => r.Attempts - 1).SetProperty(r => r.Outcome, why), cancellationToken);
    }

    /// <summary>Records that it went out, and puts reminder.delivered on the patient's timeline, in one transaction.</summary>
    public async Task SentAsync(ReminderDelivery reminder, string channel, string? reference, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var updated = await db.Reminders.Where(r => r.Id == reminder.Id && r.Status == ReminderStatus.Sending).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Status, ReminderStatus.Sent).SetProperty(r => r.SentAt, at).SetProperty(r => r.SentBy, channel)
            .SetProperty(r => r.Outcome, reference).SetProperty(r => r.LeaseUntil, (DateTimeOffset?)null), cancellationToken);
        if (updated == 1)
        {
            db.Timeline.Add(Entry(reminder, "reminder.delivered", at, e => (e.Channel, e.Detail) = (channel, reminder.Template)));
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Records that the reminder went to the call list (the task is made by the reminder.undeliverable event).</summary>
    public async Task CallListedAsync(ReminderDelivery reminder, string reason, string taskId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Reminders.Where(r => r.Id == reminder.Id && r.Status == ReminderStatus.Sending).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Status, ReminderStatus.CallList).SetProperty(r => r.Outcome, reason).SetProperty(r => r.TaskId, taskId)
            .SetProperty(r => r.LeaseUntil, (DateTimeOffset?)null), cancellationToken);
    }

    /// <summary>The ledger for the API, newest first.</summary>
    public async Task<IReadOnlyList<ReminderDelivery>> ListAsync(string practiceId, string? patientId, string? status, int limit, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Reminders.AsNoTracking().Where(r => r.PracticeId == practiceId);
        if (patientId is not null)
        {
            query = query.Where(r => r.PatientId == patientId);
        }

        if (status is not null)
        {
            query = query.Where(r => r.Status == status);
        }

        var rows = await query.OrderByDescending(r => r.SendAt).Take(limit).ToListAsync(cancellationToken);
        return [.. rows.Select(ToRecord)];
    }

    private static TimelineRow Entry(ReminderDelivery reminder, string type, DateTimeOffset at, Action<TimelineRow> set)
    {
        var row = new TimelineRow
        {
            PracticeId = reminder.PracticeId,
            PatientId = reminder.PatientId,
            At = at,
            Type = type,
            Step = reminder.StepId,
            InstanceId = reminder.InstanceId,
            Language = reminder.Language,
            EventId = $"reminder:{reminder.Key}",
        };
        set(row);
        return row;
    }

    private static ReminderDelivery ToRecord(ReminderRow row) => new()
    {
        Id = row.Id,
        PracticeId = row.PracticeId,
        PatientId = row.PatientId,
        InstanceId = row.InstanceId,
        StepId = row.StepId,
        Template = row.Template,
        Channel = row.Channel,
        Language = row.Language,
        Status = row.Status,
        SendAt = row.SendAt,
        NotBefore = row.NotBefore,
        Attempts = row.Attempts,
        SentAt = row.SentAt,
        SentBy = row.SentBy,
        Outcome = row.Outcome,
        TaskId = row.TaskId,
        Data = StoreJson.Read<Dictionary<string, string>>(row.Data),
    };
}
