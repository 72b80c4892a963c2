using System.Globalization;
using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Persistence;
using CareWorkflows.Engine.Records.Billing;
using CareWorkflows.Engine.Runtime;
using CareWorkflows.Engine.Time;
using Microsoft.EntityFrameworkCore;

namespace CareWorkflows.Engine.Reports;

/// <summary>What every report reads: one practice, one month on its calendar, the catalog, the billing rules, the store, now.</summary>
internal sealed class ReportContext(CareflowDbContext db, string practiceId, ReportMonth month, PracticeCalendar calendar, Catalog catalog, BillingRules rules, DateTimeOffset now)
{
    public CareflowDbContext Db { get; } = db;

    public string PracticeId { get; } = practiceId;

    public ReportMonth Month { get; } = month;

    public PracticeCalendar Calendar { get; } = calendar;

    public Catalog Catalog { get; } = catalog;

    public BillingRules Rules { get; } = rules;

    public DateTimeOffset Now { get; } = now;

    /// <summary>The month's first instant (local midnight of its first day).</summary>
    public DateTimeOffset Start => Month.Start(Calendar);

    /// <summary>The next month's first instant: the month is [Start, End).</summary>
    public DateTimeOffset End => Month.End(Calendar);

    /// <summary>An instant as practice-local text, to the minute.</summary>
    public string Local(DateTimeOffset? instant) =>
        instant is { } at ? TimeZoneInfo.ConvertTime(at, Calendar.TimeZone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "";

    /// <summary>A date as text.</summary>
    public static string Date(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";

    /// <summary>Applied events of the given types between two instants, oldest first (discharges, visits, ED visits ...).</summary>
    public async Task<List<WorkflowEvent>> EventsAsync(IReadOnlyCollection<string> types, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var rows = await Db.Inbox.AsNoTracking()
            .Where(r => r.PracticeId == PracticeId && r.Status == InboxStatus.Done && types.Contains(r.Type) && r.At >= from && r.At < to)
            .OrderBy(r => r.At).ThenBy(r => r.Sequence).Select(r => r.Payload).ToListAsync(cancellationToken);
        return [.. rows.Select(StoreJson.Read<WorkflowEvent>)];
    }

    /// <summary>Every patient record of the practice.</summary>
    public async Task<List<PatientRecord>> PatientsAsync(CancellationToken cancellationToken) =>
        [.. (await Db.Patients.AsNoTracking().Where(p => p.PracticeId == PracticeId).ToListAsync(cancellationToken)).Select(RowMapping.ToRecord)];

    /// <summary>A ratio as a percentage with one decimal; null when there is nothing to divide by.</summary>
    public static decimal? Percent(int part, int whole) => whole == 0 ? null : Math.Round(100m * part / whole, 1);
}

/// <summary>One report: its name, its one column set, and how its rows are made.</summary>
internal interface IReport
{
    public string Name { get; }

    public string Title { get; }

    public IReadOnlyList<ReportColumn> Columns { get; }

    public Task<(IReadOnlyList<object?[]> Rows, IReadOnlyList<ReportFigure> Summary)> BuildAsync(ReportContext context, CancellationToken cancellationToken);
}
