using CareWorkflows.Engine.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CareWorkflows.Engine.Audit;

/// <summary>
/// Writes and reads the audit trail. <see cref="AppendAsync"/> returns once the entry is committed; entries that
/// arrive while a commit is running are written together by the next one (group commit), so concurrent requests
/// share one transaction instead of queueing for one each.
/// </summary>
internal sealed class AuditTrail(IDbContextFactory<CareflowDbContext> contexts) : IDisposable
{
    private readonly SemaphoreSlim _committer = new(1, 1);
    private readonly Queue<(AuditEntry Entry, TaskCompletionSource Done)> _waiting = new();

    public async Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiting)
        {
            _waiting.Enqueue((entry, done));
        }

        await _committer.WaitAsync(cancellationToken);
        try
        {
            if (!done.Task.IsCompleted)
            {
                await CommitWaitingAsync();
            }
        }
        finally
        {
            _committer.Release();
        }

        await done.Task;
    }

    public async Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = db.AuditEvents.AsNoTracking();
        if (query.Practices is { } practices)
        {
            rows = rows.Where(r => r.PracticeId != null && practices.Contains(r.PracticeId));
        }

        if (query.Patient is { } patient)
        {
            rows = rows.Where(r => db.AuditPatients.Any(p => p.AuditId == r.Id && p.PatientId == patient));
        }

        if (query.From is { } from)
        {
            rows = rows.Where(r => r.At >= from);
        }

        if (query.To is { } to)
        {
            rows = rows.Where(r => r.At < to);
        }

        var found = await rows.OrderBy(r => r.Id).Take(query.Limit).ToListAsync(cancellationToken);
        var ids = found.Select(r => r.Id).ToList();
        var patients = (await db.AuditPatients.AsNoTracking().Where(p => ids.Contains(p.AuditId)).ToListAsync(cancellationToken))
            .ToLookup(p => p.AuditId, p => p.PatientId);
        return [.. found.Select(r => new AuditEntry(r.At, r.Actor, r.ActorName, r.Role, r.PracticeId, r.Action, r.Method, r.Path, r.RequestId, r.Status,
            [.. patients[r.Id].Order(StringComparer.Ordinal)]) { Id = r.Id })];
    }

    public void Dispose() => _committer.Dispose();

    private async Task CommitWaitingAsync()
    {
        List<(AuditEntry Entry, TaskCompletionSource Done)> batch;
        lock (_waiting)
        {
            batch = [.. _waiting];
            _waiting.Clear();
        }

        try
        {
            // Not the request's token: an entry whose request was accepted is written even if the client hangs up.
            await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
            await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
            var rows = batch.Select(b => ToRow(b.Entry)).ToList();
            db.AuditEvents.AddRange(rows);
            await db.SaveChangesAsync(CancellationToken.None);
            for (var i = 0; i < rows.Count; i++)
            {
                var entry = batch[i].Entry;
                db.AuditPatients.AddRange(entry.PatientIds.Distinct(StringComparer.Ordinal)
                    .Select(p => new AuditPatientRow { AuditId = rows[i].Id, PracticeId = entry.PracticeId ?? "", PatientId = p }));
            }

            await db.SaveChangesAsync(CancellationToken.None);
            await transaction.CommitAsync(CancellationToken.None);
            batch.ForEach(b => b.Done.SetResult());
        }
        catch (Exception ex)
        {
            // Every request waiting on this commit fails with it; none is answered as if it had been audited.
            batch.ForEach(b => b.Done.TrySetException(ex));
            throw;
        }
    }

    private static AuditRow ToRow(AuditEntry e) => new()
    {
        At = e.At,
        Actor = e.Actor,
        ActorName = e.ActorName,
        Role = e.Role,
        PracticeId = e.PracticeId,
        Action = e.Action,
        Method = e.Method,
        Path = e.Path,
        RequestId = e.RequestId,
        Status = e.Status,
    };
}
