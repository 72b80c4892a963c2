using CareWorkflows.Engine.Persistence;
using CareWorkflows.Engine.Records;
using CareWorkflows.Engine.Records.Referrals;
using CareWorkflows.Engine.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;
using CareWorkflows.Host.Access;

namespace CareWorkflows.Host.Api;

/// <summary>
/// Closed-loop referrals: sending one posts referral.sent (the referral-tracking workflow starts and makes the
/// follow-up tasks); each status change posts referral.scheduled, referral.completed or referral.cancelled.
/// </summary>
internal static class ReferralsApi
{
    private static readonly Dictionary<string, (string Event, string[] From)> Moves = new(StringComparer.Ordinal)
    {
        ["scheduled"] = ("referral.scheduled", ["sent"]),
        ["completed"] = ("referral.completed", ["sent", "scheduled"]),
        ["lost"] = ("referral.cancelled", ["sent", "scheduled"]),
    };

    public static RouteGroupBuilder MapReferralsApi(this RouteGroupBuilder practice)
    {
        practice.MapGet("/patients/{patientId}/referrals", ListAsync).WithName("ListReferrals")
            .WithSummary("The patient's referrals, newest first, with status, times and the follow-up tasks of their tracking workflow (overdue: the loop is stalling).")
            .RequirePermission(Permission.PatientsRead);
        practice.MapGet("/patients/{patientId}/referrals/{referralId}", GetAsync).WithName("GetReferral")
            .RequirePermission(Permission.PatientsRead);
        practice.MapPost("/patients/{patientId}/referrals", SendAsync).WithName("SendReferral")
            .WithSummary("Record a referral sent: kind (specialty|community|behavioral-health), to (specialty or organization), reason, by, at; id to make a resend recognised.")
            .RequirePermission(Permission.PatientsWrite);
        practice.MapPost("/patients/{patientId}/referrals/{referralId}/status", MoveAsync).WithName("MoveReferral")
            .WithSummary("Move a referral: status scheduled (appointmentAt), completed, or lost (reason); by, at. Sent -> scheduled -> completed, or lost on the way.")
            .RequirePermission(Permission.PatientsWrite);
        return practice;
    }

    private static async Task<Ok<IReadOnlyList<Referral>>> ListAsync(string practiceId, string patientId, ReferralQueries queries, CancellationToken cancellationToken) =>
        TypedResults.Ok(await queries.ForPatientAsync(practiceId, patientId, cancellationToken));

    private static async Task<Results<Ok<Referral>, NotFound>> GetAsync(string practiceId, string patientId, string referralId, ReferralQueries queries, CancellationToken cancellationToken) =>
        await queries.OneAsync(practiceId, patientId, referralId, cancellationToken) is { } referral ? TypedResults.Ok(referral) : TypedResults.NotFound();

    private static async Task<Results<Ok<ReferralAnswer>, ValidationProblem>> SendAsync(
        string practiceId, string patientId, SendRequest request, DefinitionHistory definitions, RuntimeStore store, ReferralQueries queries, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request.Kind is null || !CareRecordEvents.ReferralKinds.Contains(request.Kind))
        {
            errors["kind"] = [$"Say what kind of referral it is: {string.Join(", ", CareRecordEvents.ReferralKinds)}."];
        }

        if (string.IsNullOrWhiteSpace(request.To) || request.To.Length > 200)
        {
            errors["to"] = ["Name the specialty or organization referred to (e.g. \"cardiology\", \"food bank\"), at most 200 characters."];
        }

        var at = Time(request.At, practiceId, definitions, time, errors);
        CheckCommon(request.Id, request.By, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The referral is not valid; nothing was stored.");
        }

        var referralId = request.Id ?? $"r-{Guid.NewGuid():N}"[..14];
        var data = new Dictionary<string, string>(StringComparer.Ordinal) { ["referral"] = referralId, ["kind"] = request.Kind!, ["to"] = request.To!.Trim() };
        if (!string.IsNullOrWhiteSpace(request.Reason))
        {
            data["reason"] = request.Reason.Trim();
        }

