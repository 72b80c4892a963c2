using System.Text.Json;
using CareWorkflows.Engine.Care;
using CareWorkflows.Engine.Persistence;
using CareWorkflows.Engine.Rules;
using CareWorkflows.Engine.Runtime;
using CareWorkflows.Host.Access;
using CareWorkflows.Host.Audit;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CareWorkflows.Host.Api;

/// <summary>A patient's facts, running workflows and timeline; failed events for review.</summary>
internal static class PatientsApi
{
    public static RouteGroupBuilder MapPatientsApi(this RouteGroupBuilder practice)
    {
        practice.MapGet("/patients/{patientId}", GetAsync).WithName("GetPatient").RequirePermission(Permission.PatientsRead);
        practice.MapPut("/patients/{patientId}/facts", PutFactsAsync).WithName("PutPatientFacts")
            .WithSummary("Set facts (docs/facts.md names, e.g. hba1c, conditions, ed-visits-6m); the enrollment rules run again.")
            .RequirePermission(Permission.PatientsWrite);
        practice.MapGet("/patients/{patientId}/timeline", TimelineAsync).WithName("PatientTimeline").RequirePermission(Permission.PatientsRead);
        practice.MapPost("/patients/{patientId}/enrollments/{program}", EnrollmentAsync).WithName("ChangeEnrollment")
            .WithSummary("Move an enrollment: action offer | enroll | consent | decline | graduate | disenroll | keep. Consent-requiring programs (CCM) need consentType (verbal|written) and by.")
            .RequirePermission(Permission.PatientsWrite);
        practice.MapGet("/inbox/failed", async (string practiceId, HttpContext http, CareQueries queries, CancellationToken cancellationToken) =>
            {
                var failed = await queries.FailedEventsAsync(practiceId, cancellationToken);
                http.AuditPatients(failed.Select(f => f.PatientId));
                return failed;
            })
            .WithName("FailedEvents").WithSummary("Events that were stored but could not be applied, with the error, for review.")
            .RequirePermission(Permission.PatientsRead);
        return practice;
    }

    private static async Task<Results<Ok<PatientResponse>, NotFound>> GetAsync(string practiceId, string patientId, CareQueries queries, CancellationToken cancellationToken)
    {
        if (await queries.PatientAsync(practiceId, patientId, cancellationToken) is not { } summary)
        {
            return TypedResults.NotFound();
        }

        return TypedResults.Ok(new PatientResponse(patientId, FactNames.ToValues(summary.Patient.Facts), summary.Patient.EnrolledAt, summary.Patient.Enrollments,
            [.. summary.Instances.Select(i => new InstanceResponse(i.Id, i.WorkflowId, i.Version, i.Status.ToString().ToLowerInvariant(), i.StepId, i.StartedAt, i.EndedAt, i.EndReason))]));
    }

    private static async Task<Results<Ok<SubmitResponse>, ValidationProblem>> PutFactsAsync(
        string practiceId, string patientId, Dictionary<string, JsonElement> facts, [Microsoft.AspNetCore.Mvc.FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        RuntimeStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in facts)
        {
            var text = value.ValueKind switch
            {
                JsonValueKind.Array => string.Join(',', value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText())),
                JsonValueKind.String => value.GetString()!,
                JsonValueKind.Null => "",
                _ => value.GetRawText(),
            };
            try
            {
                FactNames.Apply(new PatientFacts(), [new(name, text)]);
                values[name] = text;
            }
            catch (FormatException ex)
            {
                errors[name] = [ex.Message];
            }
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Some facts are not valid; nothing was changed.");
        }

