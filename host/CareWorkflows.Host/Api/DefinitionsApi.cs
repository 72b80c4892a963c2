using CareWorkflows.Engine.Diagrams;
using CareWorkflows.Engine.Persistence;
using CareWorkflows.Engine.Publishing;
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
            catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException || Engine.Persistence.StoreOutage.Is(ex))
            {
                return TypedResults.Problem($"The database cannot be read: {ex.Message}", statusCode: StatusCodes.Status503ServiceUnavailable, title: "The store is unavailable.");
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

        api.MapGet("/definitions/{id}/versions", async (string id, string? practice, DefinitionHistory history, DefinitionPublisher publisher, CancellationToken cancellationToken) =>
            TypedResults.Ok(await publisher.HistoryAsync(id, practice, history.Current.Workflows.FirstOrDefault(w => w.Id == id && w.Practice == practice)?.Version, cancellationToken)))
            .WithName("DefinitionVersions")
            .WithSummary("A workflow's versions (or a practice overlay's, with ?practice=): when each was first run or published, by whom, the change note, and how many instances run on it.")
            .RequirePermission(Permission.DefinitionsRead);

        api.MapPost("/definitions/{id}/versions", PublishAsync)
            .Accepts<string>("application/yaml", "text/yaml", "text/plain")
            .WithName("PublishDefinition")
            .WithSummary("Publish an edited definition (the YAML file as the request body) with ?note=, checked exactly as 'careflow validate' would; a standard must raise its version. Nothing is written when a check fails. An overlay names its practice with ?practice=; a standard needs a PO-level key.")
            .RequirePermission(Permission.DefinitionsPublish);

        api.MapPost("/definitions/{id}/rollback", RollbackAsync)
            .WithName("RollbackDefinition")
            .WithSummary("Publish an earlier version's text again as a new, higher version (an overlay's with ?practice=). Running instances keep the version they started on.")
            .RequirePermission(Permission.DefinitionsPublish);

        return api;
    }

    private static async Task<Results<Ok<PublishedResponse>, ProblemHttpResult>> PublishAsync(
        string id, string? note, string? practice, HttpContext context, ServeOptions options, DefinitionPublisher publisher, DefinitionWatcher watcher, CancellationToken cancellationToken)
    {
        // The body limit of /api (RequestLimits, 1 MB, the same as a definition file's) answers 413 before this runs.
        using var reader = new StreamReader(context.Request.Body);
        var yaml = await reader.ReadToEndAsync(cancellationToken);
        var request = new PublishRequest(yaml, note ?? "", Caller(context)) { Practice = practice, Workflow = id };
        return await Answer(await publisher.PublishAsync(options.WorkflowsDirectory, options.RulesDirectory, request, cancellationToken), watcher, cancellationToken);
    }

    private static async Task<Results<Ok<PublishedResponse>, ProblemHttpResult>> RollbackAsync(
        string id, string? practice, RollbackRequest request, HttpContext context, ServeOptions options, DefinitionPublisher publisher, DefinitionWatcher watcher, CancellationToken cancellationToken) =>
        await Answer(await publisher.RollbackAsync(options.WorkflowsDirectory, options.RulesDirectory, id, practice, request.To, request.Note ?? "", Caller(context), cancellationToken), watcher, cancellationToken);

    private static async Task<Results<Ok<PublishedResponse>, ProblemHttpResult>> Answer(PublishOutcome outcome, DefinitionWatcher watcher, CancellationToken cancellationToken)
    {
        if (!outcome.Published)
        {
            return TypedResults.Problem(
                title: "The definition was not published; nothing was written.",
                detail: string.Join("\n", outcome.Errors),
                statusCode: StatusCodes.Status422UnprocessableEntity,
                extensions: new Dictionary<string, object?> { ["problems"] = outcome.Errors.Select(e => new { code = e.Code, at = e.At.ToString(), message = e.Message }).ToList() });
        }

        await watcher.ReloadNowAsync(cancellationToken);
        var workflow = outcome.Workflow!;
        return TypedResults.Ok(new PublishedResponse(workflow.Id, workflow.Version, workflow.Practice, outcome.File!.Replace('\\', '/'), watcher.LastReload is { Errors.Count: 0 }));
    }

    // The authenticated key's name (or the JWT's subject) is recorded as who published.
    private static string Caller(HttpContext context) => CareflowClaims.User(context.User)?.Name ?? context.User.Identity?.Name ?? "api";

    internal sealed record RollbackRequest(int To, string? Note);

    internal sealed record PublishedResponse(string Workflow, int Version, string? Practice, string File, bool Active);

    internal sealed record HealthResponse(string Status, DateTimeOffset At, int Workflows, int OpenTasks, int PendingTimers, int RunningInstances);

    internal sealed record DefinitionSummary(string Id, int Version, string Title, string? Practice, string StartsOn, int Steps);

    internal sealed record DefinitionsResponse(IReadOnlyList<DefinitionSummary> Workflows, IReadOnlyList<string> KnownVersions, string Validation, IReadOnlyList<string> LastEditProblems);
}
