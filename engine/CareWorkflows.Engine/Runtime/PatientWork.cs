using CareWorkflows.Engine.Records.Interactions;
using CareWorkflows.Engine.Records.Referrals;

namespace CareWorkflows.Engine.Runtime;

/// <summary>
/// The mutable working copy of one patient while one event is applied. It records every change so that
/// the result lists exactly the rows to write. Internal to the step function; nothing outside sees it.
/// </summary>
internal sealed class PatientWork(PatientState state)
{
    private readonly Dictionary<string, InstanceState> _instances = state.Instances.ToDictionary(i => i.Id, StringComparer.Ordinal);
    private readonly Dictionary<string, CareTask> _openTasks = state.OpenTasks.ToDictionary(t => t.Id, StringComparer.Ordinal);
    private readonly Dictionary<string, InstanceState> _changedInstances = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CareTask> _changedTasks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TimerRequest> _timers = new(StringComparer.Ordinal);
    private readonly List<ReminderMessage> _reminders = [];
    private readonly List<ListEntry> _listEntries = [];
    private readonly List<TimelineEntry> _timeline = [];
    private readonly List<Interaction> _interactions = [];
    private readonly List<ReferralChange> _referrals = [];
    private bool _patientChanged;

    public PatientRecord Patient { get; private set; } = state.Patient;

    public IEnumerable<InstanceState> Running => _instances.Values.Where(i => i.Status == InstanceStatus.Running).ToList();

    public IEnumerable<CareTask> OpenTasks => _openTasks.Values.Where(t => t.Status == CareTaskStatus.Open).ToList();

    public InstanceState? Instance(string id) => _instances.GetValueOrDefault(id);

    public CareTask? OpenTask(string id) => _openTasks.TryGetValue(id, out var task) && task.Status == CareTaskStatus.Open ? task : null;

    public void Update(PatientRecord patient)
    {
        Patient = patient;
        _patientChanged = true;
    }

    public void Put(InstanceState instance)
    {
        _instances[instance.Id] = instance;
        _changedInstances[instance.Id] = instance;
    }

    public void Put(CareTask task)
    {
        _openTasks[task.Id] = task;
        _changedTasks[task.Id] = task;
    }

    public void Add(TimerRequest timer) => _timers[timer.Id] = timer;

    public void Add(ReminderMessage reminder) => _reminders.Add(reminder);

    public void Add(ListEntry entry) => _listEntries.Add(entry);

    public void Add(TimelineEntry entry) => _timeline.Add(entry);

    public void Add(Interaction interaction) => _interactions.Add(interaction);

    public void Add(ReferralChange referral) => _referrals.Add(referral);

    public StepResult ToResult() => new()
    {
        State = new PatientState(
            Patient,
            [.. _instances.Values.Where(i => i.Status == InstanceStatus.Running)],
            [.. _openTasks.Values.Where(t => t.Status == CareTaskStatus.Open)]),
        PatientChanged = _patientChanged,
        Instances = [.. _changedInstances.Values],
        Tasks = [.. _changedTasks.Values],
        Timers = [.. _timers.Values],
        Reminders = _reminders,
        ListEntries = _listEntries,
        Timeline = _timeline,
        Interactions = _interactions,
        Referrals = _referrals,
    };
}