        // Setting facts is naturally repeatable, so each request is its own event unless the client names it
        // with an Idempotency-Key (then a resend of that request is recognised).
        var id = idempotencyKey is { Length: > 0 } key ? key : Guid.NewGuid().ToString("N");
        var results = await store.SubmitAsync([new WorkflowEvent
        {
            EventId = $"facts:{patientId}:{id}",
            PracticeId = practiceId,
            PatientId = patientId,
            Type = "patient.updated",
            At = time.GetUtcNow(),
            Data = values,
        }], cancellationToken);
        return TypedResults.Ok(SubmitResponse.From(results));
    }

    private static async Task<Results<Ok<SubmitResponse>, NotFound, ValidationProblem, ProblemHttpResult>> EnrollmentAsync(
        string practiceId, string patientId, string program, EnrollmentRequest request, CareQueries queries, RuntimeStore store, DefinitionHistory definitions, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await queries.PatientAsync(practiceId, patientId, cancellationToken) is not { } summary)
        {
            return TypedResults.NotFound();
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!definitions.Current.Catalog.Programs.TryGetValue(program, out var definition))
        {
            errors["program"] = [$"Unknown program '{program}'. Programs: {string.Join(", ", definitions.Current.Catalog.Programs.Keys)}."];
        }

        if (request.Action is null || (request.Action != "keep" && EnrollmentReview.StatusFor(request.Action) is null))
        {
            errors["action"] = ["Use offer, enroll, consent, decline, graduate, disenroll or keep."];
        }

        if (request.ConsentType is not (null or "verbal" or "written"))
        {
            errors["consentType"] = ["Consent is verbal or written."];
        }

        if (request.ConsentDate is not null && !DateOnly.TryParseExact(request.ConsentDate, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _))
        {
            errors["consentDate"] = ["Write the consent date as YYYY-MM-DD."];
        }

        if ((request.ConsentType is not null || request.Action == "consent") && string.IsNullOrWhiteSpace(request.By))
        {
            errors["by"] = ["A consent records who documented it: give the staff id in 'by'."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var current = summary.Patient.Enrollments.FirstOrDefault(e => e.Program == program);
        if (request.Action != "keep" && !(request.Action == "consent" && current?.Status == EnrollmentStatus.Enrolled))
        {
            var consent = request.ConsentType is null ? null : new Consent(request.ConsentType, DateOnly.FromDateTime(time.GetUtcNow().Date), request.By!);
            var refusal = EnrollmentLifecycle.Refusal(current, program, EnrollmentReview.StatusFor(request.Action!)!.Value, definition!.ConsentRequired, consent);
            if (refusal is not null)
            {
                return TypedResults.Problem(refusal, statusCode: StatusCodes.Status409Conflict, title: "That enrollment change is not allowed.");
            }
        }

        var data = new Dictionary<string, string>(StringComparer.Ordinal) { ["program"] = program, ["action"] = request.Action! };
        AddIf(data, "reason", request.Reason);
        AddIf(data, "consent-type", request.ConsentType);
        AddIf(data, "consent-date", request.ConsentDate);
        var results = await store.SubmitAsync([new WorkflowEvent
        {
            EventId = request.EventId ?? $"enrollment:{patientId}:{program}:{request.Action}:{current?.History.Count ?? 0}",
            PracticeId = practiceId,
            PatientId = patientId,
            Type = "enrollment.updated",
            At = time.GetUtcNow(),
            By = request.By,
            Data = data,
        }], cancellationToken);
        return TypedResults.Ok(SubmitResponse.From(results));
    }

    private static void AddIf(Dictionary<string, string> data, string key, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            data[key] = value;
        }
    }

    private static async Task<Ok<IReadOnlyList<TimelineEntry>>> TimelineAsync(string practiceId, string patientId, int? limit, CareQueries queries, CancellationToken cancellationToken) =>
        TypedResults.Ok(await queries.TimelineAsync(practiceId, patientId, Math.Clamp(limit ?? 1000, 1, 10_000), cancellationToken));

    internal sealed record PatientResponse(string Id, IReadOnlyDictionary<string, string> Facts, DateTimeOffset? EnrolledAt, IReadOnlyList<Enrollment> Enrollments, IReadOnlyList<InstanceResponse> Instances);

    internal sealed record EnrollmentRequest(string? Action, string? By, string? Reason, string? ConsentType, string? ConsentDate, string? EventId);

    internal sealed record InstanceResponse(string Id, string Workflow, int Version, string Status, string Step, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, string? EndReason);
}
