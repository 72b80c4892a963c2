using CareWorkflows.Engine.Runtime;
using Microsoft.EntityFrameworkCore;

namespace CareWorkflows.Engine.Persistence;

/// <summary>
/// The patients one batch touches: their records, running instances and open tasks, loaded with one query per
/// table, and every row the batch changes, written at the end through a <see cref="BatchWriter"/>.
/// </summary>
internal sealed class BatchState
{
    private readonly Dictionary<(string, string), PatientRecord> _patients;
    private readonly Dictionary<(string, string), List<InstanceState>> _instances;
    private readonly Dictionary<(string, string), List<CareTask>> _tasks;
    private readonly Dictionary<(string, string), PatientRecord> _changedPatients = [];
    private readonly Dictionary<string, InstanceState> _changedInstances = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CareTask> _changedTasks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TimerRequest> _timers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ReminderMessage> _reminders = new(StringComparer.Ordinal);
    private readonly List<ListEntry> _listEntries = [];
    private readonly List<TimelineRow> _timeline = [];
    private readonly List<InteractionRow> _interactions = [];
    private readonly List<ReferralRow> _referrals = [];

    private BatchState(Dictionary<(string, string), PatientRecord> patients, Dictionary<(string, string), List<InstanceState>> instances, Dictionary<(string, string), List<CareTask>> tasks)
    {
        _patients = patients;
        _instances = instances;
        _tasks = tasks;
    }

    /// <summary>Loads the patients of <paramref name="rows"/>: from the cache when it has them, else with one query per table.</summary>
    public static async Task<BatchState> LoadAsync(CareflowDbContext db, IEnumerable<InboxRow> rows, PatientStateCache cache, CancellationToken cancellationToken)
    {
        var patients = new Dictionary<(string, string), PatientRecord>();
        var instances = new Dictionary<(string, string), List<InstanceState>>();
        var tasks = new Dictionary<(string, string), List<CareTask>>();
        foreach (var practice in rows.GroupBy(r => r.PracticeId))
        {
            var ids = new List<string>();
            foreach (var id in practice.Select(r => r.PatientId).Distinct())
            {
                if (cache.TryGet(practice.Key, id, out var cached))
                {
                    patients[(practice.Key, id)] = cached.Patient;
                    instances[(practice.Key, id)] = [.. cached.Instances];
                    tasks[(practice.Key, id)] = [.. cached.OpenTasks];
                }
                else
                {
                    ids.Add(id);
                }
            }

            if (ids.Count == 0)
            {
                continue;
            }

            foreach (var row in await db.Patients.AsNoTracking().Where(p => p.PracticeId == practice.Key && ids.Contains(p.PatientId)).ToListAsync(cancellationToken))
            {
                patients[(row.PracticeId, row.PatientId)] = RowMapping.ToRecord(row);
            }

            foreach (var row in await db.Instances.AsNoTracking().Where(i => i.PracticeId == practice.Key && ids.Contains(i.PatientId) && i.Status == "running").ToListAsync(cancellationToken))
            {
                Add(instances, (row.PracticeId, row.PatientId), RowMapping.ToRecord(row));
            }

            foreach (var row in await db.Tasks.AsNoTracking().Where(t => t.PracticeId == practice.Key && ids.Contains(t.PatientId) && t.Status == "open").ToListAsync(cancellationToken))
            {
                Add(tasks, (row.PracticeId, row.PatientId), RowMapping.ToRecord(row));
            }
        }

        return new BatchState(patients, instances, tasks);
    }

    public PatientState StateOf(string practiceId, string patientId)
    {
        var key = (practiceId, patientId);
        return new PatientState(
            _patients.GetValueOrDefault(key) ?? new PatientRecord(practiceId, patientId),
            _instances.GetValueOrDefault(key) ?? [],
            _tasks.GetValueOrDefault(key) ?? []);
    }

    /// <summary>Every patient of the batch as the batch leaves them, for the cache once committed.</summary>
    public IEnumerable<PatientState> States() => _patients.Keys.Select(key => StateOf(key.Item1, key.Item2));

    /// <summary>Keeps a patient's state after an event, and the rows it changed.</summary>
    public void Record(StepResult result, string eventId)
    {
        var patient = result.State.Patient;
        var key = (patient.PracticeId, patient.PatientId);
        if (result.PatientChanged || !_patients.ContainsKey(key))
        {
            _changedPatients[key] = patient;
        }

        _patients[key] = patient;
        _instances[key] = [.. result.State.Instances];
        _tasks[key] = [.. result.State.OpenTasks];
        foreach (var instance in result.Instances)
        {
            _changedInstances[instance.Id] = instance;
        }

        foreach (var task in result.Tasks)
        {
            _changedTasks[task.Id] = task;
        }

        foreach (var timer in result.Timers)
        {
            _timers.TryAdd(timer.Id, timer);
        }

        foreach (var reminder in result.Reminders)
        {
            _reminders.TryAdd(reminder.Id, reminder);
        }

        _listEntries.AddRange(result.ListEntries);
        _timeline.AddRange(result.Timeline.Select(t => RowMapping.NewRow(t, eventId)));
        _interactions.AddRange(result.Interactions.Select(RecordRows.NewRow));
        _referrals.AddRange(result.Referrals.Select(RecordRows.NewRow));
    }

    public void Write(BatchWriter writer, DateTimeOffset now)
    {
        foreach (var patient in _changedPatients.Values)
        {
            var row = new PatientRow { PracticeId = patient.PracticeId, PatientId = patient.PatientId, Facts = "{}" };
            RowMapping.Copy(patient, row, now);
            writer.Patient(row);
        }

        foreach (var instance in _changedInstances.Values)
        {
            writer.Instance(RowMapping.NewRow(instance));
        }

        foreach (var task in _changedTasks.Values)
        {
            writer.Task(RowMapping.NewRow(task));
        }

        foreach (var timer in _timers.Values)
        {
            writer.Timer(new TimerRow { Id = timer.Id, PracticeId = timer.PracticeId, PatientId = timer.PatientId, InstanceId = timer.InstanceId, DueAt = timer.DueAt });
        }

        foreach (var reminder in _reminders.Values)
        {
            writer.Reminder(new ReminderRow
            {
                Id = reminder.Id,
                PracticeId = reminder.PracticeId,
                PatientId = reminder.PatientId,
                InstanceId = reminder.InstanceId,
                StepId = reminder.StepId,
                Template = reminder.Template,
                Channel = reminder.Channel,
                SendAt = reminder.SendAt,
                NotBefore = reminder.SendAt,
                Language = reminder.Language,
                Data = StoreJson.Write(reminder.Data),
            });
        }

        foreach (var entry in _listEntries)
        {
            writer.ListEntry(new ListEntryRow { PracticeId = entry.PracticeId, ListId = entry.ListId, PatientId = entry.PatientId, At = entry.At, By = entry.By, InstanceId = entry.InstanceId });
        }

        foreach (var row in _timeline)
        {
            writer.Timeline(row);
        }

        foreach (var row in _interactions)
        {
            writer.Interaction(row);
        }

        foreach (var row in _referrals)
        {
            writer.Referral(row);
        }
    }

    private static void Add<T>(Dictionary<(string, string), List<T>> map, (string, string) key, T value)
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        list.Add(value);
    }
}
