using CareWorkflows.Engine.Contacts;
using CareWorkflows.Engine.Persistence;
using CareWorkflows.Engine.Records.CarePlans;
using CareWorkflows.Engine.Records.Interactions;
using CareWorkflows.Engine.Rules;
using CareWorkflows.Engine.Runtime;
using CareWorkflows.Host.Access;
using Microsoft.AspNetCore.Mvc;

namespace CareWorkflows.Host.Pages.Patients;

/// <summary>A patient: facts, enrollments, running workflows (step and version), tasks, contacts, care plan and the timeline.</summary>
[PagePermission(Permission.PatientsRead)]
internal sealed class PatientModel(CareQueries queries, ContactBook contacts, CarePlanStore carePlans, InteractionQueries interactions, DefinitionHistory definitions)
    : CareflowPage
{
    /// <summary>The task the user just completed, to confirm it.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Completed { get; set; }

    public string PatientId { get; private set; } = "";

    public PatientSummary Summary { get; private set; } = null!;

    public IReadOnlyDictionary<string, string> Facts { get; private set; } = new Dictionary<string, string>();

    public IReadOnlyList<TimelineEntry> Timeline { get; private set; } = [];

    public IReadOnlyList<CareTask> Tasks { get; private set; } = [];

    public IReadOnlyList<Interaction> Interactions { get; private set; } = [];

    public IReadOnlyList<CareGoal> Goals { get; private set; } = [];

    public PatientContact? Contact { get; private set; }

    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;

    /// <summary>/practices/{p}/patients?id=X (the worklist's "open a patient" box) goes to the patient's page.</summary>
    public async Task<IActionResult> OnGetAsync(string practiceId, string? patientId, [FromQuery] string? id, CancellationToken cancellationToken)
    {
        if (patientId is null)
        {
            return string.IsNullOrWhiteSpace(id) ? Redirect($"/practices/{practiceId}/worklist") : Redirect($"/practices/{practiceId}/patients/{Uri.EscapeDataString(id.Trim())}");
        }

        if (await queries.PatientAsync(practiceId, patientId, cancellationToken) is not { } summary)
        {
            return PageErrors.NotFound($"Practice {practiceId} has no patient '{patientId}'. Check the patient id (as the worklist shows it) and try again.");
        }

        PatientId = patientId;
        Summary = summary;
        Facts = FactNames.ToValues(summary.Patient.Facts);
        Zone = definitions.Current.Practice(practiceId).TimeZone;
        Timeline = [.. (await queries.TimelineAsync(practiceId, patientId, 1000, cancellationToken)).Reverse()];
        Tasks = await queries.TasksAsync(practiceId, new TaskFilter { Patient = patientId, Status = "all", Limit = 200 }, cancellationToken);
        Interactions = await interactions.ForPatientAsync(practiceId, patientId, null, 100, cancellationToken);
        Goals = await carePlans.GoalsAsync(practiceId, patientId, cancellationToken);
        Contact = await contacts.GetAsync(practiceId, patientId, cancellationToken);
        return Page();
    }
}
