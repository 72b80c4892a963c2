using System.Globalization;
using System.Net;
using System.Text;

namespace CareWorkflows.Host.Pages.Reports;

/// <summary>One bar: its label, its length, and the figure written beside it.</summary>
internal sealed record Bar(string Label, double Value, string Shown);

/// <summary>
/// A horizontal bar chart as inline SVG, drawn on the server: labels on the left, one bar a row, the figure at the
/// bar's end. Titled and described for screen readers (role="img" with a title and a description listing every bar).
/// </summary>
internal static class BarChart
{
    private const int Width = 520;
    private const int LabelWidth = 130;
    private const int Row = 30;
    private const int Top = 10;

    public static string Render(string id, string title, IReadOnlyList<Bar> bars, double? scaleMax = null)
    {
        ArgumentNullException.ThrowIfNull(bars);
        var height = Top + (Math.Max(bars.Count, 1) * Row) + 10;
        var max = scaleMax ?? Math.Max(bars.Select(b => b.Value).DefaultIfEmpty(0).Max(), 1);
        var room = Width - LabelWidth - 150;
        var svg = new StringBuilder();
        var description = bars.Count == 0 ? "No data." : string.Join("; ", bars.Select(b => $"{b.Label}: {b.Shown}")) + ".";
        svg.Append(F($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"bar-chart\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" viewBox=\"0 0 {Width} {height}\" width=\"{Width}\" height=\"{height}\" font-family=\"system-ui, sans-serif\" font-size=\"13\">"));
        svg.Append(F($"<title id=\"{id}-title\">{Text(title)}</title><desc id=\"{id}-desc\">{Text(description)}</desc>"));
        if (bars.Count == 0)
        {
            svg.Append(F($"<text x=\"10\" y=\"{Top + 18}\" fill=\"#475467\">No data for this month.</text>"));
        }

        for (var i = 0; i < bars.Count; i++)
        {
            var bar = bars[i];
            var y = Top + (i * Row);
            var length = max <= 0 ? 0 : Math.Max(bar.Value / max * room, bar.Value > 0 ? 2 : 0);
            svg.Append(F($"<text x=\"{LabelWidth - 8}\" y=\"{y + 19}\" text-anchor=\"end\" fill=\"#101828\">{Text(Shorten(bar.Label))}</text>"));
            svg.Append(F($"<rect class=\"bar\" x=\"{LabelWidth}\" y=\"{y + 5}\" width=\"{length:0.#}\" height=\"{Row - 10}\" fill=\"#0b4fa8\"><title>{Text($"{bar.Label}: {bar.Shown}")}</title></rect>"));
            svg.Append(F($"<text x=\"{LabelWidth + length + 6:0.#}\" y=\"{y + 19}\" fill=\"#101828\">{Text(bar.Shown)}</text>"));
        }

        svg.Append(F($"<line x1=\"{LabelWidth}\" y1=\"{Top}\" x2=\"{LabelWidth}\" y2=\"{height - 10}\" stroke=\"#475467\"/></svg>"));
        return svg.ToString();
    }

    private static string Shorten(string text) => text.Length <= 18 ? text : string.Concat(text.AsSpan(0, 17), "…");

    private static string Text(string text) => WebUtility.HtmlEncode(text);

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
