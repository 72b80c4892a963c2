using System.Data.Common;

namespace CareWorkflows.Engine.Persistence;

/// <summary>
/// Writes a batch's rows with commands prepared once per transaction and reused for every row of their kind.
/// EF Core builds and prepares a command per row, which cost ~240 µs a statement here; the step function's
/// output is a handful of upserts per event, so the write path talks SQL directly. The schema is still EF Core's
/// (migrations); identifiers are double-quoted and upserts use ON CONFLICT, valid in SQLite and PostgreSQL.
/// On PostgreSQL (<paramref name="batched"/>) every statement is a network round trip, so the rows are queued in one
/// ADO.NET batch that <see cref="FlushAsync"/> sends at once; the server prepares repeated statements itself
/// (Max Auto Prepare, set by <c>AddCareflowPostgres</c>).
/// On SQLite the statements go to SQLitePCLRaw (the library under Microsoft.Data.Sqlite) on the same connection and
/// transaction: binding by position instead of by name halved the cost of a statement (<see cref="SqliteStatements"/>).
/// </summary>
internal sealed class BatchWriter(DbConnection connection, DbTransaction transaction, Func<DateTimeOffset?, object> instant, bool batched = false) : IDisposable
{
    private const int AuditPatientsPerStatement = 100;
    private readonly Dictionary<string, DbCommand> _commands = new(StringComparer.Ordinal);
    private readonly SqliteStatements? _sqlite = !batched && connection is Microsoft.Data.Sqlite.SqliteConnection sqlite ? new SqliteStatements(sqlite) : null;
    private DbBatch? _batch;
    private long _statements;

