using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Persistence;
using CareWorkflows.Engine.Reports;
using Microsoft.EntityFrameworkCore;

namespace CareWorkflows.Engine.Conformance;

/// <summary>
/// <c>careflow report conformance</c>: per practice, how far it follows the PO's standards (seed 003 4.24). Holds no
/// patient data, so the PO analyst may read it across practices. Practices are those with a practice.yaml or an
/// overlay, and those with instances in the store.
/// </summary>
internal sealed class ConformanceReport(IDbContextFactory<CareflowDbContext> contexts)
{
    public const string Name = "conformance";

    /// <summary>The report's one column set (docs/reports.md).</summary>
    public static readonly IReadOnlyList<ReportColumn> Columns =
    [
        new("practice", "The practice id."),
        new("workflow", "The standard workflow id."),
        new("runs", "standard (as the PO wrote it) or overlay (the practice's overlay of it)."),
        new("version", "The version new instances of this practice start on."),
        new("changed_fields", "For an overlay, each field it changes, 'path: standard value -> overlay value', separated by '; '."),
        new("running_on_current", "Instances of this practice running on version."),
        new("running_on_older", "Instances of this practice still running on older versions."),
        new("older_versions", "Those instances per version, 'v1: 3, v2: 1'."),
    ];

    /// <summary>Every practice, or one; a report table like the monthly reports', without a month.</summary>
    public async Task<ReportTable> BuildAsync(DefinitionSet definitions, string? practice, CancellationToken cancellationToken)
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

        var rows = new List<object?[]>();
        foreach (var id in practices)
        {
            foreach (var standard in definitions.Standards.OrderBy(w => w.Id, StringComparer.Ordinal))
            {
                var runs = definitions.WorkflowFor(standard.Id, id) ?? standard;
                var counts = running.Where(r => r.PracticeId == id && r.WorkflowId == standard.Id).ToList();
                var older = counts.Where(c => c.Version < runs.Version).OrderBy(c => c.Version).ToList();
                rows.Add(
                [
                    id,
                    standard.Id,
                    runs.Practice is null ? "standard" : "overlay",
                    runs.Version,
                    string.Join("; ", runs.OverlayChanges),
                    counts.Where(c => c.Version == runs.Version).Sum(c => c.Count),
                    older.Sum(c => c.Count),
                    string.Join(", ", older.Select(c => $"v{c.Version}: {c.Count}")),
                ]);
            }
        }

        return new ReportTable(Name, "Conformance to the standard workflows", practice ?? "all practices", "", Columns, rows, []);
    }
}