        var results = await store.SubmitAsync([NewEvent(practiceId, patientId, $"referral:{patientId}:{referralId}", "referral.sent", at, request.By!, data)], cancellationToken);
        return TypedResults.Ok(new ReferralAnswer(await queries.OneAsync(practiceId, patientId, referralId, cancellationToken), results[0]));
    }

    private static async Task<Results<Ok<ReferralAnswer>, NotFound, ValidationProblem, ProblemHttpResult>> MoveAsync(
        string practiceId, string patientId, string referralId, MoveRequest request, DefinitionHistory definitions, RuntimeStore store, ReferralQueries queries,
        TimeProvider time, CancellationToken cancellationToken)
    {
        if (await queries.OneAsync(practiceId, patientId, referralId, cancellationToken) is not { } referral)
        {
            return TypedResults.NotFound();
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request.Status is null || !Moves.ContainsKey(request.Status))
        {
            errors["status"] = [$"Move the referral to {string.Join(", ", Moves.Keys)}."];
        }

        var at = Time(request.At, practiceId, definitions, time, errors);
        DateTimeOffset? appointment = request.AppointmentAt is null ? null : Time(request.AppointmentAt, practiceId, definitions, time, errors, "appointmentAt");
        CheckCommon(null, request.By, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The status change is not valid; nothing was stored.");
        }

        var (eventType, from) = Moves[request.Status!];
        if (referral.Status == request.Status)
        {
            return TypedResults.Ok(new ReferralAnswer(referral, new SubmissionResult($"referral:{patientId}:{referralId}:{request.Status}", SubmissionStatus.Duplicate, null, [])));
        }

        if (!from.Contains(referral.Status))
        {
            return TypedResults.Problem($"Referral {referralId} is {referral.Status}; it can move to {request.Status} only from {string.Join(" or ", from)}.",
                statusCode: StatusCodes.Status409Conflict, title: "That referral move is not allowed.");
        }

        var data = new Dictionary<string, string>(StringComparer.Ordinal) { ["referral"] = referralId };
        if (!string.IsNullOrWhiteSpace(request.Reason))
        {
            data["reason"] = request.Reason.Trim();
        }

        if (appointment is { } when)
        {
            data["appointment-at"] = when.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        }

        var results = await store.SubmitAsync([NewEvent(practiceId, patientId, $"referral:{patientId}:{referralId}:{request.Status}", eventType, at, request.By!, data)], cancellationToken);
        return TypedResults.Ok(new ReferralAnswer(await queries.OneAsync(practiceId, patientId, referralId, cancellationToken), results[0]));
    }

    private static WorkflowEvent NewEvent(string practiceId, string patientId, string id, string type, DateTimeOffset at, string by, Dictionary<string, string> data) => new()
    {
        EventId = id,
        PracticeId = practiceId,
        PatientId = patientId,
        Type = type,
        At = at,
        By = by,
        Data = data,
    };

    private static DateTimeOffset Time(string? text, string practiceId, DefinitionHistory definitions, TimeProvider time, Dictionary<string, string[]> errors, string field = "at") =>
        EventRequests.ParseAtOrNow(text, field, definitions.Current.Practice(practiceId).Calendar, time, errors);

    private static void CheckCommon(string? id, string? by, Dictionary<string, string[]> errors)
    {
        if (id is not null && (id.Length is 0 or > 100 || id.Contains(':', StringComparison.Ordinal)))
        {
            errors["id"] = ["A referral id is 1 to 100 characters without ':'."];
        }

        if (string.IsNullOrWhiteSpace(by))
        {
            errors["by"] = ["Name the staff member (their staff id) who records it."];
        }
    }

    internal sealed record SendRequest(string? Id, string? Kind, string? To, string? Reason, string? By, string? At);

    internal sealed record MoveRequest(string? Status, string? AppointmentAt, string? Reason, string? By, string? At);

    internal sealed record ReferralAnswer(Referral? Referral, SubmissionResult Result);
}
