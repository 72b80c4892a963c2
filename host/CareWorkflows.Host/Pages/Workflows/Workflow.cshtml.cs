using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Diagrams;
using CareWorkflows.Engine.Preview;
using CareWorkflows.Engine.Publishing;
using CareWorkflows.Engine.Runtime;
using CareWorkflows.Host.Access;
using CareWorkflows.Host.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace CareWorkflows.Host.Pages.Workflows;

/// <summary>
/// One workflow: its diagram, versions with change notes, validation state, and the preview (a scenario of
/// workflows/scenarios/ run through the simulator). Each part is a section of its own; actions on the workflow
/// (what-if, publishing) get theirs under "Actions".
/// </summary>
[PagePermission(Permission.DefinitionsRead)]
internal sealed class WorkflowModel(DefinitionHistory definitions, DefinitionWatcher watcher, DefinitionPublisher publisher, ServeOptions options) : CareflowPage
{
    /// <summary>The practice whose overlay to show; null: the PO standard.</summary>
    [BindProperty(SupportsGet = true, Name = "practice")]
    public string? Overlay { get; set; }

    /// <summary>The scenario file (name without .yaml) to preview.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Scenario { get; set; }

    public WorkflowDefinition Workflow { get; private set; } = null!;

    public string Diagram { get; private set; } = "";

    public IReadOnlyList<VersionEntry> Versions { get; private set; } = [];

    public IReadOnlyList<DefinitionError> Problems { get; private set; } = [];

    public IReadOnlyList<string> Scenarios { get; private set; } = [];

    /// <summary>Show the events of every workflow the scenario starts, not only this one's.</summary>
    [BindProperty(SupportsGet = true)]
    public bool All { get; set; }

    public IReadOnlyList<TimelineEntry>? Preview { get; private set; }

    /// <summary>Events in the whole preview, before <see cref="All"/> filters them.</summary>
    public int PreviewTotal { get; private set; }

    public IReadOnlyList<DefinitionError> ScenarioProblems { get; private set; } = [];

    public TimeZoneInfo PreviewZone { get; private set; } = TimeZoneInfo.Utc;

    public async Task<IActionResult> OnGetAsync(string workflowId, CancellationToken cancellationToken)
    {
        var current = definitions.Current;
        if (current.WorkflowFor(workflowId, Overlay) is not { } workflow)
        {
            return PageErrors.NotFound($"There is no workflow '{workflowId}'{(Overlay is null ? "" : $" for practice {Overlay}")}. Workflows: {string.Join(", ", current.Standards.Select(w => w.Id))}.");
        }

        Workflow = workflow;
        Diagram = SvgDiagram.Render(workflow);
        Versions = await publisher.HistoryAsync(workflow.Id, workflow.Practice, workflow.Version, cancellationToken);
        Problems = watcher.LastReload?.Errors ?? [];
        var folder = Path.Join(options.WorkflowsDirectory, "scenarios");
        Scenarios = Directory.Exists(folder)
            ? [.. Directory.EnumerateFiles(folder, "*.yaml").Select(Path.GetFileNameWithoutExtension).OfType<string>().Order(StringComparer.Ordinal)]
            : [];
        Scenario ??= Scenarios.Contains(workflow.Id) ? workflow.Id : null;
        if (Scenario is not null && Scenarios.Contains(Scenario))
        {
            try
            {
                var scenario = ScenarioReader.Read(Path.Join(folder, Scenario + ".yaml"), $"scenarios/{Scenario}.yaml");
                PreviewZone = scenario.Practice.TimeZone;
                var timeline = await new Simulator(new WorkflowRuntime(new DefinitionHistory(current))).RunAsync(scenario, cancellationToken);
                PreviewTotal = timeline.Count;
                Preview = All ? timeline : [.. timeline.Where(e => e.Workflow == workflow.Id)];
            }
            catch (DefinitionException ex)
            {
                ScenarioProblems = ex.Errors;
            }
        }

        return Page();
    }
}
