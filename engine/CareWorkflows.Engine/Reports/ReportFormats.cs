using System.Text.Json;
using CsvHelper;

namespace CareWorkflows.Engine.Reports;

/// <summary>The formats a report is written in; the terminal table is the host's (Spectre.Console).</summary>
internal static class ReportFormats
{
    /// <summary>The formats, as --format and ?format= take them.</summary>
    public static readonly IReadOnlyList<string> Names = ["csv", "json", "table"];

    /// <summary>
    /// RFC 4180 CSV: the header row (the report's columns), then one line per row; no summary lines. Staff-written text
    /// that starts like a spreadsheet formula is escaped (CSV injection).
    /// </summary>
    public static void WriteCsv(ReportTable table, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(table);
        using var csv = CsvWriter.Create(writer, CsvWriterOptions.Default with { Injection = CsvInjection.Escape }, leaveOpen: true);
        foreach (var column in table.Columns)
        {
            csv.WriteField(column.Name);
        }

        csv.EndRecord();
        foreach (var row in table.Rows)
        {
            foreach (var cell in row)
            {
                csv.WriteField(ReportTable.Text(cell));
            }

            csv.EndRecord();
        }

        csv.Flush();
    }

    /// <summary>
    /// One JSON object: report, title, practice, month, columns (name and meaning), rows (objects keyed by column, with
    /// numbers as numbers and yes/no as true/false) and summary (figures by name).
    /// </summary>
    public static void WriteJson(ReportTable table, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(table);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("report", table.Report);
        json.WriteString("title", table.Title);
        json.WriteString("practice", table.Practice);
        json.WriteString("month", table.Month);
        json.WriteStartArray("columns");
        foreach (var column in table.Columns)
        {
            json.WriteStartObject();
            json.WriteString("name", column.Name);
            json.WriteString("meaning", column.Meaning);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("rows");
        foreach (var row in table.Rows)
        {
            json.WriteStartObject();
            for (var i = 0; i < table.Columns.Count; i++)
            {
                json.WritePropertyName(table.Columns[i].Name);
                Write(json, row[i]);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartObject("summary");
        foreach (var figure in table.Summary)
        {
            json.WritePropertyName(figure.Name);
            Write(json, figure.Value);
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void Write(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNullValue();
                break;
            case bool b:
                json.WriteBooleanValue(b);
                break;
            case int i:
                json.WriteNumberValue(i);
                break;
            case decimal d:
                json.WriteNumberValue(d);
                break;
            default:
                json.WriteStringValue(ReportTable.Text(value));
                break;
        }
    }
}
