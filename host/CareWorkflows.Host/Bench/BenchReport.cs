using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Spectre.Console;

namespace CareWorkflows.Host.Bench;

/// <summary>One named figure of a bench run: a JSON key for scripts, a label and a target for people.</summary>
internal sealed record BenchFigure(string Key, string Label, object Value, string? Target = null, bool? Met = null);

/// <summary>The figures of one run, printed as a table or as one JSON object.</summary>
internal sealed class BenchReport(string name)
{
    private readonly List<BenchFigure> _figures = [];
    private readonly List<string> _notes = [];
    private readonly List<string> _problems = [];

    public string Name { get; } = name;

    /// <summary>Correctness failures (work not done, duplicates); they make the command exit 1.</summary>
    public IReadOnlyList<string> Problems => _problems;

    public static string Machine =>
        $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription.Trim()} {RuntimeInformation.OSArchitecture}, {RuntimeInformation.FrameworkDescription}";

    public void Add(string key, string label, object value, string? target = null, bool? met = null) =>
        _figures.Add(new BenchFigure(key, label, value, target, met));

    public void Note(string note) => _notes.Add(note);

    public void Problem(string problem) => _problems.Add(problem);

    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("bench", Name);
            json.WriteNumber("cores", Environment.ProcessorCount);
            json.WriteString("os", RuntimeInformation.OSDescription.Trim());
            json.WriteString("runtime", RuntimeInformation.FrameworkDescription);
            if (LoadAverage() is { } load)
            {
                json.WriteString("load_average", load);
            }

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

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public void WriteTable()
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title(Markup.Escape($"careflow bench {Name} — {Machine}"));
        table.AddColumn("figure");
        table.AddColumn(new TableColumn("value").RightAligned());
        table.AddColumn("target");
        foreach (var figure in _figures)
        {
            var target = figure.Target is null ? "" : Markup.Escape(figure.Target) + figure.Met switch
            {
                true => " [green]met[/]",
                false => " [red]missed[/]",
                null => "",
            };
            table.AddRow(Markup.Escape(figure.Label), Markup.Escape(Display(figure.Value)), target);
        }

        AnsiConsole.Write(table);
        if (LoadAverage() is { } load)
        {
            AnsiConsole.MarkupLine(Markup.Escape($"Load average when the run ended: {load} (other work on the machine slows every figure)."));
        }

        foreach (var note in _notes)
        {
            AnsiConsole.MarkupLine(Markup.Escape(note));
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
        double number when number >= 100 => number.ToString("N0", CultureInfo.InvariantCulture),
        double number when number >= 1 => number.ToString("0.##", CultureInfo.InvariantCulture),
        double number => number.ToString("0.####", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}

/// <summary>Nearest-rank percentiles.</summary>
internal static class Percentile
{
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
