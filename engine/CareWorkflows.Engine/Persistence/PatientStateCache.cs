using CareWorkflows.Engine.Runtime;

namespace CareWorkflows.Engine.Persistence;

/// <summary>
/// The state of recently active patients (record, running instances, open tasks) as this process last committed it,
/// so a batch reads from the database only the patients it has not seen: loading and deserialising a patient's
/// instances was the largest share of a batch. Valid only while this process is the only writer: every batch raises
/// the store generation in its transaction, and when the generation found is not the one this process wrote last
/// (another process, e.g. <c>careflow import</c>, committed in between) the cache is dropped. Used under the
/// store's writer lock only, so it needs no locking of its own.
/// </summary>
internal sealed class PatientStateCache(int capacity)
{
    private readonly Dictionary<(string PracticeId, string PatientId), Entry> _entries = [];
    private long _generation = -1;

    public int Count => _entries.Count;

    /// <summary>Makes sure the cache matches the store before a batch; <paramref name="generation"/> is the batch's own.</summary>
    public void Check(long generation)
    {
        if (generation != _generation + 1)
        {
            Clear();
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

    /// <summary>Keeps the states a batch committed, as of its generation.</summary>
    public void Committed(long generation, IEnumerable<PatientState> states)
    {
        _generation = generation;
        foreach (var state in states)
        {
            _entries[(state.Patient.PracticeId, state.Patient.PatientId)] = new Entry(state, generation);
        }

        if (_entries.Count > capacity)
        {
            // The least recently written quarter goes; a sort now and then is cheaper than ordering every access.
            foreach (var key in _entries.OrderBy(e => e.Value.Generation).Take(_entries.Count - (capacity * 3 / 4)).Select(e => e.Key).ToList())
            {
                _entries.Remove(key);
            }
        }
    }

    public void Forget(string practiceId, string patientId) => _entries.Remove((practiceId, patientId));

    /// <summary>Forgets everything, e.g. after a batch rolled back.</summary>
    public void Clear()
    {
        _entries.Clear();
        _generation = -1;
    }

    private sealed record Entry(PatientState State, long Generation);
}