    /// <summary>Sends the queued statements (PostgreSQL); nothing to do when each was run as it came (SQLite).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_batch is { BatchCommands.Count: > 0 })
        {
            await _batch.ExecuteNonQueryAsync(cancellationToken);
            _batch.Dispose();
            _batch = null;
        }
    }

    /// <summary>Raises the store generation for this batch and returns the new value.</summary>
    public long NextGeneration()
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """UPDATE "store_generation" SET "Value" = "Value" + 1 WHERE "Id" = 1 RETURNING "Value" """;
        return Convert.ToInt64(command.ExecuteScalar() ?? throw new InvalidOperationException("The store_generation row is missing; run the migrations (careflow serve does at start)."), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Inbox(InboxRow row) => Run(
        """
        INSERT INTO "inbox" ("EventId","PracticeId","PatientId","Type","At","ReceivedAt","Payload","Status","Error","ProcessedAt") VALUES (@p0,@p1,@p2,@p3,@p4,@p5,@p6,@p7,@p8,@p9)
        ON CONFLICT ("PracticeId","EventId") DO UPDATE SET "PatientId"=excluded."PatientId","Type"=excluded."Type","At"=excluded."At","ReceivedAt"=excluded."ReceivedAt",
          "Payload"=excluded."Payload","Status"=excluded."Status","Error"=excluded."Error","ProcessedAt"=excluded."ProcessedAt"
        """,
        row.EventId, row.PracticeId, row.PatientId, row.Type, instant(row.At), instant(row.ReceivedAt), row.Payload, row.Status, row.Error, instant(row.ProcessedAt));

    public void Patient(PatientRow row) => Run(
        """
        INSERT INTO "patients" ("PracticeId","PatientId","Tier","Programs","Facts","EnrolledAt","EdVisitsSinceEnrollment","Recorded","Enrollments","UpdatedAt")
        VALUES (@p0,@p1,@p2,@p3,@p4,@p5,@p6,@p7,@p8,@p9)
        ON CONFLICT ("PracticeId","PatientId") DO UPDATE SET "Tier"=excluded."Tier","Programs"=excluded."Programs","Facts"=excluded."Facts",
          "EnrolledAt"=excluded."EnrolledAt","EdVisitsSinceEnrollment"=excluded."EdVisitsSinceEnrollment","Recorded"=excluded."Recorded",
          "Enrollments"=excluded."Enrollments","UpdatedAt"=excluded."UpdatedAt"
        """,
        row.PracticeId, row.PatientId, row.Tier, row.Programs, row.Facts, instant(row.EnrolledAt), row.EdVisitsSinceEnrollment, row.Recorded, row.Enrollments, instant(row.UpdatedAt));

    public void Instance(InstanceRow row) => Run(
        """
        INSERT INTO "instances" ("Id","PracticeId","PatientId","WorkflowId","Version","Overlay","Status","StepId","StartedAt","EndedAt","State")
        VALUES (@p0,@p1,@p2,@p3,@p4,@p5,@p6,@p7,@p8,@p9,@p10)
        ON CONFLICT ("Id") DO UPDATE SET "Status"=excluded."Status","StepId"=excluded."StepId","EndedAt"=excluded."EndedAt","State"=excluded."State"
        """,
        row.Id, row.PracticeId, row.PatientId, row.WorkflowId, row.Version, row.Overlay, row.Status, row.StepId, instant(row.StartedAt), instant(row.EndedAt), row.State);

    public void Task(TaskRow row) => Run(
        """
        INSERT INTO "tasks" ("Id","PracticeId","PatientId","InstanceId","WorkflowId","StepId","Attempt","Kind","Role","Title","Priority","CreatedAt","DueAt",
          "Status","Overdue","Outcomes","Outcome","Minutes","Note","CompletedAt","CompletedBy","Assignee","Reason","Script","Form")
        VALUES (@p0,@p1,@p2,@p3,@p4,@p5,@p6,@p7,@p8,@p9,@p10,@p11,@p12,@p13,@p14,@p15,@p16,@p17,@p18,@p19,@p20,@p21,@p22,@p23,@p24)
        ON CONFLICT ("Id") DO UPDATE SET "Status"=excluded."Status","Overdue"=excluded."Overdue","Outcome"=excluded."Outcome","Minutes"=excluded."Minutes",
          "Note"=excluded."Note","CompletedAt"=excluded."CompletedAt","CompletedBy"=excluded."CompletedBy","Assignee"=excluded."Assignee"
        """,
        row.Id, row.PracticeId, row.PatientId, row.InstanceId, row.WorkflowId, row.StepId, row.Attempt, row.Kind, row.Role, row.Title, row.Priority,
        instant(row.CreatedAt), instant(row.DueAt), row.Status, row.Overdue, row.Outcomes, row.Outcome, row.Minutes, row.Note, instant(row.CompletedAt),
        row.CompletedBy, row.Assignee, row.Reason, row.Script, row.Form);

    public void Timer(TimerRow row) => Run(
        """INSERT INTO "timers" ("Id","PracticeId","PatientId","InstanceId","DueAt","Status","FiredAt") VALUES (@p0,@p1,@p2,@p3,@p4,@p5,@p6) ON CONFLICT ("Id") DO NOTHING""",
        row.Id, row.PracticeId, row.PatientId, row.InstanceId, instant(row.DueAt), row.Status, instant(row.FiredAt));

    public void TimerFired(string id, DateTimeOffset firedAt) => Run(
        """UPDATE "timers" SET "Status"=@p0,"FiredAt"=@p1 WHERE "Id"=@p2""", TimerStatus.Fired, instant(firedAt), id);

    public void Reminder(ReminderRow row) => Run(
        """
        INSERT INTO "reminders" ("Id","PracticeId","PatientId","InstanceId","StepId","Template","Channel","SendAt","Status","Language","Data","NotBefore","Attempts")
        VALUES (@p0,@p1,@p2,@p3,@p4,@p5,@p6,@p7,@p8,@p9,@p10,@p11,0) ON CONFLICT ("Id") DO NOTHING
        """,
        row.Id, row.PracticeId, row.PatientId, row.InstanceId, row.StepId, row.Template, row.Channel, instant(row.SendAt), row.Status, row.Language, row.Data, instant(row.NotBefore));

    public void ListEntry(ListEntryRow row) => Run(
        """INSERT INTO "list_entries" ("PracticeId","ListId","PatientId","At","By","InstanceId") VALUES (@p0,@p1,@p2,@p3,@p4,@p5) ON CONFLICT ("PracticeId","ListId","PatientId") DO NOTHING""",
        row.PracticeId, row.ListId, row.PatientId, instant(row.At), row.By, row.InstanceId);

    public void Timeline(TimelineRow row) => Run(
        """
        INSERT INTO "timeline" ("PracticeId","PatientId","At","Type","Workflow","Version","Step","Role","Due","Outcome","Reason","Detail","InstanceId","TaskId","EventId","Channel","Language")
        VALUES (@p0,@p1,@p2,@p3,@p4,@p5,@p6,@p7,@p8,@p9,@p10,@p11,@p12,@p13,@p14,@p15,@p16)
        """,
        row.PracticeId, row.PatientId, instant(row.At), row.Type, row.Workflow, row.Version, row.Step, row.Role, instant(row.Due), row.Outcome, row.Reason,
        row.Detail, row.InstanceId, row.TaskId, row.EventId, row.Channel, row.Language);

    public void Interaction(InteractionRow row) => Run(
        """
        INSERT INTO "interactions" ("Id","PracticeId","PatientId","At","Month","Channel","Outcome","Obstacles","Minutes","StaffId","Role","FaceToFace","TaskId","WorkflowId","StepId","Form","Note","EventId")
        VALUES (@p0,@p1,@p2,@p3,@p4,@p5,@p6,@p7,@p8,@p9,@p10,@p11,@p12,@p13,@p14,@p15,@p16,@p17) ON CONFLICT ("Id") DO NOTHING
        """,
        row.Id, row.PracticeId, row.PatientId, instant(row.At), row.Month, row.Channel, row.Outcome, row.Obstacles, row.Minutes, row.StaffId, row.Role,
        row.FaceToFace, row.TaskId, row.WorkflowId, row.StepId, row.Form, row.Note, row.EventId);

    // A referral's status only moves forward (sent, scheduled, then completed or lost); each time is kept once set.
    public void Referral(ReferralRow row) => Run(
        """
        INSERT INTO "referrals" ("PracticeId","PatientId","ReferralId","Status","Kind","ReferredTo","Reason","SentAt","ScheduledAt","AppointmentAt","CompletedAt","LostAt","LostReason","SentEventId","By","UpdatedAt")
        VALUES (@p0,@p1,@p2,@p3,@p4,@p5,@p6,@p7,@p8,@p9,@p10,@p11,@p12,@p13,@p14,@p15)
        ON CONFLICT ("PracticeId","PatientId","ReferralId") DO UPDATE SET
          "Status"=CASE WHEN "referrals"."Status" IN ('completed','lost') OR ("referrals"."Status"='scheduled' AND excluded."Status"='sent') THEN "referrals"."Status" ELSE excluded."Status" END,
          "Kind"=COALESCE("referrals"."Kind",excluded."Kind"),"ReferredTo"=COALESCE("referrals"."ReferredTo",excluded."ReferredTo"),"Reason"=COALESCE("referrals"."Reason",excluded."Reason"),
          "SentAt"=COALESCE("referrals"."SentAt",excluded."SentAt"),"ScheduledAt"=COALESCE("referrals"."ScheduledAt",excluded."ScheduledAt"),
          "AppointmentAt"=COALESCE(excluded."AppointmentAt","referrals"."AppointmentAt"),"CompletedAt"=COALESCE("referrals"."CompletedAt",excluded."CompletedAt"),
          "LostAt"=COALESCE("referrals"."LostAt",excluded."LostAt"),"LostReason"=COALESCE("referrals"."LostReason",excluded."LostReason"),
          "SentEventId"=COALESCE("referrals"."SentEventId",excluded."SentEventId"),"By"=COALESCE(excluded."By","referrals"."By"),"UpdatedAt"=excluded."UpdatedAt"
        """,
        row.PracticeId, row.PatientId, row.ReferralId, row.Status, row.Kind, row.ReferredTo, row.Reason, instant(row.SentAt), instant(row.ScheduledAt),
        instant(row.AppointmentAt), instant(row.CompletedAt), instant(row.LostAt), row.LostReason, row.SentEventId, row.By, instant(row.UpdatedAt));

    /// <summary>
    /// The audit entry of the request that brought the batch, committed with it: one commit answers the request,
    /// and the entry exists exactly when the events do.
    /// </summary>
    public void Audit(Audit.AuditEntry entry)
    {
        _statements++;
        object?[] values = [instant(entry.At), entry.Actor, entry.ActorName, entry.Role, entry.PracticeId, entry.Action, entry.Method, entry.Path, entry.RequestId, entry.Status];
        using var command = Command("""
            INSERT INTO "audit_events" ("At","Actor","ActorName","Role","PracticeId","Action","Method","Path","RequestId","Status")
            VALUES (@p0,@p1,@p2,@p3,@p4,@p5,@p6,@p7,@p8,@p9) RETURNING "Id"
            """, values.Length);
        Bind(command, values);
        var id = Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        foreach (var chunk in entry.PatientIds.Distinct(StringComparer.Ordinal).Chunk(AuditPatientsPerStatement))
        {
            Run($"""INSERT INTO "audit_event_patients" ("AuditId","PracticeId","PatientId") VALUES {string.Join(',', chunk.Select((_, i) => $"(@p{3 * i},@p{(3 * i) + 1},@p{(3 * i) + 2})"))}""",
                [.. chunk.SelectMany(patient => new object?[] { id, entry.PracticeId ?? "", patient })]);
        }
    }

    public void Dispose()
    {
        BatchMetrics.Wrote(_statements);
        _sqlite?.Dispose();
        _batch?.Dispose();
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }
    }

    private void Run(string sql, params object?[] values)
    {
        _statements++;
        if (batched)
        {
            _batch ??= connection.CreateBatch();
            _batch.Transaction = transaction;
            var queued = _batch.CreateBatchCommand();
            queued.CommandText = sql;
            for (var i = 0; i < values.Length; i++)
            {
                var parameter = queued.CreateParameter();
                parameter.ParameterName = $"@p{i}";
                parameter.Value = values[i] ?? DBNull.Value;
                queued.Parameters.Add(parameter);
            }

            _batch.BatchCommands.Add(queued);
            return;
        }

        if (_sqlite is not null)
        {
            _sqlite.Execute(sql, values);
            return;
        }

        if (!_commands.TryGetValue(sql, out var command))
        {
            command = Command(sql, values.Length);
            command.Prepare();
            _commands[sql] = command;
        }

        Bind(command, values);
        command.ExecuteNonQuery();
    }

    /// <summary>A command in the batch's transaction with parameters <c>@p0 ... @p(count-1)</c>.</summary>
    private DbCommand Command(string sql, int count)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        for (var i = 0; i < count; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = $"@p{i}";
            command.Parameters.Add(parameter);
        }

        return command;
    }

    private static void Bind(DbCommand command, object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }
}
