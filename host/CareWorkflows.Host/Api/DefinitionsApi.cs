using CareWorkflows.Engine.Diagrams;
using CareWorkflows.Engine.Persistence;
using CareWorkflows.Engine.Runtime;
using CareWorkflows.Host.Access;
using CareWorkflows.Host.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CareWorkflows.Host.Api;

/// <summary>Health and the loaded definitions with their versions and validation state.</summary>
internal static class DefinitionsApi
{
    public static RouteGroupBuilder MapHealthApi(this RouteGroupBuilder api)
    {
        api.MapGet("/health", async Task<Results<Ok<HealthResponse>, ProblemHttpResult>> (CareQueries queries, DefinitionHistory definitions, TimeProvider time, CancellationToken cancellationToken) =>
        {
            try
            {
                var (open, timers, running) = await queries.CountsAsync(cancellationToken);
                return TypedResults.Ok(new HealthResponse("healthy", time.GetUtcNow(), definitions.Current.Workflows.Count, open, timers, running));
            }
            catch (Microsoft.Data.Sqlite.SqliteException ex)
            {
                return TypedResults.Problem($"The database cannot be read: {ex.Message}", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        }).WithName("Health").AllowAnonymous();
        return api;
    }

    public static RouteGroupBuilder MapDefinitionsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/definitions", (DefinitionHistory history, DefinitionWatcher watcher) =>
            TypedResults.Ok(new DefinitionsResponse(
                [.. history.Current.Workflows.Select(w => new DefinitionSummary(w.Id, w.Version, w.Title, w.Practice, w.StartsOn, w.Steps.Count))],
                [.. history.All().Select(w => $"{w.Id}@{w.Version}{(w.Practice is null ? "" : $"/{w.Practice}")}").Order(StringComparer.Ordinal)],
                watcher.LastReload is { Errors.Count: > 0 } failed ? "last edit refused" : "valid",
                watcher.LastReload?.Errors.Select(e => e.ToString()).ToList() ?? [])))
            .WithName("ListDefinitions")
            .WithSummary("The workflows new instances start on, every version still known to running instances, and whether the last edit of the files was refused.")
            .RequirePermission(Permission.DefinitionsRead);

        api.MapGet("/definitions/{id}/diagram", Results<ContentHttpResult, NotFound<string>> (string id, string? practice, DefinitionHistory history) =>
            history.Current.WorkflowFor(id, practice) is { } workflow
                ? TypedResults.Text(MermaidDiagram.Render(workflow), "text/vnd.mermaid")
                : TypedResults.NotFound($"There is no workflow '{id}'."))
            .WithName("DefinitionDiagram")
            .RequirePermission(Permission.DefinitionsRead);
        return api;
    }

    internal sealed record HealthResponse(string Status, DateTimeOffset At, int Workflows, int OpenTasks, int PendingTimers, int RunningInstances);

    internal sealed record DefinitionSummary(string Id, int Version, string Title, string? Practice, string StartsOn, int Steps);

    internal sealed record DefinitionsResponse(IReadOnlyList<DefinitionSummary> Workflows, IReadOnlyList<string> KnownVersions, string Validation, IReadOnlyList<string> LastEditProblems);
}
