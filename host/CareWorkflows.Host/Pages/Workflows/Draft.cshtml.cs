using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Diagrams;
using CareWorkflows.Engine.Diff;
using CareWorkflows.Engine.Persistence;
using CareWorkflows.Engine.Publishing;
using CareWorkflows.Engine.Reports;
using CareWorkflows.Engine.Runtime;
using CareWorkflows.Engine.WhatIf;
using CareWorkflows.Host.Access;
using CareWorkflows.Host.Api;
using CareWorkflows.Host.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace CareWorkflows.Host.Pages.Workflows;

/// <summary>
/// What-if before publish: a quality-staff user edits (or uploads) a workflow's YAML in a draft, checks it (the
/// validator's problems, or the diff in words, the draft's diagram with the changed steps and the impact report on
/// a practice's panel), then publishes it with a change note, or discards it. Nothing is stored until Publish; the
/// draft travels in the form. The same services as <c>POST /api/practices/{p}/whatif</c> and
/// <c>POST /api/definitions/{id}/versions</c>.
/// </summary>
[PagePermission(Permission.DefinitionsPublish)]
internal sealed class DraftModel(
    DefinitionHistory definitions, DefinitionPublisher publisher, DefinitionWatcher watcher, ServeOptions options,
    IDbContextFactory<CareflowDbContext> contexts, TimeProvider time) : CareflowPage
{
    /// <summary>The practice of the overlay to edit; null: the PO standard.</summary>
    [BindProperty(SupportsGet = true, Name = "practice")]
    public string? Overlay { get; set; }

    /// <summary>The draft: the workflow's YAML as edited.</summary>
    [BindProperty]
    public string Yaml { get; set; } = "";

    /// <summary>An uploaded YAML file; when given it replaces the text area's draft.</summary>
    [BindProperty]
    public IFormFile? Upload { get; set; }

    /// <summary>The practice whose patients the impact report runs over.</summary>
    [BindProperty]
    public string? ImpactPractice { get; set; }

    [BindProperty]
    public int Weeks { get; set; } = 12;

    /// <summary>The change note Publish records.</summary>
    [BindProperty]
    public string? Note { get; set; }

    public WorkflowDefinition Workflow { get; private set; } = null!;

    /// <summary>The practices the caller may run the impact report for.</summary>
    public IReadOnlyList<string> ImpactPractices { get; private set; } = [];

    /// <summary>The validator's (or the publisher's) problems with the draft; empty when it validates.</summary>
    public IReadOnlyList<DefinitionError> Problems { get; private set; } = [];

    /// <summary>Set once the draft was checked and validates.</summary>
    public WhatIfApi.WhatIfRun? Checked { get; private set; }

    /// <summary>The draft's workflow (after Check), drawn.</summary>
    public string? DraftDiagram { get; private set; }

    /// <summary>The steps the diff names as added or changed (to mark on the diagram).</summary>
    public IReadOnlyList<string> MarkedSteps { get; private set; } = [];

    public bool ShowPublish => Checked is not null;

    public async Task<IActionResult> OnGetAsync(string workflowId, CancellationToken cancellationToken)
    {
        if (Resolve(workflowId) is { } refusal)
        {
            return refusal;
        }

        ImpactPractices = await PracticesAsync(cancellationToken);
        ImpactPractice = ImpactPractices.FirstOrDefault();
        var file = Workflow.At.File;
        if (!System.IO.File.Exists(file))
        {
            return PageErrors.NotFound($"The file of workflow '{Workflow.Id}' ({file}) is not readable from the workflows folder; open the draft again after the definitions reload, or publish with 'careflow definitions publish'.");
        }

        Yaml = await System.IO.File.ReadAllTextAsync(file, cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostCheckAsync(string workflowId, CancellationToken cancellationToken)
    {
        if (Resolve(workflowId) is { } refusal)
        {
            return refusal;
        }

        ImpactPractices = await PracticesAsync(cancellationToken);
        if (Upload is { Length: > 0 } upload)
        {
            if (upload.Length > YamlFile.MaxBytes)
            {
                ModelState.AddModelError(nameof(Upload), $"The file is larger than {YamlFile.MaxBytes:N0} bytes. Upload one workflow's YAML file.");
                return Page();
            }

            using var reader = new StreamReader(upload.OpenReadStream());
            Yaml = await reader.ReadToEndAsync(cancellationToken);
        }

        await CheckAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostPublishAsync(string workflowId, CancellationToken cancellationToken)
    {
        if (Resolve(workflowId) is { } refusal)
        {
            return refusal;
        }

        ImpactPractices = await PracticesAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(Note))
        {
            ModelState.AddModelError(nameof(Note), "Write a change note: say in a sentence what changes for patients and staff. Nothing was published.");
            await CheckAsync(cancellationToken);
            return Page();
        }

        var request = new PublishRequest(Yaml, Note, Caller?.Name ?? "page") { Practice = Workflow.Practice, Workflow = Workflow.Id };
        var outcome = await publisher.PublishAsync(options.WorkflowsDirectory, options.RulesDirectory, request, cancellationToken);
        if (!outcome.Published)
        {
            Problems = outcome.Errors;
            ModelState.AddModelError(nameof(Yaml), "The draft was not published; nothing was written. Fix the problems below and check again.");
            return Page();
        }

        await watcher.ReloadNowAsync(cancellationToken);
        var published = outcome.Workflow!;
        var query = published.Practice is null ? "" : $"?practice={Uri.EscapeDataString(published.Practice)}";
        return Redirect($"/workflows/{Uri.EscapeDataString(published.Id)}{query}#versions");
    }

    /// <summary>Finds the workflow and checks the caller may publish it: a standard needs a PO-level key, an overlay its practice.</summary>
    private ContentResult? Resolve(string workflowId)
    {
        var current = definitions.Current;
        if (current.WorkflowFor(workflowId, Overlay) is not { } workflow)
        {
            return PageErrors.NotFound($"There is no workflow '{workflowId}'{(Overlay is null ? "" : $" for practice {Overlay}")}. Workflows: {string.Join(", ", current.Standards.Select(w => w.Id))}.");
        }

        Workflow = workflow;
        if (Caller is { } caller && AccessPolicy.Refusal(caller, Permission.DefinitionsPublish, workflow.Practice) is { } reason)
        {
            return new ContentResult
            {
                StatusCode = StatusCodes.Status403Forbidden,
                ContentType = "text/plain; charset=utf-8",
                Content = workflow.Practice is null
                    ? $"Not allowed: '{workflow.Id}' is a PO standard; drafting and publishing it needs a PO-level quality-staff or admin key (careflow keys create --all-practices). {reason}"
                    : $"Not allowed: {reason}",
            };
        }

        return null;
    }

    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        if (Weeks is < 1 or > 52)
        {
            ModelState.AddModelError(nameof(Weeks), $"Give 1 to 52 weeks, not {Weeks}.");
            return;
        }

        if (ImpactPractice is null || !ImpactPractices.Contains(ImpactPractice, StringComparer.Ordinal))
        {
            ModelState.AddModelError(nameof(ImpactPractice), $"Choose a practice for the impact report: {string.Join(", ", ImpactPractices)}.");
            return;
        }

        if (string.IsNullOrWhiteSpace(Yaml))
        {
            ModelState.AddModelError(nameof(Yaml), "The draft is empty. Paste or upload the workflow's YAML.");
            return;
        }

        using var change = ChangeSet.FromText(Yaml, options.WorkflowsDirectory, options.RulesDirectory, "draft");
        var run = await WhatIfApi.RunAsync(change, ImpactPractice, null, Weeks, 60, 10, 5, options, contexts, time, cancellationToken);
        if (run.Report is null)
        {
            Problems = run.Problems;
            ModelState.AddModelError(nameof(Yaml), "The draft does not validate with the current definitions; nothing was run. Fix the lines below and check again.");
            return;
        }

        Checked = run;
        var loaded = change.Load();
        var draft = loaded.Definitions?.Workflows.FirstOrDefault(w => w.Id == Workflow.Id && w.Practice == Workflow.Practice);
        if (draft is not null)
        {
            MarkedSteps = [.. run.Diff
                .Where(l => l.Item is not null && l.Kind != DiffKind.Removed && (l.Subject == Workflow.Id || l.Subject.StartsWith(Workflow.Id + " (", StringComparison.Ordinal)))
                .Select(l => l.Item!).Distinct(StringComparer.Ordinal)];
            DraftDiagram = Mark(SvgDiagram.Render(draft), MarkedSteps);
        }
    }

    private async Task<IReadOnlyList<string>> PracticesAsync(CancellationToken cancellationToken)
    {
        if (Caller is not { } caller)
        {
            return [];
        }

        if (!caller.AllPractices)
        {
            return [.. caller.Practices.Where(p => May(Permission.DefinitionsPublish, p))];
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var stored = await db.Patients.AsNoTracking().Select(p => p.PracticeId).Distinct().ToListAsync(cancellationToken);
        return [.. stored.Concat(definitions.Current.Practices.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    /// <summary>Adds the class 'changed' to the diagram's boxes of the given steps (each box's title starts with its step id).</summary>
    private static string Mark(string svg, IReadOnlyList<string> steps)
    {
        foreach (var step in steps)
        {
            var title = $"<title>{System.Net.WebUtility.HtmlEncode(step)}: ";
            svg = System.Text.RegularExpressions.Regex.Replace(
                svg,
                "<g class=\"step (step-[a-z-]+)\"([^>]*>)" + System.Text.RegularExpressions.Regex.Escape(title),
                m => $"<g class=\"step {m.Groups[1].Value} changed\"{m.Groups[2].Value}{title}",
                System.Text.RegularExpressions.RegexOptions.None,
                TimeSpan.FromSeconds(1));
        }

        return svg;
    }

    /// <summary>The report's rows, one table per section, as the CLI prints them.</summary>
    public static IEnumerable<IGrouping<string, object?[]>> Sections(ReportTable table) => table.Rows.GroupBy(r => ReportTable.Text(r[0]));

    public static string Cell(object? value) => ReportTable.Text(value);

    public static IEnumerable<IGrouping<DiffKind, DiffLine>> DiffGroups(IReadOnlyList<DiffLine> lines) =>
        lines.GroupBy(l => l.Kind).OrderBy(g => g.Key);
}
