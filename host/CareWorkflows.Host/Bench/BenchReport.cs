using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Spectre.Console;

namespace CareWorkflows.Host.Bench;

/// <summary>One named figure of a bench run: a JSON key for scripts, a label and a target for people.</summary>
internal sealed record BenchFigure(string Key, string Label, object Value, string? Target = null, bool? Met = null);

/// <summary>The figures of one run, printed as a table or as one JSON object.</summary>
/// <param name="name">The bench's key: b0 ... b4, events.</param>
/// <param name="title">What it measures, for people.</param>
internal sealed class BenchReport(string name, string title)
{
    private readonly List<BenchFigure> _figures = [];
    private readonly List<string> _notes = [];
    private readonly List<string> _problems = [];

    public string Name { get; } = name;

    public string Title { get; } = title;

    public IReadOnlyList<BenchFigure> Figures => _figures;

    public IReadOnlyList<string> Notes => _notes;

    /// <summary>Correctness failures (work not done, duplicates); they make the command exit 1.</summary>
    public IReadOnlyList<string> Problems => _problems;

    public static string Machine =>
        $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription.Trim()} {RuntimeInformation.OSArchitecture}, {RuntimeInformation.FrameworkDescription}";

    public void Add(string key, string label, object value, string? target = null, bool? met = null) =>
        _figures.Add(new BenchFigure(key, label, value, target, met));

    /// <summary>A figure this run could not measure: the JSON value is the text "not run: ..." with the reason.</summary>
    public void NotRun(string key, string label, string reason, string? target = null) =>
        _figures.Add(new BenchFigure(key, label, $"not run: {reason}", target));

    public void Note(string note) => _notes.Add(note);

    public void Problem(string problem) => _problems.Add(problem);

    public string ToJson() => Json(json =>
    {
        json.WriteStartObject();
        json.WriteString("bench", Name);
        WriteMachine(json);
        WriteFigures(json);
        json.WriteEndObject();
    });

    /// <summary>Several benches as one object: the machine, then one object of figures per bench, keyed B0, B1 ...</summary>
    public static string ToJson(IReadOnlyList<BenchReport> reports) => Json(json =>
    {
        json.WriteStartObject();
        json.WriteStartObject("machine");
        WriteMachine(json);
        json.WriteEndObject();
        foreach (var report in reports)
        {
            json.WriteStartObject(report.Name.ToUpperInvariant());
            json.WriteString("title", report.Title);
            report.WriteFigures(json);
            json.WriteEndObject();
        }

        json.WriteEndObject();
    });

    public void WriteTable() => WriteTable([this]);

    /// <summary>One table for people: a row per figure, with its target met or missed; the notes below it.</summary>
    public static void WriteTable(IReadOnlyList<BenchReport> reports)
    {
        var several = reports.Count > 1;
        var table = new Table().Border(TableBorder.Rounded)
            .Title(Markup.Escape(several ? $"careflow bench all — {Machine}" : $"careflow bench {reports[0].Name} ({reports[0].Title}) — {Machine}"));
        if (several)
        {
            table.AddColumn("bench");
        }

        table.AddColumn("figure");
        table.AddColumn(new TableColumn("value").RightAligned());
        table.AddColumn("target");
        foreach (var report in reports)
        {
            var first = true;
            foreach (var figure in report._figures)
            {
                var target = figure.Target is null ? "" : Markup.Escape(figure.Target) + figure.Met switch
                {
                    true => " [green]met[/]",
                    false => " [red]missed[/]",
                    null => "",
                };
                var row = new List<string> { Markup.Escape(figure.Label), Markup.Escape(Display(figure.Value)), target };
                if (several)
                {
                    row.Insert(0, first ? Markup.Escape($"{report.Name.ToUpperInvariant()} {report.Title}") : "");
                }

                table.AddRow([.. row]);
                first = false;
            }

            if (several && report != reports[^1])
            {
                table.AddEmptyRow();
            }
        }

        AnsiConsole.Write(table);
        if (LoadAverage() is { } load)
        {
            AnsiConsole.MarkupLine(Markup.Escape($"Load average when the run ended: {load} (other work on the machine slows every figure)."));
        }

        foreach (var report in reports)
        {
            foreach (var note in report._notes)
            {
                AnsiConsole.MarkupLine(Markup.Escape(several ? $"{report.Name.ToUpperInvariant()}: {note}" : note));
            }
        }
    }

    private static string Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            write(json);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteMachine(Utf8JsonWriter json)
    {
        json.WriteNumber("cores", Environment.ProcessorCount);
        json.WriteString("os", RuntimeInformation.OSDescription.Trim());
        json.WriteString("runtime", RuntimeInformation.FrameworkDescription);
        if (LoadAverage() is { } load)
        {
            json.WriteString("load_average", load);
        }
    }

    private void WriteFigures(Utf8JsonWriter json)
    {
        foreach (var figure in _figures)
        {
            switch (figure.Value)
            {
                case bool flag:
                    json.WriteBoolean(figure.Key, flag);
                    break;
                case int whole:
                    json.WriteNumber(figure.Key, whole);
                    break;
                case long whole:
                    json.WriteNumber(figure.Key, whole);
                    break;
                case double number when !double.IsFinite(number):
                    json.WriteNull(figure.Key);
                    break;
                case double number:
                    json.WriteNumber(figure.Key, Math.Round(number, Math.Abs(number) >= 100 ? 0 : Math.Abs(number) >= 1 ? 2 : 4));
                    break;
                default:
                    json.WriteString(figure.Key, Convert.ToString(figure.Value, CultureInfo.InvariantCulture));
                    break;
            }
        }
    }

    /// <summary>The 1, 5 and 15-minute load averages on Linux; null elsewhere.</summary>
    private static string? LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string Display(object value) => value switch
    {
        bool flag => flag ? "yes" : "no",
        int whole => whole.ToString("N0", CultureInfo.InvariantCulture),
        long whole => whole.ToString("N0", CultureInfo.InvariantCulture),
        double number when !double.IsFinite(number) => "—",
        double number when Math.Abs(number) >= 100 => number.ToString("N0", CultureInfo.InvariantCulture),
        double number when Math.Abs(number) >= 1 => number.ToString("0.##", CultureInfo.InvariantCulture),
        double number => number.ToString("0.####", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}

/// <summary>Nearest-rank percentiles.</summary>
internal static class Percentile
{
    /// <summary>The middle value of repeated runs (the upper middle of an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];
    }

    public static double Of(IReadOnlyList<double> sorted, double percent)
    {
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(percent / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
