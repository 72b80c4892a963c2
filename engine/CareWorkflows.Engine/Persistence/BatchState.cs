using CareWorkflows.Engine.Runtime;
using Microsoft.EntityFrameworkCore;

namespace CareWorkflows.Engine.Persistence;

/// <summary>
/// The rows of the patients one batch touches, loaded with one query per table, and the writes the batch makes,
/// added to the context so that one SaveChanges writes them all.
/// </summary>
internal sealed class BatchState
{
    private readonly CareflowDbContext _db;
    private readonly Dictionary<(string, string), PatientRow> _patients;
    private readonly Dictionary<string, InstanceRow> _instances;
    private readonly Dictionary<string, TaskRow> _tasks;
    private readonly Dictionary<string, TimerRow> _timers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ReminderRow> _reminders = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string, string), ListEntryRow> _listEntries = [];

    private BatchState(CareflowDbContext db, List<PatientRow> patients, List<InstanceRow> instances, List<TaskRow> tasks)
    {
        _db = db;
        _patients = patients.ToDictionary(p => (p.PracticeId, p.PatientId));
        _instances = instances.ToDictionary(i => i.Id, StringComparer.Ordinal);
        _tasks = tasks.ToDictionary(t => t.Id, StringComparer.Ordinal);
    }

    public static async Task<BatchState> LoadAsync(CareflowDbContext db, List<InboxRow> rows, CancellationToken cancellationToken)
    {
        var keys = rows.Select(r => (r.PracticeId, r.PatientId)).ToHashSet();
        var patientIds = keys.Select(k => k.PatientId).Distinct().ToList();
        var patients = (await db.Patients.Where(p => patientIds.Contains(p.PatientId)).ToListAsync(cancellationToken))
            .Where(p => keys.Contains((p.PracticeId, p.PatientId))).ToList();
        var instances = (await db.Instances.Where(i => patientIds.Contains(i.PatientId) && i.Status == "running").ToListAsync(cancellationToken))
            .Where(i => keys.Contains((i.PracticeId, i.PatientId))).ToList();
        var tasks = (await db.Tasks.Where(t => patientIds.Contains(t.PatientId) && t.Status == "open").ToListAsync(cancellationToken))
            .Where(t => keys.Contains((t.PracticeId, t.PatientId))).ToList();
        return new BatchState(db, patients, instances, tasks);
    }

    public PatientState StateOf(string practiceId, string patientId)
    {
        var patient = _patients.TryGetValue((practiceId, patientId), out var row) ? RowMapping.ToRecord(row) : new PatientRecord(practiceId, patientId);
        var instances = _instances.Values.Where(i => i.PracticeId == practiceId && i.PatientId == patientId && i.Status == "running").Select(RowMapping.ToRecord).ToList();
        var tasks = _tasks.Values.Where(t => t.PracticeId == practiceId && t.PatientId == patientId && t.Status == "open").Select(RowMapping.ToRecord).ToList();
        return new PatientState(patient, instances, tasks);
    }

    public void Record(StepResult result, string eventId, DateTimeOffset now)
    {
        var patient = result.State.Patient;
        if (result.PatientChanged || !_patients.ContainsKey((patient.PracticeId, patient.PatientId)))
        {
            if (!_patients.TryGetValue((patient.PracticeId, patient.PatientId), out var row))
            {
                row = new PatientRow { PracticeId = patient.PracticeId, PatientId = patient.PatientId, Facts = "{}" };
                _patients[(patient.PracticeId, patient.PatientId)] = row;
                _db.Patients.Add(row);
            }

            RowMapping.Copy(patient, row, now);
        }

        foreach (var instance in result.Instances)
        {
            if (_instances.TryGetValue(instance.Id, out var row))
            {
                RowMapping.Copy(instance, row);
            }
            else
            {
                row = RowMapping.NewRow(instance);
                _instances[instance.Id] = row;
                _db.Instances.Add(row);
            }
        }

        foreach (var task in result.Tasks)
        {
            if (_tasks.TryGetValue(task.Id, out var row))
            {
                RowMapping.Copy(task, row);
            }
            else
            {
                row = RowMapping.NewRow(task);
                _tasks[task.Id] = row;
                _db.Tasks.Add(row);
            }
        }

        foreach (var timer in result.Timers)
        {
            _timers.TryAdd(timer.Id, new TimerRow
            {
                Id = timer.Id,
                PracticeId = timer.PracticeId,
                PatientId = timer.PatientId,
                InstanceId = timer.InstanceId,
                DueAt = timer.DueAt,
            });
        }

        foreach (var reminder in result.Reminders)
        {
            _reminders.TryAdd(reminder.Id, new ReminderRow
            {
                Id = reminder.Id,
                PracticeId = reminder.PracticeId,
                PatientId = reminder.PatientId,
                InstanceId = reminder.InstanceId,
                StepId = reminder.StepId,
                Template = reminder.Template,
                Channel = reminder.Channel,
                SendAt = reminder.SendAt,
            });
        }

        foreach (var entry in result.ListEntries)
        {
            _listEntries.TryAdd((entry.PracticeId, entry.ListId, entry.PatientId), new ListEntryRow
            {
                PracticeId = entry.PracticeId,
                ListId = entry.ListId,
                PatientId = entry.PatientId,
                At = entry.At,
                By = entry.By,
                InstanceId = entry.InstanceId,
            });
        }

        _db.Timeline.AddRange(result.Timeline.Select(t => RowMapping.NewRow(t, eventId)));
    }

    /// <summary>Adds the new timers, reminders and list entries that are not stored yet (their ids make them idempotent).</summary>
    public async Task WriteAsync(CancellationToken cancellationToken)
    {
        var timerIds = _timers.Keys.ToList();
        var storedTimers = await _db.Timers.Where(t => timerIds.Contains(t.Id)).Select(t => t.Id).ToListAsync(cancellationToken);
        _db.Timers.AddRange(_timers.Values.Where(t => !storedTimers.Contains(t.Id)));

        var reminderIds = _reminders.Keys.ToList();
        var storedReminders = await _db.Reminders.Where(r => reminderIds.Contains(r.Id)).Select(r => r.Id).ToListAsync(cancellationToken);
        _db.Reminders.AddRange(_reminders.Values.Where(r => !storedReminders.Contains(r.Id)));

        foreach (var entry in _listEntries.Values)
        {
            if (await _db.ListEntries.FindAsync([entry.PracticeId, entry.ListId, entry.PatientId], cancellationToken) is null)
            {
                _db.ListEntries.Add(entry);
            }
        }
    }
}
