using System.Globalization;
using CareWorkflows.Engine.Reports;
using CareWorkflows.Engine.WhatIf;
using Spectre.Console;

namespace CareWorkflows.Host.Cli;

/// <summary>The what-if report in the terminal: the assumptions, the patients who change, then one table per section with the weeks as columns.</summary>
internal static class WhatIfTable
{
    public static void Write(ReportTable table, WhatIfResult result)
    {
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(table.Title)}[/] — practice {Markup.Escape(table.Practice)}, {result.Settings.Weeks} weeks from {result.Settings.Start:yyyy-MM-dd}, {result.Current.Count:N0} patients");
        foreach (var assumption in result.Assumptions)
        {
            AnsiConsole.WriteLine("  * " + assumption);
        }

        var groups = new Table().Border(TableBorder.Rounded).Title("Patients whose tier or programs change");
        groups.AddColumns("tier", "patients", "rules and programs");
        foreach (var row in table.Rows.Where(r => (string)r[0]! == "patients"))
        {
            groups.AddRow(Markup.Escape((string)row[1]!), ReportTable.Text(row[5]), Markup.Escape((string?)row[6] ?? ""));
        }

        if (groups.Rows.Count == 0)
        {
            groups.AddRow("none", "0", "");
        }

        AnsiConsole.Write(groups);
        var weeks = result.Settings.Weeks;
        foreach (var section in new[] { "tasks-by-role", "tasks-by-care-manager", "outreach", "escalations" })
        {
            var grid = new Table().Border(TableBorder.Rounded).Title($"{section}: per week over {weeks} weeks (every week in the CSV)");
            grid.AddColumns(new TableColumn(section.StartsWith("tasks", StringComparison.Ordinal) ? section["tasks-by-".Length..] : ""), new TableColumn("current").RightAligned(),
                new TableColumn("changed").RightAligned(), new TableColumn("change").RightAligned(), new TableColumn("busiest week, changed").RightAligned());
            foreach (var group in table.Rows.Where(r => (string)r[0]! == section).GroupBy(r => (string)r[1]!))
            {
                var (current, changed) = (group.Sum(r => (int)r[3]!), group.Sum(r => (int)r[4]!));
                var busiest = group.MaxBy(r => (int)r[4]!)!;
                grid.AddRow(Markup.Escape(group.Key), PerWeek(current, weeks), PerWeek(changed, weeks), Change(current, changed, weeks), $"{(int)busiest[4]!} ({Markup.Escape((string)busiest[2]!)})");
            }

            AnsiConsole.Write(grid);
        }

        var other = new Table().Border(TableBorder.Rounded).Title("CCM-billable patients per month, TCM contact deadlines");
        other.AddColumns(new TableColumn(""), new TableColumn("period"), new TableColumn("current").RightAligned(), new TableColumn("changed").RightAligned(), new TableColumn("difference").RightAligned());
        foreach (var row in table.Rows.Where(r => (string)r[0]! is "ccm-billable" or "tcm"))
        {
            other.AddRow(Markup.Escape((string)row[0]! == "tcm" ? $"TCM {row[1]}" : "CCM-billable patients"), Markup.Escape((string)row[2]!), ReportTable.Text(row[3]), ReportTable.Text(row[4]), Signed((int)row[5]!));
        }

        AnsiConsole.Write(other);
        foreach (var figure in table.Summary)
        {
            AnsiConsole.WriteLine($"{figure.Name}: {ReportTable.Text(figure.Value)}");
        }
    }

    private static string PerWeek(int total, int weeks) => (total / (decimal)weeks).ToString("0.0", CultureInfo.InvariantCulture);

    private static string Change(int current, int changed, int weeks) =>
        current == changed ? "same"
        : $"[bold]{(changed - current >= 0 ? "+" : "")}{((changed - current) / (decimal)weeks).ToString("0.0", CultureInfo.InvariantCulture)}[/]" + (current == 0 ? "" : $" ({(changed - current) * 100m / current:+0;-0}%)");

    private static string Signed(int value) => value > 0 ? $"+{value}" : value.ToString(CultureInfo.InvariantCulture);
}
