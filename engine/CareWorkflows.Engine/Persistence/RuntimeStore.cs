using System.Diagnostics;
using CareWorkflows.Engine.Audit;
using CareWorkflows.Engine.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;

namespace CareWorkflows.Engine.Persistence;

/// <summary>
/// The durable side of the runtime. Submitting events stores them in the inbox, applies them with the step
/// function, and commits inbox rows, patients, instances, tasks, timers, reminders, list entries and timeline
/// in ONE transaction: a crash before the commit loses nothing the client was told was applied, and a
/// resubmission after it is recognised by event id. Writes are serialised in this process (SQLite has one writer).
/// On PostgreSQL several nodes write: each transaction first claims its patients (<see cref="PatientClaims"/>), so one
/// patient's events are applied by one node at a time, in order.
/// </summary>
internal sealed partial class RuntimeStore(IDbContextFactory<CareflowDbContext> contexts, WorkflowRuntime runtime, TimeProvider time, ILogger<RuntimeStore> logger, PatientClaims? claims = null) : IDisposable
{
    /// <summary>How many patients' states are kept in memory between batches.</summary>
    public const int CachedPatients = 50_000;

    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly PatientStateCache _cache = new(CachedPatients);
    private readonly List<Submission> _queued = [];
    private WalCheckpoints? _checkpoints;

    /// <summary>Creates or upgrades the schema.</summary>
    public Task MigrateAsync(CancellationToken cancellationToken) => StoreSchema.MigrateAsync(contexts, cancellationToken);

    /// <summary>
    /// Stores and applies events, in order, in one transaction, with the audit entry of the request that brought
    /// them when there is one. Submissions that arrive while a transaction runs are committed together by the next
    /// one (group commit): concurrent clients share a commit instead of queueing for one each. Returns once the
    /// events are committed; a client that hangs up after its submission was taken still has it committed.
    /// </summary>
    public async Task<IReadOnlyList<SubmissionResult>> SubmitAsync(IReadOnlyList<WorkflowEvent> events, CancellationToken cancellationToken, AuditEntry? audit = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        var submission = new Submission(events, audit);
        lock (_queued)
        {
            _queued.Add(submission);
        }

        var waiting = Stopwatch.GetTimestamp();
        try
        {
            await _writer.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (Withdraw(submission))
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            // Another submission's transaction took this one along: its answer is that transaction's.
            return await submission.Done.Task;
        }

        try
        {
            BatchMetrics.Lap("wait", waiting);
            if (!submission.Done.Task.IsCompleted)
            {
                await CommitQueuedAsync();
            }
        }
        finally
        {
            _writer.Release();
        }

        return await submission.Done.Task;
    }

