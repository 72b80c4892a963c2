using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Runtime;
using CareWorkflows.Host.Access;
using CareWorkflows.Host.Hosting;

namespace CareWorkflows.Host.Pages.Workflows;

/// <summary>The catalog: every workflow new instances start on, and whether the last edit of the files was refused.</summary>
[PagePermission(Permission.DefinitionsRead)]
internal sealed class IndexModel(DefinitionHistory definitions, DefinitionWatcher watcher) : CareflowPage
{
    public IReadOnlyList<WorkflowDefinition> Workflows { get; private set; } = [];

    public IReadOnlyList<DefinitionError> Problems { get; private set; } = [];

    public void OnGet()
    {
        Workflows = [.. definitions.Current.Workflows.OrderBy(w => w.Practice is not null).ThenBy(w => w.Practice, StringComparer.Ordinal).ThenBy(w => w.Id, StringComparer.Ordinal)];
        Problems = watcher.LastReload?.Errors ?? [];
    }
}
