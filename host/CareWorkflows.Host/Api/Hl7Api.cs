using CareWorkflows.Engine.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using CareWorkflows.Host.Access;

namespace CareWorkflows.Host.Api;

/// <summary>
/// HL7 v2 messages answered AE or AR, for review: per practice with the message text, and, outside any practice,
/// those whose header named no practice, without their text (it may hold any practice's patient data; it is in
/// the hl7_rejected table of the database).
/// </summary>
internal static class Hl7Api
{
    private const int MaxLimit = 1000;

    public static RouteGroupBuilder MapHl7PracticeApi(this RouteGroupBuilder practice)
    {
        practice.MapGet("/hl7/rejected", ListAsync)
            .WithName("RejectedHl7Messages")
            .WithSummary("HL7 v2 messages of the practice answered AE or AR, newest first, with the segment and field at fault and the message as received.")
            .RequirePermission(Permission.PatientsRead);
        return practice;
    }

    public static RouteGroupBuilder MapHl7Api(this RouteGroupBuilder api)
    {
        api.MapGet("/hl7/rejected", (int? limit, RejectedMessageStore store, CancellationToken cancellationToken) => ListAsync("", limit, store, cancellationToken))
            .WithName("UnattributedHl7Messages")
            .WithSummary("HL7 v2 messages whose header named no practice (garbled, unknown facility), newest first, without their text.")
            .RequirePermission(Permission.AuditRead);
        return api;
    }

    private static async Task<Results<Ok<IReadOnlyList<RejectedMessage>>, ValidationProblem>> ListAsync(string practiceId, int? limit, RejectedMessageStore store, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [$"limit must be between 1 and {MaxLimit}."] });
        }

        return TypedResults.Ok(await store.ListAsync(practiceId, limit ?? 200, cancellationToken));
    }
}
