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
        foreach (var section in new[] { "tasks-by-role", "tasks-by-care-manager", "outreach", "escalations", "ccm-billable", "tcm" })
        {
            var rows = table.Rows.Where(r => (string)r[0]! == section).ToList();
            if (rows.Count == 0)
            {
                continue;
            }

            var periods = rows.Select(r => (string)r[2]!).Distinct().ToList();
            var grid = new Table().Border(TableBorder.Rounded).Title($"{section} (current -> changed)");
            grid.AddColumn(section.StartsWith("tasks", StringComparison.Ordinal) ? section["tasks-by-".Length..] : "");
            foreach (var period in periods)
            {
                grid.AddColumn(new TableColumn(Markup.Escape(period.StartsWith("week ", StringComparison.Ordinal) ? "W" + period[5..period.IndexOf(' ', 5)] : period)).RightAligned());
            }

            grid.AddColumn(new TableColumn("total").RightAligned());
            foreach (var group in rows.GroupBy(r => (string)r[1]!))
            {
                var cells = periods.Select(p => group.FirstOrDefault(r => (string)r[2]! == p) is { } r ? Cell((int)r[3]!, (int)r[4]!) : "").ToList();
                cells.Insert(0, Markup.Escape(group.Key));
                cells.Add(Cell(group.Sum(r => (int)r[3]!), group.Sum(r => (int)r[4]!)));
                grid.AddRow([.. cells]);
            }

            AnsiConsole.Write(grid);
        }

        foreach (var figure in table.Summary)
        {
            AnsiConsole.WriteLine($"{figure.Name}: {ReportTable.Text(figure.Value)}");
        }
    }

    private static string Cell(int current, int changed) =>
        current == changed ? current.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : $"{current}->[bold]{changed}[/]";
}
