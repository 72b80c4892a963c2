using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Persistence;
using CareWorkflows.Engine.Records.Billing;
using CareWorkflows.Engine.Runtime;
using Microsoft.EntityFrameworkCore;

namespace CareWorkflows.Engine.Reports;

/// <summary>A report that cannot be run as asked: an unknown name or a bad month. The message says how to fix it.</summary>
internal sealed class ReportRequestException(string field, string message) : Exception(message)
{
    /// <summary>The option or query parameter at fault (report, month).</summary>
    public string Field { get; } = field;
}

/// <summary>Where the billing rules are read from (the rules folder the host runs on).</summary>
internal sealed record BillingRulesSource(string RulesDirectory)
{
    /// <exception cref="InvalidDataException">billing.yaml is missing or wrong.</exception>
    public BillingRules Current => BillingRules.ForRules(RulesDirectory);
}

/// <summary>Runs the monthly reports (seed 003, 4.27) for one practice and one practice-local month, read-only.</summary>
internal sealed class ReportRunner(IDbContextFactory<CareflowDbContext> contexts, DefinitionHistory definitions, BillingRulesSource billing, TimeProvider time)
{
    /// <summary>Every report, by name.</summary>
    public static readonly IReadOnlyDictionary<string, IReport> Reports = new IReport[]
    {
        new MembersReport(), new CcmReport(), new TcmReport(), new CaseloadReport(), new OutreachReport(), new UtilizationReport(), new GoalsReport(),
    }.ToDictionary(r => r.Name, StringComparer.Ordinal);

    /// <summary>The report's name, checked: known and built.</summary>
    /// <exception cref="ReportRequestException">Unknown or not built yet.</exception>
    public static IReport Find(string name)
    {
        if (Reports.TryGetValue(name, out var report))
        {
            return report;
        }

        throw new ReportRequestException("report", $"Unknown report '{name}'.{Suggestions.DidYouMean(name, Reports.Keys)} Reports: {string.Join(", ", Reports.Keys)} (and conformance, which takes no month).");
    }

    /// <summary>Runs a report.</summary>
    /// <exception cref="ReportRequestException">Unknown report or a month that is not YYYY-MM.</exception>
    /// <exception cref="InvalidDataException">rules/codes/billing.yaml is missing or wrong.</exception>
    public async Task<ReportTable> RunAsync(string name, string practiceId, string month, CancellationToken cancellationToken)
    {
        var report = Find(name);
        var parsed = ReportMonth.Parse(month) ?? throw new ReportRequestException("month", ReportMonth.Problem(month));
        var rules = billing.Current;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var current = definitions.Current;
        var context = new ReportContext(db, practiceId, parsed, current.Practice(practiceId).Calendar, current.Catalog, rules, time.GetUtcNow());
        var (rows, summary) = await report.BuildAsync(context, cancellationToken);
        return new ReportTable(report.Name, report.Title, practiceId, parsed.Text, report.Columns, rows, summary);
    }
}
