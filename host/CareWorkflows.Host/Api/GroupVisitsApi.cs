using System.Globalization;
using CareWorkflows.Engine.GroupVisits;
using CareWorkflows.Engine.Persistence;
using CareWorkflows.Engine.Reminders;
using CareWorkflows.Engine.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;
using CareWorkflows.Host.Access;

namespace CareWorkflows.Host.Api;

/// <summary>
/// Group medical appointments (seed 000): sessions, who got the flier or an invitation (when, by whom), RSVPs and
/// attendance. An invitation is also a group-visit.scheduled event for the patient, so running workflows learn
/// the session's start (anchor next-group-visit.start) and every message can reinforce its date, time and place.
/// </summary>
internal static class GroupVisitsApi
{
    private static readonly string[] Vias = ["flier", "email", "sms", "portal", "phone", "in-person"];

    public static RouteGroupBuilder MapGroupVisitsApi(this RouteGroupBuilder practice)
    {
        practice.MapPost("/group-visits", CreateAsync).WithName("CreateGroupVisit")
            .WithSummary("A session: topic, start (practice-local without an offset), minutes, place, capacity, facilitator, program; id optional.")
            .RequirePermission(Permission.PatientsWrite);
        practice.MapGet("/group-visits", ListAsync).WithName("ListGroupVisits").WithSummary("Sessions, soonest first; upcoming=true for those not yet started.")
            .RequirePermission(Permission.PatientsRead);
        practice.MapGet("/group-visits/next", NextAsync).WithName("NextGroupVisit")
            .WithSummary("The session to reinforce at every contact with a patient: the next one they were invited to (and did not decline), else the practice's next one.")
            .RequirePermission(Permission.PatientsRead);
        practice.MapGet("/group-visits/{sessionId}", GetAsync).WithName("GetGroupVisit")
            .RequirePermission(Permission.PatientsRead);
        practice.MapPost("/group-visits/{sessionId}/invitations", InviteAsync).WithName("InviteToGroupVisit")
            .WithSummary("Record who got the flier or invitation: patient, by, via (flier, email, sms, portal, phone, in-person), at (default now).")
            .RequirePermission(Permission.PatientsWrite);
        practice.MapPost("/group-visits/{sessionId}/rsvp", RsvpAsync).WithName("GroupVisitRsvp").WithSummary("patient, answer: yes | no | maybe. A yes beyond capacity is refused (409).")
            .RequirePermission(Permission.PatientsWrite);
        practice.MapPost("/group-visits/{sessionId}/attendance", AttendanceAsync).WithName("GroupVisitAttendance").WithSummary("patient, attended: true | false, by.")
            .RequirePermission(Permission.PatientsWrite);
        return practice;
    }

    private static async Task<Results<Created<GroupSession>, ValidationProblem, Conflict<string>>> CreateAsync(
        string practiceId, SessionRequest request, GroupVisitStore store, DefinitionHistory definitions, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Require(errors, "topic", request.Topic, "Say what the session is about, e.g. 'Living well with diabetes'.");
        Require(errors, "place", request.Place, "Say where it takes place.");
        var start = ParseTime(request.Start, definitions.Current.Practice(practiceId));
        if (start is null)
        {
            errors["start"] = ["Give the start as ISO 8601, e.g. 2026-12-08T17:30:00 (practice-local) or with an offset."];
        }

        if (request.Minutes is < 1 or > 24 * 60)
        {
            errors["minutes"] = ["A session lasts 1 to 1440 minutes."];
        }

        if (request.Capacity is < 1 or > 1000)
        {
            errors["capacity"] = ["Capacity is 1 to 1000 patients."];
        }

        if (request.Program is { } program && !definitions.Current.Catalog.Programs.ContainsKey(program))
        {
            errors["program"] = [$"Unknown program '{program}'. Programs: {string.Join(", ", definitions.Current.Catalog.Programs.Keys)}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The session is not valid; nothing was stored.");
        }

        var id = string.IsNullOrWhiteSpace(request.Id) ? "gv-" + Guid.NewGuid().ToString("N")[..10] : request.Id;
        if (await store.GetAsync(practiceId, id, cancellationToken) is not null)
        {
            return TypedResults.Conflict($"Session '{id}' exists already.");
        }

        var session = await store.CreateAsync(practiceId, new SessionInfo(id, request.Topic!, start!.Value, request.Minutes ?? 90, request.Place!, request.Facilitator),
            request.Program, request.Capacity ?? 12, cancellationToken);
        return TypedResults.Created($"/api/practices/{practiceId}/group-visits/{id}", session);
    }

    private static async Task<Ok<IReadOnlyList<GroupSession>>> ListAsync(string practiceId, bool? upcoming, GroupVisitStore store, TimeProvider time, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.ListAsync(practiceId, upcoming == true ? time.GetUtcNow() : null, cancellationToken));

