using CareWorkflows.Engine.Records.CareTeam;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CareWorkflows.Host.Api;

/// <summary>A patient's contact details (for the needs-follow-up list) and care manager (for caseloads and member lists).</summary>
internal static class CareTeamApi
{
    public static RouteGroupBuilder MapCareTeamApi(this RouteGroupBuilder practice)
    {
        practice.MapGet("/patients/{patientId}/contact", GetContactAsync).WithName("GetPatientContact");
        practice.MapPut("/patients/{patientId}/contact", PutContactAsync).WithName("PutPatientContact")
            .WithSummary("How to reach the patient: phone, email, bestTime; by. Shown on registry lists to the care team; never logged.");
        practice.MapGet("/patients/{patientId}/care-manager", GetCareManagerAsync).WithName("GetCareManager");
        practice.MapPut("/patients/{patientId}/care-manager", PutCareManagerAsync).WithName("AssignCareManager")
            .WithSummary("Assign the patient's care manager: staff (staff id), by.");
        return practice;
    }

    private static async Task<Results<Ok<PatientContact>, NotFound>> GetContactAsync(string practiceId, string patientId, CareTeamStore store, CancellationToken cancellationToken) =>
        await store.ContactAsync(practiceId, patientId, cancellationToken) is { } contact ? TypedResults.Ok(contact) : TypedResults.NotFound();

    private static async Task<Results<Ok<PatientContact>, ValidationProblem>> PutContactAsync(
        string practiceId, string patientId, ContactRequest request, CareTeamStore store, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request.Phone is { } phone && (phone.Length > 40 || !phone.All(c => char.IsDigit(c) || c is '+' or ' ' or '-' or '(' or ')' or '.')))
        {
            errors["phone"] = ["A phone number has digits, spaces and + - ( ) . only, at most 40 characters."];
        }

        if (request.Email is { } email && (email.Length > 200 || !email.Contains('@', StringComparison.Ordinal)))
        {
            errors["email"] = ["An email address has an @ and at most 200 characters."];
        }

        if (request.BestTime is { Length: > 200 })
        {
            errors["bestTime"] = ["Keep the best time to call short: at most 200 characters."];
        }

        if (request.Phone is null && request.Email is null)
        {
            errors["phone"] = ["Give a phone number or an email address (or both)."];
        }

        if (string.IsNullOrWhiteSpace(request.By))
        {
            errors["by"] = ["Name the staff member (their staff id) who records the contact details."];
        }

        return errors.Count > 0
            ? TypedResults.ValidationProblem(errors, title: "The contact details are not valid; nothing was stored.")
            : TypedResults.Ok(await store.SetContactAsync(practiceId, patientId, request.Phone, request.Email, request.BestTime, request.By!, cancellationToken));
    }

    private static async Task<Results<Ok<CareManagerAssignment>, NotFound>> GetCareManagerAsync(string practiceId, string patientId, CareTeamStore store, CancellationToken cancellationToken) =>
        await store.CareManagerAsync(practiceId, patientId, cancellationToken) is { } assignment ? TypedResults.Ok(assignment) : TypedResults.NotFound();

    private static async Task<Results<Ok<CareManagerAssignment>, ValidationProblem>> PutCareManagerAsync(
        string practiceId, string patientId, CareManagerRequest request, CareTeamStore store, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Staff) || request.Staff.Length > 200)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["staff"] = ["Name the care manager by their staff id (1 to 200 characters)."] });
        }

        return TypedResults.Ok(await store.AssignAsync(practiceId, patientId, request.Staff.Trim(), request.By, cancellationToken));
    }

    internal sealed record ContactRequest(string? Phone, string? Email, string? BestTime, string? By);

    internal sealed record CareManagerRequest(string? Staff, string? By);
}
