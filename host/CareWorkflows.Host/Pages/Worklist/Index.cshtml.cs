using CareWorkflows.Engine.Persistence;
using CareWorkflows.Engine.Runtime;
using CareWorkflows.Host.Access;
using CareWorkflows.Host.Audit;
using Microsoft.AspNetCore.Mvc;

namespace CareWorkflows.Host.Pages.Worklist;

/// <summary>The worklist of a practice: my tasks (by staff id) or the team's (by role), by due, overdue and program.</summary>
[PagePermission(Permission.PatientsRead)]
internal sealed class IndexModel(CareQueries queries, DefinitionHistory definitions, TimeProvider time) : CareflowPage
{
    [BindProperty(SupportsGet = true)]
    public string? Role { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Assignee { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Program { get; set; }

    /// <summary>any, today (due by the end of today) or week (due within 7 days).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Due { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Overdue { get; set; }

    public IReadOnlyList<CareTask> Tasks { get; private set; } = [];

    public IReadOnlyList<string> Roles { get; private set; } = [];

    public IReadOnlyList<string> Programs { get; private set; } = [];

    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;

    public async Task OnGetAsync(string practiceId, CancellationToken cancellationToken)
    {
        var current = definitions.Current;
        var practice = current.Practice(practiceId);
        Zone = practice.TimeZone;
        Roles = [.. current.Catalog.Roles.Keys.Order(StringComparer.Ordinal)];
        Programs = [.. current.Catalog.Programs.Keys.Order(StringComparer.Ordinal)];
        var now = time.GetUtcNow();
        DateTimeOffset? before = Due switch
        {
            "today" => practice.Calendar.AtLocalTime(practice.Calendar.LocalDate(now).AddDays(1), TimeOnly.MinValue),
            "week" => now.AddDays(7),
            _ => null,
        };
        var tasks = await queries.TasksAsync(practiceId, new TaskFilter
        {
            Role = string.IsNullOrWhiteSpace(Role) ? null : Role,
            Assignee = string.IsNullOrWhiteSpace(Assignee) ? null : Assignee.Trim(),
            Overdue = Overdue ? true : null,
            DueBefore = before,
            Limit = 500,
        }, cancellationToken);
        if (!string.IsNullOrWhiteSpace(Program))
        {
            // A task belongs to a program through its workflow; a workflow that names no programs serves every patient.
            var served = current.Workflows.Where(w => w.Programs.Count == 0 || w.Programs.Contains(Program)).Select(w => w.Id).ToHashSet(StringComparer.Ordinal);
            tasks = [.. tasks.Where(t => served.Contains(t.WorkflowId))];
        }

        Tasks = tasks;
        HttpContext.AuditPatients(tasks.Select(t => t.PatientId));
    }
}
