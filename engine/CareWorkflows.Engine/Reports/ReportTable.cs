using System.Globalization;

namespace CareWorkflows.Engine.Reports;

/// <summary>A column of a report: its CSV header and what it means (docs/reports.md lists the same).</summary>
internal sealed record ReportColumn(string Name, string Meaning);

/// <summary>A figure about the whole report (a rate, a total), shown under the table and in the JSON; never a CSV row.</summary>
internal sealed record ReportFigure(string Name, object? Value, string Meaning);

/// <summary>
/// A finished report: one row per patient, discharge, staff member, channel or group, in the report's one column set.
/// Cells are text, whole numbers, decimals, yes/no (bool) or empty (null); times are practice-local text.
/// </summary>
internal sealed record ReportTable(string Report, string Title, string Practice, string Month, IReadOnlyList<ReportColumn> Columns, IReadOnlyList<object?[]> Rows, IReadOnlyList<ReportFigure> Summary)
{
    /// <summary>A cell as CSV and the terminal show it: yes/no, invariant numbers, empty for nothing.</summary>
    public static string Text(object? value) => value switch
    {
        null => "",
        bool b => b ? "yes" : "no",
        decimal d => d.ToString("0.##", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}

/// <summary>A calendar month of the practice (YYYY-MM), and its first and last instants in the practice's time zone.</summary>
internal sealed record ReportMonth(int Year, int Month)
{
    public DateOnly FirstDay => new(Year, Month, 1);

    public DateOnly LastDay => FirstDay.AddMonths(1).AddDays(-1);

    public string Text => FirstDay.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>The month's first instant on the practice's calendar (local midnight of its first day).</summary>
    public DateTimeOffset Start(Time.PracticeCalendar calendar) => calendar.AtLocalTime(FirstDay, TimeOnly.MinValue);

    /// <summary>The next month's first instant: the month is [Start, End).</summary>
    public DateTimeOffset End(Time.PracticeCalendar calendar) => calendar.AtLocalTime(FirstDay.AddMonths(1), TimeOnly.MinValue);

    /// <summary>What to say about text that is not a month.</summary>
    public static string Problem(string? text) => $"'{text}' is not a month; write it as YYYY-MM, e.g. 2026-11.";

    /// <summary>Reads YYYY-MM; null when the text is not a month.</summary>
    public static ReportMonth? Parse(string? text) =>
        DateOnly.TryParseExact($"{text}-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? new ReportMonth(day.Year, day.Month) : null;
}
