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
                db.DefinitionVersions.Add(new DefinitionVersionRow { WorkflowId = workflow.Id, Version = workflow.Version, Practice = workflow.Practice ?? "", Definition = json, StoredAt = time.GetUtcNow() });
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
                foreach (var name in obj.Select(p => p.Key).Where(k => k is "at" or "expressionAt" or "nameAt" or "description").ToList())
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
