using System.Globalization;
using CareWorkflows.Engine.Reports;
using CareWorkflows.Engine.Runtime;
using CareWorkflows.Host.Access;
using CareWorkflows.Host.Api;
using Microsoft.AspNetCore.Mvc;

namespace CareWorkflows.Host.Pages.Reports;

/// <summary>A chart of one month's report, and the figures it is drawn from.</summary>
internal sealed record ReportChart(string Id, string Title, string Explanation, string Svg, IReadOnlyList<Bar> Bars);

/// <summary>
/// The monthly reports of a practice as charts (CCM minutes distribution, TCM compliance by month, caseload per care
/// manager, outreach reach rate), and every report as a CSV download, with the API's access rules.
/// </summary>
[PagePermission(Permission.ReportsRead)]
internal sealed class IndexModel(ReportRunner reports, DefinitionHistory definitions, TimeProvider time) : CareflowPage
{
    private const int TcmMonths = 6;
    private static readonly (string Label, int From, int To)[] MinuteBins = [("0 minutes", 0, 0), ("1–9", 1, 9), ("10–19", 10, 19), ("20–39 (99490)", 20, 39), ("40–59", 40, 59), ("60 or more", 60, int.MaxValue)];

    [BindProperty(SupportsGet = true)]
    public string? Month { get; set; }

    public IReadOnlyList<ReportChart> Charts { get; private set; } = [];

    public IReadOnlyList<(string Name, string Title, string? Refusal)> Downloads { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string practiceId, CancellationToken cancellationToken)
    {
        var calendar = definitions.Current.Practice(practiceId).Calendar;
        Month ??= calendar.LocalDate(time.GetUtcNow()).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        if (ReportMonth.Parse(Month) is not { } month)
        {
            ModelState.AddModelError(nameof(Month), ReportMonth.Problem(Month));
            return Page();
        }

        Downloads = [.. ReportRunner.Reports.Values.Select(r => (r.Name, r.Title, ReportsApi.PatientLevelRefusal(User, r.Name, practiceId)))];
        var ccm = await reports.RunAsync("ccm", practiceId, month.Text, cancellationToken);
        var caseload = await reports.RunAsync("caseload", practiceId, month.Text, cancellationToken);
        var outreach = await reports.RunAsync("outreach", practiceId, month.Text, cancellationToken);
        var tcm = new List<Bar>();
        for (var back = TcmMonths - 1; back >= 0; back--)
        {
            var day = month.FirstDay.AddMonths(-back);
            var table = await reports.RunAsync("tcm", practiceId, day.ToString("yyyy-MM", CultureInfo.InvariantCulture), cancellationToken);
            var rate = Figure(table, "compliance_rate");
            tcm.Add(new Bar(table.Month, rate ?? 0, rate is null ? "no discharges" : F($"{rate:0.#}% of {table.Rows.Count}")));
        }

        var minutes = Column(ccm, "counted_minutes").Select(v => Convert.ToInt32(v ?? 0, CultureInfo.InvariantCulture)).ToList();
        Charts =
        [
            Chart("ccm-minutes", $"CCM minutes per patient, {month.Text}", $"How many patients reached each band of counted clinical-staff minutes ({minutes.Count} patient{(minutes.Count == 1 ? "" : "s")}). 20 minutes a calendar month is the CCM threshold (99490).",
                [.. MinuteBins.Select(b => minutes.Count(m => m >= b.From && m <= b.To)).Zip(MinuteBins, (n, b) => new Bar(b.Label, n, F($"{n} patient{(n == 1 ? "" : "s")}")))]),
            Chart("tcm-compliance", $"TCM compliance by month, {tcm[0].Label} to {month.Text}", "Percent of discharges with the contact on time, a visit within 14 days and medication reconciliation by the visit.", tcm, 100),
            Chart("caseload", $"Caseload per care manager, {month.Text}", "Open tasks each staff member owns now (claimed, or of the patients they manage), with their enrolled patients; (unassigned) is work nobody owns yet.",
                [.. caseload.Rows.Select(r => (Staff: Cell(caseload, r, "staff"), Patients: Number(caseload, r, "enrolled_patients"), Open: Number(caseload, r, "open_tasks")))
                    .Select(c => new Bar(c.Staff, c.Open, F($"{c.Open} tasks, {c.Patients} patients")))]),
            Chart("outreach", $"Outreach reach rate by channel, {month.Text}", $"Contact attempts that reached the patient or caregiver; every channel: {Figure(outreach, "reach_rate")?.ToString("0.#", CultureInfo.InvariantCulture) ?? "no attempts"}{(Figure(outreach, "reach_rate") is null ? "" : "%")}.",
                [.. outreach.Rows.Select(r => (Channel: Cell(outreach, r, "channel"), Rate: Number(outreach, r, "reach_rate"), Attempts: Number(outreach, r, "attempts")))
                    .Select(c => new Bar(c.Channel, c.Rate, F($"{c.Rate:0.#}% of {c.Attempts}")))], 100),
        ];
        return Page();
    }

    /// <summary>A report as CSV: the same file the API's format=csv answers, with the same refusal of patient-level reports.</summary>
    public async Task<IActionResult> OnGetCsvAsync(string practiceId, string? report, CancellationToken cancellationToken)
    {
        if (report is null || !ReportRunner.Reports.ContainsKey(report))
        {
            return PageErrors.NotFound($"Unknown report '{report}'. Reports: {string.Join(", ", ReportRunner.Reports.Keys)}.");
        }

        if (ReportsApi.PatientLevelRefusal(User, report, practiceId) is { } refusal)
        {
            await PageErrors.WriteForbiddenAsync(HttpContext, refusal);
            return new EmptyResult();
        }

        if (ReportMonth.Parse(Month) is not { } month)
        {
            return PageErrors.NotFound($"No such month: {ReportMonth.Problem(Month)}");
        }

        var (bytes, name) = ReportsApi.Csv(await reports.RunAsync(report, practiceId, month.Text, cancellationToken));
        return File(bytes, "text/csv; charset=utf-8", name);
    }

    private static ReportChart Chart(string id, string title, string explanation, IReadOnlyList<Bar> bars, double? scaleMax = null) =>
        new(id, title, explanation, BarChart.Render(id, title, bars, scaleMax), bars);

    private static IEnumerable<object?> Column(ReportTable table, string name)
    {
        var index = Index(table, name);
        return table.Rows.Select(r => r[index]);
    }

    private static string Cell(ReportTable table, object?[] row, string name) => ReportTable.Text(row[Index(table, name)]);

    private static double Number(ReportTable table, object?[] row, string name) => row[Index(table, name)] is IConvertible value ? value.ToDouble(CultureInfo.InvariantCulture) : 0;

    private static double? Figure(ReportTable table, string name) =>
        table.Summary.FirstOrDefault(f => f.Name == name)?.Value is IConvertible value ? value.ToDouble(CultureInfo.InvariantCulture) : null;

    private static int Index(ReportTable table, string name)
    {
        for (var i = 0; i < table.Columns.Count; i++)
        {
            if (table.Columns[i].Name == name)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"The {table.Report} report has no column '{name}'.");
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