    /// <summary>
    /// Turns due timers into timer.fired events and applies them, in one transaction per batch.
    /// A timer fires once: its row is marked fired in the same commit as its effects.
    /// </summary>
    /// <returns>How many timers fired.</returns>
    public async Task<int> FireDueTimersAsync(int batchSize, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var due = claims is null
                ? await db.Timers.AsNoTracking().Where(t => t.Status == TimerStatus.Pending && t.DueAt <= now).OrderBy(t => t.DueAt).Take(batchSize).ToListAsync(cancellationToken)
                // Nodes sweeping at once take different timers: rows another node holds are skipped, never waited for.
                : await db.Timers.FromSql($"""
                    SELECT * FROM "timers" WHERE "Status" = {TimerStatus.Pending} AND "DueAt" <= {now} ORDER BY "DueAt" LIMIT {batchSize} FOR UPDATE SKIP LOCKED
                    """).AsNoTracking().ToListAsync(cancellationToken);
            if (due.Count == 0)
            {
                Checkpoint(db);
                return 0;
            }

            var claimed = await ClaimAsync(db, due.Select(t => (t.PracticeId, t.PatientId)), cancellationToken);

            var rows = new List<(InboxRow Row, WorkflowEvent Event)>();
            foreach (var timer in due)
            {
                var fired = WorkflowEvent.TimerFiredFor(timer.PracticeId, timer.PatientId, timer.Id, timer.DueAt);
                rows.Add((ToInbox(fired), fired));
            }

            // By practice, so that the lookup seeks the (practice, event id) index instead of scanning the whole inbox.
            var known = new HashSet<(string, string)>();
            foreach (var practice in rows.GroupBy(r => r.Row.PracticeId, StringComparer.Ordinal))
            {
                var ids = practice.Select(r => r.Row.EventId).ToList();
                var stored = await db.Inbox.AsNoTracking().Where(r => r.PracticeId == practice.Key && ids.Contains(r.EventId)).Select(r => r.EventId).ToListAsync(cancellationToken);
                known.UnionWith(stored.Select(id => (practice.Key, id)));
            }

            rows = [.. rows.Where(r => !known.Contains((r.Row.PracticeId, r.Row.EventId)))];
            var applied = await ApplyAsync(db, rows, claimed, Stopwatch.GetTimestamp(), cancellationToken, writer =>
            {
                foreach (var timer in due)
                {
                    writer.TimerFired(timer.Id, now);
                }
            });
            await transaction.CommitAsync(cancellationToken);
            Remember(applied);
            Checkpoint(db);
            LogTimersFired(logger, due.Count, now - due[0].DueAt);
            return due.Count;
        }
        catch
        {
            _cache.Clear();
            throw;
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>Claims an open task for a staff member; false when the practice has no such open task.</summary>
    public async Task<bool> ClaimAsync(string practiceId, string taskId, string assignee, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var patient = await db.Tasks.AsNoTracking().Where(t => t.Id == taskId && t.PracticeId == practiceId).Select(t => t.PatientId).FirstOrDefaultAsync(cancellationToken);
            if (patient is null)
            {
                return false;
            }

            // The task's patient is claimed as for an event and its epoch raised, so no node keeps a cached copy without the assignee.
            var claimed = await ClaimAsync(db, [(practiceId, patient)], cancellationToken);
            var row = await db.Tasks.FirstOrDefaultAsync(t => t.Id == taskId && t.PracticeId == practiceId && t.Status == "open", cancellationToken);
            if (row is null)
            {
                return false;
            }

            row.Assignee = assignee;
            await db.SaveChangesAsync(cancellationToken);
            if (claimed is not null)
            {
                await claims!.FenceAsync(db.Database.GetDbConnection(), transaction.GetDbTransaction(), claimed, claimed.Keys, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            _cache.Forget(practiceId, row.PatientId);
            return true;
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>The earliest pending timer, for the sweeper to sleep until.</summary>
    public async Task<DateTimeOffset?> NextTimerDueAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Timers.Where(t => t.Status == TimerStatus.Pending).OrderBy(t => t.DueAt).Select(t => (DateTimeOffset?)t.DueAt).FirstOrDefaultAsync(cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _checkpoints?.Dispose();
        _writer.Dispose();
    }

    private InboxRow ToInbox(WorkflowEvent e) => new()
    {
        EventId = e.EventId,
        PracticeId = e.PracticeId,
        PatientId = e.PatientId,
        Type = e.Type,
        At = e.At,
        ReceivedAt = time.GetUtcNow(),
        Payload = StoreJson.Write(e),
    };

    private bool Withdraw(Submission submission)
    {
        lock (_queued)
        {
            return _queued.Remove(submission);
        }
    }

    /// <summary>Commits every queued submission in one transaction. Called holding the writer.</summary>
    private async Task CommitQueuedAsync()
    {
        List<Submission> group;
        lock (_queued)
        {
            group = [.. _queued];
            _queued.Clear();
        }

        try
        {
            await CommitAsync(group);
        }
        catch (Exception) when (group.Count > 1)
        {
            // One submission can break a shared transaction; each is tried again alone, so only that one fails.
            foreach (var one in group)
            {
                try
                {
                    await CommitAsync([one]);
                }
                catch (Exception ex)
                {
                    one.Done.TrySetException(ex);
                }
            }
        }
        catch (Exception ex)
        {
            group[0].Done.TrySetException(ex);
        }
    }

    private async Task CommitAsync(List<Submission> group)
    {
        // Not a request's token: the transaction is shared, and what was taken is committed even if a client hangs up.
        var cancellationToken = CancellationToken.None;
        var lap = Stopwatch.GetTimestamp();
        var events = group.Count == 1 ? group[0].Events : [.. group.SelectMany(s => s.Events)];
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            // Claimed before the duplicate check: a node that applied these events first has committed by now.
            var claimed = await ClaimAsync(db, events.Select(e => (e.PracticeId, e.PatientId)), cancellationToken);
            // A known id is a duplicate, unless applying it failed before: then a resend is the retry.
            var known = new HashSet<(string, string)>();
            foreach (var practice in events.GroupBy(e => e.PracticeId))
            {
                var ids = practice.Select(e => e.EventId).Distinct().ToList();
                var stored = await db.Inbox.AsNoTracking().Where(r => r.PracticeId == practice.Key && ids.Contains(r.EventId) && r.Status != InboxStatus.Failed)
                    .Select(r => r.EventId).ToListAsync(cancellationToken);
                known.UnionWith(stored.Select(id => (practice.Key, id)));
            }

            var results = new Dictionary<(string, string), SubmissionResult>();
            var fresh = new List<(InboxRow Row, WorkflowEvent Event)>();
            foreach (var e in events)
            {
                var key = (e.PracticeId, e.EventId);
                if (known.Contains(key) || results.ContainsKey(key))
                {
                    results.TryAdd(key, new SubmissionResult(e.EventId, SubmissionStatus.Duplicate, null, []));
                    continue;
                }

                fresh.Add((ToInbox(e), e));
                results[key] = new SubmissionResult(e.EventId, SubmissionStatus.Applied, null, []);
            }

            lap = BatchMetrics.Lap("dedupe", lap);
            var applied = await ApplyAsync(db, fresh, claimed, lap, cancellationToken, writer =>
            {
                foreach (var entry in group.Select(s => s.Audit).OfType<AuditEntry>())
                {
                    writer.Audit(entry);
                }
            });
            foreach (var (row, _) in fresh)
            {
                results[(row.PracticeId, row.EventId)] = applied.Results[(row.PracticeId, row.EventId)];
            }

            lap = Stopwatch.GetTimestamp();
            await transaction.CommitAsync(cancellationToken);
            Remember(applied);
            BatchMetrics.Lap("commit", lap);
            Checkpoint(db);
            Answer(group, results);
        }
        catch
        {
            // Rolled back: what the cache holds may be ahead of the store.
            _cache.Clear();
            throw;
        }
    }

    /// <summary>Each submission's answer: an id a submission before it in the same transaction brought is its duplicate.</summary>
    private static void Answer(List<Submission> group, Dictionary<(string, string), SubmissionResult> results)
    {
        var answered = new HashSet<(string, string)>();
        foreach (var submission in group)
        {
            var mine = new HashSet<(string, string)>();
            var answer = new List<SubmissionResult>();
            foreach (var e in submission.Events)
            {
                var key = (e.PracticeId, e.EventId);
                if (mine.Add(key))
                {
                    answer.Add(answered.Add(key) ? results[key] : new SubmissionResult(e.EventId, SubmissionStatus.Duplicate, null, []));
                }
            }

            submission.Done.TrySetResult(answer);
        }
    }

    /// <summary>SQLite: copies the WAL into the database file in the background (<see cref="WalCheckpoints"/>). Called holding the writer.</summary>
    private void Checkpoint(CareflowDbContext db)
    {
        if (db is SqliteCareflowDbContext)
        {
            (_checkpoints ??= new WalCheckpoints(contexts, _writer, logger)).AfterCommit();
        }
    }

    /// <summary>PostgreSQL: locks the patients' claim rows for this transaction and answers their epochs. SQLite: null (one writer).</summary>
    private async Task<Dictionary<(string PracticeId, string PatientId), long>?> ClaimAsync(CareflowDbContext db, IEnumerable<(string, string)> patients, CancellationToken cancellationToken) =>
        claims is null ? null : await claims.ClaimAsync(db.Database.GetDbConnection(), db.Database.CurrentTransaction!.GetDbTransaction(), patients, time.GetUtcNow(), cancellationToken);

    private void Remember(AppliedBatch applied)
    {
        if (applied.Epochs is null)
        {
            _cache.Committed(applied.Generation, applied.Batch.States());
        }
        else
        {
            _cache.Committed(applied.Epochs, applied.Batch.States());
        }
    }

    /// <summary>Applies inbox rows patient by patient, in order, tracking every row to write.</summary>
    private async Task<AppliedBatch> ApplyAsync(CareflowDbContext db, List<(InboxRow Row, WorkflowEvent Event)> rows, Dictionary<(string PracticeId, string PatientId), long>? claimed, long lap, CancellationToken cancellationToken, Action<BatchWriter>? alsoWrite = null)
    {
        var results = new Dictionary<(string PracticeId, string EventId), SubmissionResult>();
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        using var writer = new BatchWriter(connection, transaction, Instant(db), batched: claimed is not null);
        long generation = 0;
        if (claimed is null)
        {
            generation = writer.NextGeneration();
            _cache.Check(generation);
        }
        else
        {
            // No store-wide generation on PostgreSQL: one row every node raised would queue all batches behind each other.
            _cache.Check(claimed);
        }

        var batch = await BatchState.LoadAsync(db, rows.Select(r => r.Row), _cache, cancellationToken);
        lap = BatchMetrics.Lap("load", lap);
        var now = time.GetUtcNow();
        foreach (var group in rows.GroupBy(r => (r.Row.PracticeId, r.Row.PatientId)))
        {
            var state = batch.StateOf(group.Key.PracticeId, group.Key.PatientId);
            var calendar = runtime.Definitions.Current.Practice(group.Key.PracticeId).Calendar;
            foreach (var (row, @event) in group)
            {
                // Every log line written while the event is applied carries its id and practice; never patient data.
                using var scope = logger.BeginScope(new Dictionary<string, object> { ["CareEventId"] = row.EventId, ["PracticeId"] = row.PracticeId });
                try
                {
                    var result = await runtime.ApplyAsync(state, @event, calendar, now, cancellationToken);
                    state = result.State;
                    batch.Record(result, row.EventId);
                    row.Status = InboxStatus.Done;
                    row.ProcessedAt = now;
                    results[(row.PracticeId, row.EventId)] = new SubmissionResult(row.EventId, SubmissionStatus.Applied, null,
                        [.. result.Timeline.Where(t => t.Type is "task.created" or "escalation.created" && t.TaskId is not null).Select(t => t.TaskId!)]);
                }
                catch (Exception ex) when (ex is InvalidOperationException or Rules.RuleFaultException or FormatException or ArgumentException)
                {
                    // The event is kept with its error for review; the patient's later events still apply.
                    row.Status = InboxStatus.Failed;
                    row.Error = ex.Message;
                    row.ProcessedAt = now;
                    results[(row.PracticeId, row.EventId)] = new SubmissionResult(row.EventId, SubmissionStatus.Failed, ex.Message, []);
                    LogEventFailed(logger, ex, row.EventId, row.Type, row.PracticeId);
                }
            }
        }

        lap = BatchMetrics.Lap("apply", lap);
        foreach (var (row, _) in rows)
        {
            writer.Inbox(row);
        }

        batch.Write(writer, now);
        alsoWrite?.Invoke(writer);
        await writer.FlushAsync(cancellationToken);
        var epochs = claimed is null ? null : await claims!.FenceAsync(connection, transaction, claimed, rows.Select(r => (r.Row.PracticeId, r.Row.PatientId)), cancellationToken);
        BatchMetrics.Lap("write", lap);
        return new AppliedBatch(results, batch, generation, epochs);
    }

    // SQLite keeps instants as UTC milliseconds (SqliteCareflowDbContext); PostgreSQL as timestamptz, which Npgsql writes from UTC only.
    private static Func<DateTimeOffset?, object> Instant(CareflowDbContext db) =>
        db is SqliteCareflowDbContext
            ? value => value is { } v ? v.ToUnixTimeMilliseconds() : DBNull.Value
            : value => value is { } v ? v.ToUniversalTime() : DBNull.Value;

    /// <summary>Events waiting for the writer, with the audit entry of the request that brought them.</summary>
    private sealed class Submission(IReadOnlyList<WorkflowEvent> events, AuditEntry? audit)
    {
        public IReadOnlyList<WorkflowEvent> Events { get; } = events;

        public AuditEntry? Audit { get; } = audit;

        public TaskCompletionSource<IReadOnlyList<SubmissionResult>> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed record AppliedBatch(Dictionary<(string PracticeId, string EventId), SubmissionResult> Results, BatchState Batch, long Generation, Dictionary<(string PracticeId, string PatientId), long>? Epochs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Fired {Count} timers, the oldest {Lateness} late")]
    private static partial void LogTimersFired(ILogger logger, int count, TimeSpan lateness);

    [LoggerMessage(Level = LogLevel.Error, Message = "Event {CareEventId} of type {EventType} for practice {PracticeId} failed and is kept in the inbox")]
    private static partial void LogEventFailed(ILogger logger, Exception exception, string careEventId, string eventType, string practiceId);
}
