using System.Text.Json;
using CareWorkflows.Engine.Persistence;
using CareWorkflows.Engine.Runtime;
using CareWorkflows.Host.Access;
using CareWorkflows.Host.Audit;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CareWorkflows.Host.Api;

/// <summary>POST events, one or a batch: stored, applied and committed before the answer.</summary>
internal static class EventsApi
{
    public static RouteGroupBuilder MapEventsApi(this RouteGroupBuilder practice)
    {
        practice.MapPost("/events", SubmitAsync)
            .WithName("PostEvents")
            .WithSummary("Post one event or a batch (JSON array). Each is applied once, in order per patient; a resend with the same id is answered 'duplicate'.")
            .RequirePermission(Permission.PatientsWrite);
        return practice;
    }

    private static async Task<Results<Ok<SubmitResponse>, ValidationProblem>> SubmitAsync(
        string practiceId, JsonElement body, HttpContext http, DefinitionHistory definitions, RuntimeStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var (requests, parseErrors) = EventRequests.Parse(body);
        if (parseErrors.Count > 0)
        {
            return TypedResults.ValidationProblem(parseErrors, title: "The events could not be read; nothing was stored.");
        }

        var (events, errors) = EventRequests.ToEvents(requests, body.ValueKind == JsonValueKind.Array, practiceId, definitions.Current, time.GetUtcNow());
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Some events are not valid; nothing was stored. Fix the fields named and send again.");
        }

        http.AuditPatients(events.Select(e => e.PatientId));
        // The audit entry goes into the events' own transaction: one commit answers the request.
        var audit = http.Features.Get<PendingAudit>();
        var results = await store.SubmitAsync(events, cancellationToken, audit?.Entry(StatusCodes.Status200OK));
        audit?.MarkWritten();
        return TypedResults.Ok(SubmitResponse.From(results));
    }
}

/// <summary>The answer to a post of events.</summary>
internal sealed record SubmitResponse(int Applied, int Duplicates, int Failed, IReadOnlyList<SubmissionResult> Results)
{
    public static SubmitResponse From(IReadOnlyList<SubmissionResult> results) => new(
        results.Count(r => r.Status == SubmissionStatus.Applied),
        results.Count(r => r.Status == SubmissionStatus.Duplicate),
        results.Count(r => r.Status == SubmissionStatus.Failed),
        results);
}
