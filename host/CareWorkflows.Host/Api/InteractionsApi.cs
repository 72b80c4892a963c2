using CareWorkflows.Engine.Persistence;
using CareWorkflows.Engine.Records.Interactions;
using CareWorkflows.Engine.Records.TimeLog;
using CareWorkflows.Engine.Reports;
using CareWorkflows.Engine.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;
using CareWorkflows.Host.Access;

namespace CareWorkflows.Host.Api;

/// <summary>A patient's interactions (contact attempts and care-management work) and their time log per calendar month.</summary>
internal static class InteractionsApi
{
    public static RouteGroupBuilder MapInteractionsApi(this RouteGroupBuilder practice)
    {
        practice.MapGet("/patients/{patientId}/interactions", ListAsync).WithName("ListInteractions")
            .WithSummary("The patient's interactions, newest first: channel, outcome, obstacles, minutes, staff, role, face to face. Filters: month (YYYY-MM, practice-local), limit.")
            .RequirePermission(Permission.PatientsRead);
        practice.MapPost("/patients/{patientId}/interactions", RecordAsync).WithName("RecordInteraction")
            .WithSummary("Record a contact attempt or piece of care-management work not tied to a task: channel, outcome, obstacles, minutes, by (staff id), role, faceToFace, at, note. Send an id to make a resend recognised.")
            .RequirePermission(Permission.PatientsWrite);
        practice.MapGet("/patients/{patientId}/time", TimeAsync).WithName("PatientTimeLog")
            .WithSummary("The patient's time log per practice-local calendar month: minutes by role, minutes that count for CCM/PCM, codes reached, the next code. Filter: month (YYYY-MM).")
            .RequirePermission(Permission.PatientsRead);
        return practice;
    }

    private static async Task<Results<Ok<IReadOnlyList<Interaction>>, ValidationProblem>> ListAsync(
        string practiceId, string patientId, string? month, int? limit, InteractionQueries queries, CancellationToken cancellationToken)
    {
        if (month is not null && ReportMonth.Parse(month) is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["month"] = [ReportMonth.Problem(month)] });
        }

        return TypedResults.Ok(await queries.ForPatientAsync(practiceId, patientId, month, Math.Clamp(limit ?? 500, 1, 5000), cancellationToken));
    }

    private static async Task<Results<Ok<InteractionAnswer>, ValidationProblem>> RecordAsync(
        string practiceId, string patientId, InteractionRequest request, DefinitionHistory definitions, BillingRulesSource billing, RuntimeStore store,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var current = definitions.Current;
        var channels = billing.Current.Contacts.Channels;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request.Channel is null || !channels.Contains(request.Channel))
        {
            errors["channel"] = [$"Name the channel: {string.Join(", ", channels)} (rules/codes/billing.yaml contacts.channels)."];
        }

        if (request.Minutes is null or < 0 or > 24 * 60)
        {
            errors["minutes"] = ["Minutes of staff time must be between 0 and 1440."];
        }

        if (string.IsNullOrWhiteSpace(request.By))
        {
            errors["by"] = ["Name the staff member (their staff id) who made the contact."];
        }

        if (request.Role is null || !current.Catalog.Roles.ContainsKey(request.Role))
        {
            errors["role"] = [$"Name the staff member's role ({string.Join(", ", current.Catalog.Roles.Keys)}): it decides whether the minutes count as clinical-staff time."];
        }

        if (request.Obstacles?.Any(o => string.IsNullOrWhiteSpace(o) || o.Contains(',', StringComparison.Ordinal)) == true)
        {
            errors["obstacles"] = ["Name each obstacle on its own (e.g. \"transport\", \"cost\"), without commas."];
        }

        var at = EventRequests.ParseAtOrNow(request.At, "at", current.Practice(practiceId).Calendar, time, errors);

        if (request.Id is { Length: 0 or > 200 })
        {
            errors["id"] = ["An id is 1 to 200 characters."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The interaction is not valid; nothing was stored.");
        }

        var data = new Dictionary<string, string>(StringComparer.Ordinal) { ["channel"] = request.Channel!, ["role"] = request.Role!, ["face-to-face"] = request.FaceToFace ? "true" : "false" };
        if (request.Obstacles is { Count: > 0 } obstacles)
        {
            data["obstacles"] = string.Join(',', obstacles.Select(o => o.Trim()));
        }

        var eventId = $"interaction:{patientId}:{request.Id ?? Guid.NewGuid().ToString("N")}";
        var results = await store.SubmitAsync([new WorkflowEvent
        {
            EventId = eventId,
            PracticeId = practiceId,
            PatientId = patientId,
            Type = Interaction.RecordedEvent,
            At = at,
            Outcome = request.Outcome,
            Minutes = request.Minutes,
            Note = request.Note,
            By = request.By,
            Data = data,
        }], cancellationToken);
        return TypedResults.Ok(new InteractionAnswer(Interaction.IdFor(practiceId, eventId), results[0]));
    }

    private static async Task<Results<Ok<IReadOnlyList<MonthlyTime>>, ValidationProblem>> TimeAsync(
        string practiceId, string patientId, string? month, InteractionQueries interactions, CareQueries queries, DefinitionHistory definitions,
        BillingRulesSource billing, CancellationToken cancellationToken)
    {
        var only = month is null ? null : ReportMonth.Parse(month);
        if (month is not null && only is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["month"] = [ReportMonth.Problem(month)] });
        }

        var current = definitions.Current;
        var calendar = current.Practice(practiceId).Calendar;
        var enrollments = (await queries.PatientAsync(practiceId, patientId, cancellationToken))?.Patient.Enrollments ?? [];
        var all = await interactions.ForPatientAsync(practiceId, patientId, month, int.MaxValue, cancellationToken);
        var months = all.GroupBy(i => i.Month, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        if (only is not null)
        {
            months.TryAdd(only.Text, []);
        }

        return TypedResults.Ok<IReadOnlyList<MonthlyTime>>([.. months.OrderByDescending(m => m.Key, StringComparer.Ordinal).Select(m =>
        {
            var parsed = ReportMonth.Parse(m.Key)!;
            var enrolled = MonthlyTime.EnrolledDuring(enrollments, parsed.Start(calendar), parsed.End(calendar));
            return MonthlyTime.Tally(m.Key, m.Value, enrolled, current.Catalog, billing.Current);
        })]);
    }

    internal sealed record InteractionRequest(
        string? Id, string? At, string? Channel, string? Outcome, IReadOnlyList<string>? Obstacles, int? Minutes, string? By, string? Role, bool FaceToFace, string? Note);

    internal sealed record InteractionAnswer(string InteractionId, SubmissionResult Result);
}