    private static async Task<Results<Ok<SessionInfo>, NotFound, ValidationProblem>> NextAsync(
        string practiceId, string? patient, GroupVisitStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(patient))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["patient"] = ["Name the patient: ?patient=<id>."] });
        }

        return await store.NextSessionForAsync(practiceId, patient, time.GetUtcNow(), cancellationToken) is { } session ? TypedResults.Ok(session) : TypedResults.NotFound();
    }

    private static async Task<Results<Ok<GroupSession>, NotFound>> GetAsync(string practiceId, string sessionId, GroupVisitStore store, CancellationToken cancellationToken) =>
        await store.GetAsync(practiceId, sessionId, cancellationToken) is { } session ? TypedResults.Ok(session) : TypedResults.NotFound();

    private static async Task<Results<Ok<SubmitResponse>, NotFound, ValidationProblem>> InviteAsync(
        string practiceId, string sessionId, InvitationRequest request, GroupVisitStore store, RuntimeStore runtime, DefinitionHistory definitions, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Require(errors, "patient", request.Patient, "Name the patient (their id in the practice).");
        var via = request.Via ?? "flier";
        if (!Vias.Contains(via))
        {
            errors["via"] = [$"Use {string.Join(", ", Vias)}."];
        }

        var at = request.At is null ? time.GetUtcNow() : ParseTime(request.At, definitions.Current.Practice(practiceId));
        if (at is null)
        {
            errors["at"] = ["Give the time as ISO 8601, or leave it out for now."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (await store.InviteAsync(practiceId, sessionId, request.Patient!, request.By, via, at!.Value, cancellationToken) != GroupVisitRefusal.None)
        {
            return TypedResults.NotFound();
        }

        var session = (await store.GetAsync(practiceId, sessionId, cancellationToken))!.Session;
        var results = await runtime.SubmitAsync([new WorkflowEvent
        {
            EventId = $"group-visit:{sessionId}:{request.Patient}",
            PracticeId = practiceId,
            PatientId = request.Patient!,
            Type = "group-visit.scheduled",
            At = at.Value,
            By = request.By,
            Data = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["start"] = session.Start.ToString("O", CultureInfo.InvariantCulture),
                ["place"] = session.Place,
                ["session"] = session.Id,
                ["topic"] = session.Topic,
            },
        }], cancellationToken);
        return TypedResults.Ok(SubmitResponse.From(results));
    }

    private static async Task<Results<NoContent, NotFound, ValidationProblem, Conflict<string>>> RsvpAsync(
        string practiceId, string sessionId, RsvpRequest request, GroupVisitStore store, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Require(errors, "patient", request.Patient, "Name the patient.");
        if (request.Answer is not ("yes" or "no" or "maybe"))
        {
            errors["answer"] = ["Use yes, no or maybe."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return await store.RsvpAsync(practiceId, sessionId, request.Patient!, request.Answer!, cancellationToken) switch
        {
            GroupVisitRefusal.None => TypedResults.NoContent(),
            GroupVisitRefusal.Full => TypedResults.Conflict($"Session '{sessionId}' is full: every seat is taken by a yes. Offer the next session."),
            GroupVisitRefusal.NotInvited => TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["patient"] = ["The patient was not invited to this session: record the invitation first."] }),
            _ => TypedResults.NotFound(),
        };
    }

    private static async Task<Results<NoContent, NotFound, ValidationProblem>> AttendanceAsync(
        string practiceId, string sessionId, AttendanceRequest request, GroupVisitStore store, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Patient) || request.Attended is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["patient"] = ["Name the patient and say whether they came (attended: true or false)."] });
        }

        return await store.AttendanceAsync(practiceId, sessionId, request.Patient, request.Attended.Value, request.By, cancellationToken) switch
        {
            GroupVisitRefusal.None => TypedResults.NoContent(),
            GroupVisitRefusal.NotInvited => TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["patient"] = ["The patient was not invited to this session: record the invitation first."] }),
            _ => TypedResults.NotFound(),
        };
    }

    private static DateTimeOffset? ParseTime(string? text, Engine.Definitions.PracticeSettings practice)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var hasOffset = text.EndsWith('Z') || text.Length > 19 && (text.LastIndexOf('+') > 18 || text.LastIndexOf('-') > 18);
        if (hasOffset)
        {
            return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant) ? instant : null;
        }

        return DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            ? practice.Calendar.AtLocalTime(DateOnly.FromDateTime(local), TimeOnly.FromDateTime(local))
            : null;
    }

    private static void Require(Dictionary<string, string[]> errors, string field, string? value, string hint)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors[field] = [hint];
        }
    }

    internal sealed record SessionRequest(string? Id, string? Topic, string? Start, int? Minutes, string? Place, int? Capacity, string? Facilitator, string? Program);

    internal sealed record InvitationRequest(string? Patient, string? By, string? Via, string? At);

    internal sealed record RsvpRequest(string? Patient, string? Answer);

    internal sealed record AttendanceRequest(string? Patient, bool? Attended, string? By);
}
