using CareWorkflows.Engine.Definitions;

namespace CareWorkflows.Engine.Runtime;

/// <summary>
/// The current definitions, plus every workflow version loaded since start, so an instance keeps running on the
/// version it started on after a newer version is loaded. Thread-safe: a reload swaps the current set atomically.
/// </summary>
public sealed class DefinitionHistory
{
    private readonly Dictionary<(string Id, int Version, string? Practice), WorkflowDefinition> _versions = [];
    private readonly Lock _lock = new();
    private DefinitionSet _current;

    /// <summary>Starts the history with the first loaded set.</summary>
    public DefinitionHistory(DefinitionSet initial)
    {
        ArgumentNullException.ThrowIfNull(initial);
        _current = initial;
        Remember(initial);
    }

    /// <summary>The definitions new instances start on.</summary>
    public DefinitionSet Current
    {
        get
        {
            lock (_lock)
            {
                return _current;
            }
        }
    }

    /// <summary>Makes a newly loaded set current; earlier versions stay available to running instances.</summary>
    public void Publish(DefinitionSet definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        lock (_lock)
        {
            _current = definitions;
            Remember(definitions);
        }
    }

    /// <summary>Adds a version that running instances may need (e.g. read back from storage).</summary>
    public void Remember(WorkflowDefinition workflow)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        lock (_lock)
        {
            _versions.TryAdd((workflow.Id, workflow.Version, workflow.Practice), workflow);
        }
    }

    /// <summary>The exact version an instance runs on, or null if it is not known.</summary>
    public WorkflowDefinition? Find(string id, int version, string? practice)
    {
        lock (_lock)
        {
            return _versions.GetValueOrDefault((id, version, practice));
        }
    }

    /// <summary>Every version known, for storage.</summary>
    public IReadOnlyList<WorkflowDefinition> All()
    {
        lock (_lock)
        {
            return [.. _versions.Values];
        }
    }

    private void Remember(DefinitionSet definitions)
    {
        foreach (var workflow in definitions.Workflows)
        {
            // A reloaded file with the same id and version replaces the version (an edit before anyone ran it
            // is the common case); a higher version is added beside it.
            _versions[(workflow.Id, workflow.Version, workflow.Practice)] = workflow;
        }
    }
}
