using System.Globalization;
using CareWorkflows.Engine.Contacts;
using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Persistence;
using CareWorkflows.Engine.Records.CarePlans;
using CareWorkflows.Engine.Runtime;
using CareWorkflows.Host.Access;
using CareWorkflows.Host.Api;
using CareWorkflows.Host.Audit;
using CareWorkflows.Host.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace CareWorkflows.Host.Pages.Worklist;

/// <summary>
/// One task with what the call needs (the patient's contact details, the script, the form, the care plan), and its
/// completion: outcome, minutes, channel, obstacles and note, through the same <see cref="TaskCompletion"/> as the API.
/// </summary>
[PagePermission(Permission.PatientsRead)]
[PagePermission(Permission.PatientsWrite, Method = "POST")]
internal sealed class TaskModel(CareQueries queries, ContactBook contacts, CarePlanStore carePlans, DefinitionHistory definitions, ServeOptions options, TaskCompletion completion)
    : CareflowPage
{
    [BindProperty]
    public string? Outcome { get; set; }

    [BindProperty]
    public string? Minutes { get; set; }

    [BindProperty]
    public string? Channel { get; set; }

    [BindProperty]
    public string? Obstacles { get; set; }

    [BindProperty]
    public string? Note { get; set; }

    [BindProperty]
    public string? By { get; set; }

    [BindProperty]
    public bool FaceToFace { get; set; }

    public CareTask TaskItem { get; private set; } = null!;

    public PatientContact? Contact { get; private set; }

    public string? Script { get; private set; }

    public FormDefinition? Form { get; private set; }

    public IReadOnlyList<CareGoal> Goals { get; private set; } = [];

    public IReadOnlyList<string> Channels => completion.Channels;

    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;

    public async Task<IActionResult> OnGetAsync(string practiceId, string taskId, CancellationToken cancellationToken) =>
        await LoadAsync(practiceId, taskId, cancellationToken) ? Page() : Missing(practiceId, taskId);

    public async Task<IActionResult> OnPostAsync(string practiceId, string taskId, CancellationToken cancellationToken)
    {
        int? minutes = null;
        if (!string.IsNullOrWhiteSpace(Minutes))
        {
            if (int.TryParse(Minutes, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                minutes = parsed;
            }
            else
            {
                ModelState.AddModelError(nameof(Minutes), $"'{Minutes}' is not a number of minutes: write a whole number from 0 to 1440.");
            }
        }

        var obstacles = (Obstacles ?? "").Split([',', ';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (ModelState.IsValid)
        {
            var request = new TasksApi.CompleteRequest(
                string.IsNullOrWhiteSpace(Outcome) ? null : Outcome, minutes, string.IsNullOrWhiteSpace(Note) ? null : Note.Trim(),
                string.IsNullOrWhiteSpace(By) ? null : By.Trim(), null, string.IsNullOrWhiteSpace(Channel) ? null : Channel, obstacles, FaceToFace);
            var outcome = await completion.CompleteAsync(practiceId, taskId, request, cancellationToken);
            if (outcome.Task is null)
            {
                return Missing(practiceId, taskId);
            }

            HttpContext.AuditPatients([outcome.Task.PatientId]);
            if (outcome.Conflict is { } conflict)
            {
                ModelState.AddModelError("", conflict);
            }

            foreach (var (field, messages) in outcome.Errors)
            {
                // The API names fields in camelCase (outcome, minutes ...); the form's fields are this page's properties.
                var property = char.ToUpperInvariant(field[0]) + field[1..];
                foreach (var message in messages)
                {
                    ModelState.AddModelError(property, message);
                }
            }

            if (outcome.Results is [{ Status: SubmissionStatus.Failed, Error: var error }, ..])
            {
                ModelState.AddModelError("", $"The completion was stored but could not be applied: {error}");
            }

            if (ModelState.IsValid)
            {
                return Redirect($"/practices/{practiceId}/patients/{Uri.EscapeDataString(outcome.Task.PatientId)}?completed={Uri.EscapeDataString(taskId)}");
            }
        }

        return await LoadAsync(practiceId, taskId, cancellationToken) ? Page() : Missing(practiceId, taskId);
    }

    private static ContentResult Missing(string practiceId, string taskId) =>
        PageErrors.NotFound($"Practice {practiceId} has no task '{taskId}'. Open the worklist and pick the task from there.");

    private async Task<bool> LoadAsync(string practiceId, string taskId, CancellationToken cancellationToken)
    {
        if (await queries.TaskAsync(practiceId, taskId, cancellationToken) is not { } task)
        {
            return false;
        }

        HttpContext.AuditPatients([task.PatientId]);
        TaskItem = task;
        var current = definitions.Current;
        Zone = current.Practice(practiceId).TimeZone;
        Contact = await contacts.GetAsync(practiceId, task.PatientId, cancellationToken);
        Goals = await carePlans.GoalsAsync(practiceId, task.PatientId, cancellationToken);
        Form = task.Form is { } form ? current.Forms.GetValueOrDefault(Path.GetFileNameWithoutExtension(form)) : null;
        Script = task.Script is { } script ? await ReadScriptAsync(script, cancellationToken) : null;
        return true;
    }

    // The path comes from a validated definition; it is still kept inside the workflows folder.
    private async Task<string?> ReadScriptAsync(string script, CancellationToken cancellationToken)
    {
        var folder = Path.GetFullPath(options.WorkflowsDirectory);
        var path = Path.GetFullPath(Path.Join(folder, script));
        return path.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal) && System.IO.File.Exists(path)
            ? await System.IO.File.ReadAllTextAsync(path, cancellationToken)
            : null;
    }
}
