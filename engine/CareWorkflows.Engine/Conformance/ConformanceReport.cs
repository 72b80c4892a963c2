using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CareWorkflows.Engine.Conformance;

/// <summary>
/// One standard workflow as one practice runs it: the standard as is or its overlay, at which version, the fields
/// the overlay changes, and the patients still running on older versions.
/// </summary>
public sealed record ConformanceRow(
    string Practice,
    string Workflow,
    bool Overlay,
    int Version,
    IReadOnlyList<OverlayChange> Changes,
    int RunningOnCurrent,
    IReadOnlyDictionary<int, int> RunningOnOlder)
{
    /// <summary>Instances running on a version older than the current one.</summary>
    public int RunningOnOlderTotal => RunningOnOlder.Values.Sum();
}

/// <summary>
/// <c>careflow report conformance</c>: per practice, how far it follows the PO's standards (seed 003 4.24). Holds no
/// patient data, so the PO analyst may read it across practices. Practices are those with a practice.yaml or an
/// overlay, and those with instances in the store.
/// </summary>
internal sealed class ConformanceReport(IDbContextFactory<CareflowDbContext> contexts)
{
    public async Task<IReadOnlyList<ConformanceRow>> BuildAsync(DefinitionSet definitions, string? practice, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var running = await db.Instances.AsNoTracking()
            .Where(i => i.Status == "running" && (practice == null || i.PracticeId == practice))
            .GroupBy(i => new { i.PracticeId, i.WorkflowId, i.Version })
            .Select(g => new { g.Key.PracticeId, g.Key.WorkflowId, g.Key.Version, Count = g.Count() })
            .ToListAsync(cancellationToken);

        var practices = definitions.Practices.Keys
            .Concat(definitions.Workflows.Where(w => w.Practice is not null).Select(w => w.Practice!))
            .Concat(running.Select(r => r.PracticeId))
            .Where(p => practice is null || p == practice)
            .Append(practice)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);

        var rows = new List<ConformanceRow>();
        foreach (var id in practices)
        {
            foreach (var standard in definitions.Standards.OrderBy(w => w.Id, StringComparer.Ordinal))
            {
                var runs = definitions.WorkflowFor(standard.Id, id) ?? standard;
                var counts = running.Where(r => r.PracticeId == id && r.WorkflowId == standard.Id).ToList();
                rows.Add(new ConformanceRow(
                    id,
                    standard.Id,
                    runs.Practice is not null,
                    runs.Version,
                    runs.OverlayChanges,
                    counts.Where(c => c.Version == runs.Version).Sum(c => c.Count),
                    counts.Where(c => c.Version < runs.Version).OrderBy(c => c.Version).ToDictionary(c => c.Version, c => c.Count)));
            }
        }

        return rows;
    }
}
