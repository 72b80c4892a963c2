using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Records.Lists;
using CareWorkflows.Engine.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;
using CareWorkflows.Host.Access;

namespace CareWorkflows.Host.Api;

/// <summary>Registry lists (catalog.yaml lists): who is on them, since when, put there by whom, and how to reach them.</summary>
internal static class ListsApi
{
    public static RouteGroupBuilder MapListsApi(this RouteGroupBuilder practice)
    {
        practice.MapGet("/lists/{listId}", GetAsync).WithName("GetRegistryList")
            .WithSummary("A registry list (group-visit-flier, needs-follow-up ...): each patient with when, by whom (or the workflow), contact details, preferred channel and language, care manager.")
            .RequirePermission(Permission.PatientsRead);
        practice.MapPost("/lists/{listId}", AddAsync).WithName("AddToRegistryList")
            .WithSummary("Put a patient on a list by hand (a flier handed out at the desk): patient, by, at.")
            .RequirePermission(Permission.PatientsWrite);
        return practice;
    }

    private static async Task<Results<Ok<RegistryList>, ValidationProblem>> GetAsync(
        string practiceId, string listId, DefinitionHistory definitions, RegistryListStore store, CancellationToken cancellationToken)
    {
        if (UnknownList(listId, definitions) is { } problem)
        {
            return problem;
        }

        return TypedResults.Ok(new RegistryList(listId, definitions.Current.Catalog.Lists[listId], await store.EntriesAsync(practiceId, listId, cancellationToken)));
    }

    private static async Task<Results<Created, Ok, ValidationProblem>> AddAsync(
        string practiceId, string listId, AddRequest request, DefinitionHistory definitions, RegistryListStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        if (UnknownList(listId, definitions) is { } problem)
        {
            return problem;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(request.Patient) || request.Patient.Length > 200)
        {
            errors["patient"] = ["Name the patient by the practice's patient id (never a name or MRN)."];
        }

        if (string.IsNullOrWhiteSpace(request.By))
        {
            errors["by"] = ["Name the staff member (their staff id) who put the patient on the list (who handed out the flier)."];
        }

        var at = EventRequests.ParseAtOrNow(request.At, "at", definitions.Current.Practice(practiceId).Calendar, time, errors);

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Nothing was added to the list.");
        }

        // Already on the list: the first time stays (who got the flier first, and when).
        return await store.AddAsync(practiceId, listId, request.Patient!, at, request.By!, cancellationToken)
            ? TypedResults.Created($"/api/practices/{practiceId}/lists/{listId}")
            : TypedResults.Ok();
    }

    private static ValidationProblem? UnknownList(string listId, DefinitionHistory definitions)
    {
        var lists = definitions.Current.Catalog.Lists;
        return lists.ContainsKey(listId) ? null : TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { ["list"] = [$"Unknown list '{listId}'.{Suggestions.DidYouMean(listId, lists.Keys)} Lists are declared in workflows/catalog.yaml: {string.Join(", ", lists.Keys)}."] });
    }

    internal sealed record AddRequest(string? Patient, string? By, string? At);

    internal sealed record RegistryList(string List, string Title, IReadOnlyList<RegistryListEntry> Entries);
}
