using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Diagrams;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CareWorkflows.Host.Api;

/// <summary>Health and the loaded definitions.</summary>
internal static class DefinitionsApi
{
    public static RouteGroupBuilder MapDefinitionsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/health", (DefinitionSet definitions, TimeProvider time) =>
            TypedResults.Ok(new HealthResponse("healthy", time.GetUtcNow(), definitions.Workflows.Count)))
            .WithName("Health");

        api.MapGet("/definitions", (DefinitionSet definitions) =>
            TypedResults.Ok(definitions.Workflows.Select(w => new DefinitionSummary(w.Id, w.Version, w.Title, w.Practice, w.StartsOn, w.Steps.Count, "valid"))))
            .WithName("ListDefinitions");

        api.MapGet("/definitions/{id}/diagram", Results<ContentHttpResult, NotFound<string>> (string id, string? practice, DefinitionSet definitions) =>
            definitions.WorkflowFor(id, practice) is { } workflow
                ? TypedResults.Text(MermaidDiagram.Render(workflow), "text/vnd.mermaid")
                : TypedResults.NotFound($"There is no workflow '{id}'."))
            .WithName("DefinitionDiagram");
        return api;
    }

    internal sealed record HealthResponse(string Status, DateTimeOffset At, int Workflows);

    internal sealed record DefinitionSummary(string Id, int Version, string Title, string? Practice, string StartsOn, int Steps, string Validation);
}
