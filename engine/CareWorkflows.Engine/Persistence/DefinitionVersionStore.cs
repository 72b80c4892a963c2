using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Runtime;
using Microsoft.EntityFrameworkCore;

namespace CareWorkflows.Engine.Persistence;

/// <summary>
/// Keeps every workflow version the engine has run, so an instance keeps its version across restarts and edits.
/// A file whose content changed without a new version number is refused while instances run on that version:
/// an edit must never change the steps under patients already in a workflow.
/// </summary>
internal sealed class DefinitionVersionStore(IDbContextFactory<CareflowDbContext> contexts, TimeProvider time)
{
    /// <summary>Loads stored versions into the history, then stores the current ones; returns the conflicts.</summary>
    public async Task<IReadOnlyList<DefinitionError>> SyncAsync(DefinitionHistory history, DefinitionSet current, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var stored = await db.DefinitionVersions.ToListAsync(cancellationToken);
        var conflicts = new List<DefinitionError>();
        foreach (var workflow in current.Workflows)
        {
            var json = StoreJson.Write(workflow);
            var row = stored.FirstOrDefault(r => r.WorkflowId == workflow.Id && r.Version == workflow.Version && r.Practice == (workflow.Practice ?? ""));
            if (row is null)
            {
                db.DefinitionVersions.Add(new DefinitionVersionRow
                {
                    WorkflowId = workflow.Id,
                    Version = workflow.Version,
                    Practice = workflow.Practice ?? "",
                    Definition = json,
                    StoredAt = time.GetUtcNow(),
                    Source = SourceOf(workflow),
                });
            }
            else if (Steps(row.Definition) != Steps(json))
            {
                var running = await db.Instances.AnyAsync(i => i.WorkflowId == workflow.Id && i.Version == workflow.Version && i.Overlay == workflow.Practice && i.Status == "running", cancellationToken);
                if (running)
                {
                    conflicts.Add(new DefinitionError(ErrorCodes.InvalidValue, workflow.At,
                        $"workflow '{workflow.Id}' version {workflow.Version} changed, but patients are running on version {workflow.Version}. Raise 'version' to {workflow.Version + 1} so they finish on the steps they started."));
                }
                else
                {
                    row.Definition = json;
                    row.StoredAt = time.GetUtcNow();
                    row.Source = SourceOf(workflow);
                }
            }
        }

        if (conflicts.Count > 0)
        {
            return conflicts;
        }

        await db.SaveChangesAsync(cancellationToken);
        foreach (var row in stored.Where(r => current.Workflows.All(w => w.Id != r.WorkflowId || w.Version != r.Version || (w.Practice ?? "") != r.Practice)))
        {
            history.Remember(StoreJson.Read<WorkflowDefinition>(row.Definition));
        }

        return [];
    }

    /// <summary>Every stored version of a workflow (practice "" for the standard), oldest first.</summary>
    public async Task<IReadOnlyList<DefinitionVersionRow>> VersionsAsync(string workflowId, string practice, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.DefinitionVersions.AsNoTracking().Where(r => r.WorkflowId == workflowId && r.Practice == practice)
            .OrderBy(r => r.Version).ToListAsync(cancellationToken);
    }

    /// <summary>Instances of a workflow per version: (running, all).</summary>
    public async Task<IReadOnlyDictionary<int, (int Running, int All)>> InstanceCountsAsync(string workflowId, string? practice, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var counts = await db.Instances.AsNoTracking().Where(i => i.WorkflowId == workflowId && i.Overlay == practice)
            .GroupBy(i => i.Version)
            .Select(g => new { Version = g.Key, Running = g.Count(i => i.Status == "running"), All = g.Count() })
            .ToListAsync(cancellationToken);
        return counts.ToDictionary(c => c.Version, c => (c.Running, c.All));
    }

    /// <summary>Stores a version with its source if the store does not have it yet.</summary>
    public async Task KeepAsync(WorkflowDefinition workflow, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var practice = workflow.Practice ?? "";
        if (!await db.DefinitionVersions.AnyAsync(r => r.WorkflowId == workflow.Id && r.Version == workflow.Version && r.Practice == practice, cancellationToken))
        {
            db.DefinitionVersions.Add(new DefinitionVersionRow
            {
                WorkflowId = workflow.Id,
                Version = workflow.Version,
                Practice = practice,
                Definition = StoreJson.Write(workflow),
                StoredAt = time.GetUtcNow(),
                Source = SourceOf(workflow),
            });
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Records a published version with its source and change note. Refused (returned as an error) when the same
    /// version is stored with other steps and patients run on it.
    /// </summary>
    public async Task<DefinitionError?> PublishAsync(WorkflowDefinition workflow, string source, string note, string by, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var json = StoreJson.Write(workflow);
        var practice = workflow.Practice ?? "";
        var row = await db.DefinitionVersions.FirstOrDefaultAsync(r => r.WorkflowId == workflow.Id && r.Version == workflow.Version && r.Practice == practice, cancellationToken);
        if (row is null)
        {
            row = new DefinitionVersionRow { WorkflowId = workflow.Id, Version = workflow.Version, Practice = practice, Definition = json, StoredAt = time.GetUtcNow() };
            db.DefinitionVersions.Add(row);
        }
        else if (Steps(row.Definition) != Steps(json)
            && await db.Instances.AnyAsync(i => i.WorkflowId == workflow.Id && i.Version == workflow.Version && i.Overlay == workflow.Practice && i.Status == "running", cancellationToken))
        {
            return new DefinitionError(ErrorCodes.InvalidValue, workflow.At,
                $"patients are running on '{workflow.Id}' version {workflow.Version}{(workflow.Practice is null ? "" : $" of practice {workflow.Practice}")}, and this changes its steps. " +
                "Publish the standard with a higher version first, or wait until those instances end.");
        }

        row.Definition = json;
        row.Source = source;
        row.Note = note;
        row.PublishedBy = by;
        row.PublishedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    /// <summary>The text of the file a workflow (or overlay) was read from, if it is still there.</summary>
    public static string? SourceOf(WorkflowDefinition workflow) =>
        File.Exists(workflow.At.File) ? File.ReadAllText(workflow.At.File) : null;

    // What a running patient depends on: the definition without where it was written (paths, lines).
    private static string Steps(string json)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        Strip(node);
        return node.ToJsonString();
    }

    private static void Strip(System.Text.Json.Nodes.JsonNode? node)
    {
        switch (node)
        {
            case System.Text.Json.Nodes.JsonObject obj:
                foreach (var name in obj.Select(p => p.Key).Where(k => k is "at" or "expressionAt" or "nameAt" or "description" or "overlayChanges").ToList())
                {
                    obj.Remove(name);
                }

                foreach (var (_, child) in obj)
                {
                    Strip(child);
                }

                break;
            case System.Text.Json.Nodes.JsonArray array:
                foreach (var child in array)
                {
                    Strip(child);
                }

                break;
        }
    }
}
