using CareWorkflows.Engine.Records.CareTeam;
using Microsoft.AspNetCore.Http.HttpResults;
using CareWorkflows.Host.Access;

namespace CareWorkflows.Host.Api;

/// <summary>A patient's care manager (for caseloads and member lists). Contact details are the contacts API's (ContactsApi).</summary>
internal static class CareTeamApi
{
    public static RouteGroupBuilder MapCareTeamApi(this RouteGroupBuilder practice)
    {
        practice.MapGet("/patients/{patientId}/care-manager", GetCareManagerAsync).WithName("GetCareManager")
            .RequirePermission(Permission.PatientsRead);
        practice.MapPut("/patients/{patientId}/care-manager", PutCareManagerAsync).WithName("AssignCareManager")
            .WithSummary("Assign the patient's care manager: staff (staff id), by.")
            .RequirePermission(Permission.PatientsWrite);
        return practice;
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

    internal sealed record CareManagerRequest(string? Staff, string? By);
}
