using CareWorkflows.Engine.Persistence;
using CareWorkflows.Engine.Reports;
using CareWorkflows.Engine.Runtime;

namespace CareWorkflows.Host.Api;

/// <summary>What completing a task came to: not found, refused with field errors, a conflict, or submitted.</summary>
internal sealed record CompletionOutcome(CareTask? Task, IReadOnlyDictionary<string, string[]> Errors, string? Conflict, IReadOnlyList<SubmissionResult>? Results)
{
    public bool NotFound => Task is null;
}

/// <summary>
/// Completing a task with outcome, minutes, note, channel and obstacles: the one path the API's complete endpoint and
/// the worklist page both take, so a completion records the same task.completed event and interaction either way.
/// </summary>
internal sealed class TaskCompletion(CareQueries queries, RuntimeStore store, BillingRulesSource billing, TimeProvider time)
{
    private static readonly Dictionary<string, string[]> NoErrors = new(StringComparer.Ordinal);

    /// <summary>The channels an interaction may name (rules/codes/billing.yaml contacts.channels).</summary>
    public IReadOnlyList<string> Channels => billing.Current.Contacts.Channels;

    public async Task<CompletionOutcome> CompleteAsync(string practiceId, string taskId, TasksApi.CompleteRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (await queries.TaskAsync(practiceId, taskId, cancellationToken) is not { } task)
        {
            return new CompletionOutcome(null, NoErrors, null, null);
        }

        var eventId = request.EventId ?? $"complete:{taskId}";
        if (task.Status != CareTaskStatus.Open)
        {
            // A resend of the completion that was already applied is a duplicate, not a conflict.
            return request.EventId is null || task.CompletedAt is not null
                ? new CompletionOutcome(task, NoErrors, null, [new SubmissionResult(eventId, SubmissionStatus.Duplicate, null, [])])
                : new CompletionOutcome(task, NoErrors, $"Task {taskId} is {task.Status.ToString().ToLowerInvariant()}.", null);
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (task.Outcomes.Count > 0 && (request.Outcome is null || !task.Outcomes.Contains(request.Outcome)))
        {
            errors["outcome"] = [$"Record one of this task's outcomes: {string.Join(", ", task.Outcomes)}."];
        }

        if (request.Minutes is < 0 or > 24 * 60)
        {
            errors["minutes"] = ["Minutes of staff time must be between 0 and 1440."];
        }

        var channels = Channels;
        if (request.Channel is not null && !channels.Contains(request.Channel))
        {
            errors["channel"] = [$"Unknown channel '{request.Channel}'. Use {string.Join(", ", channels)} (rules/codes/billing.yaml contacts.channels), or leave it out."];
        }

        if (request.Obstacles?.Any(o => string.IsNullOrWhiteSpace(o) || o.Contains(',', StringComparison.Ordinal)) == true)
        {
            errors["obstacles"] = ["Name each obstacle on its own (e.g. \"transport\", \"cost\"), without commas."];
        }

        if (errors.Count > 0)
        {
            return new CompletionOutcome(task, errors, null, null);
        }

        // The completion also records an interaction (engine Records/): channel, obstacles and face-to-face travel as event data.
        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        if (request.Channel is not null)
        {
            data["channel"] = request.Channel;
        }

        if (request.Obstacles is { Count: > 0 } obstacles)
        {
            data["obstacles"] = string.Join(',', obstacles.Select(o => o.Trim()));
        }

        if (request.FaceToFace)
        {
            data["face-to-face"] = "true";
        }

        var results = await store.SubmitAsync([new WorkflowEvent
        {
            EventId = eventId,
            PracticeId = practiceId,
            PatientId = task.PatientId,
            Type = WorkflowEvent.TaskCompleted,
            At = time.GetUtcNow(),
            TaskId = taskId,
            Outcome = request.Outcome,
            Minutes = request.Minutes,
            Note = request.Note,
            By = request.By,
            Data = data,
        }], cancellationToken);
        return new CompletionOutcome(task, NoErrors, null, results);
    }
}
