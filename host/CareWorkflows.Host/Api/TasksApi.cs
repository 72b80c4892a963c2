using System.Globalization;
using CareWorkflows.Engine.Persistence;
using CareWorkflows.Host.Access;
using CareWorkflows.Host.Audit;
using CareWorkflows.Engine.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CareWorkflows.Host.Api;

/// <summary>The worklist: list and filter tasks, claim one, complete one with outcome, minutes and note.</summary>
internal static class TasksApi
{
    public static RouteGroupBuilder MapTasksApi(this RouteGroupBuilder practice)
    {
        practice.MapGet("/tasks", ListAsync).WithName("ListTasks")
            .WithSummary("Tasks of the practice, soonest due first. Filters: role, assignee, patient, status (open|completed|cancelled|all), overdue, dueBefore, kind (task|outreach|escalation), limit.")
            .RequirePermission(Permission.PatientsRead);
        practice.MapGet("/tasks/{taskId}", GetAsync).WithName("GetTask").RequirePermission(Permission.PatientsRead);
        practice.MapPost("/tasks/{taskId}/claim", ClaimAsync).WithName("ClaimTask").RequirePermission(Permission.PatientsWrite);
        practice.MapPost("/tasks/{taskId}/complete", CompleteAsync).WithName("CompleteTask")
            .WithSummary("Complete a task with an outcome (one of the task's outcomes), minutes of staff time, a note, and for the interaction it records: channel, obstacles, faceToFace.")
            .RequirePermission(Permission.PatientsWrite);
        return practice;
    }

    private static async Task<Results<Ok<IReadOnlyList<CareTask>>, ValidationProblem>> ListAsync(
        string practiceId, string? role, string? assignee, string? patient, string? status, bool? overdue, string? dueBefore, string? kind, int? limit,
        HttpContext http, CareQueries queries, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (status is not (null or "open" or "completed" or "cancelled" or "all"))
        {
            errors["status"] = ["Use open, completed, cancelled or all."];
        }

        if (kind is not (null or "task" or "outreach" or "escalation"))
        {
            errors["kind"] = ["Use task, outreach or escalation."];
        }

        DateTimeOffset? before = null;
        if (dueBefore is not null)
        {
            if (DateTimeOffset.TryParse(dueBefore, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            {
                before = parsed;
            }
            else
            {
                errors["dueBefore"] = [$"'{dueBefore}' is not a time; use ISO 8601 with an offset."];
            }
        }

        if (limit is < 1 or > 5000)
        {
            errors["limit"] = ["Ask for 1 to 5000 tasks."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var filter = new TaskFilter
        {
            Role = role,
            Assignee = assignee,
            Patient = patient,
            Status = status ?? "open",
            Overdue = overdue,
            DueBefore = before,
            Kind = kind,
            Limit = limit ?? 200,
        };
        var tasks = await queries.TasksAsync(practiceId, filter, cancellationToken);
        http.AuditPatients(tasks.Select(t => t.PatientId));
        return TypedResults.Ok(tasks);
    }

    private static async Task<Results<Ok<CareTask>, NotFound>> GetAsync(string practiceId, string taskId, HttpContext http, CareQueries queries, CancellationToken cancellationToken)
    {
        if (await queries.TaskAsync(practiceId, taskId, cancellationToken) is not { } task)
        {
            return TypedResults.NotFound();
        }

        http.AuditPatients([task.PatientId]);
        return TypedResults.Ok(task);
    }

    private static async Task<Results<NoContent, NotFound, ValidationProblem>> ClaimAsync(
        string practiceId, string taskId, ClaimRequest request, HttpContext http, CareQueries queries, RuntimeStore store, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Assignee))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["assignee"] = ["Name the staff member (their staff id) who takes the task."] });
        }

        if (await queries.TaskAsync(practiceId, taskId, cancellationToken) is { } task)
        {
            http.AuditPatients([task.PatientId]);
        }

        return await store.ClaimAsync(practiceId, taskId, request.Assignee, cancellationToken) ? TypedResults.NoContent() : TypedResults.NotFound();
    }

    private static async Task<Results<Ok<SubmitResponse>, NotFound, ValidationProblem, Conflict<string>>> CompleteAsync(
        string practiceId, string taskId, CompleteRequest request, HttpContext http, TaskCompletion completion, CancellationToken cancellationToken)
    {
        var outcome = await completion.CompleteAsync(practiceId, taskId, request, cancellationToken);
        if (outcome.Task is not { } task)
        {
            return TypedResults.NotFound();
        }

        http.AuditPatients([task.PatientId]);
        return outcome switch
        {
            { Conflict: { } conflict } => TypedResults.Conflict(conflict),
            { Errors.Count: > 0 } => TypedResults.ValidationProblem(outcome.Errors),
            _ => TypedResults.Ok(SubmitResponse.From(outcome.Results!)),
        };
    }

    internal sealed record ClaimRequest(string? Assignee);

    internal sealed record CompleteRequest(string? Outcome, int? Minutes, string? Note, string? By, string? EventId, string? Channel, IReadOnlyList<string>? Obstacles, bool FaceToFace);
}
