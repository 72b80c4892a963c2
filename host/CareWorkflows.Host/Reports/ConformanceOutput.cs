using System.Globalization;
using System.Text.Json;
using CareWorkflows.Engine.Conformance;
using CareWorkflows.Engine.Persistence;
using CsvHelper;
using Spectre.Console;

namespace CareWorkflows.Host.Reports;

/// <summary>The conformance report as a table, JSON or CSV (columns documented in docs/reports.md).</summary>
internal static class ConformanceOutput
{
    public static readonly string[] Columns = ["practice", "workflow", "runs", "version", "changed_fields", "running_on_current", "running_on_older", "older_versions"];

    public static string Csv(IReadOnlyList<ConformanceRow> rows)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = CsvWriter.Create(text, new CsvWriterOptions(), leaveOpen: true))
        {
            foreach (var column in Columns)
            {
                csv.WriteField(column);
            }

            csv.EndRecord();
            foreach (var row in rows)
            {
                csv.WriteField(row.Practice);
                csv.WriteField(row.Workflow);
                csv.WriteField(Runs(row));
                csv.WriteField(row.Version.ToString(CultureInfo.InvariantCulture));
                csv.WriteField(string.Join("; ", row.Changes));
                csv.WriteField(row.RunningOnCurrent.ToString(CultureInfo.InvariantCulture));
                csv.WriteField(row.RunningOnOlderTotal.ToString(CultureInfo.InvariantCulture));
                csv.WriteField(Older(row));
                csv.EndRecord();
            }
        }

        return text.ToString();
    }

    public static string Json(IReadOnlyList<ConformanceRow> rows) => JsonSerializer.Serialize(rows.Select(row => new
    {
        row.Practice,
        row.Workflow,
        Runs = Runs(row),
        row.Version,
        ChangedFields = row.Changes,
        row.RunningOnCurrent,
        RunningOnOlder = row.RunningOnOlder.ToDictionary(e => e.Key.ToString(CultureInfo.InvariantCulture), e => e.Value),
    }), StoreJson.Options);

    public static void Table(IReadOnlyList<ConformanceRow> rows, IAnsiConsole console)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("practice", "workflow", "runs", "version", "changed fields", "running (current)", "running on older versions");
        foreach (var row in rows)
        {
            table.AddRow(
                Markup.Escape(row.Practice),
                Markup.Escape(row.Workflow),
                Runs(row),
                row.Version.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(row.Changes.Count == 0 ? "-" : string.Join("\n", row.Changes)),
                row.RunningOnCurrent.ToString(CultureInfo.InvariantCulture),
                Older(row) is { Length: > 0 } older ? $"[yellow]{Markup.Escape(older)}[/]" : "-");
        }

        console.Write(table);
    }

    private static string Runs(ConformanceRow row) => row.Overlay ? "overlay" : "standard";

    private static string Older(ConformanceRow row) => string.Join(", ", row.RunningOnOlder.Select(e => $"v{e.Key}: {e.Value}"));
}
