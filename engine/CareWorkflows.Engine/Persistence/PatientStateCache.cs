using CareWorkflows.Engine.Runtime;

namespace CareWorkflows.Engine.Persistence;

/// <summary>
/// The state of recently active patients (record, running instances, open tasks) as this process last committed it,
/// so a batch reads from the database only the patients it has not seen: loading and deserialising a patient's
/// instances was the largest share of a batch. On SQLite it is valid only while this process is the only writer:
/// every batch raises the store generation in its transaction, and when the generation found is not the one this
/// process wrote last (another process, e.g. <c>careflow import</c>, committed in between) the cache is dropped.
/// On PostgreSQL several nodes write, so each entry carries the patient's claim epoch it was committed at
/// (<see cref="PatientClaims"/>) and is used only while the claim row still has that epoch.
/// Used under the store's writer lock only, so it needs no locking of its own.
/// </summary>
internal sealed class PatientStateCache(int capacity)
{
    private readonly Dictionary<(string PracticeId, string PatientId), Entry> _entries = [];
    private long _generation = -1;
    private long _written;

    public int Count => _entries.Count;

    /// <summary>Makes sure the cache matches the store before a batch; <paramref name="generation"/> is the batch's own.</summary>
    public void Check(long generation)
    {
        if (generation != _generation + 1)
        {
            Clear();
        }
    }

    /// <summary>Drops the entries of claimed patients that another node (or transaction) changed since this process cached them.</summary>
    public void Check(IReadOnlyDictionary<(string PracticeId, string PatientId), long> epochs)
    {
        foreach (var (key, epoch) in epochs)
        {
            if (_entries.TryGetValue(key, out var entry) && entry.Epoch != epoch)
            {
                _entries.Remove(key);
            }
        }
    }

    public bool TryGet(string practiceId, string patientId, out PatientState state)
    {
        if (_entries.TryGetValue((practiceId, patientId), out var entry))
        {
            state = entry.State;
            return true;
        }

        state = null!;
        return false;
    }

    /// <summary>Keeps the states a batch committed, as of its generation (SQLite).</summary>
    public void Committed(long generation, IEnumerable<PatientState> states)
    {
        _generation = generation;
        Keep(states, _ => 0);
    }

    /// <summary>Keeps the states a batch committed, each with the claim epoch its commit left (PostgreSQL).</summary>
    public void Committed(IReadOnlyDictionary<(string PracticeId, string PatientId), long> epochs, IEnumerable<PatientState> states) =>
        Keep(states.Where(s => epochs.ContainsKey((s.Patient.PracticeId, s.Patient.PatientId))), key => epochs[key]);

    public void Forget(string practiceId, string patientId) => _entries.Remove((practiceId, patientId));

    /// <summary>Forgets everything, e.g. after a batch rolled back.</summary>
    public void Clear()
    {
        _entries.Clear();
        _generation = -1;
    }

    private void Keep(IEnumerable<PatientState> states, Func<(string, string), long> epoch)
    {
        _written++;
        foreach (var state in states)
        {
            var key = (state.Patient.PracticeId, state.Patient.PatientId);
            _entries[key] = new Entry(state, _written, epoch(key));
        }

        if (_entries.Count > capacity)
        {
            // The least recently written quarter goes; a sort now and then is cheaper than ordering every access.
            foreach (var key in _entries.OrderBy(e => e.Value.Written).Take(_entries.Count - (capacity * 3 / 4)).Select(e => e.Key).ToList())
            {
                _entries.Remove(key);
            }
        }
    }

    private sealed record Entry(PatientState State, long Written, long Epoch);
}
